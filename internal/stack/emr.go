package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// buildEMR creates the EMR cluster in the private subnet, when emrEnabled. The workstation, in the same
// subnet, may run kinit against its primary node's KDC and ssh to it; EMR block public access is set in
// the account baseline (see audit.go).
func buildEMR(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*components.EMRCluster, error) {
	if !cfg.EMR.Enabled {
		return nil, nil
	}
	return components.NewEMRCluster(ctx, cfg.PIT+"-emr", &components.EMRClusterArgs{
		PIT: cfg.PIT, ARNs: arns,
		VPCID: s.Network.VPC.ID(), SubnetID: s.Network.PrivateSubnet.ID(), S3PrefixListID: s.Network.S3Endpoint.PrefixListId,
		ClientSecurityGroupIDs: []pulumi.StringInput{s.Compute.Workstation.SecurityGroup.ID()},
		KMSKeyARN:              s.Key.ARN,
		DataInBucketARN:        s.Buckets.DataIn.ARN, OutputBucketARN: s.Buckets.Output.ARN,
		AncillaryBucket: s.Buckets.Ancillary.Name, AncillaryBucketARN: s.Buckets.Ancillary.ARN,
		LogBucket: s.Buckets.Logs.Name, LogBucketARN: s.Buckets.Logs.ARN,
		ReleaseLabel:        cfg.EMR.ReleaseLabel,
		PrimaryInstanceType: cfg.EMR.PrimaryInstanceType, CoreInstanceType: cfg.EMR.CoreInstanceType,
		CoreInstanceCount: cfg.EMR.CoreInstanceCount, IdleMinutes: cfg.EMR.IdleMinutes,
	}, opts...)
}

// privateSubnetTags are the private subnet's extra tags: with EMR, the tag AmazonEMRServicePolicy_v2
// looks for before it launches anything into the subnet.
func privateSubnetTags(cfg *config.Config) map[string]string {
	if !cfg.EMR.Enabled {
		return nil
	}
	return map[string]string{components.EMRManagedPolicyTag: "true"}
}

// endpointStatements are the S3 endpoint policy's statements for the AWS-owned buckets EMR reads and
// writes, when emrEnabled; none otherwise.
func endpointStatements(cfg *config.Config, arns components.ARNs) []components.Statement {
	if !cfg.EMR.Enabled {
		return nil
	}
	return components.EMREndpointStatements(arns, cfg.EMR.ReleaseLabel)
}

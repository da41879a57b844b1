package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// buildEMR creates the EMR cluster in the private subnet, when emrEnabled. The workstation may reach its
// primary node (Kerberos ssh); EMR block public access is set in the account baseline (see audit.go).
func buildEMR(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*components.EMRCluster, error) {
	if !cfg.EMR.Enabled {
		return nil, nil
	}
	return components.NewEMRCluster(ctx, cfg.PIT+"-emr", &components.EMRClusterArgs{
		PIT: cfg.PIT, ARNs: arns,
		VPCID: s.Network.VPC.ID(), SubnetID: s.Network.PrivateSubnet.ID(),
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

// endpointReadBuckets are the buckets the S3 endpoint lets the private subnet read besides the project's:
// the configured source buckets and, with EMR, the buckets EMR nodes install from.
func endpointReadBuckets(cfg *config.Config) []string {
	buckets := append([]string{}, cfg.ReadOnlySourceBuckets...)
	if cfg.EMR.Enabled {
		buckets = append(buckets, components.EMRPlatformBuckets(cfg.Region)...)
	}
	return buckets
}

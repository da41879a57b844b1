package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/emr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EMR defaults and fixed values.
const (
	// DefaultEMREBSSizeGiB is the gp3 storage volume of every node.
	DefaultEMREBSSizeGiB = 64
	// DefaultEMRCertificatePrefix is where, in the ancillary bucket, the in-transit certificates live.
	DefaultEMRCertificatePrefix = "emr/tls/"
	// EMRLogPrefix is the prefix of the cluster's logs in the log bucket.
	EMRLogPrefix = "emr/"
	// EMRManagedPolicyTag is the tag AmazonEMRServicePolicy_v2 requires on the subnet and security groups
	// that EMR may use.
	EMRManagedPolicyTag = "for-use-with-amazon-emr-managed-policies"
	// emrServicePolicy is the AWS managed policy of the EMR service role.
	emrServicePolicy = "service-role/AmazonEMRServicePolicy_v2"
	// emrCertificateValidityHours is a year: a project's cluster is recreated well within it.
	emrCertificateValidityHours = 24 * 365
	// PortEMRServiceAccess and PortEMRServiceAccessOut are the ports between the service access group
	// and the cluster in a private subnet.
	PortEMRServiceAccess    = 9443
	PortEMRServiceAccessOut = 8443
	// PortKerberos is the KDC's port (TCP and UDP) on the primary node: kinit on a client asks it for tickets.
	PortKerberos = 88
)

// EMRApplications are the applications installed on the cluster.
var EMRApplications = []string{"Hadoop", "Spark"}

// EMRClusterArgs configures an EMRCluster.
type EMRClusterArgs struct {
	// PIT names the cluster "<PIT>-emr". Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// VPCID and SubnetID place the cluster in the private subnet. Required.
	VPCID, SubnetID pulumi.StringInput
	// S3PrefixListID is the S3 gateway endpoint's prefix list, the nodes' way to S3. Required.
	S3PrefixListID pulumi.StringInput
	// ClientSecurityGroupIDs may run kinit against the primary node's KDC and ssh to it (GSSAPI): the
	// component adds the egress to these groups and the ingress to the primary's. They must be in the
	// cluster's subnet (no network ACL lies between them). Default: none.
	ClientSecurityGroupIDs []pulumi.StringInput
	// KMSKeyARN encrypts EMRFS objects, local disks, EBS volumes, logs and the certificates. Required.
	KMSKeyARN pulumi.StringInput
	// DataInBucketARN is read, OutputBucketARN read and written by jobs. Required.
	DataInBucketARN, OutputBucketARN pulumi.StringInput
	// AncillaryBucket (name) and AncillaryBucketARN hold the TLS certificate zip under CertificatePrefix.
	// Required.
	AncillaryBucket, AncillaryBucketARN pulumi.StringInput
	// LogBucket (name) and LogBucketARN receive the cluster's logs under EMRLogPrefix. Required.
	LogBucket, LogBucketARN pulumi.StringInput
	// CertificatePrefix is the certificate zip's prefix in the ancillary bucket. Default:
	// DefaultEMRCertificatePrefix.
	CertificatePrefix string
	// ReleaseLabel is the EMR release ("emr-7.5.0"). Required.
	ReleaseLabel string
	// PrimaryInstanceType and CoreInstanceType size the nodes; never t-family. Required.
	PrimaryInstanceType, CoreInstanceType string
	// CoreInstanceCount is the number of core nodes. Default: 2.
	CoreInstanceCount int
	// IdleMinutes without work after which EMR terminates the cluster. Required, 1 to 10080.
	IdleMinutes int
	// EBSSizeGiB is each node's gp3 volume. Default: DefaultEMREBSSizeGiB.
	EBSSizeGiB int
	// TicketLifetimeHours of the cluster KDC's Kerberos tickets. Default: DefaultEMRTicketLifetimeHours.
	TicketLifetimeHours int
}

// EMRCluster is an Amazon EMR cluster for Spark-scale analyses: in the private subnet without public
// addresses, Kerberos authentication with a cluster-dedicated KDC, EMRFS and local disks encrypted with the
// project key, TLS between the nodes, logs in the log bucket, terminated when idle.
type EMRCluster struct {
	pulumi.ResourceState

	Cluster               *emr.Cluster
	SecurityConfiguration *emr.SecurityConfiguration
	ServiceRole, NodeRole *iam.Role
	InstanceProfile       *iam.InstanceProfile
	// PrimarySecurityGroup, CoreSecurityGroup and ServiceAccessSecurityGroup are the EMR-managed groups.
	PrimarySecurityGroup, CoreSecurityGroup, ServiceAccessSecurityGroup *ec2.SecurityGroup
	// SecurityGroupRules are the rules this component adds (to its groups and to the clients'); the
	// cluster waits for them.
	SecurityGroupRules []pulumi.Resource
	// CertificatesURI is the s3:// URI of the PEM zip.
	CertificatesURI pulumi.StringOutput
	// Name is the cluster's name.
	Name string
}

// check refuses arguments that lack a required value or are out of range, and burstable instance types.
func (a *EMRClusterArgs) check() error {
	switch {
	case a.PIT == "" || a.ARNs.AccountID == "" || a.VPCID == nil || a.SubnetID == nil || a.S3PrefixListID == nil || a.KMSKeyARN == nil:
		return fmt.Errorf("PIT, account, VPC, subnet, S3 prefix list and key are required")
	case a.DataInBucketARN == nil || a.OutputBucketARN == nil || a.AncillaryBucket == nil || a.AncillaryBucketARN == nil || a.LogBucket == nil || a.LogBucketARN == nil:
		return fmt.Errorf("the data-in, output, ancillary and log buckets are required")
	case !strings.HasPrefix(a.ReleaseLabel, "emr-"):
		return fmt.Errorf("release label %q is not an EMR release (emr-7.5.0)", a.ReleaseLabel)
	case a.PrimaryInstanceType == "" || a.CoreInstanceType == "":
		return fmt.Errorf("primary and core instance types are required")
	case strings.HasPrefix(a.PrimaryInstanceType, "t") || strings.HasPrefix(a.CoreInstanceType, "t"):
		return fmt.Errorf("instance types %s and %s: burstable (t-family) types are not allowed", a.PrimaryInstanceType, a.CoreInstanceType)
	case a.CoreInstanceCount < 1:
		return fmt.Errorf("core instance count %d is below 1", a.CoreInstanceCount)
	case a.IdleMinutes < 1 || a.IdleMinutes > 10080:
		return fmt.Errorf("idle minutes %d is outside 1 to 10080", a.IdleMinutes)
	case !strings.HasSuffix(a.CertificatePrefix, "/"):
		return fmt.Errorf("certificate prefix %q does not end with /", a.CertificatePrefix)
	}
	return nil
}

// NewEMRCluster creates the cluster and everything it needs.
func NewEMRCluster(ctx *pulumi.Context, name string, args *EMRClusterArgs, opts ...pulumi.ResourceOption) (*EMRCluster, error) {
	if args == nil {
		return nil, fmt.Errorf("emr %s: args are required", name)
	}
	a := *args
	setDefault(&a.CoreInstanceCount, 2)
	setDefault(&a.EBSSizeGiB, DefaultEMREBSSizeGiB)
	setDefault(&a.TicketLifetimeHours, DefaultEMRTicketLifetimeHours)
	setDefault(&a.CertificatePrefix, DefaultEMRCertificatePrefix)
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("emr %s: %w", name, err)
	}
	c := &EMRCluster{Name: a.PIT + "-emr"}
	child, parent, err := registerComponent(ctx, "sce:compute:EMRCluster", "emr", name, c, opts...)
	if err != nil {
		return nil, err
	}

	// AmazonEMRServicePolicy_v2 acts only on subnets and groups that carry its tag. The subnet's tag is
	// among the subnet's own tags (SecureVPCArgs.PrivateSubnetTags): a separate ec2.Tag on a resource whose
	// tags Pulumi manages diffs forever, and a refresh strips it.
	if err := emrSecurityGroups(ctx, child, a, c, parent); err != nil {
		return nil, err
	}
	policies, err := emrRoles(ctx, child, a, c, parent)
	if err != nil {
		return nil, err
	}
	certificates, err := emrCertificates(ctx, child, a, c, parent)
	if err != nil {
		return nil, err
	}
	secJSON := pulumi.All(a.KMSKeyARN, c.CertificatesURI).ApplyT(func(v []any) (string, error) {
		return EMRSecurityConfigurationJSON(v[0].(string), v[1].(string), a.TicketLifetimeHours)
	}).(pulumi.StringOutput)
	c.SecurityConfiguration, err = emr.NewSecurityConfiguration(ctx, child("security-configuration"), &emr.SecurityConfigurationArgs{
		Name:          pulumi.String(c.Name),
		Configuration: secJSON,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr security configuration: %w", err)
	}

	password, err := random.NewRandomPassword(ctx, child("kdc-admin-password"), &random.RandomPasswordArgs{
		Length: pulumi.Int(32), MinUpper: pulumi.Int(2), MinLower: pulumi.Int(2), MinNumeric: pulumi.Int(2),
		Special: pulumi.Bool(true), OverrideSpecial: pulumi.String("!#%^*()-_=+[]{}:?"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("generate kdc admin password: %w", err)
	}
	ebs := func() (emr.ClusterMasterInstanceGroupEbsConfigArray, emr.ClusterCoreInstanceGroupEbsConfigArray) {
		return emr.ClusterMasterInstanceGroupEbsConfigArray{&emr.ClusterMasterInstanceGroupEbsConfigArgs{
				Size: pulumi.Int(a.EBSSizeGiB), Type: pulumi.String("gp3"), VolumesPerInstance: pulumi.Int(1)}},
			emr.ClusterCoreInstanceGroupEbsConfigArray{&emr.ClusterCoreInstanceGroupEbsConfigArgs{
				Size: pulumi.Int(a.EBSSizeGiB), Type: pulumi.String("gp3"), VolumesPerInstance: pulumi.Int(1)}}
	}
	primaryEBS, coreEBS := ebs()
	deps := append([]pulumi.Resource{certificates}, policies...)
	deps = append(deps, c.SecurityGroupRules...)
	c.Cluster, err = emr.NewCluster(ctx, child("cluster"), &emr.ClusterArgs{
		Name:                  pulumi.String(c.Name),
		ReleaseLabel:          pulumi.String(a.ReleaseLabel),
		Applications:          pulumi.ToStringArray(EMRApplications),
		ServiceRole:           c.ServiceRole.Arn,
		SecurityConfiguration: c.SecurityConfiguration.Name,
		Ec2Attributes: &emr.ClusterEc2AttributesArgs{
			SubnetId:                      a.SubnetID,
			InstanceProfile:               c.InstanceProfile.Arn,
			EmrManagedMasterSecurityGroup: c.PrimarySecurityGroup.ID(),
			EmrManagedSlaveSecurityGroup:  c.CoreSecurityGroup.ID(),
			ServiceAccessSecurityGroup:    c.ServiceAccessSecurityGroup.ID(),
		},
		MasterInstanceGroup: &emr.ClusterMasterInstanceGroupArgs{
			InstanceType: pulumi.String(a.PrimaryInstanceType), InstanceCount: pulumi.Int(1), EbsConfigs: primaryEBS,
		},
		CoreInstanceGroup: &emr.ClusterCoreInstanceGroupArgs{
			InstanceType: pulumi.String(a.CoreInstanceType), InstanceCount: pulumi.Int(a.CoreInstanceCount), EbsConfigs: coreEBS,
		},
		KerberosAttributes: &emr.ClusterKerberosAttributesArgs{
			Realm:            pulumi.String(strings.ToUpper(EMRPrivateDNSDomain(a.ARNs.Region))),
			KdcAdminPassword: pulumi.ToSecret(password.Result).(pulumi.StringOutput),
		},
		LogUri:                      pulumi.Sprintf("s3://%s/%s", a.LogBucket, EMRLogPrefix),
		LogEncryptionKmsKeyId:       a.KMSKeyARN,
		AutoTerminationPolicy:       &emr.ClusterAutoTerminationPolicyArgs{IdleTimeout: pulumi.Int(a.IdleMinutes * 60)},
		KeepJobFlowAliveWhenNoSteps: pulumi.Bool(true),
		TerminationProtection:       pulumi.Bool(false),
		VisibleToAllUsers:           pulumi.Bool(true),
		Tags: pulumi.StringMap{
			"Name":                pulumi.String(c.Name),
			EMRManagedPolicyTag:   pulumi.String("true"),
			TagDataClassification: pulumi.String(DataClassificationPHI),
		},
	}, parent, pulumi.DependsOn(deps))
	if err != nil {
		return nil, fmt.Errorf("create emr cluster: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterId": c.Cluster.ID(), "securityConfiguration": c.SecurityConfiguration.Name, "certificatesUri": c.CertificatesURI,
	}); err != nil {
		return nil, fmt.Errorf("register emr outputs: %w", err)
	}
	return c, nil
}

package components

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/emr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
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
	if a.CoreInstanceCount == 0 {
		a.CoreInstanceCount = 2
	}
	if a.EBSSizeGiB == 0 {
		a.EBSSizeGiB = DefaultEMREBSSizeGiB
	}
	if a.TicketLifetimeHours == 0 {
		a.TicketLifetimeHours = DefaultEMRTicketLifetimeHours
	}
	if a.CertificatePrefix == "" {
		a.CertificatePrefix = DefaultEMRCertificatePrefix
	}
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("emr %s: %w", name, err)
	}
	c := &EMRCluster{Name: a.PIT + "-emr"}
	if err := ctx.RegisterComponentResource("sce:compute:EMRCluster", name, c, opts...); err != nil {
		return nil, fmt.Errorf("register emr %s: %w", name, err)
	}
	child := func(suffix string) string { return name + "-" + suffix }
	parent := pulumi.Parent(c)

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

// emrSecurityGroups creates the three EMR-managed groups and the rules EMR does not add itself. EMR adds
// the missing inbound rules between its groups when a cluster starts, never outbound ones, and Pulumi
// removes a new group's allow-all egress; so every outbound flow the cluster needs in a private subnet is
// here (EMR Management Guide, "Working with Amazon EMR-managed security groups", releases 5.30.0 to 7.x):
// the nodes to each other on every protocol (HDFS, YARN, Spark, the KDC on 88), to the service access
// group on 9443, to S3 through the endpoint's prefix list, and HTTPS out (EMR and KMS APIs, packages);
// the service access group from the nodes on 9443 and to them on 8443. The clients get kinit (88) and
// ssh (22) to the primary node, in both directions' groups. The rules are kept in c.SecurityGroupRules.
func emrSecurityGroups(ctx *pulumi.Context, child func(string) string, a EMRClusterArgs, c *EMRCluster, parent pulumi.ResourceOption) error {
	group := func(suffix, what string) (*ec2.SecurityGroup, error) {
		sg, err := ec2.NewSecurityGroup(ctx, child(suffix), &ec2.SecurityGroupArgs{
			VpcId:               a.VPCID,
			Description:         pulumi.Sprintf("EMR %s of %s", what, a.PIT),
			RevokeRulesOnDelete: pulumi.Bool(true),
			Tags: pulumi.StringMap{
				"Name":              pulumi.String(a.PIT + "-emr-" + strings.TrimSuffix(suffix, "-sg")),
				EMRManagedPolicyTag: pulumi.String("true"),
			},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create emr %s security group: %w", what, err)
		}
		return sg, nil
	}
	var err error
	if c.PrimarySecurityGroup, err = group("primary-sg", "primary node"); err != nil {
		return err
	}
	if c.CoreSecurityGroup, err = group("core-sg", "core nodes"); err != nil {
		return err
	}
	if c.ServiceAccessSecurityGroup, err = group("service-sg", "service access"); err != nil {
		return err
	}
	primary, core, service := c.PrimarySecurityGroup.ID(), c.CoreSecurityGroup.ID(), c.ServiceAccessSecurityGroup.ID()
	add := func(groupID pulumi.StringInput, rules []securityRule) error {
		created, err := newSecurityRules(ctx, child, groupID, rules, parent)
		if err != nil {
			return fmt.Errorf("emr security group rules: %w", err)
		}
		c.SecurityGroupRules = append(c.SecurityGroupRules, created...)
		return nil
	}
	https := "EMR, KMS and S3 endpoints (through the NAT gateway and the S3 endpoint)"
	s3 := "S3 through the gateway endpoint: EMRFS, logs, the EMR and Amazon Linux repositories"
	toService := "the EMR service access group (cluster manager), EMR 5.30.0 to 7.x"
	if err := add(primary, []securityRule{
		{suffix: "primary-https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: https},
		{suffix: "primary-s3-out", egress: true, port: PortHTTPS, prefixList: a.S3PrefixListID, why: s3},
		{suffix: "primary-to-service", egress: true, port: PortEMRServiceAccess, sourceGroup: service, why: toService},
		{suffix: "primary-to-primary", egress: true, protocol: ProtocolAll, sourceGroup: primary, why: "EMR primary nodes to each other"},
		{suffix: "primary-to-core", egress: true, protocol: ProtocolAll, sourceGroup: core, why: "EMR primary to core nodes (HDFS, YARN, Spark)"},
	}); err != nil {
		return err
	}
	if err := add(core, []securityRule{
		{suffix: "core-https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: https},
		{suffix: "core-s3-out", egress: true, port: PortHTTPS, prefixList: a.S3PrefixListID, why: s3},
		{suffix: "core-to-service", egress: true, port: PortEMRServiceAccess, sourceGroup: service, why: toService},
		{suffix: "core-to-core", egress: true, protocol: ProtocolAll, sourceGroup: core, why: "EMR core nodes to each other (HDFS, shuffle)"},
		{suffix: "core-to-primary", egress: true, protocol: ProtocolAll, sourceGroup: primary, why: "EMR core to primary node (HDFS, YARN, the KDC)"},
	}); err != nil {
		return err
	}
	if err := add(service, []securityRule{
		{suffix: "service-from-primary", port: PortEMRServiceAccess, sourceGroup: primary, why: "EMR service access from the primary node"},
		{suffix: "service-from-core", port: PortEMRServiceAccess, sourceGroup: core, why: "EMR service access from the core nodes"},
		{suffix: "service-to-primary", egress: true, port: PortEMRServiceAccessOut, sourceGroup: primary, why: "EMR service to the primary node"},
		{suffix: "service-to-core", egress: true, port: PortEMRServiceAccessOut, sourceGroup: core, why: "EMR service to the core nodes"},
	}); err != nil {
		return err
	}
	for i, client := range a.ClientSecurityGroupIDs {
		if err := add(primary, []securityRule{
			{suffix: fmt.Sprintf("primary-ssh-from-client-%d", i), port: PortSSH, sourceGroup: client, why: "Kerberos ssh from a client in the VPC"},
			{suffix: fmt.Sprintf("primary-kdc-tcp-from-client-%d", i), port: PortKerberos, sourceGroup: client, why: "kinit from a client in the VPC"},
			{suffix: fmt.Sprintf("primary-kdc-udp-from-client-%d", i), protocol: "udp", port: PortKerberos, sourceGroup: client, why: "kinit from a client in the VPC"},
		}); err != nil {
			return err
		}
		if err := add(client, []securityRule{
			{suffix: fmt.Sprintf("client-%d-ssh-to-primary", i), egress: true, port: PortSSH, sourceGroup: primary, why: "ssh (GSSAPI) to the EMR primary node"},
			{suffix: fmt.Sprintf("client-%d-kdc-tcp-to-primary", i), egress: true, port: PortKerberos, sourceGroup: primary, why: "kinit against the EMR primary node's KDC"},
			{suffix: fmt.Sprintf("client-%d-kdc-udp-to-primary", i), egress: true, protocol: "udp", port: PortKerberos, sourceGroup: primary, why: "kinit against the EMR primary node's KDC"},
		}); err != nil {
			return err
		}
	}
	return nil
}

// EMRRepositoryBuckets are the AWS-owned buckets EMR nodes in a private subnet read through the S3
// endpoint (EMR Management Guide, "Sample policies for private subnets that access Amazon S3"): the EMR
// package repository (releases 5.22.0 and later), the Amazon Linux 2 repositories of releases before
// emr-7.0.0 (7.x use Amazon Linux 2023, whose repository PlatformBuckets lists for every stack), and EMR's
// regional bucket of step scripts (script-runner). releaseLabel is a validated emr-X.Y.Z label.
func EMRRepositoryBuckets(region, releaseLabel string) []string {
	buckets := []string{"repo." + region + ".emr.amazonaws.com", region + ".elasticmapreduce"}
	if emrReleaseMajor(releaseLabel) < 7 {
		buckets = append(buckets, "amazonlinux."+region+".amazonaws.com", "amazonlinux-2-repos-"+region)
	}
	return buckets
}

// emrReleaseMajor returns the major version of an "emr-X.Y.Z" label, 0 when it is not one.
func emrReleaseMajor(releaseLabel string) int {
	major, _, _ := strings.Cut(strings.TrimPrefix(releaseLabel, "emr-"), ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return 0
	}
	return n
}

// EMRSystemLogBucket is the AWS-owned bucket into which EMR writes a cluster's system logs when the
// cluster has logging on: aws157-logs-prod in us-east-1, aws157-logs-prod-<region> elsewhere.
func EMRSystemLogBucket(region string) string {
	if region == "us-east-1" {
		return "aws157-logs-prod"
	}
	return "aws157-logs-prod-" + region
}

// EMRAppInfoBucket is the AWS-owned bucket that collects application logs for EMR's persistent
// application user interfaces (releases 5.25.0 and later).
func EMRAppInfoBucket(region string) string { return "prod." + region + ".appinfo.src" }

// EMREndpointStatements are the S3 endpoint policy's statements for an EMR cluster in the private
// subnet, each in a statement of its own: reading EMR's repositories, writing the system logs (the
// cluster logs to the log bucket, so EMR needs PUT on its system bucket too), and the persistent
// application interfaces' bucket, with the actions AWS's sample endpoint policy gives each. All three are
// AWS-owned buckets that no one outside AWS can read, so they open no way out for PHI.
func EMREndpointStatements(arns ARNs, releaseLabel string) []Statement {
	var repos []string
	for _, b := range EMRRepositoryBuckets(arns.Region, releaseLabel) {
		repos = append(repos, arns.Objects(b))
	}
	return []Statement{
		{Sid: "EMRReadsItsRepositories", Effect: Allow, Principal: &Principal{Anyone: true},
			Action: []string{"s3:GetObject"}, Resource: repos},
		{Sid: "EMRWritesSystemLogs", Effect: Allow, Principal: &Principal{Anyone: true},
			Action: []string{"s3:Put*"}, Resource: []string{arns.Objects(EMRSystemLogBucket(arns.Region))}},
		{Sid: "EMRApplicationHistory", Effect: Allow, Principal: &Principal{Anyone: true},
			Action:   []string{"s3:Put*", "s3:Get*", "s3:Create*", "s3:Abort*", "s3:List*"},
			Resource: []string{arns.Objects(EMRAppInfoBucket(arns.Region))}},
	}
}

// EMRNodeStatements are the least-privilege statements of the cluster nodes' role: read data-in, read and
// write output, read the cluster's files in the ancillary bucket, write logs under the log bucket's emr/
// prefix, use the project key, read EMR's own regional buckets (packages, scripts), and describe the
// cluster to EMR's agents.
func EMRNodeStatements(arns ARNs, releaseLabel, dataIn, output, ancillary, logs, key, certificatePrefix string) []Statement {
	var platform []string
	for _, b := range EMRRepositoryBuckets(arns.Region, releaseLabel) {
		platform = append(platform, arns.Objects(b))
	}
	return []Statement{
		{Sid: "ReadDataIn", Effect: Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{dataIn + "/*"}},
		{Sid: "ReadWriteOutput", Effect: Allow,
			Action:   []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"},
			Resource: []string{output + "/*"}},
		{Sid: "ListDataInAndOutput", Effect: Allow, Action: []string{"s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"},
			Resource: []string{dataIn, output}},
		{Sid: "ReadClusterFiles", Effect: Allow, Action: []string{"s3:GetObject"}, Resource: []string{ancillary + "/" + certificatePrefix + "*"}},
		{Sid: "WriteClusterLogs", Effect: Allow, Action: []string{"s3:PutObject"}, Resource: []string{logs + "/" + EMRLogPrefix + "*"}},
		{Sid: "ListClusterLogs", Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{logs},
			Condition: Condition{"StringLike": {"s3:prefix": {EMRLogPrefix + "*"}}}},
		{Sid: "UseProjectKey", Effect: Allow,
			Action:   []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"},
			Resource: []string{key}},
		{Sid: "ReadEMRRegionalBuckets", Effect: Allow, Action: []string{"s3:GetObject"},
			Resource: platform},
		{Sid: "DescribeOwnCluster", Effect: Allow,
			Action: []string{"elasticmapreduce:DescribeCluster", "elasticmapreduce:ListBootstrapActions", "elasticmapreduce:ListInstanceGroups",
				"elasticmapreduce:ListInstances", "elasticmapreduce:ListSteps"},
			Resource: []string{fmt.Sprintf("arn:%s:elasticmapreduce:%s:%s:cluster/*", arns.Partition, arns.Region, arns.AccountID)}},
	}
}

// EMREBSKeyActions are the KMS actions a principal needs for EBS to encrypt volumes with a customer managed
// key on its behalf (EBS User Guide, "Requirements for Amazon EBS encryption": CreateGrant, Decrypt,
// DescribeKey, GenerateDataKeyWithoutPlainText, ReEncrypt). ReEncrypt is the two actions ReEncryptFrom and
// ReEncryptTo.
var EMREBSKeyActions = []string{
	"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
}

// EMRServiceStatements are the statements of the EMR service role besides AmazonEMRServicePolicy_v2: pass
// the node role to EC2, and let EBS encrypt the nodes' root and storage volumes with the project key,
// which the security configuration names (EnableEbsEncryption). EMR launches the nodes with the service
// role's credentials, so EBS uses the key as that role: grants only for AWS resources, the data-key
// actions only through EC2 in this region (kms:ViaService), and DescribeKey, which reveals nothing secret,
// without a condition so that EMR can check the key itself. The key policy leaves its use to IAM
// (KeyPolicy's account statement), so these statements suffice.
func EMRServiceStatements(arns ARNs, nodeRoleARN, keyARN string) []Statement {
	return []Statement{
		{Sid: "PassNodeRoleToEC2", Effect: Allow, Action: []string{"iam:PassRole"}, Resource: []string{nodeRoleARN},
			Condition: Condition{"StringLike": {"iam:PassedToService": {"ec2.amazonaws.com*"}}}},
		{Sid: "EncryptEBSWithProjectKey", Effect: Allow, Action: []string{"kms:CreateGrant"}, Resource: []string{keyARN},
			Condition: Condition{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}},
		{Sid: "EBSUsesProjectKeyThroughEC2", Effect: Allow,
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"},
			Resource:  []string{keyARN},
			Condition: Condition{"StringEquals": {"kms:ViaService": {EC2ViaService(arns.Region)}}}},
		{Sid: "DescribeProjectKey", Effect: Allow, Action: []string{"kms:DescribeKey"}, Resource: []string{keyARN}},
	}
}

// EC2ViaService is the kms:ViaService value of requests EC2 (and EBS) make to KMS on a principal's behalf.
func EC2ViaService(region string) string { return "ec2." + region + ".amazonaws.com" }

// emrRoles creates the service role (AWS's AmazonEMRServicePolicy_v2, which only touches resources that
// carry EMRManagedPolicyTag, plus passing the node role and granting EBS the project key) and the nodes'
// role and instance profile. It returns the attachments the cluster must wait for.
func emrRoles(ctx *pulumi.Context, child func(string) string, a EMRClusterArgs, c *EMRCluster, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var waits []pulumi.Resource
	nodeTrust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "EC2Instances", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("ec2")}},
		Action: []string{"sts:AssumeRole"},
	}}}.JSON()
	if err != nil {
		return nil, fmt.Errorf("emr node role trust policy: %w", err)
	}
	c.NodeRole, err = iam.NewRole(ctx, child("node-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("The EMR nodes of %s", a.PIT),
		AssumeRolePolicy: pulumi.String(nodeTrust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-node")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr node role: %w", err)
	}
	prefix := a.CertificatePrefix
	nodeDoc := pulumi.All(a.DataInBucketARN, a.OutputBucketARN, a.AncillaryBucketARN, a.LogBucketARN, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		return PolicyDocument{Version: PolicyVersion, Statement: EMRNodeStatements(a.ARNs, a.ReleaseLabel,
			v[0].(string), v[1].(string), v[2].(string), v[3].(string), v[4].(string), prefix)}.JSON()
	}).(pulumi.StringOutput)
	nodePolicy, err := iam.NewPolicy(ctx, child("node-policy"), &iam.PolicyArgs{
		Description: pulumi.Sprintf("Least privilege of the EMR nodes of %s", a.PIT),
		Policy:      nodeDoc,
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-node")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr node policy: %w", err)
	}
	att, err := iam.NewRolePolicyAttachment(ctx, child("node-policy-attachment"), &iam.RolePolicyAttachmentArgs{Role: c.NodeRole.Name, PolicyArn: nodePolicy.Arn}, parent)
	if err != nil {
		return nil, fmt.Errorf("attach emr node policy: %w", err)
	}
	waits = append(waits, att)
	c.InstanceProfile, err = iam.NewInstanceProfile(ctx, child("node-profile"), &iam.InstanceProfileArgs{
		Role: c.NodeRole.Name,
		Tags: pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-node")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr instance profile: %w", err)
	}

	serviceTrust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "EMRInThisAccount", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("elasticmapreduce")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}}},
	}}}.JSON()
	if err != nil {
		return nil, fmt.Errorf("emr service role trust policy: %w", err)
	}
	c.ServiceRole, err = iam.NewRole(ctx, child("service-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("The EMR service role of %s", a.PIT),
		AssumeRolePolicy: pulumi.String(serviceTrust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-service")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr service role: %w", err)
	}
	managed, err := iam.NewRolePolicyAttachment(ctx, child("service-policy-attachment"), &iam.RolePolicyAttachmentArgs{
		Role: c.ServiceRole.Name, PolicyArn: pulumi.Sprintf("arn:%s:iam::aws:policy/%s", a.ARNs.Partition, emrServicePolicy),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("attach AmazonEMRServicePolicy_v2: %w", err)
	}
	waits = append(waits, managed)
	serviceDoc := pulumi.All(c.NodeRole.Arn, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		return PolicyDocument{Version: PolicyVersion, Statement: EMRServiceStatements(a.ARNs, v[0].(string), v[1].(string))}.JSON()
	}).(pulumi.StringOutput)
	servicePolicy, err := iam.NewPolicy(ctx, child("service-policy"), &iam.PolicyArgs{
		Description: pulumi.Sprintf("Pass the EMR node role of %s and encrypt its volumes", a.PIT),
		Policy:      serviceDoc,
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-service")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr service policy: %w", err)
	}
	att, err = iam.NewRolePolicyAttachment(ctx, child("service-extra-attachment"), &iam.RolePolicyAttachmentArgs{Role: c.ServiceRole.Name, PolicyArn: servicePolicy.Arn}, parent)
	if err != nil {
		return nil, fmt.Errorf("attach emr service policy: %w", err)
	}
	return append(waits, att), nil
}

// emrCertificates generates the in-transit TLS key and a self-signed certificate for the region's private
// DNS names, and uploads the PEM zip, SSE-KMS, into the ancillary bucket. The private key exists only in
// Pulumi's encrypted state and in that object.
func emrCertificates(ctx *pulumi.Context, child func(string) string, a EMRClusterArgs, c *EMRCluster, parent pulumi.ResourceOption) (pulumi.Resource, error) {
	key, err := tls.NewPrivateKey(ctx, child("tls-key"), &tls.PrivateKeyArgs{
		Algorithm: pulumi.String("RSA"), RsaBits: pulumi.Int(2048),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr tls key: %w", err)
	}
	domain := EMRPrivateDNSDomain(a.ARNs.Region)
	cert, err := tls.NewSelfSignedCert(ctx, child("tls-cert"), &tls.SelfSignedCertArgs{
		PrivateKeyPem:       key.PrivateKeyPem,
		Subject:             &tls.SelfSignedCertSubjectArgs{CommonName: pulumi.String("*." + domain), Organization: pulumi.String(a.PIT)},
		DnsNames:            pulumi.StringArray{pulumi.String("*." + domain), pulumi.String(domain)},
		ValidityPeriodHours: pulumi.Int(emrCertificateValidityHours),
		AllowedUses:         pulumi.ToStringArray([]string{"key_encipherment", "digital_signature", "server_auth", "client_auth"}),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr tls certificate: %w", err)
	}
	zipped := pulumi.All(key.PrivateKeyPem, cert.CertPem).ApplyT(func(v []any) (string, error) {
		return EMRCertificateZip(v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	objectKey := a.CertificatePrefix + "certificates.zip"
	object, err := s3.NewBucketObjectv2(ctx, child("tls-zip"), &s3.BucketObjectv2Args{
		Bucket:               a.AncillaryBucket,
		Key:                  pulumi.String(objectKey),
		ContentBase64:        pulumi.ToSecret(zipped).(pulumi.StringOutput),
		ContentType:          pulumi.String("application/zip"),
		ServerSideEncryption: pulumi.String("aws:kms"),
		KmsKeyId:             a.KMSKeyARN,
		Tags:                 pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-tls")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("upload emr certificates: %w", err)
	}
	c.CertificatesURI = pulumi.Sprintf("s3://%s/%s", a.AncillaryBucket, objectKey)
	return object, nil
}

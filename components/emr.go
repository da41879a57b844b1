package components

import (
	"fmt"
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
	// ClientSecurityGroupIDs may ssh (Kerberos) to the primary node. Default: none.
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
	// CertificatesURI is the s3:// URI of the PEM zip.
	CertificatesURI pulumi.StringOutput
	// Name is the cluster's name.
	Name string
}

func (a *EMRClusterArgs) check() error {
	switch {
	case a.PIT == "" || a.ARNs.AccountID == "" || a.VPCID == nil || a.SubnetID == nil || a.KMSKeyARN == nil:
		return fmt.Errorf("PIT, account, VPC, subnet and key are required")
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

// emrSecurityGroups creates the three EMR-managed groups. EMR adds the rules between them itself when the
// cluster starts (and they are revoked on delete so that the groups can go); here are the rules a private
// subnet needs: the service access group's ports, HTTPS out (EMR, KMS and S3 endpoints), and ssh from the
// clients to the primary node.
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
	https := "EMR, KMS and S3 endpoints (through the NAT gateway and the S3 endpoint)"
	if err := addSecurityRules(ctx, child, c.PrimarySecurityGroup, []securityRule{
		{suffix: "primary-https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: https},
	}, parent); err != nil {
		return err
	}
	if err := addSecurityRules(ctx, child, c.CoreSecurityGroup, []securityRule{
		{suffix: "core-https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: https},
	}, parent); err != nil {
		return err
	}
	if err := addSecurityRules(ctx, child, c.ServiceAccessSecurityGroup, []securityRule{
		{suffix: "service-from-primary", port: PortEMRServiceAccess, sourceGroup: c.PrimarySecurityGroup.ID(), why: "EMR service access from the primary node"},
		{suffix: "service-to-primary", egress: true, port: PortEMRServiceAccessOut, sourceGroup: c.PrimarySecurityGroup.ID(), why: "EMR service to the primary node"},
		{suffix: "service-to-core", egress: true, port: PortEMRServiceAccessOut, sourceGroup: c.CoreSecurityGroup.ID(), why: "EMR service to the core nodes"},
	}, parent); err != nil {
		return err
	}
	for i, client := range a.ClientSecurityGroupIDs {
		if err := addSecurityRules(ctx, child, c.PrimarySecurityGroup, []securityRule{
			{suffix: fmt.Sprintf("primary-ssh-from-client-%d", i), port: PortSSH, sourceGroup: client, why: "Kerberos ssh from a client in the VPC"},
		}, parent); err != nil {
			return err
		}
	}
	return nil
}

// EMRPlatformBuckets are the AWS-owned buckets EMR nodes in a private subnet read through the S3 endpoint,
// besides the Amazon Linux 2023 repository that PlatformBuckets already lists: the EMR package repository
// (releases 5.22.0 and later) and EMR's regional bucket of step scripts.
func EMRPlatformBuckets(region string) []string {
	return []string{"repo." + region + ".emr.amazonaws.com", region + ".elasticmapreduce"}
}

// EMRNodeStatements are the least-privilege statements of the cluster nodes' role: read data-in, read and
// write output, read the cluster's files in the ancillary bucket, write logs under the log bucket's emr/
// prefix, use the project key, read EMR's own regional buckets (packages, scripts), and describe the
// cluster to EMR's agents.
func EMRNodeStatements(arns ARNs, dataIn, output, ancillary, logs, key, certificatePrefix string) []Statement {
	var platform []string
	for _, b := range EMRPlatformBuckets(arns.Region) {
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
		return PolicyDocument{Version: PolicyVersion, Statement: EMRNodeStatements(a.ARNs,
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
		return PolicyDocument{Version: PolicyVersion, Statement: []Statement{
			{Sid: "PassNodeRoleToEC2", Effect: Allow, Action: []string{"iam:PassRole"}, Resource: []string{v[0].(string)},
				Condition: Condition{"StringLike": {"iam:PassedToService": {"ec2.amazonaws.com*"}}}},
			{Sid: "EncryptEBSWithProjectKey", Effect: Allow, Action: []string{"kms:CreateGrant", "kms:DescribeKey"}, Resource: []string{v[1].(string)},
				Condition: Condition{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}},
		}}.JSON()
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

package components

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/redshift"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/redshiftdata"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Redshift defaults and limits.
const (
	// DefaultRedshiftNodeType is a small current-generation node.
	DefaultRedshiftNodeType = "ra3.xlplus"
	// RedshiftPort is the port clients connect to.
	RedshiftPort = 5439
	// DefaultSnapshotRetentionDays keeps automated snapshots a week; the rule range is 7 to 35.
	DefaultSnapshotRetentionDays = 7
	// redshiftMaintenanceWindow is Sunday early morning UTC, outside working hours.
	redshiftMaintenanceWindow = "sun:05:00-sun:05:30"
	// statementTimeout bounds one Data API statement: loading the full vocabulary (CONCEPT_RELATIONSHIP holds
	// tens of millions of rows) takes longer than the provider's default.
	statementTimeout = "2h"
	// redshiftAdminUser is the master user; its password is managed by Secrets Manager.
	redshiftAdminUser = "sce_admin"
)

// redshiftLogExports are the audit logs Redshift exports: connections, user activity (every query) and
// user changes.
var redshiftLogExports = []string{"connectionlog", "useractivitylog", "userlog"}

// SQLStatement is one SQL statement run through the Redshift Data API, with the names of the statements
// that must run before it. Every statement must be safe to run again: the component runs it once, and
// again only when its fingerprint changes, but a lost state or `pulumi up --replace` runs it anew.
type SQLStatement struct {
	// Name is unique and stable; the resource is named after it.
	Name string
	// DependsOn names earlier statements that must have run first.
	DependsOn []string
	// Secret marks SQL that holds a credential digest once bound: Pulumi stores it encrypted. Only its
	// Bind receives the read-only password.
	Secret bool
	// UsesCopyRole marks a statement during which Redshift assumes the COPY role (a load): it waits for the
	// role's policy attachment as well as for the cluster, with which the role is associated.
	UsesCopyRole bool
	// Bind returns the final SQL once the values it needs exist at deployment (the COPY role's ARN, the
	// load bucket's name, and for a Secret statement the read-only password).
	Bind func(BindValues) (string, error)
	// Fingerprint returns a digest of what the statement means once bound. It must change when, and only
	// when, the SQL to run changes (or a statement it must run again with does), and must never be derived
	// from ReadOnlyPassword, which it is not given: a Secret statement gets PasswordVersion instead.
	Fingerprint func(BindValues) (string, error)
}

// BindValues are the deployment-time values a statement's SQL may need.
type BindValues struct {
	CopyRoleARN      string
	CopyBucket       string
	ReadOnlyPassword string
	// PasswordVersion is the version id of the secret holding the read-only password, for the
	// Fingerprint of a Secret statement.
	PasswordVersion string
}

// statementReadRewrites are the inputs of aws:redshiftdata/statement:Statement that the provider's Read
// overwrites with what DescribeStatement returns: the SQL as Redshift echoes it (IAM_ROLE blanked,
// pulumi/pulumi-aws#5076, hashicorp/terraform-provider-aws#25775) and, once the service has expired the
// statement, empty values for all of them (terraform-provider-aws#26343). Every input is ForceNew, so
// without ignoreChanges each `pulumi up` after a refresh would run the statements again. statementName,
// database and dbUser are kept from the state (internal/service/redshiftdata/statement.go,
// resourceStatementRead): the fingerprint goes in statementName. The bridge applies ignoreChanges to the
// provider's diff, and a replacement is created from the program's inputs, not the ignored old ones
// (pulumi/pulumi, pkg/resource/deploy/step_generator.go), so a replaced statement runs the current SQL.
var statementReadRewrites = []string{"clusterIdentifier", "parameters", "secretArn", "sql", "workgroupName"}

// StatementReadRewrites returns the inputs the component ignores changes to on every statement.
func StatementReadRewrites() []string { return append([]string{}, statementReadRewrites...) }

// RedshiftOMOPArgs configures a RedshiftOMOP.
type RedshiftOMOPArgs struct {
	// PIT names the cluster "<PIT>-omop". Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// VPCID and SubnetID place the cluster in the private subnet. Required.
	VPCID, SubnetID pulumi.StringInput
	// S3PrefixListID is the S3 endpoint's prefix list: the cluster's only egress (COPY through the endpoint,
	// with enhanced VPC routing). Required.
	S3PrefixListID pulumi.StringInput
	// ClientSecurityGroupIDs may connect on port 5439 (the workstation, the Atlas host). Default: none.
	ClientSecurityGroupIDs []pulumi.StringInput
	// NodeType and NodeCount size the cluster. Defaults: DefaultRedshiftNodeType, 1.
	NodeType  string
	NodeCount int
	// SnapshotRetentionDays keeps automated snapshots, 7 to 35. Default: 7.
	SnapshotRetentionDays int
	// DatabaseName is the database. Default: "omop".
	DatabaseName string
	// KMSKeyARN encrypts the cluster, its log groups and the admin secret. Required.
	KMSKeyARN pulumi.StringInput
	// CopyBucketARN and CopyPrefixes are what the COPY role may read: objects under those prefixes of that
	// bucket, nothing else. Required.
	CopyBucketARN pulumi.StringInput
	CopyPrefixes  []string
	// Statements run in dependency order once the cluster exists (schema, DDL, users, loads). Default: none.
	Statements []SQLStatement
	// ReadOnlyUser is the database user of the analysis tools. Its password is generated here and kept in a
	// Secrets Manager secret encrypted with the project key; statements receive it through Bind and must
	// let only a digest reach the database. Required.
	ReadOnlyUser string
	// SignInRole is the role (the researcher role) whose sessions may sign in through IAM, each as the
	// database user named by its source identity (RedshiftSignInStatements). Default: none.
	SignInRole pulumi.StringInput
	// LogRetentionDays of the audit log groups. Default: 2192.
	LogRetentionDays int
	// Protect marks the cluster protected. Default: false.
	Protect bool
}

// RedshiftOMOP is the Redshift cluster that holds the OMOP CDM (seed Part 3): private, encrypted with the
// project key, enhanced VPC routing, TLS required, every query logged, its admin password managed by
// Secrets Manager, loading from S3 through a role limited to the configured prefixes.
type RedshiftOMOP struct {
	pulumi.ResourceState

	Cluster       *redshift.Cluster
	SecurityGroup *ec2.SecurityGroup
	CopyRole      *iam.Role
	// Endpoint is "host:port"; AdminSecretARN is the Secrets Manager secret of the admin password.
	Endpoint, AdminSecretARN pulumi.StringOutput
	// ReadOnlySecretARN is the secret holding the read-only user's credentials.
	ReadOnlySecretARN pulumi.StringOutput
	// ReadOnlySecretValue is the version that stores them: a client that reads the secret when it starts
	// (the Atlas host's first boot) must depend on it, not only on the secret, which exists empty first.
	ReadOnlySecretValue *secretsmanager.SecretVersion
	// Identifier is the cluster identifier.
	Identifier string
}

func (a *RedshiftOMOPArgs) check() error {
	switch {
	case a.PIT == "" || a.ARNs.AccountID == "" || a.VPCID == nil || a.SubnetID == nil || a.S3PrefixListID == nil || a.KMSKeyARN == nil || a.CopyBucketARN == nil:
		return fmt.Errorf("PIT, account, VPC, subnet, S3 prefix list, key and copy bucket are required")
	case len(a.CopyPrefixes) == 0:
		return fmt.Errorf("at least one COPY prefix is required")
	case a.SnapshotRetentionDays < 7 || a.SnapshotRetentionDays > 35:
		return fmt.Errorf("snapshot retention %d is outside 7 to 35 days", a.SnapshotRetentionDays)
	case a.NodeCount < 1:
		return fmt.Errorf("node count %d is below 1", a.NodeCount)
	case !redshiftUserPattern.MatchString(a.ReadOnlyUser):
		return fmt.Errorf("read-only user %q is not a database user name", a.ReadOnlyUser)
	}
	names := map[string]bool{}
	for _, s := range a.Statements {
		for _, d := range s.DependsOn {
			if !names[d] {
				return fmt.Errorf("statement %s depends on %s, which does not come before it", s.Name, d)
			}
		}
		if names[s.Name] || s.Name == "" || s.Bind == nil || s.Fingerprint == nil {
			return fmt.Errorf("statement %q has no name, a repeated name, no Bind or no Fingerprint", s.Name)
		}
		names[s.Name] = true
	}
	return nil
}

// NewRedshiftOMOP creates the cluster and runs the statements.
func NewRedshiftOMOP(ctx *pulumi.Context, name string, args *RedshiftOMOPArgs, opts ...pulumi.ResourceOption) (*RedshiftOMOP, error) {
	if args == nil {
		return nil, fmt.Errorf("redshift %s: args are required", name)
	}
	a := *args
	if a.NodeType == "" {
		a.NodeType = DefaultRedshiftNodeType
	}
	if a.NodeCount == 0 {
		a.NodeCount = 1
	}
	if a.SnapshotRetentionDays == 0 {
		a.SnapshotRetentionDays = DefaultSnapshotRetentionDays
	}
	if a.DatabaseName == "" {
		a.DatabaseName = "omop"
	}
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = SixYearsDays
	}
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("redshift %s: %w", name, err)
	}
	r := &RedshiftOMOP{Identifier: RedshiftClusterIdentifier(a.PIT)}
	if err := ctx.RegisterComponentResource("sce:data:RedshiftOMOP", name, r, opts...); err != nil {
		return nil, fmt.Errorf("register redshift %s: %w", name, err)
	}
	child := func(suffix string) string { return name + "-" + suffix }
	parent := pulumi.Parent(r)
	var err error

	if r.SecurityGroup, err = redshiftSecurityGroup(ctx, child, a, parent); err != nil {
		return nil, err
	}
	subnets, err := redshift.NewSubnetGroup(ctx, child("subnets"), &redshift.SubnetGroupArgs{
		Name:        pulumi.String(a.PIT + "-omop"),
		Description: pulumi.Sprintf("Private subnet of %s", a.PIT),
		SubnetIds:   pulumi.StringArray{a.SubnetID},
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-omop")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create redshift subnet group: %w", err)
	}
	params, err := redshift.NewParameterGroup(ctx, child("parameters"), &redshift.ParameterGroupArgs{
		Name:        pulumi.String(a.PIT + "-omop"),
		Family:      pulumi.String("redshift-1.0"),
		Description: pulumi.String("TLS required; every query logged"),
		Parameters: redshift.ParameterGroupParameterArray{
			&redshift.ParameterGroupParameterArgs{Name: pulumi.String("require_ssl"), Value: pulumi.String("true")},
			&redshift.ParameterGroupParameterArgs{Name: pulumi.String("enable_user_activity_logging"), Value: pulumi.String("true")},
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(a.PIT + "-omop")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create redshift parameter group: %w", err)
	}
	var copyAttachment *iam.RolePolicyAttachment
	if r.CopyRole, copyAttachment, err = redshiftCopyRole(ctx, child, a, r.Identifier, parent); err != nil {
		return nil, err
	}

	clusterType := "single-node"
	if a.NodeCount > 1 {
		clusterType = "multi-node"
	}
	finalSnapshot, err := finalSnapshotIdentifier(ctx, child, r.Identifier, parent)
	if err != nil {
		return nil, err
	}
	r.Cluster, err = redshift.NewCluster(ctx, child("cluster"), &redshift.ClusterArgs{
		ClusterIdentifier:                pulumi.String(r.Identifier),
		DatabaseName:                     pulumi.String(a.DatabaseName),
		MasterUsername:                   pulumi.String(redshiftAdminUser),
		ManageMasterPassword:             pulumi.Bool(true),
		MasterPasswordSecretKmsKeyId:     a.KMSKeyARN,
		NodeType:                         pulumi.String(a.NodeType),
		ClusterType:                      pulumi.String(clusterType),
		NumberOfNodes:                    pulumi.Int(a.NodeCount),
		Encrypted:                        pulumi.Bool(true),
		KmsKeyId:                         a.KMSKeyARN,
		PubliclyAccessible:               pulumi.Bool(false),
		EnhancedVpcRouting:               pulumi.Bool(true),
		ClusterSubnetGroupName:           subnets.Name,
		ClusterParameterGroupName:        params.Name,
		VpcSecurityGroupIds:              pulumi.StringArray{r.SecurityGroup.ID()},
		Port:                             pulumi.Int(RedshiftPort),
		AutomatedSnapshotRetentionPeriod: pulumi.Int(a.SnapshotRetentionDays),
		PreferredMaintenanceWindow:       pulumi.String(redshiftMaintenanceWindow),
		AllowVersionUpgrade:              pulumi.Bool(true),
		IamRoles:                         pulumi.StringArray{r.CopyRole.Arn},
		SkipFinalSnapshot:                pulumi.Bool(false),
		FinalSnapshotIdentifier:          finalSnapshot,
		Tags: pulumi.StringMap{
			"Name":                pulumi.String(r.Identifier),
			TagDataClassification: pulumi.String(DataClassificationPHI),
		},
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, fmt.Errorf("create redshift cluster: %w", err)
	}
	r.Endpoint = r.Cluster.Endpoint
	r.AdminSecretARN = r.Cluster.MasterPasswordSecretArn

	if err := redshiftAuditLogs(ctx, child, a, r, parent); err != nil {
		return nil, err
	}
	if a.SignInRole != nil {
		if err := redshiftSignIn(ctx, child, a, r.Identifier, parent); err != nil {
			return nil, err
		}
	}
	password, version, err := readOnlyCredentials(ctx, child, a, r, parent)
	if err != nil {
		return nil, err
	}
	if err := runStatements(ctx, child, a, r, statementSecrets{password: password, version: version, copyAttachment: copyAttachment}, parent); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"endpoint": r.Endpoint, "adminSecretArn": r.AdminSecretARN, "readOnlySecretArn": r.ReadOnlySecretARN}); err != nil {
		return nil, fmt.Errorf("register redshift outputs: %w", err)
	}
	return r, nil
}

// finalSnapshotIdentifier names the snapshot Redshift takes when `pulumi destroy` deletes the cluster. The
// snapshot is a manual one, kept until someone deletes it, so a fixed identifier would make the next
// close-out of the same PIT fail (DeleteCluster answers ClusterSnapshotAlreadyExists and the cluster stays).
// Each deployment therefore names it with a random suffix of its own: the random resource goes with the
// stack, and a redeploy draws a new one.
func finalSnapshotIdentifier(ctx *pulumi.Context, child func(string) string, cluster string, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	suffix, err := random.NewRandomId(ctx, child("final-snapshot-suffix"), &random.RandomIdArgs{ByteLength: pulumi.Int(4)}, parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("create final snapshot suffix of %s: %w", cluster, err)
	}
	return pulumi.Sprintf("%s-final-%s", cluster, suffix.Hex), nil
}

func redshiftSecurityGroup(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, parent pulumi.ResourceOption) (*ec2.SecurityGroup, error) {
	sg, err := ec2.NewSecurityGroup(ctx, child("sg"), &ec2.SecurityGroupArgs{
		VpcId:       a.VPCID,
		Description: pulumi.Sprintf("Redshift of %s: clients inside the VPC only; S3 through the endpoint", a.PIT),
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-omop")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create redshift security group: %w", err)
	}
	for i, client := range a.ClientSecurityGroupIDs {
		if err := addSecurityRules(ctx, child, sg, []securityRule{{suffix: fmt.Sprintf("client-%d", i), port: RedshiftPort, sourceGroup: client, why: "SQL clients in the VPC"}}, parent); err != nil {
			return nil, err
		}
		// The client's own group must let the connection out: Pulumi removes a group's default allow-all
		// egress, and a security group admits only what both ends' groups allow.
		if _, err := ec2.NewSecurityGroupRule(ctx, child(fmt.Sprintf("client-%d-out", i)), &ec2.SecurityGroupRuleArgs{
			SecurityGroupId: client, Type: pulumi.String("egress"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(RedshiftPort), ToPort: pulumi.Int(RedshiftPort), SourceSecurityGroupId: sg.ID(),
			Description: pulumi.String("SQL to the OMOP cluster"),
		}, parent); err != nil {
			return nil, fmt.Errorf("let redshift client %d connect out: %w", i, err)
		}
	}
	if _, err := ec2.NewSecurityGroupRule(ctx, child("sg-s3-out"), &ec2.SecurityGroupRuleArgs{
		SecurityGroupId: sg.ID(), Type: pulumi.String("egress"), Protocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(PortHTTPS), ToPort: pulumi.Int(PortHTTPS),
		PrefixListIds: pulumi.StringArray{a.S3PrefixListID},
		Description:   pulumi.String("COPY from S3 through the gateway endpoint (enhanced VPC routing)"),
	}, parent); err != nil {
		return nil, fmt.Errorf("create redshift S3 egress rule: %w", err)
	}
	return sg, nil
}

// RedshiftDBUserARN is the ARN of a database user of a cluster, which Redshift passes as sts:ExternalId
// when that user's COPY assumes a role (Redshift Management Guide, "Restricting access to IAM roles",
// authorizing-redshift-service-database-users.html).
func RedshiftDBUserARN(arns ARNs, cluster, user string) string {
	return fmt.Sprintf("arn:%s:redshift:%s:%s:dbuser:%s/%s", arns.Partition, arns.Region, arns.AccountID, cluster, user)
}

// redshiftCopyRole may read the configured prefixes of one bucket, and decrypt them through S3: COPY never
// needs access keys (the seed's COPY carried them in its SQL). Only the administrator of this cluster may
// have Redshift assume it: the trust names the administrator's database-user ARN as sts:ExternalId, the
// restriction the Redshift guide documents. The guide documents no aws:SourceAccount or aws:SourceArn for
// Redshift's AssumeRole, so a condition on them could refuse every COPY. Without the restriction, every
// database user could COPY with the role (roles of a cluster are available to all its users by default),
// the read-only user into the results schema it may write.
func redshiftCopyRole(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, cluster string, parent pulumi.ResourceOption) (*iam.Role, *iam.RolePolicyAttachment, error) {
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "RedshiftAdministratorOfThisCluster", Effect: Allow,
		Principal: &Principal{Service: []string{ServicePrincipal("redshift")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"sts:ExternalId": {RedshiftDBUserARN(a.ARNs, cluster, redshiftAdminUser)}}},
	}}}.JSON()
	if err != nil {
		return nil, nil, fmt.Errorf("redshift copy role trust policy: %w", err)
	}
	role, err := iam.NewRole(ctx, child("copy-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("COPY into the %s OMOP cluster from its S3 prefixes", a.PIT),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-omop-copy")},
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create redshift copy role: %w", err)
	}
	prefixes := append([]string{}, a.CopyPrefixes...)
	sort.Strings(prefixes)
	doc := pulumi.All(a.CopyBucketARN, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		bucket, key := v[0].(string), v[1].(string)
		var objects, listPrefixes []string
		for _, p := range prefixes {
			objects = append(objects, bucket+"/"+p+"*")
			listPrefixes = append(listPrefixes, p+"*")
		}
		return PolicyDocument{Version: PolicyVersion, Statement: []Statement{
			{Sid: "ReadCopyPrefixes", Effect: Allow, Action: []string{"s3:GetObject"}, Resource: objects},
			{Sid: "ListCopyPrefixes", Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{bucket},
				Condition: Condition{"StringLike": {"s3:prefix": listPrefixes}}},
			// A GetBucketLocation request carries no s3:prefix, so under the condition above it would never
			// be allowed: it gets a statement of its own.
			{Sid: "LocateCopyBucket", Effect: Allow, Action: []string{"s3:GetBucketLocation"}, Resource: []string{bucket}},
			{Sid: "DecryptThroughS3", Effect: Allow, Action: []string{"kms:Decrypt"}, Resource: []string{key},
				Condition: Condition{"StringEquals": {"kms:ViaService": {fmt.Sprintf("s3.%s.amazonaws.com", a.ARNs.Region)}}}},
		}}.JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewPolicy(ctx, child("copy-policy"), &iam.PolicyArgs{
		Description: pulumi.Sprintf("Read the %s OMOP load prefixes only", a.PIT),
		Policy:      doc,
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create redshift copy policy: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, child("copy-policy-attachment"), &iam.RolePolicyAttachmentArgs{Role: role.Name, PolicyArn: policy.Arn}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("attach redshift copy policy: %w", err)
	}
	return role, attachment, nil
}

// redshiftAuditLogs sends the connection, user-activity and user logs to CloudWatch Logs, into log groups
// created here first so that they are encrypted with the project key and kept six years (Redshift's audit
// delivery to S3 would need an SSE-S3 bucket).
func redshiftAuditLogs(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, r *RedshiftOMOP, parent pulumi.ResourceOption) error {
	var groups []pulumi.Resource
	for _, export := range redshiftLogExports {
		g, err := cloudwatch.NewLogGroup(ctx, child("log-"+export), &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(RedshiftLogGroup(r.Identifier, export)),
			RetentionInDays: pulumi.Int(a.LogRetentionDays),
			KmsKeyId:        a.KMSKeyARN,
			Tags:            pulumi.StringMap{"Name": pulumi.String(r.Identifier + "-" + export)},
		}, parent, pulumi.RetainOnDelete(true), pulumi.Protect(a.Protect))
		if err != nil {
			return fmt.Errorf("create redshift %s log group: %w", export, err)
		}
		groups = append(groups, g)
	}
	if _, err := redshift.NewLogging(ctx, child("logging"), &redshift.LoggingArgs{
		ClusterIdentifier:  r.Cluster.ClusterIdentifier,
		LogDestinationType: pulumi.String("cloudwatch"),
		LogExports:         pulumi.ToStringArray(redshiftLogExports),
	}, parent, pulumi.DependsOn(groups)); err != nil {
		return fmt.Errorf("enable redshift audit logging: %w", err)
	}
	return nil
}

var redshiftUserPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,126}$`)

// readOnlyCredentials generates the read-only user's password and stores it, with the connection
// details, in a secret encrypted with the project key. The password itself never leaves the secret and
// Pulumi's encrypted state: the statements turn it into a digest. It returns the password and the version
// id of the secret value, which changes with the password.
func readOnlyCredentials(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, r *RedshiftOMOP, parent pulumi.ResourceOption) (pulumi.StringOutput, pulumi.StringOutput, error) {
	password, err := random.NewRandomPassword(ctx, child("readonly-password"), &random.RandomPasswordArgs{
		Length: pulumi.Int(32), MinUpper: pulumi.Int(2), MinLower: pulumi.Int(2), MinNumeric: pulumi.Int(2),
		Special: pulumi.Bool(true), OverrideSpecial: pulumi.String("!#$%^&*()-_=+[]{}<>:?"),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("generate read-only password: %w", err)
	}
	secret, err := secretsmanager.NewSecret(ctx, child("readonly-secret"), &secretsmanager.SecretArgs{
		Name:                 pulumi.Sprintf("%s/omop/%s", a.PIT, a.ReadOnlyUser),
		Description:          pulumi.String("Credentials of the read-only OMOP database user of the analysis tools"),
		KmsKeyId:             a.KMSKeyARN,
		RecoveryWindowInDays: pulumi.Int(30),
		Tags:                 pulumi.StringMap{"Name": pulumi.String(a.PIT + "-omop-readonly")},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("create read-only secret: %w", err)
	}
	value := pulumi.All(password.Result, r.Cluster.Endpoint).ApplyT(func(v []any) (string, error) {
		host, port := splitEndpoint(v[1].(string))
		b, err := json.Marshal(map[string]any{
			"username": a.ReadOnlyUser, "password": v[0].(string), "engine": "redshift",
			"host": host, "port": port, "dbname": a.DatabaseName,
		})
		if err != nil {
			return "", fmt.Errorf("encode read-only secret: %w", err)
		}
		return string(b), nil
	}).(pulumi.StringOutput)
	version, err := secretsmanager.NewSecretVersion(ctx, child("readonly-secret-value"), &secretsmanager.SecretVersionArgs{
		SecretId: secret.ID(), SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("store read-only secret: %w", err)
	}
	r.ReadOnlySecretARN = secret.Arn
	r.ReadOnlySecretValue = version
	return password.Result, version.VersionId, nil
}

// RedshiftClusterIdentifier is the identifier of a project's cluster: "<pit>-omop".
func RedshiftClusterIdentifier(pit string) string { return pit + "-omop" }

// RedshiftLogGroup is the log group Redshift writes an audit log export to.
func RedshiftLogGroup(cluster, export string) string {
	return fmt.Sprintf("/aws/redshift/cluster/%s/%s", cluster, export)
}

// statementSecrets are what runStatements takes from the read-only credentials and the COPY role.
type statementSecrets struct {
	// password is the read-only password, a secret; version is the id of the secret version holding it.
	password, version pulumi.StringOutput
	// copyAttachment attaches the COPY role's policy.
	copyAttachment pulumi.Resource
}

// runStatements runs the SQL through the Data API with the admin secret, each statement after those it
// depends on. The Data API needs no network path to the private cluster.
//
// A statement runs when its resource is created, and its resource is replaced only when statementName
// changes: statementName is the statement's name and a digest of its fingerprint and of the cluster's
// namespace (a cluster created anew is empty, so every statement runs again there), and changes to what
// the provider's Read rewrites are ignored (statementReadRewrites). Only a Secret statement's SQL is built
// from the password, so only its SQL is a secret, and every other statement's change shows in a preview.
func runStatements(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, r *RedshiftOMOP, sec statementSecrets, parent pulumi.ResourceOption) error {
	bucketOf := func(arn string) string { return strings.TrimPrefix(arn, fmt.Sprintf("arn:%s:s3:::", a.ARNs.Partition)) }
	created := map[string]pulumi.Resource{}
	for _, s := range a.Statements {
		deps := []pulumi.Resource{r.Cluster}
		if s.UsesCopyRole {
			deps = append(deps, sec.copyAttachment)
		}
		for _, d := range s.DependsOn {
			deps = append(deps, created[d])
		}
		sql, name := statementSQL(s, r, a.CopyBucketARN, bucketOf, sec)
		st, err := redshiftdata.NewStatement(ctx, child("sql-"+s.Name), &redshiftdata.StatementArgs{
			ClusterIdentifier: r.Cluster.ClusterIdentifier,
			Database:          pulumi.String(a.DatabaseName),
			SecretArn:         r.AdminSecretARN,
			Sql:               sql,
			StatementName:     name,
		}, parent, pulumi.DependsOn(deps),
			pulumi.IgnoreChanges(statementReadRewrites), pulumi.ReplaceOnChanges([]string{"statementName"}),
			pulumi.Timeouts(&pulumi.CustomTimeouts{Create: statementTimeout, Update: statementTimeout}))
		if err != nil {
			return fmt.Errorf("create statement %s: %w", s.Name, err)
		}
		created[s.Name] = st
	}
	return nil
}

// statementSQL returns a statement's bound SQL and its statementName. The password enters only a Secret
// statement's SQL, and never a name: a Secret statement is fingerprinted with the secret's version id.
func statementSQL(s SQLStatement, r *RedshiftOMOP, bucketARN pulumi.StringInput, bucketOf func(string) string, sec statementSecrets) (pulumi.StringOutput, pulumi.StringOutput) {
	var sql pulumi.StringOutput
	if s.Secret {
		sql = pulumi.ToSecret(pulumi.All(r.CopyRole.Arn, bucketARN, sec.password).ApplyT(func(v []any) (string, error) {
			return s.Bind(BindValues{CopyRoleARN: v[0].(string), CopyBucket: bucketOf(v[1].(string)), ReadOnlyPassword: v[2].(string)})
		})).(pulumi.StringOutput)
	} else {
		sql = pulumi.All(r.CopyRole.Arn, bucketARN).ApplyT(func(v []any) (string, error) {
			return s.Bind(BindValues{CopyRoleARN: v[0].(string), CopyBucket: bucketOf(v[1].(string))})
		}).(pulumi.StringOutput)
	}
	inputs := []any{r.CopyRole.Arn, bucketARN, r.Cluster.ClusterNamespaceArn}
	if s.Secret {
		inputs = append(inputs, sec.version)
	}
	name := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		values := BindValues{CopyRoleARN: v[0].(string), CopyBucket: bucketOf(v[1].(string))}
		if s.Secret {
			values.PasswordVersion = v[3].(string)
		}
		fingerprint, err := s.Fingerprint(values)
		if err != nil {
			return "", fmt.Errorf("fingerprint statement %s: %w", s.Name, err)
		}
		return StatementName(s.Name, v[2].(string), fingerprint), nil
	}).(pulumi.StringOutput)
	return sql, name
}

// StatementName is the statementName of a statement: its name, then 16 hex digits of a digest of the
// cluster's namespace and the statement's fingerprint.
func StatementName(name, namespaceARN, fingerprint string) string {
	sum := sha256.Sum256([]byte(namespaceARN + "\n" + fingerprint))
	return name + "-" + hex.EncodeToString(sum[:8])
}

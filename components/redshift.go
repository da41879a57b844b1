package components

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/redshift"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
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

// check refuses arguments that lack a required value, are out of range, or whose statements are unnamed,
// repeated or depend on a statement that does not come before them.
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
	setDefault(&a.NodeType, DefaultRedshiftNodeType)
	setDefault(&a.NodeCount, 1)
	setDefault(&a.SnapshotRetentionDays, DefaultSnapshotRetentionDays)
	setDefault(&a.DatabaseName, "omop")
	setDefault(&a.LogRetentionDays, SixYearsDays)
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("redshift %s: %w", name, err)
	}
	r := &RedshiftOMOP{Identifier: RedshiftClusterIdentifier(a.PIT)}
	child, parent, err := registerComponent(ctx, "sce:data:RedshiftOMOP", "redshift", name, r, opts...)
	if err != nil {
		return nil, err
	}

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

// redshiftUserPattern is what check accepts as a database user name: lower case, starting with a letter or
// an underscore, at most 127 characters.
var redshiftUserPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,126}$`)

// RedshiftClusterIdentifier is the identifier of a project's cluster: "<pit>-omop".
func RedshiftClusterIdentifier(pit string) string { return pit + "-omop" }

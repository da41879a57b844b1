package components

// The SQL a RedshiftOMOP runs through the Data API once its cluster exists: the statements, the values
// bound into them at deployment, and the resources that run each statement once per change of its meaning.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/redshiftdata"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

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

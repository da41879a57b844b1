package stack_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

func omopPlan(t *testing.T, changes map[string]string) *plan.Plan {
	t.Helper()
	c := map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default"}
	for k, v := range changes {
		c[k] = v
	}
	return planWith(t, c)
}

func TestOMOPIsOffByDefault(t *testing.T) {
	p := planWith(t, nil)
	assert.Empty(t, p.Find("aws:redshift/cluster:Cluster"))
	assert.Empty(t, p.Find("aws:redshiftdata/statement:Statement"))
}

func TestRedshiftClusterIsPrivateEncryptedAndLogged(t *testing.T) {
	p := omopPlan(t, nil)
	clusters := p.Find("aws:redshift/cluster:Cluster")
	require.Len(t, clusters, 1)
	c := clusters[0]
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	assert.Equal(t, "false", in(c, "publiclyAccessible"), "set explicitly to false")
	assert.Equal(t, "true", in(c, "encrypted"))
	assert.Equal(t, key, in(c, "kmsKeyId"))
	assert.Equal(t, "true", in(c, "enhancedVpcRouting"))
	assert.Equal(t, "true", in(c, "manageMasterPassword"), "the admin password is managed by Secrets Manager")
	assert.Equal(t, key, in(c, "masterPasswordSecretKmsKeyId"))
	assert.NotContains(t, c.Inputs, "masterPassword")
	assert.Equal(t, "ra3.xlplus", in(c, "nodeType"))
	assert.Equal(t, "single-node", in(c, "clusterType"))
	assert.Equal(t, "7", in(c, "automatedSnapshotRetentionPeriod"))
	assert.NotEmpty(t, in(c, "preferredMaintenanceWindow"))
	assert.Equal(t, "true", in(c, "allowVersionUpgrade"))
	assert.Equal(t, "false", in(c, "skipFinalSnapshot"))

	group := one(t, p, "aws:redshift/subnetGroup:SubnetGroup", "study-omop-subnets")
	assert.Equal(t, []any{one(t, p, subnetType, "study-private-subnet").ID}, group.Inputs["subnetIds"])
	assert.Equal(t, group.ID, in(c, "clusterSubnetGroupName"))
	params := one(t, p, "aws:redshift/parameterGroup:ParameterGroup", "study-omop-parameters")
	assert.Equal(t, params.ID, in(c, "clusterParameterGroupName"))
	got := map[string]any{}
	for _, prm := range params.Inputs["parameters"].([]any) {
		m := prm.(map[string]any)
		got[m["name"].(string)] = m["value"]
	}
	assert.Equal(t, map[string]any{"require_ssl": "true", "enable_user_activity_logging": "true"}, got)

	logging := one(t, p, "aws:redshift/logging:Logging", "study-omop-logging")
	assert.Equal(t, c.ID, in(logging, "clusterIdentifier"))
	assert.Equal(t, "cloudwatch", in(logging, "logDestinationType"))
	for _, export := range []string{"connectionlog", "useractivitylog", "userlog"} {
		lg := one(t, p, "aws:cloudwatch/logGroup:LogGroup", "study-omop-log-"+export)
		assert.Equal(t, "/aws/redshift/cluster/study-omop/"+export, in(lg, "name"))
		assert.Equal(t, key, in(lg, "kmsKeyId"), "Redshift's audit log groups are encrypted with the project key")
	}
	doc := policyOf(t, p.Find("aws:kms/key:Key")[0], "policy")
	logs := statement(t, doc, "CloudWatchLogsEncryptsProjectLogGroups")
	assert.Contains(t, logs.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"], "arn:aws:logs:us-west-2:111122223333:log-group:/aws/redshift/cluster/study-omop/*")
}

func TestRedshiftIsReachableFromTheWorkstationAndAtlasAndReachesS3ThroughTheEndpoint(t *testing.T) {
	p := omopPlan(t, nil)
	sg := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-omop-sg")
	endpoint := one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint")
	sources := map[string]bool{}
	for _, r := range rulesOf(p, sg.ID) {
		if in(r, "type") == "ingress" {
			assert.Equal(t, "5439", in(r, "fromPort"))
			sources[in(r, "sourceSecurityGroupId")] = true
			assert.NotContains(t, r.Inputs, "cidrBlocks", "no address block reaches the cluster")
		} else {
			assert.Equal(t, []any{out(endpoint, "prefixListId")}, r.Inputs["prefixListIds"], "egress only to S3 through the endpoint")
		}
	}
	assert.True(t, sources[one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-workstation-sg").ID])
	assert.True(t, sources[one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-atlas-sg").ID])
}

func TestCopyRoleReadsOnlyTheLoadPrefixes(t *testing.T) {
	p := omopPlan(t, map[string]string{"sce:omopDataPrefix": "omop/synpuf/"})
	role := one(t, p, "aws:iam/role:Role", "study-omop-copy-role")
	assert.Contains(t, p.Find("aws:redshift/cluster:Cluster")[0].Inputs["iamRoles"], out(role, "arn"))
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-omop-copy-policy"), "policy")
	dataIn := out(bucketOf(t, p, "data-in"), "arn")
	read := statement(t, doc, "ReadCopyPrefixes")
	assert.ElementsMatch(t, []string{dataIn + "/omop/synpuf/*", dataIn + "/omop/vocabulary/*"}, read.Resource)
	assert.Equal(t, []string{"s3:GetObject"}, read.Action)
	list := statement(t, doc, "ListCopyPrefixes")
	assert.ElementsMatch(t, []string{"omop/synpuf/*", "omop/vocabulary/*"}, list.Condition["StringLike"]["s3:prefix"])
}

func TestOMOPStatementsRunInOrderWithTheRoleAndNoKeys(t *testing.T) {
	p := omopPlan(t, nil)
	statements := p.Find("aws:redshiftdata/statement:Statement")
	require.NotEmpty(t, statements)
	cluster := p.Find("aws:redshift/cluster:Cluster")[0]
	role := one(t, p, "aws:iam/role:Role", "study-omop-copy-role")
	byName := map[string]plan.Resource{}
	for _, s := range statements {
		byName[in(s, "statementName")] = s
		assert.Equal(t, cluster.ID, in(s, "clusterIdentifier"))
		assert.Equal(t, out(cluster, "masterPasswordSecretArn"), in(s, "secretArn"), "the Data API authenticates with the admin secret")
		sql := in(s, "sql")
		assert.NotContains(t, strings.ToLower(sql), "aws_access_key_id", "no access keys, unlike the seed")
		assert.NotContains(t, sql, "{{", "every placeholder is bound")
	}
	copyConcept := byName["copy-concept"]
	require.NotEmpty(t, copyConcept.URN)
	assert.Contains(t, in(copyConcept, "sql"), "IAM_ROLE '"+out(role, "arn")+"'")
	assert.Contains(t, in(copyConcept, "sql"), "s3://"+bucketOf(t, p, "data-in").ID+"/omop/vocabulary/CONCEPT.csv")
	assert.Contains(t, copyConcept.DependsOn, byName["ddl-concept"].URN, "the load waits for its table")
	assert.Contains(t, byName["ddl-person"].DependsOn, byName["schema-cdm"].URN)
	password := byName["password-ohdsi_reader"]
	assert.Equal(t, plan.SecretPlaceholder, password.Inputs["sql"], "the password digest is stored as a secret")
	assert.Len(t, p.Find("aws:redshiftdata/statement:Statement"), len(byName), "statement names are unique")
}

func TestReadOnlyUserCredentialsLiveInSecretsManager(t *testing.T) {
	p := omopPlan(t, nil)
	secret := one(t, p, "aws:secretsmanager/secret:Secret", "study-omop-readonly-secret")
	assert.Equal(t, out(p.Find("aws:kms/key:Key")[0], "arn"), in(secret, "kmsKeyId"))
	version := one(t, p, "aws:secretsmanager/secretVersion:SecretVersion", "study-omop-readonly-secret-value")
	assert.Equal(t, plan.SecretPlaceholder, version.Inputs["secretString"])
	for k, v := range p.Outputs {
		assert.NotContains(t, strings.ToLower(k), "password", "no password output (%s=%v)", k, v)
	}
}

func TestAtlasHostIsPrivateTunneledAndUsesTheReadOnlySecret(t *testing.T) {
	p := omopPlan(t, nil)
	atlas := one(t, p, instanceType, "study-atlas-instance")
	assertHardened(t, p, atlas, "m5.xlarge")
	assert.Equal(t, one(t, p, subnetType, "study-private-subnet").ID, in(atlas, "subnetId"))
	userData := in(atlas, "userData")
	secret := one(t, p, "aws:secretsmanager/secret:Secret", "study-omop-readonly-secret")
	assert.Contains(t, userData, "--secret-id '"+secret.ID+"'", "the password is read from Secrets Manager at boot")
	assert.Contains(t, userData, "127.0.0.1:8081:8080", "Atlas listens on localhost only")
	assert.Contains(t, userData, "127.0.0.1:8080:8080", "WebAPI listens on localhost only")
	assert.Contains(t, userData, "PermitOpen localhost:8081 127.0.0.1:8081 localhost:8080 127.0.0.1:8080",
		"researchers may forward Atlas and the WebAPI its pages call from the browser, nothing else")
	ip := out(atlas, "privateIp")
	assert.Equal(t, ip, p.Outputs["atlasPrivateIp"])
	assert.Equal(t, "ssh -J study-bastion -L 8081:localhost:8081 -L 8080:localhost:8080 -N <login>@"+ip+"   # then open http://localhost:8081/atlas",
		p.Outputs["atlasTunnelCommand"])
	assert.Contains(t, userData, "'redshift'")
	assert.Contains(t, userData, "sslmode=verify-full", "TLS to Redshift")
	assert.NotContains(t, userData, "sce_admin", "never the master user")
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-atlas-policy"), "policy")
	assert.Equal(t, []string{secret.ID}, statement(t, doc, "ReadTheReadOnlyUserSecret").Resource)
	sg := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-atlas-sg")
	bastionSG := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-bastion-sg")
	for _, r := range rulesOf(p, sg.ID) {
		if in(r, "type") == "ingress" {
			assert.Equal(t, bastionSG.ID, in(r, "sourceSecurityGroupId"), "ssh tunnels from the bastion only")
		}
	}
}

// TestWorkstationMayConnectToRedshift: the cluster's group admits the workstation on 5439, and the
// workstation's own group lets the connection out (its only other egress is 443).
// TestTheAtlasHostWaitsForTheReadOnlySecretsValue: its first boot reads the read-only user's secret, which
// exists, empty, before its version stores the credentials; the instance depends on the version.
func TestTheAtlasHostWaitsForTheReadOnlySecretsValue(t *testing.T) {
	p := omopPlan(t, nil)
	atlas := one(t, p, instanceType, "study-atlas-instance")
	version := one(t, p, "aws:secretsmanager/secretVersion:SecretVersion", "study-omop-readonly-secret-value")
	assert.Contains(t, atlas.DependsOn, version.URN)
}

// sqlOf returns every SQL text the plan's Redshift Data API statements run (a statement may carry one
// text, sql, or a batch, sqls); secret ones appear as the placeholder.
func sqlOf(p *plan.Plan) []string {
	var out []string
	for _, st := range p.Find("aws:redshiftdata/statement:Statement") {
		if s, ok := st.Inputs["sql"].(string); ok {
			out = append(out, s)
		}
		if list, ok := st.Inputs["sqls"].([]any); ok {
			for _, s := range list {
				if s, ok := s.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// TestTheAtlasHostMayCreateWebAPIsResultsTables: the results script connects as the user of the read-only
// secret and creates WebAPI's tables in the results schema; the cluster's statements must create that
// schema and give that user the right to create tables in it (GRANT ALL or CREATE ON SCHEMA), and must
// not take from PUBLIC the right to create temporary tables, which the concept hierarchy's SQL uses
// (Redshift grants TEMP to PUBLIC by default, GRANT in the Database Developer Guide).
func TestTheAtlasHostMayCreateWebAPIsResultsTables(t *testing.T) {
	for _, schema := range []string{"results", "ohdsi_results"} {
		t.Run(schema, func(t *testing.T) {
			p := omopPlan(t, map[string]string{"sce:omopResultsSchema": schema})
			userData := in(one(t, p, instanceType, "study-atlas-instance"), "userData")
			assert.Contains(t, userData, "/ddl/results?dialect=redshift&schema="+schema+"&", "the DDL is WebAPI's, for that schema")
			assert.Contains(t, userData, "(3, 1, 2, '"+schema+"', 1), (4, 1, 5, '"+schema+"', 1)", "the results and temp daimons name it")
			user := regexp.QuoteMeta(stack.ReadOnlyDBUser)
			q := regexp.QuoteMeta(schema)
			create := regexp.MustCompile(`(?i)CREATE SCHEMA (IF NOT EXISTS )?"?` + q + `"?`)
			grant := regexp.MustCompile(`(?i)GRANT (ALL( PRIVILEGES)?|[A-Z, ]*CREATE[A-Z, ]*) ON SCHEMA "?` + q + `"? TO "?` + user + `"?`)
			revokeTemp := regexp.MustCompile(`(?i)REVOKE [A-Z, ]*(TEMP|TEMPORARY|ALL)[A-Z, ]* ON DATABASE`)
			var created, granted bool
			for _, sql := range sqlOf(p) {
				created = created || create.MatchString(sql)
				granted = granted || grant.MatchString(sql)
				assert.False(t, revokeTemp.MatchString(sql), "temporary tables stay allowed: %s", sql)
			}
			assert.True(t, created, "a statement creates the results schema")
			assert.True(t, granted, "a statement lets %s create tables in %s", stack.ReadOnlyDBUser, schema)
		})
	}
}

// TestWebAPIAdmitsTheOriginResearchersOpen: the tunnel command tells the researcher which address to
// open; WebAPI's CORS filter answers with exactly one origin (security.origin), which must be that page's.
func TestWebAPIAdmitsTheOriginResearchersOpen(t *testing.T) {
	p := omopPlan(t, nil)
	tunnel, _ := p.Outputs["atlasTunnelCommand"].(string)
	_, page, ok := strings.Cut(tunnel, "then open ")
	require.True(t, ok, "the tunnel command names the page: %q", tunnel)
	origin := strings.TrimSuffix(page, "/atlas")
	assert.Contains(t, in(one(t, p, instanceType, "study-atlas-instance"), "userData"), "\n      SECURITY_ORIGIN: "+origin+"\n")
}

func TestWorkstationMayConnectToRedshift(t *testing.T) {
	p := omopPlan(t, nil)
	ws := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-workstation-sg")
	rs := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-omop-sg")
	out := one(t, p, "aws:ec2/securityGroupRule:SecurityGroupRule", "study-omop-client-0-out")
	assert.Equal(t, "egress", in(out, "type"))
	assert.Equal(t, ws.ID, in(out, "securityGroupId"))
	assert.Equal(t, rs.ID, in(out, "sourceSecurityGroupId"))
	assert.Equal(t, "5439", in(out, "fromPort"))
	assert.Equal(t, "5439", in(out, "toPort"))
}

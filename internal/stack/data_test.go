package stack_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/omop"
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

const statementType = "aws:redshiftdata/statement:Statement"

// loadPlan is the second phase: the OMOP stack with the load turned on.
func loadPlan(t *testing.T, changes map[string]string) *plan.Plan {
	t.Helper()
	c := map[string]string{"sce:omopLoadEnabled": "true"}
	for k, v := range changes {
		c[k] = v
	}
	return omopPlan(t, c)
}

// statementsByName maps each statement's plan name ("copy-concept") to its resource.
func statementsByName(t *testing.T, p *plan.Plan) map[string]plan.Resource {
	t.Helper()
	out := map[string]plan.Resource{}
	for _, s := range p.Find(statementType) {
		name, ok := strings.CutPrefix(s.Name, "study-omop-sql-")
		require.True(t, ok, "statement resource %s is named after its statement", s.Name)
		require.NotContains(t, out, name)
		out[name] = s
	}
	return out
}

// statementNames maps each statement's plan name to the statementName the Data API gets.
func statementNames(t *testing.T, p *plan.Plan) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, s := range statementsByName(t, p) {
		out[name] = in(s, "statementName")
	}
	return out
}

// replaced lists the statements whose statementName differs between two plans with the same statements.
func replaced(t *testing.T, before, after map[string]string) []string {
	t.Helper()
	require.ElementsMatch(t, keys(before), keys(after), "the same statements in both plans")
	var out []string
	for name, v := range before {
		if after[name] != v {
			out = append(out, name)
		}
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestOMOPStatementsRunInOrderWithTheRoleAndNoKeys(t *testing.T) {
	p := loadPlan(t, nil)
	byName := statementsByName(t, p)
	require.NotEmpty(t, byName)
	cluster := p.Find("aws:redshift/cluster:Cluster")[0]
	role := one(t, p, "aws:iam/role:Role", "study-omop-copy-role")
	for _, s := range byName {
		assert.Equal(t, cluster.ID, in(s, "clusterIdentifier"))
		assert.Equal(t, out(cluster, "masterPasswordSecretArn"), in(s, "secretArn"), "the Data API authenticates with the admin secret")
		sql := in(s, "sql")
		assert.NotContains(t, strings.ToLower(sql), "aws_access_key_id", "no access keys, unlike the seed")
		assert.NotContains(t, sql, "{{", "every placeholder is bound")
	}
	procedure := in(byName["procedure-load-concept"], "sql")
	assert.Contains(t, procedure, "IAM_ROLE '"+out(role, "arn")+"'")
	assert.Contains(t, procedure, "s3://"+bucketOf(t, p, "data-in").ID+"/omop/vocabulary/CONCEPT.csv")
	copyConcept := byName["copy-concept"]
	assert.Equal(t, `CALL "sce_setup"."sp_load_concept"()`, in(copyConcept, "sql"))
	assert.Contains(t, copyConcept.DependsOn, byName["ddl-concept"].URN, "the load waits for its table")
	assert.Contains(t, copyConcept.DependsOn, byName["procedure-load-concept"].URN, "and for its procedure")
	assert.Contains(t, byName["ddl-person"].DependsOn, byName["schema-cdm"].URN)
	assert.Contains(t, byName["ddl-person"].DependsOn, byName["procedure-apply-table"].URN)
	assert.Contains(t, byName["user-ohdsi_reader"].DependsOn, byName["procedure-create-user"].URN)
	assert.Equal(t, plan.SecretPlaceholder, byName["password-ohdsi_reader"].Inputs["sql"], "the password digest is stored as a secret")
}

func TestTheFirstPhaseCopiesNothing(t *testing.T) {
	p := omopPlan(t, nil)
	byName := statementsByName(t, p)
	assert.Contains(t, byName, "ddl-concept", "the tables exist before any file does")
	assert.Contains(t, byName, "password-ohdsi_reader")
	for name, s := range byName {
		assert.NotContains(t, in(s, "sql"), "COPY ", "statement %s", name)
		assert.False(t, strings.HasPrefix(name, "copy-") || strings.HasPrefix(name, "procedure-load-"), "statement %s", name)
	}
	loaded := statementsByName(t, loadPlan(t, nil))
	assert.Len(t, loaded, len(byName)+2*9, "the second phase adds a procedure and a CALL per uploaded vocabulary file")
}

// TestTheLoadReadsOnlyTheFilesAthenaShips: Athena's download has no SOURCE_TO_CONCEPT_MAP.csv, and a COPY
// of a missing file fails; the table is loaded only when the builder lists it.
func TestTheLoadReadsOnlyTheFilesAthenaShips(t *testing.T) {
	byName := statementsByName(t, loadPlan(t, nil))
	assert.NotContains(t, byName, "copy-source_to_concept_map")
	assert.Contains(t, byName, "ddl-source_to_concept_map", "the table exists, empty")
	for _, table := range []string{"concept", "vocabulary", "domain", "concept_class", "concept_relationship", "relationship", "concept_synonym", "concept_ancestor", "drug_strength"} {
		assert.Contains(t, byName, "copy-"+table)
	}
	with := statementsByName(t, loadPlan(t, map[string]string{
		"sce:omopVocabularyTables": `["concept","vocabulary","domain","concept_class","concept_relationship","relationship","concept_synonym","concept_ancestor","source_to_concept_map","drug_strength"]`,
	}))
	assert.Contains(t, in(with["procedure-load-source_to_concept_map"], "sql"), "/omop/vocabulary/SOURCE_TO_CONCEPT_MAP.csv'")
}

// TestStatementsIgnoreWhatTheProviderRewrites: the provider's Read stores DescribeStatement's SQL
// (IAM_ROLE blanked) and, once the statement expired, empty values; every input forces replacement. So
// each statement ignores those inputs and is replaced only through statementName, its fingerprint.
func TestStatementsIgnoreWhatTheProviderRewrites(t *testing.T) {
	hexDigest := regexp.MustCompile(`^[0-9a-f]{16}$`)
	for name, s := range statementsByName(t, loadPlan(t, nil)) {
		assert.ElementsMatch(t, []string{"clusterIdentifier", "parameters", "secretArn", "sql", "workgroupName"}, s.IgnoreChanges, "statement %s", name)
		assert.Equal(t, []string{"statementName"}, s.ReplaceOnChanges, "statement %s", name)
		digest, ok := strings.CutPrefix(in(s, "statementName"), name+"-")
		assert.True(t, ok && hexDigest.MatchString(digest), "statement %s is named %q", name, in(s, "statementName"))
		assert.NotContains(t, s.IgnoreChanges, "statementName", "the fingerprint must decide")
	}
}

// TestPlanningAgainReplacesNoStatement: nothing the database depends on changed, so no statementName does:
// neither from one run to the next, nor when an unrelated key changes.
func TestPlanningAgainReplacesNoStatement(t *testing.T) {
	base := statementNames(t, loadPlan(t, nil))
	assert.Empty(t, replaced(t, base, statementNames(t, loadPlan(t, nil))), "the same configuration")
	assert.Empty(t, replaced(t, base, statementNames(t, loadPlan(t, map[string]string{
		"sce:researchers": `["alice ` + bobKey + `","bob ` + aliceKey + `"]`, "sce:workstationInstanceType": "m5.2xlarge", "sce:scheduleEnabled": "false",
	}))), "ssh keys, the workstation and the schedule are not the database's")
}

// TestAddingAResearcherAddsOnlyTheirDatabaseUser: each login is a database user of its own, created and
// granted by statements of its own; a new researcher runs those and changes no other statement.
func TestAddingAResearcherAddsOnlyTheirDatabaseUser(t *testing.T) {
	before := statementNames(t, loadPlan(t, nil))
	after := statementNames(t, loadPlan(t, map[string]string{"sce:researchers": `["alice ` + aliceKey + `","bob ` + bobKey + `","carol ` + aliceKey + `"]`}))
	var added []string
	for name, v := range after {
		old, ok := before[name]
		if !ok {
			added = append(added, name)
			continue
		}
		assert.Equal(t, old, v, "%s is not run again", name)
	}
	assert.ElementsMatch(t, []string{"user-carol", "grant-usage-cdm-carol", "grant-select-cdm-carol", "default-select-cdm-carol"}, added)
}

func TestChangingOneTablesDDLReplacesOnlyThatTablesStatements(t *testing.T) {
	tables, err := omop.Tables()
	require.NoError(t, err)
	variant := make([]omop.Table, len(tables))
	copy(variant, tables)
	for i := range variant {
		if variant[i].Name == "concept" {
			variant[i].Columns = append(append([]omop.Column{}, variant[i].Columns...), omop.Column{Name: "concept_note", Type: "varchar(50)", Nullable: true})
		}
	}
	raw := baseConfig()
	for k, v := range map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default", "sce:omopLoadEnabled": "true"} {
		raw[k] = v
	}
	before, err := plan.Run(plan.Options{Stack: "test", Config: raw}, stack.Run)
	require.NoError(t, err)
	after, err := plan.Run(plan.Options{Stack: "test", Config: raw}, stack.Deployment{OMOPTables: variant}.Run)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"ddl-concept", "copy-concept"}, replaced(t, statementNames(t, before), statementNames(t, after)),
		"the table is rebuilt and reloaded; its procedure, the other tables and the grants stay")
	assert.Contains(t, in(statementsByName(t, after)["ddl-concept"], "sql"), `"concept_note" VARCHAR(50)`)
}

// TestOnlyThePasswordStatementIsSecret: the mock marks the random password secret, as the engine does, so
// any statement whose SQL were built from it would show as a secret here.
func TestOnlyThePasswordStatementIsSecret(t *testing.T) {
	var secret []string
	for name, s := range statementsByName(t, loadPlan(t, nil)) {
		for key, v := range s.Inputs {
			if v == plan.SecretPlaceholder {
				secret = append(secret, name+"."+key)
			}
		}
	}
	assert.Equal(t, []string{"password-ohdsi_reader.sql"}, secret, "one secret input, and not the name that decides replacement")
}

// TestLoadsWaitForTheCopyRolesPolicyAndItsAssociation: a COPY before the role's policy is attached is
// refused; the role is associated with the cluster by the cluster's own iamRoles.
func TestLoadsWaitForTheCopyRolesPolicyAndItsAssociation(t *testing.T) {
	p := loadPlan(t, nil)
	cluster := p.Find("aws:redshift/cluster:Cluster")[0]
	role := one(t, p, "aws:iam/role:Role", "study-omop-copy-role")
	attachment := one(t, p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "study-omop-copy-policy-attachment")
	assert.Equal(t, out(role, "name"), in(attachment, "role"))
	assert.Contains(t, cluster.Inputs["iamRoles"], out(role, "arn"), "the cluster holds the role association")
	loads := 0
	for name, s := range statementsByName(t, p) {
		if !strings.HasPrefix(name, "copy-") {
			continue
		}
		loads++
		assert.Contains(t, s.DependsOn, attachment.URN, "%s waits for the role's policy", name)
		assert.Contains(t, s.DependsOn, cluster.URN, "%s waits for the cluster and its role association", name)
	}
	assert.Equal(t, 9, loads)
}

// TestCopyRoleTrustsOnlyTheClusterAdministrator: the Redshift guide restricts a role to database users
// with sts:ExternalId (their dbuser ARNs) and documents no aws:SourceAccount for Redshift.
func TestCopyRoleTrustsOnlyTheClusterAdministrator(t *testing.T) {
	p := omopPlan(t, nil)
	trust := policyOf(t, one(t, p, "aws:iam/role:Role", "study-omop-copy-role"), "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	st := trust.Statement[0]
	assert.Equal(t, []string{"redshift.amazonaws.com"}, st.Principal.Service)
	assert.Equal(t, components.Condition{"StringEquals": {"sts:ExternalId": {"arn:aws:redshift:us-west-2:111122223333:dbuser:study-omop/sce_admin"}}}, st.Condition)
	assert.Equal(t, "sce_admin", in(p.Find("aws:redshift/cluster:Cluster")[0], "masterUsername"), "the user whose statements run the loads")
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
	assert.Equal(t, "ssh -J study-bastion -i ~/.ssh/study_<login> -o IdentitiesOnly=yes -L 8081:localhost:8081 -L 8080:localhost:8080 -N <login>@"+ip+"   # then open http://localhost:8081/atlas",
		p.Outputs["atlasTunnelCommand"])
	// Each researcher gets the complete command: their login and their key, nothing to fill in.
	tunnels, ok := p.Outputs["researcherAtlasTunnelCommands"].(map[string]any)
	require.True(t, ok, "researcherAtlasTunnelCommands is a map: %v", p.Outputs["researcherAtlasTunnelCommands"])
	require.NotEmpty(t, tunnels)
	for login, cmd := range tunnels {
		assert.Equal(t, "ssh -J study-bastion -i ~/.ssh/study_"+login+" -o IdentitiesOnly=yes -L 8081:localhost:8081 -L 8080:localhost:8080 -N "+login+"@"+ip+"   # then open http://localhost:8081/atlas", cmd)
		assert.NotContains(t, cmd, "<")
	}
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

func TestTheLoadPhaseHasNoViolations(t *testing.T) {
	p := loadPlan(t, map[string]string{"sce:omopDataPrefix": "omop/synpuf/"})
	require.NotNil(t, p.Violations, "the policy ran")
	assert.Empty(t, p.MandatoryViolations())
	for _, v := range p.Violations {
		assert.NotContains(t, v.URN, "omop-copy-role", "the COPY role's trust satisfies every rule: %s", v.Message)
	}
	byName := statementsByName(t, p)
	assert.Contains(t, in(byName["procedure-load-person"], "sql"), "/omop/synpuf/PERSON.csv'", "the clinical data set loads in the same phase")
}

package omop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEachResearcherGetsAUserWithoutAPasswordThatReadsTheCDM(t *testing.T) {
	got, err := ResearcherUsers([]string{"alice", "jo-smith"}, "cdm", "vocab")
	require.NoError(t, err)
	byName := map[string]Statement{}
	for _, s := range got {
		byName[s.Name] = s
	}
	for _, login := range []string{"alice", "jo-smith"} {
		create := byName["user-"+login]
		assert.Equal(t, `CALL "sce_setup"."sp_create_user"('`+login+`')`, create.SQL, "created with PASSWORD DISABLE by the procedure: IAM sign-in only")
		for _, schema := range []string{"cdm", "vocab"} {
			assert.Equal(t, `GRANT USAGE ON SCHEMA "`+schema+`" TO "`+login+`"`, byName["grant-usage-"+schema+"-"+login].SQL)
			assert.Equal(t, `GRANT SELECT ON ALL TABLES IN SCHEMA "`+schema+`" TO "`+login+`"`, byName["grant-select-"+schema+"-"+login].SQL)
			assert.Equal(t, `ALTER DEFAULT PRIVILEGES IN SCHEMA "`+schema+`" GRANT SELECT ON TABLES TO "`+login+`"`, byName["default-select-"+schema+"-"+login].SQL)
		}
	}
	for _, s := range got {
		assert.NotContains(t, strings.ToUpper(s.SQL), "PASSWORD", s.Name)
		assert.NotRegexp(t, `\b(INSERT|UPDATE|DELETE|CREATE|ALL)\b ON`, s.SQL, "%s grants nothing but reading", s.Name)
	}
}

func TestAResearcherUserIsWhatGetClusterCredentialsAccepts(t *testing.T) {
	for _, ok := range []string{"alice", "jo-smith", "r2", "a_b"} {
		assert.NoError(t, ValidateResearcherUser(ok), ok)
	}
	for bad, why := range map[string]string{
		"user": "reserved word", "select": "reserved word", "public": "reserved by Redshift", "rdsdb": "reserved by Redshift",
		"pg_alice": "reserved by Redshift", "Alice": "invalid", "9lives": "invalid", "a:b": "invalid",
	} {
		assert.ErrorContains(t, ValidateResearcherUser(bad), why, bad)
	}
	_, err := ResearcherUsers([]string{"alice", "user"}, "cdm")
	assert.ErrorContains(t, err, `"user"`)
}

func TestThePlanCreatesEachResearcherAfterTheTablesItReads(t *testing.T) {
	cfg := LoadConfig{CDMSchema: "cdm", ResultsSchema: "results", ReadOnlyUser: "ohdsi_reader", RoleARN: RoleARNPlaceholder, Researchers: []string{"alice"}}
	plan, err := Plan(cfg)
	require.NoError(t, err)
	var grant Statement
	for _, s := range plan {
		if s.Name == "grant-select-cdm-alice" {
			grant = s
		}
	}
	require.NotEmpty(t, grant.SQL)
	assert.Contains(t, grant.DependsOn, "ddl-person", "SELECT ON ALL TABLES covers only the tables that exist when it runs")

	cfg.Researchers = []string{"ohdsi_reader"}
	_, err = Plan(cfg)
	assert.ErrorContains(t, err, "a researcher needs a user of their own")
}

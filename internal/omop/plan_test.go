package omop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validConfig is a complete configuration; tests change one field at a time.
func validConfig() LoadConfig {
	return LoadConfig{
		CDMSchema:        "cdm",
		ResultsSchema:    "results",
		ReadOnlyUser:     "ohdsi_reader",
		RoleARN:          testRole,
		Load:             true,
		VocabularyPrefix: testPrefix,
	}
}

// positions maps each statement name to its index, failing on a duplicate.
func positions(t *testing.T, statements []Statement) map[string]int {
	t.Helper()
	at := make(map[string]int, len(statements))
	for i, s := range statements {
		_, dup := at[s.Name]
		require.False(t, dup, "statement %s appears twice", s.Name)
		at[s.Name] = i
	}
	return at
}

// byName returns the statement of a plan named name.
func byName(t *testing.T, statements []Statement, name string) Statement {
	t.Helper()
	for _, s := range statements {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no statement %s", name)
	return Statement{}
}

func TestPlanOrdersEveryStatementAfterWhatItDependsOn(t *testing.T) {
	cfg := validConfig()
	cfg.CDMPrefix = "s3://ohdsi-sample-data/synthea1k"
	cfg.CDMTables = []string{"person", "observation_period", "visit_occurrence"}
	cfg.CDMOptions = CopyOptions{FileCase: FileCaseLower, Delimiter: ','}
	statements, err := Plan(cfg)
	require.NoError(t, err)
	require.NoError(t, Validate(statements))
	at := positions(t, statements)

	// Every dependency names an earlier statement: checked here without Validate.
	for i, s := range statements {
		for _, dep := range s.DependsOn {
			j, ok := at[dep]
			if assert.True(t, ok, "%s depends on %s, which is not in the plan", s.Name, dep) {
				assert.Less(t, j, i, "%s depends on %s, which comes later", s.Name, dep)
			}
		}
	}

	assert.Equal(t, []string{"schema-sce_setup", "schema-cdm", "procedure-apply-table", "procedure-create-user"},
		[]string{statements[0].Name, statements[1].Name, statements[2].Name, statements[3].Name}, "the schemas and procedures come first")
	assert.Len(t, statements, 2+2+39+2+1+3+4+2*10+2*3,
		"schemas, procedures, tables, user and password, revoke, grants, results, vocabulary and CDM loads")

	tables, err := Tables()
	require.NoError(t, err)
	for _, tb := range tables {
		ddl := "ddl-" + tb.Name
		assert.Contains(t, byName(t, statements, ddl).DependsOn, "schema-cdm")
		assert.Contains(t, byName(t, statements, ddl).DependsOn, "procedure-apply-table")
		assert.Less(t, at[ddl], at["grant-select-cdm-ohdsi_reader"], "SELECT on all tables is granted after %s", ddl)
		assert.Contains(t, byName(t, statements, "grant-select-cdm-ohdsi_reader").DependsOn, ddl)
	}
	for _, table := range append(append([]string{}, VocabularyTables...), cfg.CDMTables...) {
		load := byName(t, statements, "copy-"+table)
		assert.Contains(t, load.DependsOn, "ddl-"+table, "copy-%s waits for its DDL", table)
		assert.Contains(t, load.DependsOn, "procedure-load-"+table)
		assert.Less(t, at["ddl-"+table], at["copy-"+table])
		assert.Less(t, at["procedure-load-"+table], at["copy-"+table])
	}
	assert.Less(t, at["procedure-create-user"], at["user-ohdsi_reader"])
	assert.Less(t, at["user-ohdsi_reader"], at["password-ohdsi_reader"])
	assert.Less(t, at["schema-results"], at["grant-all-results-ohdsi_reader"])
	assert.Less(t, at["copy-drug_strength"], at["procedure-load-person"], "the vocabulary loads before the clinical data")
}

func TestPlanPutsTheVocabularyInItsOwnSchemaWhenAsked(t *testing.T) {
	cfg := validConfig()
	cfg.VocabularySchema = "vocab"
	statements, err := Plan(cfg)
	require.NoError(t, err)
	at := positions(t, statements)
	assert.Equal(t, []string{"schema-sce_setup", "schema-cdm", "schema-vocab"}, []string{statements[0].Name, statements[1].Name, statements[2].Name})

	for _, s := range statements {
		table, isDDL := strings.CutPrefix(s.Name, "ddl-")
		if !isDDL {
			continue
		}
		p, _, err := parseDDLStatement(s)
		require.NoError(t, err)
		want := "cdm"
		if isVocabulary(table) {
			want = "vocab"
		}
		assert.Equal(t, want, p.schema, "table %s", table)
		assert.Equal(t, []string{"schema-" + want, "procedure-apply-table"}, s.DependsOn)
		grant := byName(t, statements, "grant-select-"+want+"-ohdsi_reader")
		assert.Contains(t, grant.DependsOn, s.Name, "SELECT in %s waits for %s", want, s.Name)
		other := map[string]string{"cdm": "vocab", "vocab": "cdm"}[want]
		assert.NotContains(t, byName(t, statements, "grant-select-"+other+"-ohdsi_reader").DependsOn, s.Name)
	}
	for _, table := range VocabularyTables {
		assert.True(t, strings.HasPrefix(copySQLOf(t, statements, table), `COPY "vocab"."`+table+`"`))
	}
	for _, schema := range []string{"cdm", "vocab"} {
		_, ok := at["grant-usage-"+schema+"-ohdsi_reader"]
		assert.True(t, ok, "the reader may use schema %s", schema)
	}
}

func TestPlanWithoutClinicalDataLoadsOnlyTheVocabulary(t *testing.T) {
	statements, err := Plan(validConfig())
	require.NoError(t, err)
	var loads []string
	for _, s := range statements {
		if table, ok := strings.CutPrefix(s.Name, "copy-"); ok {
			loads = append(loads, table)
		}
	}
	assert.Equal(t, VocabularyTables, loads)
}

func TestPlanWithARolePlaceholderBindsToTheSameSQLAsAKnownRole(t *testing.T) {
	known, err := Plan(validConfig())
	require.NoError(t, err)
	cfg := validConfig()
	cfg.RoleARN = RoleARNPlaceholder
	later, err := Plan(cfg)
	require.NoError(t, err)
	require.Len(t, later, len(known))
	for i := range later {
		assert.Equal(t, known[i].Name, later[i].Name, "names do not depend on the ARN")
		sql, err := later[i].Bind(Bindings{RoleARN: testRole, Password: testPassword})
		require.NoError(t, err, "statement %s", later[i].Name)
		want, err := known[i].Bind(Bindings{RoleARN: testRole, Password: testPassword})
		require.NoError(t, err)
		assert.Equal(t, want, sql, "statement %s", later[i].Name)
	}
}

func TestPlanMarksOnlyThePasswordStatementSecret(t *testing.T) {
	statements, err := Plan(validConfig())
	require.NoError(t, err)
	var secret []string
	for _, s := range statements {
		if s.Secret {
			secret = append(secret, s.Name)
		}
		assert.NotContains(t, s.SQL, testPassword)
	}
	assert.Equal(t, []string{"password-ohdsi_reader"}, secret)
}

func TestPlanRefusesBadConfigurationListingEveryProblem(t *testing.T) {
	cases := []struct {
		name   string
		change func(*LoadConfig)
		want   []string
	}{
		{"an empty configuration", func(c *LoadConfig) { *c = LoadConfig{} }, []string{
			"CDMSchema is required", "ResultsSchema is required", "ReadOnlyUser is required", "RoleARN is required",
		}},
		{"a load without a vocabulary prefix", func(c *LoadConfig) { c.VocabularyPrefix = "" }, []string{"VocabularyPrefix is required with Load"}},
		{"the CDM in the procedures' schema", func(c *LoadConfig) { c.CDMSchema = "sce_setup" }, []string{`CDMSchema "sce_setup" is the schema of this package's procedures`}},
		{"results in the procedures' schema", func(c *LoadConfig) { c.ResultsSchema = "sce_setup" }, []string{`ResultsSchema "sce_setup" is the schema`}},
		{"a bad CDM schema", func(c *LoadConfig) { c.CDMSchema = "CDM" }, []string{`CDMSchema: schema name "CDM" is invalid`}},
		{"a bad vocabulary schema", func(c *LoadConfig) { c.VocabularySchema = "pg_vocab" }, []string{`VocabularySchema: schema name "pg_vocab" is reserved`}},
		{"results in the CDM schema", func(c *LoadConfig) { c.ResultsSchema = "cdm" }, []string{`ResultsSchema "cdm" must differ`}},
		{"results in the vocabulary schema", func(c *LoadConfig) { c.VocabularySchema, c.ResultsSchema = "vocab", "vocab" }, []string{`ResultsSchema "vocab" must differ`}},
		{"a bad user", func(c *LoadConfig) { c.ReadOnlyUser = "public" }, []string{`ReadOnlyUser: user name "public" is reserved`}},
		{"a bad role", func(c *LoadConfig) { c.RoleARN = "AKIAIOSFODNN7EXAMPLE" }, []string{`RoleARN: role ARN "AKIAIOSFODNN7EXAMPLE" is invalid`}},
		{"a bad vocabulary prefix", func(c *LoadConfig) { c.VocabularyPrefix = "s3://Bucket" }, []string{`VocabularyPrefix: S3 prefix "s3://Bucket"`}},
		{"a bad CDM prefix", func(c *LoadConfig) { c.CDMPrefix, c.CDMTables = "bucket/synpuf", []string{"person"} }, []string{`CDMPrefix: S3 prefix "bucket/synpuf" must start with s3://`}},
		{"a CDM prefix without tables", func(c *LoadConfig) { c.CDMPrefix = "s3://ohdsi-sample-data/synthea1k" }, []string{"CDMTables: CDMPrefix is set but no table is named"}},
		{"CDM tables without a prefix", func(c *LoadConfig) { c.CDMTables = []string{"person"} }, []string{"CDMTables names 1 table(s) but CDMPrefix is empty"}},
		{"a vocabulary table in the CDM load", func(c *LoadConfig) {
			c.CDMPrefix, c.CDMTables = "s3://ohdsi-sample-data/synthea1k", []string{"concept"}
		}, []string{"table concept is a vocabulary table"}},
		{"a bad vocabulary option", func(c *LoadConfig) { c.VocabularyOptions.Compression = "zip" }, []string{`vocabulary load: compression "zip"`}},
		{"several problems", func(c *LoadConfig) { c.CDMSchema, c.ReadOnlyUser, c.RoleARN = "1cdm", "Reader", "role" }, []string{
			`CDMSchema: schema name "1cdm"`, `ReadOnlyUser: user name "Reader"`, `RoleARN: role ARN "role"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			cfg := validConfig()
			c.change(&cfg)
			statements, err := Plan(cfg)
			require.Error(t, err)
			assert.Nil(t, statements)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestValidateRefusesInconsistentLists(t *testing.T) {
	a := Statement{Name: "schema-cdm", SQL: `CREATE SCHEMA IF NOT EXISTS "cdm"`}
	b := Statement{Name: "ddl-person", SQL: "CREATE TABLE x (a INTEGER)", DependsOn: []string{"schema-cdm"}}
	cases := []struct {
		name       string
		statements []Statement
		want       string
	}{
		{"a dependency that comes later", []Statement{b, a}, `ddl-person depends on "schema-cdm", which is not an earlier statement`},
		{"a dependency that does not exist", []Statement{a, {Name: "c", SQL: "SELECT 1", DependsOn: []string{"missing"}}}, `depends on "missing"`},
		{"a statement depending on itself", []Statement{{Name: "c", SQL: "SELECT 1", DependsOn: []string{"c"}}}, "depends on itself"},
		{"a name used twice", []Statement{a, a}, `name "schema-cdm" is already used by statement 0`},
		{"an upper-case name", []Statement{{Name: "Schema", SQL: "SELECT 1"}}, `name "Schema" is invalid`},
		{"an empty name", []Statement{{SQL: "SELECT 1"}}, `name "" is invalid`},
		{"empty SQL", []Statement{{Name: "c", SQL: "  "}}, "empty SQL"},
		{"two commands in one statement", []Statement{{Name: "c", SQL: "SELECT 1; SELECT 2"}}, "semicolon"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			assert.ErrorContains(t, Validate(c.statements), c.want)
		})
	}
	assert.NoError(t, Validate([]Statement{a, b}))
}

func TestEveryPlannedStatementIsOneCommand(t *testing.T) {
	cfg := validConfig()
	cfg.VocabularySchema = "vocab"
	cfg.CDMPrefix, cfg.CDMTables = "s3://ohdsi-sample-data/cms-cdm", []string{"person", "death"}
	statements, err := Plan(cfg)
	require.NoError(t, err)
	for _, s := range statements {
		outside, err := outsideBody(s.SQL)
		require.NoError(t, err, "statement %s", s.Name)
		assert.NotContains(t, outside, ";", "statement %s", s.Name)
		first := strings.Fields(s.SQL)[0]
		assert.Contains(t, []string{"CREATE", "ALTER", "REVOKE", "GRANT", "CALL"}, first, "statement %s", s.Name)
		assert.Equal(t, s.Name, strings.ToLower(s.Name))
		if strings.Contains(s.SQL, ";") {
			assert.True(t, strings.HasPrefix(s.SQL, `CREATE OR REPLACE PROCEDURE "sce_setup"."sp_`), "only procedures hold semicolons: %s", s.Name)
		}
	}
}

func TestPlanWithoutTheLoadCreatesEverythingButCopiesNothing(t *testing.T) {
	cfg := validConfig()
	cfg.Load = false
	cfg.VocabularyPrefix = ""
	statements, err := Plan(cfg)
	require.NoError(t, err)
	loaded, err := Plan(validConfig())
	require.NoError(t, err)
	var names []string
	for _, s := range statements {
		names = append(names, s.Name)
		assert.False(t, s.UsesCopyRole, "statement %s", s.Name)
		assert.NotContains(t, s.SQL, "COPY ", "statement %s", s.Name)
	}
	assert.Len(t, statements, len(loaded)-2*10, "all but the vocabulary's 10 procedures and CALLs")
	for i, s := range statements {
		assert.Equal(t, loaded[i], s, "the first phase is the start of the second, statement for statement")
	}
	assert.Contains(t, names, "ddl-concept")
	assert.Contains(t, names, "password-ohdsi_reader")
}

// TestEveryStatementCanRunAgain: what a statement creates, it creates only when absent or replaces; no
// bare CREATE USER or CREATE TABLE that fails the second time.
func TestEveryStatementCanRunAgain(t *testing.T) {
	cfg := validConfig()
	cfg.CDMPrefix, cfg.CDMTables = "s3://ohdsi-sample-data/cms-cdm", []string{"person"}
	statements, err := Plan(cfg)
	require.NoError(t, err)
	for _, s := range statements {
		first := strings.Join(strings.Fields(s.SQL)[:2], " ")
		switch {
		case strings.HasPrefix(s.SQL, `CALL "sce_setup"."sp_`):
			first = "CALL"
		case strings.HasPrefix(s.SQL, "GRANT "), strings.HasPrefix(s.SQL, "REVOKE "):
			first = strings.Fields(s.SQL)[0]
		}
		switch first {
		case "CREATE SCHEMA":
			assert.True(t, strings.HasPrefix(s.SQL, "CREATE SCHEMA IF NOT EXISTS "), s.Name)
		case "CREATE OR", "CALL", "ALTER USER", "ALTER DEFAULT", "GRANT", "REVOKE":
		default:
			t.Errorf("statement %s runs %s, which may fail or duplicate when it runs again", s.Name, first)
		}
	}
}

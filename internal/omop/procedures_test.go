package omop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// indexAfter is the position of want in s after from, or -1.
func indexAfter(s, want string, from int) int {
	if from < 0 {
		return -1
	}
	i := strings.Index(s[from:], want)
	if i < 0 {
		return -1
	}
	return from + i
}

// inOrder reports whether s holds each of parts, in that order.
func inOrder(s string, parts ...string) bool {
	at := 0
	for _, p := range parts {
		if at = indexAfter(s, p, at); at < 0 {
			return false
		}
		at += len(p)
	}
	return true
}

func TestSetupProceduresAreOneCommandEachInTheirSchema(t *testing.T) {
	procs := SetupProcedures()
	require.Len(t, procs, 2)
	schema, err := CreateSchema(SetupSchema)
	require.NoError(t, err)
	require.NoError(t, Validate(append([]Statement{schema}, procs...)))
	for _, p := range procs {
		assert.True(t, strings.HasPrefix(p.SQL, `CREATE OR REPLACE PROCEDURE "sce_setup"."sp_`), p.Name)
		assert.True(t, strings.HasSuffix(p.SQL, "$$ LANGUAGE plpgsql"), p.Name)
		assert.NotContains(t, p.SQL, "NONATOMIC", "%s runs as one transaction", p.Name)
		assert.NotContains(t, p.SQL, "SECURITY DEFINER", "%s runs with its caller's rights", p.Name)
		assert.Equal(t, []string{"schema-sce_setup"}, p.DependsOn)
	}
}

// TestApplyTableRebuildsOnlyATableWhoseFingerprintDiffers reads the procedure's logic: look the comment
// up, and only when it is absent or another one drop, create and record the new fingerprint.
func TestApplyTableRebuildsOnlyATableWhoseFingerprintDiffers(t *testing.T) {
	sql := SetupProcedures()[0].SQL
	assert.True(t, inOrder(sql,
		`"sce_setup"."sp_apply_table" (target_schema varchar(127), target_table varchar(127), fingerprint varchar(64), create_sql varchar(65535))`,
		"SELECT d.description INTO applied", "FROM pg_catalog.pg_description d",
		"WHERE n.nspname = target_schema AND c.relname = target_table AND d.objsubid = 0;",
		"IF applied IS NULL OR applied <> fingerprint THEN",
		"EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(target_schema) || '.' || quote_ident(target_table);",
		"EXECUTE create_sql;",
		"EXECUTE 'COMMENT ON TABLE ' || quote_ident(target_schema) || '.' || quote_ident(target_table) || ' IS ' || quote_literal(fingerprint);",
		"END IF;", "END;",
	), sql)
	assert.Equal(t, 1, strings.Count(sql, "DROP TABLE"), "the only DROP is inside the IF")
}

func TestCreateUserCreatesOnlyAnAbsentUser(t *testing.T) {
	sql := SetupProcedures()[1].SQL
	assert.True(t, inOrder(sql,
		`"sce_setup"."sp_create_user" (user_name varchar(127))`,
		"IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_user WHERE usename = user_name) THEN",
		"EXECUTE 'CREATE USER ' || quote_ident(user_name) || ' PASSWORD DISABLE';",
		"END IF;",
	), sql)
}

func TestValidateAcceptsSemicolonsOnlyInOneProcedureBody(t *testing.T) {
	cases := []struct {
		name, sql, want string
	}{
		{"a procedure", "CREATE OR REPLACE PROCEDURE p ()\nAS $$\nBEGIN\n  SELECT 1;\nEND;\n$$ LANGUAGE plpgsql", ""},
		{"a semicolon after the body", "CREATE OR REPLACE PROCEDURE p ()\nAS $$ BEGIN END; $$ LANGUAGE plpgsql; DROP TABLE x", "semicolon outside a procedure body"},
		{"a body outside a procedure", "SELECT $$a;b$$", "a $$ body outside CREATE OR REPLACE PROCEDURE"},
		{"two bodies", "CREATE OR REPLACE PROCEDURE p () AS $$ $$ $$ $$ LANGUAGE plpgsql", "4 $$ quotes"},
		{"an unclosed body", "CREATE OR REPLACE PROCEDURE p () AS $$ BEGIN; END;", "1 $$ quotes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate([]Statement{{Name: "p", SQL: c.sql}})
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, c.want)
		})
	}
	err := Validate([]Statement{{Name: "a", SQL: "SELECT 1"}, {Name: "b", SQL: "SELECT 2", RerunWith: []string{"a"}}})
	assert.ErrorContains(t, err, `statement b runs again with "a", which is not one of its dependencies`)
}

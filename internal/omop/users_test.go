package omop

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testPassword meets Redshift's rules; it protects nothing.
const testPassword = "Correct7Horse-Battery"

func TestReadOnlyUserCreatesAUserThatOnlyReads(t *testing.T) {
	statements, err := ReadOnlyUser("ohdsi_reader", "cdm", "vocab")
	require.NoError(t, err)
	want := []Statement{
		{Name: "user-ohdsi_reader", SQL: `CALL "sce_setup"."sp_create_user"('ohdsi_reader')`, DependsOn: []string{"procedure-create-user"}},
		{Name: "password-ohdsi_reader", SQL: `ALTER USER "ohdsi_reader" PASSWORD '{{password_md5:ohdsi_reader}}'`, DependsOn: []string{"user-ohdsi_reader"}, Secret: true},
		{Name: "revoke-public-create", SQL: "REVOKE CREATE ON SCHEMA public FROM PUBLIC", DependsOn: []string{"user-ohdsi_reader"}},
	}
	for _, schema := range []string{"cdm", "vocab"} {
		deps := []string{"user-ohdsi_reader", "schema-" + schema}
		want = append(want,
			Statement{Name: "grant-usage-" + schema + "-ohdsi_reader", SQL: fmt.Sprintf(`GRANT USAGE ON SCHEMA "%s" TO "ohdsi_reader"`, schema), DependsOn: deps},
			Statement{Name: "grant-select-" + schema + "-ohdsi_reader", SQL: fmt.Sprintf(`GRANT SELECT ON ALL TABLES IN SCHEMA "%s" TO "ohdsi_reader"`, schema), DependsOn: deps},
			Statement{Name: "default-select-" + schema + "-ohdsi_reader", SQL: fmt.Sprintf(`ALTER DEFAULT PRIVILEGES IN SCHEMA "%s" GRANT SELECT ON TABLES TO "ohdsi_reader"`, schema), DependsOn: deps},
		)
	}
	assert.Equal(t, want, statements)
	for _, s := range statements {
		for _, verb := range []string{"INSERT", "UPDATE", "DELETE", "GRANT ALL", "CREATEUSER", "CREATEDB"} {
			assert.NotContains(t, s.SQL, verb, "statement %s", s.Name)
		}
	}
}

func TestReadOnlyUserRefusesBadNames(t *testing.T) {
	cases := []struct {
		name    string
		user    string
		schemas []string
		want    string
	}{
		{"an upper-case user", "Reader", []string{"cdm"}, `user name "Reader" is invalid`},
		{"a user with a quote", `reader"`, []string{"cdm"}, "is invalid"},
		{"the user PUBLIC", "public", []string{"cdm"}, "reserved"},
		{"Redshift's own administrator", "rdsdb", []string{"cdm"}, "reserved"},
		{"no schema", "reader", nil, "no schema to read"},
		{"a bad schema", "reader", []string{"cdm", "Vocab"}, `schema name "Vocab"`},
		{"a schema named twice", "reader", []string{"cdm", "cdm"}, "schema cdm named twice"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			_, err := ReadOnlyUser(c.user, c.schemas...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "read-only user")
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestResultsSchemaGivesItsWritersFullRights(t *testing.T) {
	statements, err := ResultsSchema("results", "ohdsi_reader")
	require.NoError(t, err)
	deps := []string{"schema-results", "user-ohdsi_reader"}
	assert.Equal(t, []Statement{
		{Name: "schema-results", SQL: `CREATE SCHEMA IF NOT EXISTS "results"`},
		{Name: "grant-all-results-ohdsi_reader", SQL: `GRANT ALL ON SCHEMA "results" TO "ohdsi_reader"`, DependsOn: deps},
		{Name: "grant-tables-results-ohdsi_reader", SQL: `GRANT ALL ON ALL TABLES IN SCHEMA "results" TO "ohdsi_reader"`, DependsOn: deps},
		{Name: "default-all-results-ohdsi_reader", SQL: `ALTER DEFAULT PRIVILEGES IN SCHEMA "results" GRANT ALL ON TABLES TO "ohdsi_reader"`, DependsOn: deps},
	}, statements)

	alone, err := ResultsSchema("results")
	require.NoError(t, err)
	assert.Len(t, alone, 1, "without writers, only the schema")

	_, err = ResultsSchema("Results")
	assert.ErrorContains(t, err, `results schema: schema name "Results"`)
	_, err = ResultsSchema("results", "PUBLIC")
	assert.ErrorContains(t, err, `results schema writer: user name "PUBLIC"`)
}

func TestRedshiftMD5FormMatchesTheDocumentedExample(t *testing.T) {
	// Redshift's CREATE USER documentation: password "ez", user "user1" give md5153c434b4b77c89e6b94f12c5393af5b.
	assert.Equal(t, "md5153c434b4b77c89e6b94f12c5393af5b", redshiftMD5("user1", "ez"))
}

func TestBindFillsThePasswordDigestNeverThePassword(t *testing.T) {
	statements, err := ReadOnlyUser("ohdsi_reader", "cdm")
	require.NoError(t, err)
	password := statements[1]
	require.Equal(t, "password-ohdsi_reader", password.Name)
	assert.Equal(t, []string{"{{password_md5:ohdsi_reader}}"}, password.Placeholders())

	sql, err := password.Bind(Bindings{Password: testPassword})
	require.NoError(t, err)
	assert.Equal(t, `ALTER USER "ohdsi_reader" PASSWORD '`+redshiftMD5("ohdsi_reader", testPassword)+`'`, sql)
	assert.NotContains(t, sql, testPassword)
	assert.NotContains(t, sql, "{{")

	other, err := password.Bind(Bindings{Password: testPassword + "2"})
	require.NoError(t, err)
	assert.NotEqual(t, sql, other, "a new password changes the SQL, so the statement runs again")
}

func TestBindRefusesBadPasswordsWithoutEchoingThem(t *testing.T) {
	statements, err := ReadOnlyUser("ohdsi_reader", "cdm")
	require.NoError(t, err)
	password := statements[1]
	cases := []struct {
		name, password, want string
	}{
		{"no password", "", "is 0 characters long, want 8 to 64"},
		{"a short password", "Ab1defg", "is 7 characters long"},
		{"a long password", "Ab1" + strings.Repeat("x", 62), "is 65 characters long"},
		{"no upper case", "abcdefg123", "upper-case"},
		{"no digit", "Abcdefghij", "digit"},
		{"a single quote", "Abc'defg123", `' " \ / @`},
		{"an at sign", "Abc@defg123", `' " \ / @`},
		{"a slash", "Abc/defg123", `' " \ / @`},
		{"a space", "Abc defg123", "printable ASCII"},
		{"a non-ASCII letter", "Abcdéfg123", "printable ASCII"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			_, err := password.Bind(Bindings{Password: c.password})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "password of user ohdsi_reader")
			assert.Contains(t, err.Error(), c.want)
			if c.password != "" {
				assert.NotContains(t, err.Error(), c.password, "the error does not echo the password")
			}
		})
	}
}

func TestBindFillsTheRoleARN(t *testing.T) {
	statements, err := VocabularyCopy("cdm", testPrefix, RoleARNPlaceholder, CopyOptions{})
	require.NoError(t, err)
	for _, s := range statements {
		if !strings.HasPrefix(s.Name, "procedure-load-") {
			assert.Empty(t, s.Placeholders(), "the CALL of %s names no role", s.Name)
			continue
		}
		assert.Equal(t, []string{RoleARNPlaceholder}, s.Placeholders(), "statement %s waits for the role", s.Name)
		sql, err := s.Bind(Bindings{RoleARN: testRole})
		require.NoError(t, err)
		assert.Contains(t, sql, testRole)
		assert.NotContains(t, sql, "{{")
	}
	bound, err := statementOf(t, statements, "procedure-load-concept").Bind(Bindings{RoleARN: testRole})
	require.NoError(t, err)
	direct, err := VocabularyCopy("cdm", testPrefix, testRole, CopyOptions{})
	require.NoError(t, err)
	assert.Equal(t, statementOf(t, direct, "procedure-load-concept").SQL, bound, "binding later gives the SQL a known ARN gives at once")

	_, err = statements[0].Bind(Bindings{})
	assert.ErrorContains(t, err, `bind statement procedure-load-concept: role ARN "" is invalid`)
	_, err = statements[0].Bind(Bindings{RoleARN: "arn:aws:iam::111122223333:user/x"})
	assert.ErrorContains(t, err, "is invalid")
}

func TestBindLeavesFinalSQLAloneAndRefusesUnknownPlaceholders(t *testing.T) {
	s := Statement{Name: "schema-cdm", SQL: `CREATE SCHEMA IF NOT EXISTS "cdm"`}
	sql, err := s.Bind(Bindings{})
	require.NoError(t, err)
	assert.Equal(t, s.SQL, sql)
	assert.Empty(t, s.Placeholders())

	_, err = Statement{Name: "x", SQL: "SELECT '{{database}}'"}.Bind(Bindings{RoleARN: testRole, Password: testPassword})
	assert.ErrorContains(t, err, "placeholder {{database}} is not one Bind knows")
}

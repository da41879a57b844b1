package omop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fingerprints returns the fingerprint of every statement of a plan.
func fingerprints(t *testing.T, statements []Statement, b Bindings) map[string]string {
	t.Helper()
	out := make(map[string]string, len(statements))
	for _, s := range statements {
		f, err := Fingerprint(statements, s.Name, b)
		require.NoError(t, err, "statement %s", s.Name)
		require.Len(t, f, 64)
		out[s.Name] = f
	}
	return out
}

// changed lists the statements whose fingerprints differ between two runs of the same plan's names.
func changed(before, after map[string]string) []string {
	var out []string
	for name, f := range before {
		if after[name] != f {
			out = append(out, name)
		}
	}
	return out
}

// placeholderPlan plans validConfig with the role bound later, as the component does.
func placeholderPlan(t *testing.T, change func(*LoadConfig)) []Statement {
	t.Helper()
	cfg := validConfig()
	cfg.RoleARN = RoleARNPlaceholder
	if change != nil {
		change(&cfg)
	}
	statements, err := Plan(cfg)
	require.NoError(t, err)
	return statements
}

var testBindings = Bindings{RoleARN: testRole, Password: testPassword, PasswordVersion: "version-1"}

func TestFingerprintsAreStableAndNeverReadThePassword(t *testing.T) {
	base := fingerprints(t, placeholderPlan(t, nil), testBindings)
	assert.Equal(t, base, fingerprints(t, placeholderPlan(t, nil), testBindings), "the same plan, the same fingerprints")

	other := testBindings
	other.Password = "Another9Password-Entirely"
	assert.Equal(t, base, fingerprints(t, placeholderPlan(t, nil), other), "the password itself enters no fingerprint")

	other = testBindings
	other.PasswordVersion = "version-2"
	assert.Equal(t, []string{"password-ohdsi_reader"}, changed(base, fingerprints(t, placeholderPlan(t, nil), other)),
		"a new password version runs the password statement again, and only it")
}

func TestChangingOneTablesDDLChangesOnlyThatTablesStatements(t *testing.T) {
	tables, err := Tables()
	require.NoError(t, err)
	variant := make([]Table, len(tables))
	for i, tb := range tables {
		variant[i] = tb
		if tb.Name == "concept" {
			variant[i].Columns = append(append([]Column{}, tb.Columns...), Column{Name: "concept_note", Type: "varchar(50)", Nullable: true})
		}
	}
	base := fingerprints(t, placeholderPlan(t, nil), testBindings)
	after := fingerprints(t, placeholderPlan(t, func(c *LoadConfig) { c.Tables = variant }), testBindings)
	assert.ElementsMatch(t, []string{"ddl-concept", "copy-concept"}, changed(base, after),
		"the table is rebuilt and loaded again; its load procedure and every other statement stay")
}

func TestAnotherRoleRunsTheLoadsAgainAndNothingElse(t *testing.T) {
	statements := placeholderPlan(t, nil)
	base := fingerprints(t, statements, testBindings)
	other := testBindings
	other.RoleARN = "arn:aws:iam::111122223333:role/another-copy-role"
	got := changed(base, fingerprints(t, statements, other))
	var want []string
	for _, table := range VocabularyTables {
		want = append(want, "procedure-load-"+table, "copy-"+table)
	}
	assert.ElementsMatch(t, want, got)
	for _, name := range got {
		assert.False(t, strings.HasPrefix(name, "ddl-"), "no table is rebuilt for a role")
	}
}

func TestFingerprintRefusesWhatItCannotBind(t *testing.T) {
	statements := placeholderPlan(t, nil)
	_, err := Fingerprint(statements, "procedure-load-concept", Bindings{})
	assert.ErrorContains(t, err, `fingerprint statement procedure-load-concept: role ARN "" is invalid`)
	_, err = Fingerprint(statements, "copy-concept", Bindings{})
	assert.ErrorContains(t, err, "procedure-load-concept", "a CALL's fingerprint needs its procedure's")
	_, err = Fingerprint(statements, "password-ohdsi_reader", Bindings{Password: testPassword})
	assert.ErrorContains(t, err, "no password version is given")
	_, err = Fingerprint(statements, "copy-nothing", testBindings)
	assert.ErrorContains(t, err, "no statement copy-nothing")
	_, err = Fingerprint([]Statement{{Name: "x", SQL: "SELECT '{{database}}'"}}, "x", testBindings)
	assert.ErrorContains(t, err, "placeholder {{database}}")
}

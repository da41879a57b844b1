package omop

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedColumnList is the shared reference copy of the column list, beside the repository (../shared
// from its root). CI runs without it; the column counts below hold the same facts for CI.
var sharedColumnList = filepath.Join("..", "..", "..", "shared", "reference", "omop-cdm-5.4-columns.tsv")

// officialColumnCounts is the number of columns of each table in the OHDSI CommonDataModel Redshift DDL,
// inst/ddl/5.4/redshift/OMOPCDM_redshift_5.4_ddl.sql (commit f39870c7), counted from its CREATE TABLE
// statements. Written out here so that a column dropped from the embedded list (as note_nlp's "offset"
// once was) fails in CI too, where the shared reference is absent.
var officialColumnCounts = map[string]int{
	"person": 18, "observation_period": 5, "visit_occurrence": 17, "visit_detail": 19, "condition_occurrence": 16,
	"drug_exposure": 23, "procedure_occurrence": 16, "device_exposure": 19, "measurement": 23, "observation": 21,
	"death": 7, "note": 16, "note_nlp": 14, "specimen": 15, "fact_relationship": 5, "location": 12, "care_site": 6,
	"provider": 13, "payer_plan_period": 17, "cost": 22, "drug_era": 7, "dose_era": 7, "condition_era": 6,
	"episode": 13, "episode_event": 3, "metadata": 9, "cdm_source": 11, "concept": 10, "vocabulary": 5,
	"domain": 3, "concept_class": 3, "concept_relationship": 6, "relationship": 6, "concept_synonym": 3,
	"concept_ancestor": 4, "source_to_concept_map": 9, "drug_strength": 12, "cohort": 4, "cohort_definition": 7,
}

func TestEmbeddedColumnListIsTheSharedReference(t *testing.T) {
	shared, err := os.ReadFile(sharedColumnList)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is not here (CI runs without ../shared); TestEveryTableHasTheOfficialNumberOfColumns holds its counts", sharedColumnList)
	}
	require.NoError(t, err)
	want, err := parseTables(strings.NewReader(string(shared)), sharedColumnList)
	require.NoError(t, err)
	got, err := Tables()
	require.NoError(t, err)
	assert.Equal(t, want, got, "the embedded column list is the shared reference, row for row")
}

func TestEveryTableHasTheOfficialNumberOfColumns(t *testing.T) {
	tables, err := Tables()
	require.NoError(t, err)
	got := map[string]int{}
	for _, tb := range tables {
		got[tb.Name] = len(tb.Columns)
	}
	assert.Equal(t, officialColumnCounts, got)
}

// TestNoteNLPHasTheOffsetColumnQuoted: "offset" is a reserved word in Redshift, as in PostgreSQL; the
// official DDL quotes it, and so must ours, between snippet and lexical_variant.
func TestNoteNLPHasTheOffsetColumnQuoted(t *testing.T) {
	byName, _, err := tableIndex()
	require.NoError(t, err)
	nlp := byName["note_nlp"]
	var names []string
	for _, c := range nlp.Columns {
		names = append(names, c.Name)
	}
	require.GreaterOrEqual(t, len(names), 6)
	assert.Equal(t, []string{"snippet", "offset", "lexical_variant"}, names[3:6])
	offset, _ := nlp.Column("offset")
	assert.Equal(t, Column{Name: "offset", Type: "varchar(50)", Nullable: true}, offset)

	sql, err := createTable("cdm", nlp)
	require.NoError(t, err)
	assert.Contains(t, sql, "\n  \"offset\" VARCHAR(50),\n", "quoted, nullable")
	assert.NotContains(t, sql, " offset ", "never unquoted")
}

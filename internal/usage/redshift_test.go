package usage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit"
	"github.com/sce-project/sce/internal/phi"
)

const aliceJoin = "SELECT p.year_of_birth, c.concept_name\nFROM cdm.person p\n  JOIN cdm.concept c ON c.concept_id = p.gender_concept_id\nWHERE p.year_of_birth > 1950\n  AND c.vocabulary_id = 'Gender';"

func TestEachQueryIsReportedWithItsTablesColumnsAndPredicates(t *testing.T) {
	rep := build(t, stackOptions(), "", "redshift")
	alice := queriesOf(rep, "alice")
	require.Len(t, alice, 2)
	join := alice[0]
	assert.True(t, join.Parsed)
	assert.Equal(t, day("2026-11-28T10:40:00Z"), join.Time)
	assert.Equal(t, "omop", join.Database)
	assert.Equal(t, []string{"cdm.concept", "cdm.person"}, join.Tables)
	assert.Equal(t, []string{"cdm.concept.concept_id", "cdm.concept.concept_name", "cdm.concept.vocabulary_id", "cdm.person.gender_concept_id", "cdm.person.year_of_birth"},
		join.Columns, "each column resolved through its alias")
	assert.Equal(t, []string{"ON c.concept_id = p.gender_concept_id", "WHERE p.year_of_birth > $1 AND c.vocabulary_id = $2"}, join.Predicates,
		"the constants that chose the rows are hidden")
	assert.Equal(t, "sha256:"+phi.KeyHash(aliceJoin), join.Query, "the multi-line entry is one query")
	assert.Equal(t, []string{"cdm.person.year_of_birth"}, alice[1].Columns, "a single-table query's columns are that table's")
	assert.Equal(t, []string{"WHERE year_of_birth BETWEEN $1 AND $2"}, alice[1].Predicates)

	bob := queriesOf(rep, "bob")
	require.Len(t, bob, 3, "TOP, UNLOAD and CREATE TABLE AS; the catalog query is no study data")
	for _, q := range bob[:2] {
		assert.False(t, q.Parsed, "Redshift's own syntax: reported, not dropped")
		assert.Contains(t, q.Error, "syntax error")
		assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, q.Query)
	}
	ctas := bob[2]
	assert.Equal(t, []string{"results.my_cohort"}, ctas.Written)
	assert.Equal(t, []string{"cdm.condition_occurrence"}, ctas.Tables)
	assert.Equal(t, []string{"redshift/cdm", "redshift/results"}, ctas.Datasets)
	assert.Equal(t, 2, rep.Unparsable())

	reader := queriesOf(rep, "ohdsi_reader")
	require.Len(t, reader, 1)
	assert.Equal(t, "unlisted", reader[0].Listed, "the analysis tools' shared user is not a researcher")
	assert.Empty(t, queriesOf(rep, "rdsdb"), "SET names no table")

	cdm := summaryOf(t, rep, "alice", "redshift/cdm")
	assert.Equal(t, [4]int{2, 2, 0, 0}, [4]int{cdm.Read, cdm.Reads, cdm.Written, cdm.Writes}, "two tables in two queries")
	results := summaryOf(t, rep, "bob", "redshift/results")
	assert.Equal(t, 1, results.Written)

	require.Len(t, rep.Inputs, 3, "the connection log beside the user activity log is not read")
	ua := rep.Inputs[2]
	assert.Equal(t, KindRedshift, ua.Kind)
	assert.Equal(t, "useractivitylog", ua.Format)
	assert.Equal(t, 8, ua.Records)
	assert.Equal(t, 6, ua.Used)
}

func TestWithShowKeysThePredicatesKeepTheirConstants(t *testing.T) {
	o := stackOptions()
	o.ShowKeys = true
	rep := build(t, o, "", "redshift")
	join := queriesOf(rep, "alice")[0]
	assert.Equal(t, "WHERE p.year_of_birth > 1950 AND c.vocabulary_id = 'Gender'", join.Predicates[1])
	assert.Equal(t, aliceJoin, join.Query)
}

func TestTheCloudWatchExportOfTheUserActivityLogIsReadLikeTheFile(t *testing.T) {
	in := Inputs{Trail: audit.Trail{Dir: trailDir(t)}, RedshiftLogs: copyFixtures(t, "redshift-export", gzAll)}
	rep, err := Build(context.Background(), in, stackOptions())
	require.NoError(t, err)
	cte := queriesOf(rep, "alice")
	require.Len(t, cte, 1)
	assert.Equal(t, []string{"cdm.measurement", "cdm.visit_occurrence"}, cte[0].Tables, "the CTE is not a table; what it reads is")
	assert.Equal(t, []string{"cdm.measurement.measurement_concept_id", "cdm.measurement.person_id", "cdm.measurement.value_as_number",
		"cdm.visit_occurrence.person_id", "cdm.visit_occurrence.visit_start_date", "unresolved: person_id"}, cte[0].Columns,
		"a column of the CTE has no table of its own")
	assert.Equal(t, day("2026-11-28T13:00:00Z"), cte[0].Time, "the entry's recordtime, not the export's")
	bob := queriesOf(rep, "bob")
	require.Len(t, bob, 1)
	assert.Equal(t, []string{"redshift/(search path)"}, bob[0].Datasets, "a table named without its schema")
	assert.Equal(t, []string{"drug_exposure.drug_concept_id", "drug_exposure.person_id"}, bob[0].Columns)
	assert.Equal(t, []string{"WHERE person_id = $1"}, bob[0].Predicates)
	assert.Equal(t, "cloudwatch-export", rep.Inputs[len(rep.Inputs)-1].Format)
}

func TestTheUserActivityLogIsSplitIntoEntries(t *testing.T) {
	lines := []string{
		"stray text before any entry",
		"'2026-11-28T10:00:00Z UTC [ db=omop user=IAM:alice pid=1 userid=104 xid=9 ]' LOG: select *",
		"from cdm.person",
		"",
		"'2026-11-28T10:00:01Z UTC [ db=omop user=bob pid=2 userid=105 xid=10 ]' LOG: select 1",
	}
	entries, exported, stray := parseActivity(lines)
	require.Len(t, entries, 2)
	assert.False(t, exported)
	assert.Equal(t, 1, stray)
	assert.Equal(t, "select *\nfrom cdm.person\n", entries[0].Query, "continuation lines, an empty one included, belong to the entry")
	assert.Equal(t, "alice", researcherOfDBUser(entries[0].User))
	assert.Equal(t, "9", entries[0].XID)
	assert.Equal(t, day("2026-11-28T10:00:01Z"), entries[1].Time)
}

func TestTheAnalyzerResolvesColumnsWhereTheQueryAllows(t *testing.T) {
	cases := []struct {
		name, sql       string
		tables, columns []string
		written         []string
		predicates      []string
	}{
		{"a two-table query without qualifiers leaves its columns unresolved",
			"select person_id, concept_name from cdm.person, cdm.concept", []string{"cdm.concept", "cdm.person"},
			[]string{"unresolved: concept_name", "unresolved: person_id"}, nil, nil},
		{"the table name qualifies a column when there is no alias",
			"select person.person_id from cdm.person join cdm.death using (person_id)", []string{"cdm.death", "cdm.person"},
			[]string{"cdm.person.person_id"}, nil, nil},
		{"a star reads every column of every table",
			"select * from cdm.person p, cdm.death d", []string{"cdm.death", "cdm.person"}, []string{"cdm.death.*", "cdm.person.*"}, nil, nil},
		{"a subquery in FROM is a derived table",
			"select s.n from (select count(*) as n from cdm.person) s", []string{"cdm.person"}, []string{"unresolved: s.n"}, nil, nil},
		{"a correlated subquery sees the outer alias",
			"select p.person_id from cdm.person p where exists (select 1 from cdm.death d where d.person_id = p.person_id)",
			[]string{"cdm.death", "cdm.person"}, []string{"cdm.death.person_id", "cdm.person.person_id"}, nil,
			[]string{"WHERE d.person_id = p.person_id", "WHERE EXISTS (SELECT $1 FROM cdm.death d WHERE d.person_id = p.person_id)"}},
		{"both sides of a union are read",
			"select person_id from cdm.death union select person_id from cdm.person", []string{"cdm.death", "cdm.person"},
			[]string{"cdm.death.person_id", "cdm.person.person_id"}, nil, nil},
		{"ORDER BY an output name is no column",
			"select year_of_birth as y from cdm.person order by y", []string{"cdm.person"}, []string{"cdm.person.year_of_birth"}, nil, nil},
		{"INSERT writes its target and reads its SELECT",
			"insert into results.cohort select person_id from cdm.person where gender_concept_id = 8507", []string{"cdm.person"},
			[]string{"cdm.person.gender_concept_id", "cdm.person.person_id"}, []string{"results.cohort"}, []string{"WHERE gender_concept_id = $1"}},
		{"DELETE writes its target and its predicate chose the rows",
			"delete from results.cohort where cohort_definition_id = 3", []string{"results.cohort"},
			[]string{"results.cohort.cohort_definition_id"}, []string{"results.cohort"}, []string{"WHERE cohort_definition_id = $1"}},
		{"the catalog is no study data", "select * from pg_catalog.pg_class", nil, []string{"unresolved: pg_class.*"}, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, err := analyzeSQL(c.sql, false)
			require.NoError(t, err)
			assert.Equal(t, nonNil(c.tables), nonNil(info.Tables))
			assert.Equal(t, c.columns, info.Columns)
			assert.Equal(t, nonNil(c.written), nonNil(info.Written))
			assert.Equal(t, nonNil(c.predicates), nonNil(info.Predicates))
		})
	}
	_, err := analyzeSQL("select from where", false)
	assert.Error(t, err)
}

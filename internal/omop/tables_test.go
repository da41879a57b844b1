package omop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawRow is one row of the column list read naively, independently of parseTables.
type rawRow struct{ table, column, typ, nullable, dist string }

// rawRows splits the embedded column list by hand: the reference the parser is checked against.
func rawRows(t *testing.T) []rawRow {
	t.Helper()
	lines := strings.Split(strings.TrimRight(columnsTSV, "\n"), "\n")
	require.Equal(t, "table\tcolumn\ttype\tnullable\tdistribution", lines[0])
	rows := make([]rawRow, 0, len(lines)-1)
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		require.Len(t, f, 5, "row %q", l)
		rows = append(rows, rawRow{f[0], f[1], f[2], f[3], f[4]})
	}
	return rows
}

// personKeyTables are the 18 person-centred tables the notes say are distributed on person_id.
var personKeyTables = []string{
	"person", "observation_period", "visit_occurrence", "visit_detail", "condition_occurrence",
	"drug_exposure", "procedure_occurrence", "device_exposure", "measurement", "observation", "death",
	"note", "specimen", "payer_plan_period", "drug_era", "dose_era", "condition_era", "episode",
}

func TestTablesReadsEveryRowOfTheColumnList(t *testing.T) {
	tables, err := Tables()
	require.NoError(t, err)
	rows := rawRows(t)

	assert.Len(t, tables, 39, "OMOP CDM 5.4 has 39 tables")
	var got []rawRow
	for _, tb := range tables {
		for _, c := range tb.Columns {
			nullable := "no"
			if c.Nullable {
				nullable = "yes"
			}
			got = append(got, rawRow{tb.Name, c.Name, c.Type, nullable, tb.Distribution.String()})
		}
	}
	assert.Equal(t, rows, got, "the parsed tables give back the file's rows, in order")
}

func TestTablesHaveTheDistributionsOfTheNotes(t *testing.T) {
	tables, err := Tables()
	require.NoError(t, err)
	var personKey, subjectKey, all []string
	for _, tb := range tables {
		switch tb.Distribution {
		case Distribution{Style: DistKey, Key: "person_id"}:
			personKey = append(personKey, tb.Name)
		case Distribution{Style: DistKey, Key: "subject_id"}:
			subjectKey = append(subjectKey, tb.Name)
		case Distribution{Style: DistAll}:
			all = append(all, tb.Name)
		default:
			t.Errorf("table %s has an unexpected distribution %s", tb.Name, tb.Distribution)
		}
	}
	assert.ElementsMatch(t, personKeyTables, personKey)
	assert.Equal(t, []string{"cohort"}, subjectKey)
	assert.Len(t, all, 20)
	for _, v := range VocabularyTables {
		assert.Contains(t, all, v, "vocabulary table %s is copied to every node", v)
	}
}

func TestVocabularyTablesAreTenTablesOfTheList(t *testing.T) {
	byName, _, err := tableIndex()
	require.NoError(t, err)
	assert.Len(t, VocabularyTables, 10)
	for _, v := range VocabularyTables {
		assert.Contains(t, byName, v)
	}
}

func TestParseTablesRefusesMalformedRowsNamingTheLine(t *testing.T) {
	const header = "table\tcolumn\ttype\tnullable\tdistribution\n"
	cases := []struct {
		name  string
		input string
		want  string
	}{
		{"an empty file", "", "empty"},
		{"a wrong header", "table\tcolumn\ttype\n", "line 1: header"},
		{"a header without rows", header, "no rows"},
		{"a row with four fields", header + "person\tperson_id\tinteger\tno\n", "line 2: 4 tab-separated fields, want 5"},
		{"a row with six fields", header + "person\tperson_id\tinteger\tno\tall\textra\n", "line 2: 6 tab-separated fields"},
		{"an upper-case table name", header + "Person\tperson_id\tinteger\tno\tall\n", `line 2: table name "Person"`},
		{"a column name with a space", header + "person\tperson id\tinteger\tno\tall\n", `line 2: column name "person id"`},
		{"an unknown type", header + "person\tperson_id\tint4\tno\tall\n", `line 2: column person.person_id: type "int4"`},
		{"a zero-length varchar", header + "person\tx\tvarchar(0)\tno\tall\n", "line 2: column person.x: type \"varchar(0)\": a varchar length must be 1 to 65535"},
		{"a nullable that is neither yes nor no", header + "person\tperson_id\tinteger\tNO\tall\n", `line 2: nullable "NO"`},
		{"an unknown distribution", header + "person\tperson_id\tinteger\tno\teven\n", `line 2: table person: distribution "even"`},
		{"a distribution that changes within a table", header + "person\tperson_id\tinteger\tno\tkey:person_id\nperson\tyear\tinteger\tno\tall\n", `line 3: table person: distribution "all" differs from "key:person_id" given at line 2`},
		{"a key that is not a column", header + "person\tperson_id\tinteger\tno\tkey:subject_id\ndeath\tperson_id\tinteger\tno\tall\n", `line 2: table person is distributed on "subject_id"`},
		{"a key that is not a column, in the last table", header + "person\tperson_id\tinteger\tno\tkey:subject_id\n", `line 2: table person is distributed on "subject_id"`},
		{"a column listed twice", header + "person\tperson_id\tinteger\tno\tall\nperson\tperson_id\tinteger\tno\tall\n", "line 3: column person.person_id is listed twice"},
		{"a table split in two", header + "person\ta\tinteger\tno\tall\ndeath\tb\tinteger\tno\tall\nperson\tc\tinteger\tno\tall\n", "line 4: table person appears again after other tables (first at line 2)"},
		{"a bad row after a blank line", header + "person\ta\tinteger\tno\tall\n\nperson\tb\tinteger\tmaybe\tall\n", "line 4: nullable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseTables(strings.NewReader(c.input), "test.tsv")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "test.tsv")
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestParseTablesAcceptsCRLFAndBlankLines(t *testing.T) {
	input := "table\tcolumn\ttype\tnullable\tdistribution\r\n\r\nperson\tperson_id\tinteger\tno\tkey:person_id\r\nperson\tname\tvarchar(max)\tyes\tkey:person_id\r\n\n"
	tables, err := parseTables(strings.NewReader(input), "test.tsv")
	require.NoError(t, err)
	assert.Equal(t, []Table{{
		Name:         "person",
		Columns:      []Column{{"person_id", "integer", false}, {"name", "varchar(max)", true}},
		Distribution: Distribution{Style: DistKey, Key: "person_id"},
	}}, tables)
}

func TestRedshiftTypeMapsEveryTypeOfTheColumnList(t *testing.T) {
	// The expectation for each type the column list uses, written out: a new type in the list must be
	// added here, with its Redshift type, before this test passes.
	want := map[string]string{
		"integer": "INTEGER", "float": "FLOAT", "date": "DATE", "timestamp": "TIMESTAMP",
		"varchar(1)": "VARCHAR(1)", "varchar(2)": "VARCHAR(2)", "varchar(3)": "VARCHAR(3)",
		"varchar(9)": "VARCHAR(9)", "varchar(10)": "VARCHAR(10)", "varchar(20)": "VARCHAR(20)",
		"varchar(25)": "VARCHAR(25)", "varchar(50)": "VARCHAR(50)", "varchar(60)": "VARCHAR(60)",
		"varchar(80)": "VARCHAR(80)", "varchar(250)": "VARCHAR(250)", "varchar(255)": "VARCHAR(255)",
		"varchar(1000)": "VARCHAR(1000)", "varchar(2000)": "VARCHAR(2000)", "varchar(max)": "VARCHAR(MAX)",
	}
	seen := map[string]bool{}
	for _, r := range rawRows(t) {
		seen[r.typ] = true
	}
	for typ := range seen {
		expected, ok := want[typ]
		if !assert.True(t, ok, "the column list uses type %q, which this test has no expectation for", typ) {
			continue
		}
		got, err := redshiftType(typ)
		if assert.NoError(t, err, "type %q", typ) {
			assert.Equal(t, expected, got, "type %q", typ)
		}
	}
	for typ := range want {
		assert.True(t, seen[typ], "expectation for %q, which the column list no longer uses", typ)
	}
}

func TestRedshiftTypeMapping(t *testing.T) {
	cases := []struct {
		omop, redshift, err string
	}{
		{omop: "integer", redshift: "INTEGER"},
		{omop: "bigint", redshift: "BIGINT"},
		{omop: "float", redshift: "FLOAT"},
		{omop: "date", redshift: "DATE"},
		{omop: "timestamp", redshift: "TIMESTAMP"},
		{omop: "datetime", redshift: "TIMESTAMP"},
		{omop: "varchar(1)", redshift: "VARCHAR(1)"},
		{omop: "varchar(65535)", redshift: "VARCHAR(65535)"},
		{omop: "varchar(max)", redshift: "VARCHAR(MAX)"},
		{omop: "varchar(65536)", err: "1 to 65535"},
		{omop: "varchar(0)", err: "1 to 65535"},
		{omop: "varchar(99999999999999999999)", err: "1 to 65535"},
		{omop: "varchar", err: "not one this package maps"},
		{omop: "VARCHAR(10)", err: "not one this package maps"},
		{omop: "text", err: "not one this package maps"},
		{omop: "numeric(10,2)", err: "not one this package maps"},
		{omop: "", err: "not one this package maps"},
	}
	for _, c := range cases {
		name := c.omop + " maps to " + c.redshift
		if c.err != "" {
			name = c.omop + " is refused"
		}
		t.Run(name, func(t *testing.T) {
			got, err := redshiftType(c.omop)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.redshift, got)
		})
	}
}

package omop

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parsedTable is a CREATE TABLE statement read back by parseCreateTable.
type parsedTable struct {
	schema, table string
	columns       []parsedColumn
	distribution  string // "all" or "key:<column>", as the column list writes it
}

type parsedColumn struct {
	name, typ string
	notNull   bool
}

var (
	createHeader = regexp.MustCompile(`^CREATE TABLE "([a-z0-9_]+)"\."([a-z0-9_]+)" \($`)
	applyCall    = regexp.MustCompile(`(?s)^CALL "sce_setup"\."sp_apply_table"\('([a-z0-9_]+)', '([a-z0-9_]+)', '(sce-ddl:[0-9a-f]{24})', '(CREATE TABLE [^']*)'\)$`)
	columnLine   = regexp.MustCompile(`^  "([a-z0-9_]+)" ([A-Z]+(?:\((?:[0-9]+|MAX)\))?)( NOT NULL)?(,?)$`)
	distAllLine  = regexp.MustCompile(`^DISTSTYLE ALL$`)
	distKeyLine  = regexp.MustCompile(`^DISTSTYLE KEY DISTKEY\("([a-z0-9_]+)"\)$`)
)

// parseCreateTable reads the DDL this package writes, strictly: any line it does not expect is an error.
// It shares no code with the generator, so that the tests check the SQL text itself.
func parseCreateTable(sql string) (parsedTable, error) {
	lines := strings.Split(sql, "\n")
	if len(lines) < 4 {
		return parsedTable{}, fmt.Errorf("%d lines, want at least 4", len(lines))
	}
	m := createHeader.FindStringSubmatch(lines[0])
	if m == nil {
		return parsedTable{}, fmt.Errorf("first line %q is not a CREATE TABLE header", lines[0])
	}
	p := parsedTable{schema: m[1], table: m[2]}
	body := lines[1 : len(lines)-2]
	for i, l := range body {
		c := columnLine.FindStringSubmatch(l)
		if c == nil {
			return parsedTable{}, fmt.Errorf("line %q is not a column definition", l)
		}
		last := i == len(body)-1
		if (c[4] == ",") == last {
			return parsedTable{}, fmt.Errorf("line %q: a comma after every column but the last", l)
		}
		p.columns = append(p.columns, parsedColumn{name: c[1], typ: c[2], notNull: c[3] != ""})
	}
	if lines[len(lines)-2] != ")" {
		return parsedTable{}, fmt.Errorf("line %q, want the closing parenthesis", lines[len(lines)-2])
	}
	dist := lines[len(lines)-1]
	switch {
	case distAllLine.MatchString(dist):
		p.distribution = "all"
	case distKeyLine.MatchString(dist):
		p.distribution = "key:" + distKeyLine.FindStringSubmatch(dist)[1]
	default:
		return parsedTable{}, fmt.Errorf("last line %q is not a distribution", dist)
	}
	return p, nil
}

// expectedRedshift is the type each column-list type must become, written independently of the mapping.
func expectedRedshift(omop string) string {
	switch omop {
	case "integer":
		return "INTEGER"
	case "float":
		return "FLOAT"
	case "date":
		return "DATE"
	case "timestamp":
		return "TIMESTAMP"
	}
	return strings.ToUpper(omop) // varchar(n), varchar(max)
}

// wantRelaxed are the columns the DDL must create nullable against the column list.
var wantRelaxed = []string{
	"concept.concept_name", "concept.concept_code", "concept_synonym.concept_synonym_name",
	"concept_relationship.valid_start_date", "vocabulary.vocabulary_reference", "vocabulary.vocabulary_version",
}

// parseDDLStatement reads a DDL statement back: the CALL of sp_apply_table, its arguments, and the
// CREATE TABLE it carries, whose schema and table must be the CALL's and whose digest is the fingerprint.
func parseDDLStatement(s Statement) (parsedTable, string, error) {
	m := applyCall.FindStringSubmatch(s.SQL)
	if m == nil {
		return parsedTable{}, "", fmt.Errorf("not a CALL of sp_apply_table with four arguments: %s", s.SQL)
	}
	p, err := parseCreateTable(m[4])
	if err != nil {
		return parsedTable{}, "", err
	}
	if p.schema != m[1] || p.table != m[2] {
		return parsedTable{}, "", fmt.Errorf("the CALL names %s.%s, its CREATE TABLE %s.%s", m[1], m[2], p.schema, p.table)
	}
	sum := sha256.Sum256([]byte(m[4]))
	if want := "sce-ddl:" + hex.EncodeToString(sum[:12]); m[3] != want {
		return parsedTable{}, "", fmt.Errorf("fingerprint %s, want %s, the digest of the CREATE TABLE", m[3], want)
	}
	return p, m[4], nil
}

// parseDDL generates the DDL for schema and reads every statement back.
func parseDDL(t *testing.T, schema string) map[string]parsedTable {
	t.Helper()
	statements, err := DDL(schema)
	require.NoError(t, err)
	parsed := map[string]parsedTable{}
	for _, s := range statements {
		p, create, err := parseDDLStatement(s)
		require.NoError(t, err, "statement %s:\n%s", s.Name, s.SQL)
		got, ok := CreateTableSQL(s)
		assert.True(t, ok)
		assert.Equal(t, create, got)
		assert.Equal(t, "ddl-"+p.table, s.Name, "the statement is named after its table")
		assert.Equal(t, []string{"schema-" + schema, "procedure-apply-table"}, s.DependsOn, "DDL waits for its schema and the procedure it calls")
		assert.NotContains(t, parsed, p.table, "table %s created twice", p.table)
		parsed[p.table] = p
	}
	return parsed
}

func TestDDLHasEveryColumnOfTheListWithItsTypeAndNullability(t *testing.T) {
	parsed := parseDDL(t, "cdm")
	relaxedSet := map[string]bool{}
	for _, r := range wantRelaxed {
		relaxedSet[r] = true
	}

	// From the list to the DDL: every table and column present, in order, typed and constrained.
	rowsByTable := map[string][]rawRow{}
	for _, r := range rawRows(t) {
		rowsByTable[r.table] = append(rowsByTable[r.table], r)
	}
	assert.Len(t, parsed, len(rowsByTable), "one CREATE TABLE per table of the list")
	for table, rows := range rowsByTable {
		p, ok := parsed[table]
		if !assert.True(t, ok, "table %s has no CREATE TABLE", table) {
			continue
		}
		assert.Equal(t, "cdm", p.schema, "table %s", table)
		assert.Equal(t, rows[0].dist, p.distribution, "distribution of %s", table)
		if !assert.Len(t, p.columns, len(rows), "columns of %s", table) {
			continue
		}
		for i, r := range rows {
			c := p.columns[i]
			assert.Equal(t, r.column, c.name, "column %d of %s", i, table)
			assert.Equal(t, expectedRedshift(r.typ), c.typ, "type of %s.%s", table, r.column)
			wantNotNull := r.nullable == "no" && !relaxedSet[table+"."+r.column]
			assert.Equal(t, wantNotNull, c.notNull, "NOT NULL on %s.%s", table, r.column)
		}
	}

	// From the DDL to the list: nothing that is not in the list.
	listed := map[string]bool{}
	for _, r := range rawRows(t) {
		listed[r.table+"."+r.column] = true
	}
	for _, p := range parsed {
		for _, c := range p.columns {
			assert.True(t, listed[p.table+"."+c.name], "the DDL has %s.%s, which the list does not", p.table, c.name)
		}
	}
}

func TestDDLDistributesTablesAsTheNotesSay(t *testing.T) {
	parsed := parseDDL(t, "cdm")
	counts := map[string]int{}
	for _, p := range parsed {
		counts[p.distribution]++
	}
	assert.Equal(t, map[string]int{"key:person_id": 18, "key:subject_id": 1, "all": 20}, counts)
	for _, name := range personKeyTables {
		assert.Equal(t, "key:person_id", parsed[name].distribution, "table %s", name)
	}
	assert.Equal(t, "key:subject_id", parsed["cohort"].distribution)
	for _, v := range VocabularyTables {
		assert.Equal(t, "all", parsed[v].distribution, "vocabulary table %s", v)
	}
}

func TestDDLRelaxesTheVocabularyColumnsAthenaLeavesEmpty(t *testing.T) {
	var declared []string
	for _, r := range RelaxedColumns {
		declared = append(declared, r.Table+"."+r.Column)
		assert.NotEmpty(t, r.Why, "relaxation of %s.%s gives its reason", r.Table, r.Column)
		assert.True(t, isVocabulary(r.Table), "%s is a vocabulary table", r.Table)
	}
	assert.ElementsMatch(t, wantRelaxed, declared, "the relaxed columns are exactly the six documented")

	parsed := parseDDL(t, "cdm")
	tsvNotNull := map[string]bool{}
	for _, r := range rawRows(t) {
		tsvNotNull[r.table+"."+r.column] = r.nullable == "no"
	}
	for _, full := range wantRelaxed {
		_, known := tsvNotNull[full]
		assert.True(t, known, "relaxed column %s is in the column list", full)
		table, column, _ := strings.Cut(full, ".")
		for _, c := range parsed[table].columns {
			if c.name == column {
				assert.False(t, c.notNull, "%s is created nullable", full)
			}
		}
	}
	// Four of them are NOT NULL in the list: the relaxation is what makes them nullable.
	assert.True(t, tsvNotNull["concept.concept_name"])
	assert.True(t, tsvNotNull["concept.concept_code"])
	assert.True(t, tsvNotNull["concept_synonym.concept_synonym_name"])
	assert.True(t, tsvNotNull["concept_relationship.valid_start_date"])
}

func TestDDLQuotesTheSchemaEverywhere(t *testing.T) {
	for _, schema := range []string{"cdm", "user", "omop_cdm_54", "_x"} {
		t.Run("schema "+schema, func(t *testing.T) {
			statements, err := DDL(schema)
			require.NoError(t, err)
			for _, s := range statements {
				table := strings.TrimPrefix(s.Name, "ddl-")
				create, ok := CreateTableSQL(s)
				require.True(t, ok, s.SQL)
				assert.True(t, strings.HasPrefix(create, fmt.Sprintf(`CREATE TABLE "%s"."%s" (`, schema, table)), create)
				assert.Equal(t, 1, strings.Count(create, `"`+schema+`".`), "the schema appears once, quoted, in %s", s.Name)
				assert.NotContains(t, s.SQL, ";")
			}
		})
	}
}

func TestCreateSchemaQuotesItsName(t *testing.T) {
	s, err := CreateSchema("results")
	require.NoError(t, err)
	assert.Equal(t, Statement{Name: "schema-results", SQL: `CREATE SCHEMA IF NOT EXISTS "results"`}, s)
}

func TestDDLRefusesBadSchemaNames(t *testing.T) {
	cases := []struct {
		schema, want string
	}{
		{"", "is invalid"},
		{"CDM", "is invalid"},
		{"1cdm", "is invalid"},
		{"cdm-54", "is invalid"},
		{"cdm.person", "is invalid"},
		{`cdm"; DROP TABLE person; --`, "is invalid"},
		{"cdm ", "is invalid"},
		{strings.Repeat("a", 128), "is invalid"},
		{"pg_cdm", "reserved"},
		{"information_schema", "reserved"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("schema %q is refused", c.schema), func(t *testing.T) {
			_, err := DDL(c.schema)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", c.schema), "the error quotes the value")
			_, err = CreateSchema(c.schema)
			assert.Error(t, err)
		})
	}
	_, err := DDL(strings.Repeat("a", 127))
	assert.NoError(t, err, "127 characters is Redshift's limit, accepted")
}

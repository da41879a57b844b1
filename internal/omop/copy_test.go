package omop

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testRole   = "arn:aws:iam::111122223333:role/sce-omop-copy"
	testPrefix = "s3://omop-vocab-7f3a/athena/v5"
)

// statementOf returns the statement of a load's statements named name.
func statementOf(t *testing.T, statements []Statement, name string) Statement {
	t.Helper()
	for _, s := range statements {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no %s among %d statements", name, len(statements))
	return Statement{}
}

// loadProcedure is a load procedure read back by parseLoadProcedure.
type loadProcedure struct {
	name, deleteFrom, copySQL string
}

// parseLoadProcedure reads the procedure this package writes for a load, strictly: its name, the table
// it empties and the COPY, unindented. It shares no code with the generator.
func parseLoadProcedure(sql string) (loadProcedure, error) {
	ls := strings.Split(sql, "\n")
	n := len(ls)
	header := regexp.MustCompile(`^CREATE OR REPLACE PROCEDURE "sce_setup"\."(sp_load_[a-z_]+)" \(\)$`)
	del := regexp.MustCompile(`^  DELETE FROM ("[a-z_]+"\."[a-z_]+");$`)
	switch {
	case n < 8:
		return loadProcedure{}, fmt.Errorf("%d lines, want at least 8", n)
	case !header.MatchString(ls[0]):
		return loadProcedure{}, fmt.Errorf("header %q", ls[0])
	case ls[1] != "AS $$" || ls[2] != "BEGIN":
		return loadProcedure{}, fmt.Errorf("lines %q %q, want AS $$ and BEGIN", ls[1], ls[2])
	case !del.MatchString(ls[3]):
		return loadProcedure{}, fmt.Errorf("line %q is not the DELETE", ls[3])
	case ls[n-2] != "END;" || ls[n-1] != "$$ LANGUAGE plpgsql":
		return loadProcedure{}, fmt.Errorf("last lines %q %q", ls[n-2], ls[n-1])
	}
	copyLines := ls[4 : n-2]
	for i, l := range copyLines {
		if !strings.HasPrefix(l, "  ") {
			return loadProcedure{}, fmt.Errorf("COPY line %q is not indented", l)
		}
		copyLines[i] = strings.TrimPrefix(l, "  ")
	}
	last := copyLines[len(copyLines)-1]
	if !strings.HasSuffix(last, ";") {
		return loadProcedure{}, fmt.Errorf("the COPY does not end with a semicolon: %q", last)
	}
	copyLines[len(copyLines)-1] = strings.TrimSuffix(last, ";")
	return loadProcedure{name: header.FindStringSubmatch(ls[0])[1], deleteFrom: del.FindStringSubmatch(ls[3])[1],
		copySQL: strings.Join(copyLines, "\n")}, nil
}

// copySQLOf returns the COPY that the load procedure of table runs.
func copySQLOf(t *testing.T, statements []Statement, table string) string {
	t.Helper()
	p, err := parseLoadProcedure(statementOf(t, statements, "procedure-load-"+table).SQL)
	require.NoError(t, err)
	return p.copySQL
}

// lines splits a COPY into its lines, for checks on whole options.
func lines(sql string) []string { return strings.Split(sql, "\n") }

func TestVocabularyCopyLoadsTheTenTablesInPairs(t *testing.T) {
	statements, err := VocabularyCopy("cdm", testPrefix, testRole, CopyOptions{})
	require.NoError(t, err)
	require.Len(t, statements, 20, "a load procedure and its CALL per vocabulary table")
	for i, table := range VocabularyTables {
		proc, load := statements[2*i], statements[2*i+1]
		assert.Equal(t, "procedure-load-"+table, proc.Name)
		assert.Equal(t, []string{"ddl-" + table, "schema-sce_setup"}, proc.DependsOn)
		p, err := parseLoadProcedure(proc.SQL)
		require.NoError(t, err, proc.SQL)
		assert.Equal(t, "sp_load_"+table, p.name)
		assert.Equal(t, fmt.Sprintf(`"cdm"."%s"`, table), p.deleteFrom, "the procedure empties its own table first")
		assert.True(t, strings.HasPrefix(p.copySQL, fmt.Sprintf(`COPY "cdm"."%s"`+"\n", table)), "then copies into it")
		assert.False(t, proc.UsesCopyRole, "creating the procedure runs nothing")

		assert.Equal(t, "copy-"+table, load.Name)
		assert.Equal(t, fmt.Sprintf(`CALL "sce_setup"."sp_load_%s"()`, table), load.SQL)
		assert.Equal(t, []string{"ddl-" + table, proc.Name}, load.DependsOn, "the CALL runs after its table's DDL and procedure")
		assert.Equal(t, []string{"ddl-" + table, proc.Name}, load.RerunWith, "and again when either changes")
		assert.True(t, load.UsesCopyRole)
		assert.False(t, load.Secret)
	}
	require.NoError(t, Validate(append([]Statement{{Name: "schema-sce_setup", SQL: "SELECT 1"}, {Name: "ddl-concept", SQL: "SELECT 1"}}, statements[:2]...)),
		"one command each: the semicolons are inside the procedure body")
}

// TestALoadEmptiesItsTableInTheTransactionThatCopies: the procedure holds DELETE, never TRUNCATE, which
// commits at once in Redshift and would leave the table empty when the COPY then fails.
func TestALoadEmptiesItsTableInTheTransactionThatCopies(t *testing.T) {
	statements, err := VocabularyCopy("cdm", testPrefix, testRole, CopyOptions{})
	require.NoError(t, err)
	for _, s := range statements {
		assert.NotContains(t, strings.ToUpper(s.SQL), "TRUNCATE ", "statement %s", s.Name)
		assert.NotContains(t, strings.ToUpper(s.SQL), "COMMIT", "statement %s: the CALL commits", s.Name)
		if strings.HasPrefix(s.Name, "procedure-load-") {
			assert.NotContains(t, s.SQL, "NONATOMIC", "a nonatomic procedure would commit the DELETE alone")
			assert.Equal(t, 1, strings.Count(s.SQL, "DELETE FROM"))
			assert.Equal(t, 1, strings.Count(s.SQL, "\n  COPY "))
		}
	}
}

func TestVocabularyCopyUsesTheOptionsOfTheNotes(t *testing.T) {
	statements, err := VocabularyCopy("cdm", testPrefix, testRole, CopyOptions{})
	require.NoError(t, err)
	withDates := map[string]bool{"concept": true, "concept_relationship": true, "source_to_concept_map": true, "drug_strength": true}
	for _, table := range VocabularyTables {
		t.Run(table, func(t *testing.T) {
			sql := copySQLOf(t, statements, table)
			want := []string{
				fmt.Sprintf(`COPY "cdm"."%s"`, table),
				fmt.Sprintf("FROM 's3://omop-vocab-7f3a/athena/v5/%s.csv'", strings.ToUpper(table)),
				"IAM_ROLE '" + testRole + "'",
				`CSV QUOTE AS '\b'`,
				`DELIMITER '\t'`,
				"IGNOREHEADER 1",
				"EMPTYASNULL",
				"BLANKSASNULL",
			}
			if withDates[table] {
				want = append(want, "DATEFORMAT 'YYYYMMDD'")
			}
			want = append(want, "ACCEPTINVCHARS")
			assert.Equal(t, want, lines(sql), "the whole COPY, option by option")
			assert.NotContains(t, strings.ToUpper(sql), "CREDENTIALS")
			assert.NotContains(t, strings.ToUpper(sql), "ACCESS_KEY")
			assert.NotContains(t, sql, ";")
		})
	}
}

func TestCopyFileNamingAndFormatOptions(t *testing.T) {
	cases := []struct {
		name      string
		opts      CopyOptions
		table     string
		from      string
		has, lack []string
	}{
		{
			name: "gzip appends .gz and adds GZIP", opts: CopyOptions{Compression: CompressionGzip}, table: "concept",
			from: "s3://omop-vocab-7f3a/athena/v5/CONCEPT.csv.gz", has: []string{"GZIP"}, lack: []string{"BZIP2"},
		},
		{
			name: "bzip2 appends .bz2 and adds BZIP2", opts: CopyOptions{Compression: CompressionBzip2}, table: "domain",
			from: "s3://omop-vocab-7f3a/athena/v5/DOMAIN.csv.bz2", has: []string{"BZIP2"}, lack: []string{"GZIP"},
		},
		{
			name: "explicit none compresses nothing", opts: CopyOptions{Compression: CompressionNone}, table: "domain",
			from: "s3://omop-vocab-7f3a/athena/v5/DOMAIN.csv", lack: []string{"GZIP", "BZIP2"},
		},
		{
			name: "lower case, a file prefix and another extension", opts: CopyOptions{FileCase: FileCaseLower, FilePrefix: "cdm_", Extension: ".tsv"}, table: "concept_class",
			from: "s3://omop-vocab-7f3a/athena/v5/cdm_concept_class.tsv",
		},
		{
			name: "a file named outright, without a compression suffix", opts: CopyOptions{Compression: CompressionBzip2, Files: map[string]string{"concept": "export/CONCEPT_2024.txt.bz2"}}, table: "concept",
			from: "s3://omop-vocab-7f3a/athena/v5/export/CONCEPT_2024.txt.bz2", has: []string{"BZIP2"},
		},
		{
			name: "the seed's delimiter written in octal", opts: CopyOptions{Delimiter: 0362, Compression: CompressionGzip}, table: "concept",
			from: "s3://omop-vocab-7f3a/athena/v5/CONCEPT.csv.gz", has: []string{`DELIMITER '\362'`, "GZIP", "ACCEPTINVCHARS"}, lack: []string{`DELIMITER '\t'`},
		},
		{
			name: "a comma delimiter", opts: CopyOptions{Delimiter: ','}, table: "domain",
			from: "s3://omop-vocab-7f3a/athena/v5/DOMAIN.csv", has: []string{"DELIMITER ','"},
		},
		{
			name: "a non-printing delimiter in octal", opts: CopyOptions{Delimiter: 0x1f}, table: "domain",
			from: "s3://omop-vocab-7f3a/athena/v5/DOMAIN.csv", has: []string{`DELIMITER '\037'`},
		},
		{
			name: "another date format", opts: CopyOptions{DateFormat: "YYYY-MM-DD"}, table: "concept",
			from: "s3://omop-vocab-7f3a/athena/v5/CONCEPT.csv", has: []string{"DATEFORMAT 'YYYY-MM-DD'"}, lack: []string{"DATEFORMAT 'YYYYMMDD'"},
		},
		{
			name: "no date format on a table without dates, whatever the option", opts: CopyOptions{DateFormat: "YYYY-MM-DD"}, table: "domain",
			from: "s3://omop-vocab-7f3a/athena/v5/DOMAIN.csv", lack: []string{"DATEFORMAT", "TIMEFORMAT"},
		},
		{
			name: "a source region", opts: CopyOptions{Region: "us-east-1"}, table: "domain",
			from: "s3://omop-vocab-7f3a/athena/v5/DOMAIN.csv", has: []string{"REGION 'us-east-1'"},
		},
		{
			name: "truncated columns on request", opts: CopyOptions{TruncateColumns: true}, table: "concept",
			from: "s3://omop-vocab-7f3a/athena/v5/CONCEPT.csv", has: []string{"TRUNCATECOLUMNS"},
		},
		{
			name: "no truncated columns by default", opts: CopyOptions{}, table: "concept",
			from: "s3://omop-vocab-7f3a/athena/v5/CONCEPT.csv", lack: []string{"TRUNCATECOLUMNS", "REGION"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			statements, err := VocabularyCopy("cdm", testPrefix, testRole, c.opts)
			require.NoError(t, err)
			ls := lines(copySQLOf(t, statements, c.table))
			assert.Contains(t, ls, "FROM '"+c.from+"'")
			for _, h := range c.has {
				assert.Contains(t, ls, h)
			}
			for _, l := range c.lack {
				for _, line := range ls {
					assert.False(t, strings.HasPrefix(line, l), "line %q should not be there", line)
				}
			}
		})
	}
}

func TestCopyPrefixForms(t *testing.T) {
	cases := []struct{ prefix, from string }{
		{"s3://omop-vocab-7f3a", "s3://omop-vocab-7f3a/DOMAIN.csv"},
		{"s3://omop-vocab-7f3a/", "s3://omop-vocab-7f3a/DOMAIN.csv"},
		{"s3://omop-vocab-7f3a/v5/", "s3://omop-vocab-7f3a/v5/DOMAIN.csv"},
		{"s3://ohdsi-sample-data/vocab", "s3://ohdsi-sample-data/vocab/DOMAIN.csv"},
		{"s3://my.bucket.example/a/b(1)/c_d-e!", "s3://my.bucket.example/a/b(1)/c_d-e!/DOMAIN.csv"},
	}
	for _, c := range cases {
		t.Run(c.prefix+" reads "+c.from, func(t *testing.T) {
			statements, err := VocabularyCopy("cdm", c.prefix, testRole, CopyOptions{})
			require.NoError(t, err)
			assert.Contains(t, lines(copySQLOf(t, statements, "domain")), "FROM '"+c.from+"'")
		})
	}
}

func TestCopyRefusesBadPrefixesRolesAndOptions(t *testing.T) {
	cases := []struct {
		name           string
		schema, prefix string
		role           string
		opts           CopyOptions
		want           []string
	}{
		{name: "an https URL", prefix: "https://bucket.s3.amazonaws.com/v", want: []string{`"https://bucket.s3.amazonaws.com/v" must start with s3://`}},
		{name: "no bucket", prefix: "s3:///vocab", want: []string{"no bucket name"}},
		{name: "an upper-case bucket", prefix: "s3://Vocab/v", want: []string{`bucket name "Vocab" is invalid`}},
		{name: "a two-character bucket", prefix: "s3://ab/v", want: []string{`bucket name "ab" is invalid`}},
		{name: "a 64-character bucket", prefix: "s3://" + strings.Repeat("a", 64), want: []string{"is invalid"}},
		{name: "a bucket with an underscore", prefix: "s3://my_bucket/v", want: []string{"is invalid"}},
		{name: "a bucket ending in a hyphen", prefix: "s3://bucket-/v", want: []string{"is invalid"}},
		{name: "adjacent periods", prefix: "s3://my..bucket/v", want: []string{"two adjacent periods"}},
		{name: "a period next to a hyphen", prefix: "s3://my.-bucket/v", want: []string{"period next to a hyphen"}},
		{name: "an IP address", prefix: "s3://192.168.5.4/v", want: []string{"IP address"}},
		{name: "a reserved prefix", prefix: "s3://xn--bucket/v", want: []string{"reserves"}},
		{name: "a reserved suffix", prefix: "s3://bucket-s3alias/v", want: []string{"reserves"}},
		{name: "a quote in the key", prefix: "s3://bucket/v'5", want: []string{`key "v'5" holds a character`}},
		{name: "a semicolon in the key", prefix: "s3://bucket/v;DROP", want: []string{"holds a character"}},
		{name: "a space in the key", prefix: "s3://bucket/my vocab", want: []string{"holds a character"}},
		{name: "a backslash in the key", prefix: `s3://bucket/v\5`, want: []string{"holds a character"}},
		{name: "an empty segment", prefix: "s3://bucket/a//b", want: []string{"empty"}},
		{name: "a parent segment", prefix: "s3://bucket/a/../b", want: []string{`".."`}},
		{name: "access keys instead of a role", role: "aws_access_key_id=AKIAEXAMPLE;aws_secret_access_key=x", want: []string{"role ARN", "is invalid"}},
		{name: "a user ARN", role: "arn:aws:iam::111122223333:user/loader", want: []string{"is invalid"}},
		{name: "an eleven-digit account", role: "arn:aws:iam::11112222333:role/copy", want: []string{"12-digit"}},
		{name: "the China partition", role: "arn:aws-cn:iam::111122223333:role/copy", want: []string{"is invalid"}},
		{name: "a quote in the role", role: "arn:aws:iam::111122223333:role/copy'", want: []string{"is invalid"}},
		{name: "an empty role", role: "", want: []string{`role ARN ""`}},
		{name: "a bad schema", schema: "Cdm", want: []string{`schema name "Cdm"`}},
		{name: "an unknown file case", opts: CopyOptions{FileCase: "title"}, want: []string{`file case "title"`}},
		{name: "an unknown compression", opts: CopyOptions{Compression: "zip"}, want: []string{`compression "zip"`}},
		{name: "an extension without a dot", opts: CopyOptions{Extension: "csv"}, want: []string{`extension "csv"`}},
		{name: "a file prefix with a slash", opts: CopyOptions{FilePrefix: "a/b"}, want: []string{`file prefix "a/b"`}},
		{name: "a file for a table not in the load", opts: CopyOptions{Files: map[string]string{"person": "PERSON.csv"}}, want: []string{`table "person", which is not in this load`}},
		{name: "a file name with a quote", opts: CopyOptions{Files: map[string]string{"concept": "C'.csv"}}, want: []string{"file name for table concept"}},
		{name: "a newline delimiter", opts: CopyOptions{Delimiter: '\n'}, want: []string{"delimiter"}},
		{name: "a backspace delimiter", opts: CopyOptions{Delimiter: '\b'}, want: []string{"backspace"}},
		{name: "a quote delimiter", opts: CopyOptions{Delimiter: '\''}, want: []string{"delimiter"}},
		{name: "a date format with a quote", opts: CopyOptions{DateFormat: "YYYY'MM"}, want: []string{`date format "YYYY'MM"`}},
		{name: "a time format with a semicolon", opts: CopyOptions{TimeFormat: "HH;MI"}, want: []string{`time format "HH;MI"`}},
		{name: "a bad region", opts: CopyOptions{Region: "US-EAST-1"}, want: []string{`region "US-EAST-1"`}},
		{name: "a column list for a table not in the load", opts: CopyOptions{Columns: map[string][]string{"person": {"person_id"}}}, want: []string{`column list given for table "person"`}},
		{name: "an unknown column", opts: CopyOptions{Columns: map[string][]string{"domain": {"domain_id", "domain_name", "domain_concept_id", "colour"}}}, want: []string{`names "colour"`}},
		{name: "a column listed twice", opts: CopyOptions{Columns: map[string][]string{"domain": {"domain_id", "domain_name", "domain_concept_id", "domain_id"}}}, want: []string{"names domain_id twice"}},
		{name: "a NOT NULL column left out", opts: CopyOptions{Columns: map[string][]string{"domain": {"domain_id", "domain_name"}}}, want: []string{"leaves out domain_concept_id, which is NOT NULL"}},
		{name: "an empty column list", opts: CopyOptions{Columns: map[string][]string{"domain": {}}}, want: []string{"column list for table domain is empty"}},
		{name: "a skipped table not in the load", opts: CopyOptions{Skip: []string{"person"}}, want: []string{`skip names table "person"`}},
		{name: "every table skipped", opts: CopyOptions{Skip: VocabularyTables}, want: []string{"nothing to load"}},
		{
			name: "several problems at once", prefix: "s3://AB", role: "arn:aws:iam::1:role/x", opts: CopyOptions{Compression: "zip"},
			want: []string{`bucket name "AB"`, "role ARN", `compression "zip"`},
		},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			schema, prefix, role := "cdm", testPrefix, testRole
			if c.schema != "" {
				schema = c.schema
			}
			if c.prefix != "" {
				prefix = c.prefix
			}
			if c.role != "" || strings.Contains(c.name, "empty role") {
				role = c.role
			}
			_, err := VocabularyCopy(schema, prefix, role, c.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "vocabulary load")
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestCopyAcceptsGovCloudRolesAndRolePaths(t *testing.T) {
	for _, role := range []string{
		"arn:aws-us-gov:iam::111122223333:role/copy",
		"arn:aws:iam::111122223333:role/service-role/sce+omop=copy,1.2@x",
		RoleARNPlaceholder,
	} {
		t.Run(role, func(t *testing.T) {
			statements, err := VocabularyCopy("cdm", testPrefix, role, CopyOptions{})
			require.NoError(t, err)
			assert.Contains(t, lines(copySQLOf(t, statements, "concept")), "IAM_ROLE '"+role+"'")
		})
	}
}

func TestCopyLeavesOutSkippedTables(t *testing.T) {
	statements, err := VocabularyCopy("cdm", testPrefix, testRole, CopyOptions{Skip: []string{"source_to_concept_map"}})
	require.NoError(t, err)
	assert.Len(t, statements, 18)
	for _, s := range statements {
		assert.NotContains(t, s.Name, "source_to_concept_map")
	}
}

func TestCopyWithAColumnListNamesTheFileColumns(t *testing.T) {
	statements, err := CDMCopy("cdm", "s3://ohdsi-sample-data/cms-cdm", testRole, []string{"observation_period"}, CopyOptions{
		Columns: map[string][]string{"observation_period": {"observation_period_id", "person_id", "observation_period_start_date", "observation_period_end_date", "period_type_concept_id"}},
	})
	require.NoError(t, err)
	assert.Equal(t, `COPY "cdm"."observation_period" ("observation_period_id", "person_id", "observation_period_start_date", "observation_period_end_date", "period_type_concept_id")`,
		lines(copySQLOf(t, statements, "observation_period"))[0])
}

func TestALoadProcedureChangesWithItsCopy(t *testing.T) {
	base, err := VocabularyCopy("cdm", testPrefix, testRole, CopyOptions{})
	require.NoError(t, err)
	again, err := VocabularyCopy("cdm", testPrefix, testRole, CopyOptions{})
	require.NoError(t, err)
	assert.Equal(t, base, again, "the same load gives the same SQL: nothing runs again")

	variants := map[string]func() ([]Statement, error){
		"another prefix": func() ([]Statement, error) {
			return VocabularyCopy("cdm", "s3://omop-vocab-7f3a/athena/v6", testRole, CopyOptions{})
		},
		"another role": func() ([]Statement, error) {
			return VocabularyCopy("cdm", testPrefix, "arn:aws:iam::111122223333:role/other", CopyOptions{})
		},
		"another compression": func() ([]Statement, error) {
			return VocabularyCopy("cdm", testPrefix, testRole, CopyOptions{Compression: CompressionGzip})
		},
	}
	for name, load := range variants {
		t.Run(name+" changes every procedure and leaves the CALLs alone", func(t *testing.T) {
			changed, err := load()
			require.NoError(t, err)
			for i := range base {
				if strings.HasPrefix(base[i].Name, "procedure-load-") {
					assert.NotEqual(t, base[i].SQL, changed[i].SQL, "statement %s", base[i].Name)
				} else {
					assert.Equal(t, base[i].SQL, changed[i].SQL, "statement %s: its fingerprint follows the procedure's", base[i].Name)
				}
			}
		})
	}
}

func TestCDMCopyLoadsTheClinicalTablesNamed(t *testing.T) {
	statements, err := CDMCopy("cdm", "s3://ohdsi-sample-data/synthea1k", testRole, []string{"person", "visit_occurrence", "condition_era"}, CopyOptions{
		FileCase: FileCaseLower, Delimiter: ',', DateFormat: "YYYY-MM-DD", TimeFormat: "YYYY-MM-DD HH:MI:SS", Region: "us-east-1",
	})
	require.NoError(t, err)
	var names []string
	for _, s := range statements {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{
		"procedure-load-person", "copy-person", "procedure-load-visit_occurrence", "copy-visit_occurrence",
		"procedure-load-condition_era", "copy-condition_era",
	}, names, "in the order given")
	assert.Equal(t, []string{
		`COPY "cdm"."visit_occurrence"`,
		"FROM 's3://ohdsi-sample-data/synthea1k/visit_occurrence.csv'",
		"IAM_ROLE '" + testRole + "'",
		"REGION 'us-east-1'",
		`CSV QUOTE AS '\b'`,
		"DELIMITER ','",
		"IGNOREHEADER 1",
		"EMPTYASNULL",
		"BLANKSASNULL",
		"DATEFORMAT 'YYYY-MM-DD'",
		"TIMEFORMAT 'YYYY-MM-DD HH:MI:SS'",
		"ACCEPTINVCHARS",
	}, lines(copySQLOf(t, statements, "visit_occurrence")))
	person := copySQLOf(t, statements, "person")
	assert.Contains(t, person, "TIMEFORMAT", "person has birth_datetime")
	assert.NotContains(t, person, "DATEFORMAT", "person has no date column")
	era := copySQLOf(t, statements, "condition_era")
	assert.Contains(t, era, "DATEFORMAT")
	assert.NotContains(t, era, "TIMEFORMAT", "condition_era has no timestamp column")
}

func TestCDMCopyRefusesBadTableLists(t *testing.T) {
	cases := []struct {
		name   string
		tables []string
		want   string
	}{
		{"no table", nil, "no tables named"},
		{"a vocabulary table", []string{"person", "concept"}, "table concept is a vocabulary table"},
		{"an unknown table", []string{"person", "patients"}, `table "patients" is not an OMOP CDM 5.4 table`},
		{"a table named twice", []string{"person", "death", "person"}, "table person is named twice"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			_, err := CDMCopy("cdm", "s3://ohdsi-sample-data/synthea1k", testRole, c.tables, CopyOptions{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "CDM load")
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

package omop

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// VocabularyTables are the ten OMOP vocabulary tables (identical in CDM 5.3 and 5.4), in load order.
var VocabularyTables = []string{
	"concept", "vocabulary", "domain", "concept_class", "concept_relationship",
	"relationship", "concept_synonym", "concept_ancestor", "source_to_concept_map", "drug_strength",
}

// isVocabulary reports whether table is one of VocabularyTables.
func isVocabulary(table string) bool { return slices.Contains(VocabularyTables, table) }

// copyPlan is a validated load: where, as whom, which tables, how.
type copyPlan struct {
	schema   string
	location S3Location
	roleARN  string
	tables   []Table
	opts     CopyOptions
}

// VocabularyCopy returns the statements that load the ten vocabulary tables of schema from
// <s3Prefix>/<TABLE>.csv (see CopyOptions for the naming), with COPY authenticating as the IAM role
// roleARN (or RoleARNPlaceholder). For each table, in VocabularyTables order, it returns
// "procedure-load-<table>" then "copy-<table>" (see copyPlan.statements); both depend on "ddl-<table>"
// (see DDL) and the procedure on "schema-sce_setup".
func VocabularyCopy(schema, s3Prefix, roleARN string, opts CopyOptions) ([]Statement, error) {
	plan, err := newCopyPlan(schema, s3Prefix, roleARN, VocabularyTables, opts)
	if err != nil {
		return nil, fmt.Errorf("vocabulary load: %w", err)
	}
	return plan.statements()
}

// CDMCopy returns the statements that load clinical tables of schema (a SynPUF or Synthea data set in
// OMOP form) from s3Prefix, in the order given, by the same rules as VocabularyCopy. Each table must be a
// CDM table other than a vocabulary table (those are VocabularyCopy's), named once.
func CDMCopy(schema, s3Prefix, roleARN string, tables []string, opts CopyOptions) ([]Statement, error) {
	if len(tables) == 0 {
		return nil, errors.New("CDM load: no tables named: list the clinical tables the data set has (person, observation_period, ...)")
	}
	for _, t := range tables {
		if isVocabulary(t) {
			return nil, fmt.Errorf("CDM load: table %s is a vocabulary table: it is loaded by the vocabulary load", t)
		}
	}
	plan, err := newCopyPlan(schema, s3Prefix, roleARN, tables, opts)
	if err != nil {
		return nil, fmt.Errorf("CDM load: %w", err)
	}
	return plan.statements()
}

// newCopyPlan validates every argument of a load and reports every problem at once.
func newCopyPlan(schema, s3Prefix, roleARN string, tableNames []string, opts CopyOptions) (copyPlan, error) {
	var problems []error
	if err := ValidateSchema(schema); err != nil {
		problems = append(problems, err)
	}
	location, err := ParseS3Prefix(s3Prefix)
	if err != nil {
		problems = append(problems, err)
	}
	if roleARN != RoleARNPlaceholder {
		if err := ValidateRoleARN(roleARN); err != nil {
			problems = append(problems, err)
		}
	}
	byName, _, err := tableIndex()
	if err != nil {
		return copyPlan{}, err
	}
	var tables []Table
	seen := map[string]bool{}
	for _, name := range tableNames {
		t, ok := byName[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Errorf("table %q is not an OMOP CDM 5.4 table", name))
		case seen[name]:
			problems = append(problems, fmt.Errorf("table %s is named twice", name))
		default:
			seen[name] = true
			tables = append(tables, t)
		}
	}
	opts, optProblems := opts.normalized(seen, byName)
	problems = append(problems, optProblems...)
	tables = slices.DeleteFunc(tables, func(t Table) bool { return slices.Contains(opts.Skip, t.Name) })
	if len(tables) == 0 && len(problems) == 0 {
		problems = append(problems, errors.New("every table is skipped: nothing to load"))
	}
	if len(problems) > 0 {
		return copyPlan{}, errors.Join(problems...)
	}
	return copyPlan{schema: schema, location: location, roleARN: roleARN, tables: tables, opts: opts}, nil
}

// statements renders the load of every table: a procedure that empties the table and copies the file
// into it, and the statement that calls it.
//
// COPY appends, so a load that ran twice would hold every row twice. Emptying and copying in one
// transaction makes a load that can run any number of times: the CALL commits both or, when the COPY
// fails (a missing file, a bad row), neither, and the table keeps its rows. DELETE, not TRUNCATE:
// "TRUNCATE commits the transaction in which it is run" (Redshift, TRUNCATE, r_TRUNCATE.html), which would
// leave the table empty when the COPY then fails; the rows DELETE leaves behind are reclaimed by
// Redshift's automatic VACUUM DELETE.
//
//   - "procedure-load-<table>": CREATE OR REPLACE PROCEDURE sce_setup.sp_load_<table>() holding the
//     DELETE and the COPY; it runs nothing itself.
//   - "copy-<table>": CALL sce_setup.sp_load_<table>(). It runs again (Statement.RerunWith) when the
//     procedure changes (another file, role or option) or the table is created anew (its DDL changed).
func (p copyPlan) statements() ([]Statement, error) {
	out := make([]Statement, 0, 2*len(p.tables))
	for _, t := range p.tables {
		proc := Statement{
			Name:      loadProcedureStatementName(t.Name),
			SQL:       p.loadProcedureSQL(t),
			DependsOn: []string{ddlStatementName(t.Name), schemaStatementName(SetupSchema)},
		}
		if strings.Contains(p.copySQL(t), "$$") {
			return nil, fmt.Errorf("table %s: the COPY holds $$, which would end the procedure body", t.Name)
		}
		load := Statement{
			Name:         copyStatementName(t.Name),
			SQL:          call(loadProcedureName(t.Name)),
			DependsOn:    []string{ddlStatementName(t.Name), proc.Name},
			RerunWith:    []string{ddlStatementName(t.Name), proc.Name},
			UsesCopyRole: true,
		}
		out = append(out, proc, load)
	}
	return out, nil
}

// loadProcedureSQL renders the procedure that reloads one table in one transaction.
func (p copyPlan) loadProcedureSQL(t Table) string {
	body := "\nBEGIN\n  DELETE FROM " + qualified(p.schema, t.Name) + ";\n  " +
		strings.ReplaceAll(p.copySQL(t), "\n", "\n  ") + ";\nEND;\n"
	return procedure(loadProcedureName(t.Name), "", body)
}

// loadProcedureName names the procedure that reloads a table.
func loadProcedureName(table string) string { return "sp_load_" + table }

// loadProcedureStatementName names the statement creating a table's load procedure.
func loadProcedureStatementName(table string) string { return "procedure-load-" + table }

// copyStatementName names the statement loading a table.
func copyStatementName(table string) string { return "copy-" + table }

// copySQL renders the COPY of one table. The options, one per line:
//
//	COPY "cdm"."concept"
//	FROM 's3://bucket/vocab/CONCEPT.csv'
//	IAM_ROLE 'arn:aws:iam::111122223333:role/copy'
//	CSV QUOTE AS '\b'
//	DELIMITER '\t'
//	IGNOREHEADER 1
//	EMPTYASNULL
//	BLANKSASNULL
//	DATEFORMAT 'YYYYMMDD'
//	ACCEPTINVCHARS
func (p copyPlan) copySQL(t Table) string {
	var b strings.Builder
	b.WriteString("COPY " + qualified(p.schema, t.Name))
	if cols, ok := p.opts.Columns[t.Name]; ok {
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = quoteIdent(c)
		}
		b.WriteString(" (" + strings.Join(quoted, ", ") + ")")
	}
	b.WriteString("\nFROM " + quoteLiteral(p.location.Object(p.opts.fileName(t.Name))))
	b.WriteString("\nIAM_ROLE " + quoteLiteral(p.roleARN))
	if p.opts.Region != "" {
		b.WriteString("\nREGION " + quoteLiteral(p.opts.Region))
	}
	// Athena's files are not CSV-quoted, yet names hold double quotes: CSV mode with a quote character
	// that never occurs (backspace, as OHDSI's public sample loads do) reads every field verbatim.
	b.WriteString("\nCSV QUOTE AS '\\b'")
	b.WriteString("\nDELIMITER " + delimiterLiteral(p.opts.Delimiter))
	b.WriteString("\nIGNOREHEADER 1")
	b.WriteString("\nEMPTYASNULL")
	b.WriteString("\nBLANKSASNULL")
	if t.hasType("date") {
		b.WriteString("\nDATEFORMAT " + quoteLiteral(p.opts.DateFormat))
	}
	if t.hasType("timestamp", "datetime") {
		b.WriteString("\nTIMEFORMAT " + quoteLiteral(p.opts.TimeFormat))
	}
	b.WriteString("\nACCEPTINVCHARS")
	if p.opts.TruncateColumns {
		b.WriteString("\nTRUNCATECOLUMNS")
	}
	switch p.opts.Compression {
	case CompressionGzip:
		b.WriteString("\nGZIP")
	case CompressionBzip2:
		b.WriteString("\nBZIP2")
	}
	return b.String()
}

// delimiterLiteral writes a delimiter as COPY reads it: '\t' for tab, the character itself when
// printable, otherwise an octal escape such as '\362'.
func delimiterLiteral(d byte) string {
	switch {
	case d == '\t':
		return `'\t'`
	case d >= 0x20 && d < 0x7f:
		return "'" + string(rune(d)) + "'"
	default:
		return fmt.Sprintf(`'\%03o'`, d)
	}
}

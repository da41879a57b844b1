package omop

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// schemaStatementName names the statement creating a schema.
func schemaStatementName(schema string) string { return "schema-" + schema }

// ddlStatementName names the statement creating a table.
func ddlStatementName(table string) string { return "ddl-" + table }

// CreateSchema returns the statement creating schema if it does not exist, named "schema-<schema>".
func CreateSchema(schema string) (Statement, error) {
	if err := ValidateSchema(schema); err != nil {
		return Statement{}, err
	}
	return Statement{
		Name: schemaStatementName(schema),
		SQL:  "CREATE SCHEMA IF NOT EXISTS " + quoteIdent(schema),
	}, nil
}

// DDL returns one statement per OMOP CDM 5.4 table, in the column list's order, all in schema: named
// "ddl-<table>", each depending on "schema-<schema>" and "procedure-apply-table" (see SetupProcedures).
// Each calls sp_apply_table with the table's CREATE TABLE and its fingerprint, so that running it again
// changes nothing unless the DDL changed, and a changed DDL rebuilds the table. Types are mapped to
// Redshift's, NOT NULL is kept as listed except for RelaxedColumns, and each table has the distribution
// listed: DISTSTYLE ALL or DISTSTYLE KEY DISTKEY(<column>).
func DDL(schema string) ([]Statement, error) {
	if err := ValidateSchema(schema); err != nil {
		return nil, err
	}
	tables, err := Tables()
	if err != nil {
		return nil, err
	}
	return ddlFor(schema, tables)
}

// ddlFor returns the DDL statements for the tables given, in schema.
func ddlFor(schema string, tables []Table) ([]Statement, error) {
	out := make([]Statement, 0, len(tables))
	for _, t := range tables {
		create, err := createTable(schema, t)
		if err != nil {
			return nil, err
		}
		// The CREATE TABLE travels as a string constant: it must hold no quote or backslash, which the
		// validated identifiers and mapped types never contain.
		if strings.ContainsAny(create, `'\`) {
			return nil, fmt.Errorf("table %s: DDL holds a quote or backslash", t.Name)
		}
		out = append(out, Statement{
			Name:      ddlStatementName(t.Name),
			SQL:       call("sp_apply_table", schema, t.Name, tableFingerprint(create), create),
			DependsOn: []string{schemaStatementName(schema), applyTableProcedureName},
		})
	}
	return out, nil
}

// tableFingerprint identifies one table definition: it is the table's comment once sp_apply_table
// created it. Changing the format rebuilds every table.
func tableFingerprint(create string) string {
	sum := sha256.Sum256([]byte(create))
	return "sce-ddl:" + hex.EncodeToString(sum[:12])
}

// CreateTableSQL returns the CREATE TABLE that a DDL statement made by this package carries, and whether
// the statement is one.
func CreateTableSQL(s Statement) (string, bool) {
	const marker = ", 'CREATE TABLE "
	i := strings.Index(s.SQL, marker)
	if !strings.HasPrefix(s.SQL, "CALL "+qualified(SetupSchema, "sp_apply_table")) || i < 0 || !strings.HasSuffix(s.SQL, "')") {
		return "", false
	}
	return s.SQL[i+3 : len(s.SQL)-2], true
}

// createTable renders one table:
//
//	CREATE TABLE "cdm"."person" (
//	  "person_id" INTEGER NOT NULL,
//	  ...
//	)
//	DISTSTYLE KEY DISTKEY("person_id")
func createTable(schema string, t Table) (string, error) {
	if len(t.Columns) == 0 {
		return "", fmt.Errorf("table %s has no columns", t.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (\n", qualified(schema, t.Name))
	for i, c := range t.Columns {
		typ, err := redshiftType(c.Type)
		if err != nil {
			return "", fmt.Errorf("table %s column %s: %w", t.Name, c.Name, err)
		}
		fmt.Fprintf(&b, "  %s %s", quoteIdent(c.Name), typ)
		if !c.Nullable && !relaxed(t.Name, c.Name) {
			b.WriteString(" NOT NULL")
		}
		if i < len(t.Columns)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(")\n")
	switch t.Distribution.Style {
	case DistAll:
		b.WriteString("DISTSTYLE ALL")
	case DistKey:
		if _, ok := t.Column(t.Distribution.Key); !ok {
			return "", fmt.Errorf("table %s is distributed on %q, which is not one of its columns", t.Name, t.Distribution.Key)
		}
		fmt.Fprintf(&b, "DISTSTYLE KEY DISTKEY(%s)", quoteIdent(t.Distribution.Key))
	default:
		return "", fmt.Errorf("table %s: distribution style %q, want all or key", t.Name, t.Distribution.Style)
	}
	return b.String(), nil
}

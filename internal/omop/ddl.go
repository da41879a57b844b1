package omop

import (
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

// DDL returns one CREATE TABLE IF NOT EXISTS statement per OMOP CDM 5.4 table, in the column list's
// order, all in schema: named "ddl-<table>", each depending on "schema-<schema>" (see CreateSchema).
// Types are mapped to Redshift's, NOT NULL is kept as listed except for RelaxedColumns, and each table
// has the distribution listed: DISTSTYLE ALL or DISTSTYLE KEY DISTKEY(<column>).
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

// ddlFor returns the CREATE TABLE statements for the tables given, in schema.
func ddlFor(schema string, tables []Table) ([]Statement, error) {
	out := make([]Statement, 0, len(tables))
	for _, t := range tables {
		sql, err := createTable(schema, t)
		if err != nil {
			return nil, err
		}
		out = append(out, Statement{
			Name:      ddlStatementName(t.Name),
			SQL:       sql,
			DependsOn: []string{schemaStatementName(schema)},
		})
	}
	return out, nil
}

// createTable renders one table:
//
//	CREATE TABLE IF NOT EXISTS "cdm"."person" (
//	  "person_id" INTEGER NOT NULL,
//	  ...
//	)
//	DISTSTYLE KEY DISTKEY("person_id")
func createTable(schema string, t Table) (string, error) {
	if len(t.Columns) == 0 {
		return "", fmt.Errorf("table %s has no columns", t.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (\n", qualified(schema, t.Name))
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

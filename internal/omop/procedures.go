package omop

import (
	"fmt"
	"strings"
)

// SetupSchema holds the stored procedures that make the statements idempotent. Only the administrator
// uses it: the read-only user has no USAGE on it, so it can call none of them.
const SetupSchema = "sce_setup"

// The procedures' statement names.
const (
	applyTableProcedureName = "procedure-apply-table"
	createUserProcedureName = "procedure-create-user"
)

// Why procedures: the Data API's ExecuteStatement runs exactly one SQL statement, so a statement cannot
// be "if the user is absent, create it" or "empty the table and load it, in one transaction". A stored
// procedure can: CREATE OR REPLACE PROCEDURE is one statement, its CALL another, and the SQL inside a
// procedure runs as one transaction that the CALL commits or, on any error, rolls back (Redshift Database
// Developer Guide, "Managing transactions", stored-procedure-transaction-management.html). Redshift
// stored procedures accept COPY, DDL and dynamic SQL (EXECUTE) in their body ("Supported PL/pgSQL
// statements", c_PLpgSQL-statements.html). Their names start with sp_, which Redshift reserves for user
// procedures.

// applyTableSQL defines sp_apply_table(schema, table, fingerprint, create_sql): it creates the table with
// create_sql unless the table exists with that fingerprint as its comment; a table without it, or with
// another one, is dropped and created anew, and the fingerprint becomes its comment. Running it again
// with the same DDL changes nothing; running it with changed DDL rebuilds the table (empty: its load runs
// again, see Statement.RerunWith). Comments are kept in PG_DESCRIPTION (COMMENT, r_COMMENT.html).
var applyTableSQL = procedure("sp_apply_table",
	"target_schema varchar(127), target_table varchar(127), fingerprint varchar(64), create_sql varchar(65535)", `
DECLARE
  applied varchar(256);
BEGIN
  SELECT d.description INTO applied
    FROM pg_catalog.pg_description d
    JOIN pg_catalog.pg_class c ON c.oid = d.objoid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = target_schema AND c.relname = target_table AND d.objsubid = 0;
  IF applied IS NULL OR applied <> fingerprint THEN
    EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(target_schema) || '.' || quote_ident(target_table);
    EXECUTE create_sql;
    EXECUTE 'COMMENT ON TABLE ' || quote_ident(target_schema) || '.' || quote_ident(target_table) || ' IS ' || quote_literal(fingerprint);
  END IF;
END;
`)

// createUserSQL defines sp_create_user(user_name): CREATE USER ... PASSWORD DISABLE unless PG_USER already
// has the user. Redshift has no CREATE USER IF NOT EXISTS, and a statement that runs again (after its
// state was lost, or on `pulumi up --replace`) must not fail with "already exists".
var createUserSQL = procedure("sp_create_user", "user_name varchar(127)", `
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_user WHERE usename = user_name) THEN
    EXECUTE 'CREATE USER ' || quote_ident(user_name) || ' PASSWORD DISABLE';
  END IF;
END;
`)

// procedure renders CREATE OR REPLACE PROCEDURE for a procedure of SetupSchema.
func procedure(name, args, body string) string {
	return fmt.Sprintf("%s%s (%s)\nAS $$%s$$ LANGUAGE plpgsql", procedurePrefix, qualified(SetupSchema, name), args, body)
}

// SetupProcedures returns the statements creating the procedures every plan calls, after
// "schema-sce_setup" (see CreateSchema): "procedure-apply-table" (sp_apply_table, which DDL calls) and
// "procedure-create-user" (sp_create_user, which ReadOnlyUser calls). They replace any earlier version.
func SetupProcedures() []Statement {
	deps := []string{schemaStatementName(SetupSchema)}
	return []Statement{
		{Name: applyTableProcedureName, SQL: applyTableSQL, DependsOn: deps},
		{Name: createUserProcedureName, SQL: createUserSQL, DependsOn: deps},
	}
}

// call renders the CALL of a procedure of SetupSchema with string arguments, each a validated value
// without quotes or backslashes (quoteLiteral doubles quotes anyway).
func call(name string, args ...string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = quoteLiteral(a)
	}
	return fmt.Sprintf("CALL %s(%s)", qualified(SetupSchema, name), strings.Join(quoted, ", "))
}

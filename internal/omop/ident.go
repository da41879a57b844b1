package omop

import (
	"fmt"
	"regexp"
	"strings"
)

// schemaPattern is what a schema or user name may be: a lower-case Redshift identifier of at most 127
// bytes. Lower case because Redshift folds unquoted names to lower case and the OHDSI tools write them
// unquoted; the names are still quoted in the SQL, so a reserved word such as "user" is harmless.
var schemaPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,126}$`)

// acceptedName says in words what schemaPattern accepts, for error messages.
const acceptedName = "1 to 127 characters of a-z, 0-9 and _, starting with a letter or _ (" + `^[a-z_][a-z0-9_]{0,126}$` + ")"

// ValidateSchema checks a schema name: a lower-case identifier, not a system schema (pg_*,
// information_schema), which Redshift would refuse to create.
func ValidateSchema(schema string) error {
	if !schemaPattern.MatchString(schema) {
		return fmt.Errorf("schema name %q is invalid: want %s", schema, acceptedName)
	}
	if strings.HasPrefix(schema, "pg_") || schema == "information_schema" {
		return fmt.Errorf("schema name %q is reserved for Redshift's system schemas: choose another", schema)
	}
	return nil
}

// ValidateUser checks a database user name: a lower-case identifier, not PUBLIC (which Redshift forbids),
// not rdsdb (Redshift's own administrator) and not pg_*.
func ValidateUser(user string) error {
	if !schemaPattern.MatchString(user) {
		return fmt.Errorf("user name %q is invalid: want %s", user, acceptedName)
	}
	switch {
	case user == "public", user == "rdsdb", strings.HasPrefix(user, "pg_"):
		return fmt.Errorf("user name %q is reserved by Redshift: choose another", user)
	}
	return nil
}

// quoteIdent quotes an identifier for Redshift: in double quotes, a double quote inside doubled.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// qualified is schema.table, both quoted.
func qualified(schema, table string) string {
	return quoteIdent(schema) + "." + quoteIdent(table)
}

// quoteLiteral quotes a string constant for Redshift: in single quotes, a single quote inside doubled.
// Callers pass only validated values, which hold neither quotes nor backslashes.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

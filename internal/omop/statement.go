package omop

import (
	"fmt"
	"regexp"
	"strings"
)

// Statement is one SQL statement for the Redshift Data API, as one aws.redshiftdata.Statement resource.
type Statement struct {
	// Name is stable across runs and unique in a plan ("ddl-person", "copy-concept"); the component derives
	// the Pulumi resource name from it. It depends on table, schema and user names only, never on SQL text.
	Name string
	// SQL is exactly one SQL command, without a trailing semicolon: the Data API's ExecuteStatement runs a
	// single statement. It may hold placeholders (RoleARNPlaceholder, PasswordPlaceholder) that the
	// component fills at deployment time with BindRoleARN and BindPassword.
	SQL string
	// DependsOn names the statements that must have run before this one.
	DependsOn []string
	// Secret is true when the SQL, once bound, holds a credential (a password digest): the component must
	// pass it to the resource as a Pulumi secret so that the state stores it encrypted.
	Secret bool
}

// namePattern is what a statement name may be: safe inside a Pulumi resource name.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Validate checks a list of statements in execution order: every name well formed and unique, every SQL
// text one non-empty command, and every dependency naming an earlier statement. Plan's output always
// passes; the component may call it on a list it assembled itself.
func Validate(statements []Statement) error {
	position := make(map[string]int, len(statements))
	for i, s := range statements {
		if !namePattern.MatchString(s.Name) {
			return fmt.Errorf("statement %d: name %q is invalid: want lower-case letters, digits, _ and -", i, s.Name)
		}
		if j, dup := position[s.Name]; dup {
			return fmt.Errorf("statement %d: name %q is already used by statement %d", i, s.Name, j)
		}
		if strings.TrimSpace(s.SQL) == "" {
			return fmt.Errorf("statement %s: empty SQL", s.Name)
		}
		if strings.Contains(s.SQL, ";") {
			return fmt.Errorf("statement %s: SQL holds a semicolon; the Data API runs one command per statement", s.Name)
		}
		for _, dep := range s.DependsOn {
			if dep == s.Name {
				return fmt.Errorf("statement %s depends on itself", s.Name)
			}
			if _, ok := position[dep]; !ok {
				return fmt.Errorf("statement %s depends on %q, which is not an earlier statement", s.Name, dep)
			}
		}
		position[s.Name] = i
	}
	return nil
}

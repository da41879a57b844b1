package omop

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Statement is one SQL statement for the Redshift Data API, as one aws.redshiftdata.Statement resource.
type Statement struct {
	// Name is stable across runs and unique in a plan ("ddl-person", "copy-concept"); the component derives
	// the Pulumi resource name from it. It depends on table, schema and user names only, never on SQL text.
	Name string
	// SQL is exactly one SQL command, without a trailing semicolon: the Data API's ExecuteStatement runs a
	// single statement. The one kind of command that holds semicolons is CREATE OR REPLACE PROCEDURE, whose
	// body between $$ and $$ is one command for the server. SQL may hold placeholders (RoleARNPlaceholder, a
	// password placeholder) that the component fills at deployment time with Bind.
	SQL string
	// DependsOn names the statements that must have run before this one.
	DependsOn []string
	// RerunWith names statements of DependsOn whose change must run this one again: a table's load runs
	// again when its table is created anew or its load procedure changes. Their fingerprints enter this
	// one's (see Fingerprint).
	RerunWith []string
	// Secret is true when the SQL, once bound, holds a credential (a password digest): the component must
	// pass it to the resource as a Pulumi secret so that the state stores it encrypted.
	Secret bool
	// UsesCopyRole is true when running the statement makes Redshift assume the COPY role (the CALL of a
	// load procedure): the role's permissions must be attached before it runs.
	UsesCopyRole bool
}

// namePattern is what a statement name may be: safe inside a Pulumi resource name.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// procedurePrefix starts the only statements that may hold a dollar-quoted body.
const procedurePrefix = "CREATE OR REPLACE PROCEDURE "

// outsideBody returns the SQL without its procedure body ($$ ... $$), and an error when the dollar quotes
// do not form exactly one body of a CREATE OR REPLACE PROCEDURE.
func outsideBody(sql string) (string, error) {
	n := strings.Count(sql, "$$")
	switch {
	case n == 0:
		return sql, nil
	case n != 2:
		return "", fmt.Errorf("%d $$ quotes, want none or the two around one procedure body", n)
	case !strings.HasPrefix(sql, procedurePrefix):
		return "", fmt.Errorf("a $$ body outside CREATE OR REPLACE PROCEDURE")
	}
	before, rest, _ := strings.Cut(sql, "$$")
	_, after, _ := strings.Cut(rest, "$$")
	return before + after, nil
}

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
		outside, err := outsideBody(s.SQL)
		if err != nil {
			return fmt.Errorf("statement %s: %w", s.Name, err)
		}
		if strings.Contains(outside, ";") {
			return fmt.Errorf("statement %s: SQL holds a semicolon outside a procedure body; the Data API runs one command per statement", s.Name)
		}
		for _, dep := range s.DependsOn {
			if dep == s.Name {
				return fmt.Errorf("statement %s depends on itself", s.Name)
			}
			if _, ok := position[dep]; !ok {
				return fmt.Errorf("statement %s depends on %q, which is not an earlier statement", s.Name, dep)
			}
		}
		for _, r := range s.RerunWith {
			if !slices.Contains(s.DependsOn, r) {
				return fmt.Errorf("statement %s runs again with %q, which is not one of its dependencies", s.Name, r)
			}
		}
		position[s.Name] = i
	}
	return nil
}

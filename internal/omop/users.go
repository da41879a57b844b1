package omop

import (
	"errors"
	"fmt"
	"slices"
)

// userStatementName names the statement creating a user.
func userStatementName(user string) string { return "user-" + user }

// revokePublicCreateName names the statement taking CREATE on the public schema from every user.
const revokePublicCreateName = "revoke-public-create"

// passwordStatementName names the statement setting a user's password.
func passwordStatementName(user string) string { return "password-" + user }

// ResultsSchema returns the statements creating the results schema, where WebAPI and Achilles write
// (cohorts, characterisations), and giving each writer full rights on it: "schema-<schema>", then for each
// writer "grant-all-<schema>-<writer>" (CREATE and USAGE on the schema), "grant-tables-<schema>-<writer>"
// (every privilege on the tables already there) and "default-all-<schema>-<writer>" (the same on tables
// the administrator creates later). Writer grants depend on "user-<writer>" (see ReadOnlyUser).
func ResultsSchema(schema string, writers ...string) ([]Statement, error) {
	create, err := CreateSchema(schema)
	if err != nil {
		return nil, fmt.Errorf("results schema: %w", err)
	}
	out := []Statement{create}
	for _, w := range writers {
		if err := ValidateUser(w); err != nil {
			return nil, fmt.Errorf("results schema writer: %w", err)
		}
		deps := []string{create.Name, userStatementName(w)}
		s, u := quoteIdent(schema), quoteIdent(w)
		out = append(out,
			Statement{
				Name:      fmt.Sprintf("grant-all-%s-%s", schema, w),
				SQL:       fmt.Sprintf("GRANT ALL ON SCHEMA %s TO %s", s, u),
				DependsOn: deps,
			},
			Statement{
				Name:      fmt.Sprintf("grant-tables-%s-%s", schema, w),
				SQL:       fmt.Sprintf("GRANT ALL ON ALL TABLES IN SCHEMA %s TO %s", s, u),
				DependsOn: deps,
			},
			Statement{
				Name:      fmt.Sprintf("default-all-%s-%s", schema, w),
				SQL:       fmt.Sprintf("ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT ALL ON TABLES TO %s", s, u),
				DependsOn: deps,
			},
		)
	}
	return out, nil
}

// ReadOnlyUser returns the statements creating the database user the analysis tools (WebAPI, Achilles)
// connect as, and letting it read the schemas given (the CDM and vocabulary schemas):
//
//   - "user-<user>": a CALL of sp_create_user (see SetupProcedures), which runs CREATE USER ... PASSWORD
//     DISABLE unless the user exists, so that running it again succeeds. The user cannot log in yet, and no
//     password is in this SQL, which Pulumi keeps in its state and Redshift in its query history.
//   - "password-<user>": ALTER USER ... PASSWORD '<digest>', a Secret statement holding a placeholder for
//     the MD5 digest of the password. The component binds it (Statement.Bind) inside an apply on the
//     password read from Secrets Manager: only the digest reaches the SQL, and the statement is a Pulumi
//     secret in the state. Changing the secret changes the digest, so the statement runs again.
//   - "revoke-public-create": REVOKE CREATE ON SCHEMA public FROM PUBLIC, so that the results schema is the
//     only place the user can write.
//   - for each schema, "grant-usage-<schema>-<user>", "grant-select-<schema>-<user>" (the tables already
//     there) and "default-select-<schema>-<user>" (tables the administrator creates later). SELECT only:
//     no INSERT, UPDATE, DELETE or CREATE.
//
// "user-<user>" depends on "procedure-create-user"; the grants depend on "user-<user>" and on
// "schema-<schema>" (see CreateSchema); Plan also makes them wait for the schema's tables. Every statement
// can run again without harm: GRANT, REVOKE and ALTER of what is already so change nothing. Full rights on
// the results schema come from ResultsSchema.
func ReadOnlyUser(user string, schemas ...string) ([]Statement, error) {
	if err := ValidateUser(user); err != nil {
		return nil, fmt.Errorf("read-only user: %w", err)
	}
	if len(schemas) == 0 {
		return nil, errors.New("read-only user: no schema to read: name the CDM and vocabulary schemas")
	}
	var seen []string
	for _, s := range schemas {
		if err := ValidateSchema(s); err != nil {
			return nil, fmt.Errorf("read-only user: %w", err)
		}
		if slices.Contains(seen, s) {
			return nil, fmt.Errorf("read-only user: schema %s named twice", s)
		}
		seen = append(seen, s)
	}
	u := quoteIdent(user)
	create := Statement{
		Name:      userStatementName(user),
		SQL:       call("sp_create_user", user),
		DependsOn: []string{createUserProcedureName},
	}
	// Every user may create tables in the public schema by default; revoking that leaves the results
	// schema as the only place this user writes. The administrator, a superuser, is not affected.
	revoke := Statement{
		Name:      revokePublicCreateName,
		SQL:       "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
		DependsOn: []string{create.Name},
	}
	password := Statement{
		Name:      passwordStatementName(user),
		SQL:       fmt.Sprintf("ALTER USER %s PASSWORD '%s'", u, passwordPlaceholder(user)),
		DependsOn: []string{create.Name},
		Secret:    true,
	}
	out := []Statement{create, password, revoke}
	out = append(out, selectGrants(user, schemas)...)
	return out, nil
}

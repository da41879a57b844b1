package omop

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// researcherPattern is a researcher's database user: their workstation login (sce:researchers), which
// GetClusterCredentials accepts as DbUser (1 to 64 letters, digits, _, +, ., @ or -, starting with a
// letter, no colon or slash: Redshift API Reference, GetClusterCredentials) and which the SQL always
// quotes, so that a hyphen is harmless.
var researcherPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// ValidateResearcherUser checks a researcher's database user name: what GetClusterCredentials accepts
// as DbUser, not PUBLIC, rdsdb or pg_*, and not one of Redshift's reserved words, which
// GetClusterCredentials refuses as DbUser even though a quoted CREATE USER accepts them.
func ValidateResearcherUser(user string) error {
	switch {
	case !researcherPattern.MatchString(user):
		return fmt.Errorf("database user %q is invalid: want 1 to 64 characters of a-z, 0-9, _ and -, starting with a letter", user)
	case user == "public", user == "rdsdb", strings.HasPrefix(user, "pg_"):
		return fmt.Errorf("database user %q is reserved by Redshift: choose another", user)
	case slices.Contains(ReservedWords, strings.ToUpper(user)):
		return fmt.Errorf("database user %q is a Redshift reserved word, which GetClusterCredentials refuses as DbUser: choose another", user)
	}
	return nil
}

// ResearcherUsers returns, for each researcher, the statements creating their own database user and
// letting it read the schemas given (the CDM and the vocabulary), and nothing else:
//
//   - "user-<login>": a CALL of sp_create_user, which creates the user with PASSWORD DISABLE unless it
//     exists. The researcher never has a password: they sign in through IAM (GetClusterCredentials with
//     DbUser = their login, which only their own session of the researcher role may ask for), so the
//     user activity log names the person;
//   - for each schema, "grant-usage-<schema>-<login>", "grant-select-<schema>-<login>" and
//     "default-select-<schema>-<login>", as for the read-only user: SELECT only.
//
// The user creation depends on "procedure-create-user", the grants on the user and on "schema-<schema>".
// A researcher removed from sce:researchers keeps their database user, which no one can sign in as any
// more (the researcher role's trust no longer admits their login), so that what they did stays
// attributable.
func ResearcherUsers(logins []string, schemas ...string) ([]Statement, error) {
	if len(schemas) == 0 {
		return nil, errors.New("researcher users: no schema to read: name the CDM and vocabulary schemas")
	}
	var out []Statement
	var problems []error
	for _, login := range logins {
		if err := ValidateResearcherUser(login); err != nil {
			problems = append(problems, fmt.Errorf("researcher users: %w", err))
			continue
		}
		create := Statement{Name: userStatementName(login), SQL: call("sp_create_user", login), DependsOn: []string{createUserProcedureName}}
		out = append(out, create)
		out = append(out, selectGrants(login, schemas)...)
	}
	return out, errors.Join(problems...)
}

// selectGrants lets user read every table of the schemas, present and future: USAGE, SELECT on the
// tables there, and SELECT by default on the tables the administrator creates later.
func selectGrants(user string, schemas []string) []Statement {
	u := quoteIdent(user)
	var out []Statement
	for _, schema := range schemas {
		s := quoteIdent(schema)
		deps := []string{userStatementName(user), schemaStatementName(schema)}
		out = append(out,
			Statement{Name: fmt.Sprintf("grant-usage-%s-%s", schema, user), SQL: fmt.Sprintf("GRANT USAGE ON SCHEMA %s TO %s", s, u), DependsOn: deps},
			Statement{Name: fmt.Sprintf("grant-select-%s-%s", schema, user), SQL: fmt.Sprintf("GRANT SELECT ON ALL TABLES IN SCHEMA %s TO %s", s, u), DependsOn: deps},
			Statement{Name: fmt.Sprintf("default-select-%s-%s", schema, user), SQL: fmt.Sprintf("ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT SELECT ON TABLES TO %s", s, u), DependsOn: deps},
		)
	}
	return out
}

// ReservedWords are Amazon Redshift's reserved words (Database Developer Guide, "Reserved words",
// r_pg_keywords.html), upper case.
var ReservedWords = strings.Fields(`AES128 AES256 ALL ALLOWOVERWRITE ANALYSE ANALYZE AND ANY ARRAY AS ASC AUTHORIZATION AZ64
BACKUP BETWEEN BINARY BLANKSASNULL BOTH BYTEDICT BZIP2 CASE CAST CHECK COLLATE COLUMN CONSTRAINT CREATE CREDENTIALS
CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURRENT_USER_ID DEFAULT DEFERRABLE DEFLATE DEFRAG DELTA
DELTA32K DESC DISABLE DISTINCT DO ELSE EMPTYASNULL ENABLE ENCODE ENCRYPT ENCRYPTION END EXCEPT EXPLICIT FALSE FOR
FOREIGN FREEZE FROM FULL GLOBALDICT256 GLOBALDICT64K GRANT GROUP GZIP HAVING IDENTITY IGNORE ILIKE IN INITIALLY INNER
INTERSECT INTERVAL INTO IS ISNULL JOIN LEADING LEFT LIKE LIMIT LOCALTIME LOCALTIMESTAMP LUN LUNS LZO LZOP MINUS
MOSTLY16 MOSTLY32 MOSTLY8 NATURAL NEW NOT NOTNULL NULL NULLS OFF OFFLINE OFFSET OID OLD ON ONLY OPEN OR ORDER OUTER
OVERLAPS PARALLEL PARTITION PERCENT PERMISSIONS PIVOT PLACING PRIMARY RAW READRATIO RECOVER REFERENCES REJECTLOG
RESORT RESPECT RESTORE RIGHT SELECT SESSION_USER SIMILAR SNAPSHOT SOME SYSDATE SYSTEM TABLE TAG TDES TEXT255 TEXT32K
THEN TIMESTAMP TO TOP TRAILING TRUE TRUNCATECOLUMNS UNION UNIQUE UNNEST UNPIVOT USER USING VERBOSE WALLET WHEN WHERE
WITH WITHOUT`)

package config

import (
	"regexp"
	"slices"
	"strings"

	"github.com/sce-project/sce/internal/omop"
)

var (
	schemaPattern       = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,126}$`)
	redshiftNodePattern = regexp.MustCompile(`^(ra3|dc2)\.[a-z0-9]+$`)
	keyPrefixPattern    = regexp.MustCompile(`^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$`)
)

// omop reads the proof-of-concept-B keys. They are validated whatever omopEnabled says, so that a stack
// file is correct before the option is turned on.
func (r *reader) omop() OMOP {
	o := OMOP{
		Enabled:               r.boolean(KeyOMOPEnabled),
		NodeType:              r.value(KeyRedshiftNodeType),
		NodeCount:             r.integer(KeyRedshiftNodeCount, 1, 32),
		SnapshotRetentionDays: r.integer(KeyRedshiftSnapshotDays, 7, 35),
		Schema:                r.value(KeyOMOPSchema),
		ResultsSchema:         r.value(KeyOMOPResultsSchema),
		VocabularyPrefix:      r.value(KeyOMOPVocabularyPrefix),
		DataPrefix:            r.value(KeyOMOPDataPrefix),
		LoadEnabled:           r.boolean(KeyOMOPLoadEnabled),
		VocabularyTables:      r.vocabularyTables(),
		AtlasInstanceType:     r.instanceType(KeyAtlasInstanceType, "m"),
	}
	if !redshiftNodePattern.MatchString(o.NodeType) {
		r.ps.add(full(KeyRedshiftNodeType), o.NodeType, "is not a Redshift node type; accepted: an ra3 or dc2 type such as ra3.xlplus")
	}
	for _, k := range []struct{ key, v string }{{KeyOMOPSchema, o.Schema}, {KeyOMOPResultsSchema, o.ResultsSchema}} {
		if !schemaPattern.MatchString(k.v) {
			r.ps.add(full(k.key), k.v, "is not a schema name; accepted: lower-case letters, digits and _, starting with a letter or _")
		}
	}
	if o.Schema == o.ResultsSchema {
		r.ps.add(full(KeyOMOPResultsSchema), o.ResultsSchema, "is the same as %s; accepted: a schema of its own", full(KeyOMOPSchema))
	}
	for _, k := range []struct {
		key, v   string
		optional bool
	}{{KeyOMOPVocabularyPrefix, o.VocabularyPrefix, false}, {KeyOMOPDataPrefix, o.DataPrefix, true}} {
		if k.optional && k.v == "" {
			continue
		}
		if !keyPrefixPattern.MatchString(k.v) || strings.Contains(k.v, "//") {
			r.ps.add(full(k.key), k.v, "is not a key prefix; accepted: path segments ending with /, such as omop/vocabulary/")
		}
	}
	if o.Enabled && o.VocabularyPrefix == o.DataPrefix {
		r.ps.add(full(KeyOMOPDataPrefix), o.DataPrefix, "is the vocabulary prefix; accepted: a prefix of its own")
	}
	switch {
	case o.LoadEnabled && !o.Enabled:
		r.ps.add(full(KeyOMOPLoadEnabled), "true", "loads into the Redshift cluster that %s creates, and it is false; accepted: false, or %s: true", full(KeyOMOPEnabled), full(KeyOMOPEnabled))
	case o.LoadEnabled && o.VocabularyPrefix == "":
		r.ps.add(full(KeyOMOPLoadEnabled), "true", "needs %s, the prefix the vocabulary files were uploaded under", full(KeyOMOPVocabularyPrefix))
	}
	return o
}

// vocabularyTables reads the vocabulary tables whose files are uploaded: each one of the ten, once.
func (r *reader) vocabularyTables() []string {
	var out []string
	for _, t := range r.list(KeyOMOPVocabularyTables) {
		switch {
		case !slices.Contains(omop.VocabularyTables, t):
			r.ps.add(full(KeyOMOPVocabularyTables), t, "is not a vocabulary table; accepted: %s", strings.Join(omop.VocabularyTables, ", "))
		case slices.Contains(out, t):
			r.ps.add(full(KeyOMOPVocabularyTables), t, "is listed twice; accepted: each table once")
		default:
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		r.ps.add(full(KeyOMOPVocabularyTables), "[]", "lists no table; accepted: the vocabulary tables whose files are uploaded, such as concept")
	}
	return out
}

// ServiceDBUsers are the database users the stack itself creates on Redshift: the administrator
// (components) and the analysis tools' read-only user (internal/stack). A researcher's login, which is
// their database user, may be neither.
var ServiceDBUsers = []string{"sce_admin", "ohdsi_reader"}

// checkDatabaseLogins refuses, on an OMOP stack, a login that cannot be the researcher's own Redshift
// user: one GetClusterCredentials refuses as DbUser (a reserved word, PUBLIC), or a user the stack
// creates for itself.
func (r *reader) checkDatabaseLogins(c *Config) {
	if !c.OMOP.Enabled {
		return
	}
	for _, res := range c.Researchers {
		switch err := omop.ValidateResearcherUser(res.Login); {
		case err != nil:
			r.ps.add(full(KeyResearchers), res.Login, "cannot be a Redshift database user (%v); accepted, with %s: a login that is no Redshift reserved word", err, full(KeyOMOPEnabled))
		case slices.Contains(ServiceDBUsers, res.Login):
			r.ps.add(full(KeyResearchers), res.Login, "is a database user the stack creates for itself; accepted: a researcher's own login, not %s", strings.Join(ServiceDBUsers, " or "))
		}
	}
}

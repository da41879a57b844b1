package config

import (
	"regexp"
	"strings"
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
	return o
}

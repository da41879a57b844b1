package omop

import (
	"errors"
	"fmt"
)

// LoadConfig describes one OMOP database on Redshift: where the tables go, who reads them, and what is
// loaded from where.
type LoadConfig struct {
	// CDMSchema holds the clinical tables, and the vocabulary unless VocabularySchema names another
	// schema. Required.
	CDMSchema string
	// VocabularySchema holds the ten vocabulary tables. Default: CDMSchema. A separate schema lets several
	// CDMs share one vocabulary (WebAPI's vocabulary daimon).
	VocabularySchema string
	// ResultsSchema is where WebAPI and Achilles write; the read-only user has full rights there and
	// nowhere else. Required, and distinct from the CDM and vocabulary schemas.
	ResultsSchema string
	// ReadOnlyUser is the database user the analysis tools connect as (see ReadOnlyUser). Required.
	ReadOnlyUser string
	// Researchers are the researchers' logins, each of which gets its own database user that reads the
	// CDM and the vocabulary (see ResearcherUsers). Default: none.
	Researchers []string
	// RoleARN is the IAM role COPY uses, attached to the cluster; or RoleARNPlaceholder, bound later.
	// Required.
	RoleARN string
	// Load adds the second phase, the COPY of the vocabulary (and of the clinical data set when CDMPrefix
	// is set): the files must then be in S3. Default false: only the schemas, tables, user and grants,
	// which need no file, so that a first deployment can create the bucket the files go to.
	Load bool
	// VocabularyPrefix is the s3://bucket/prefix holding the Athena vocabulary files. Required with Load.
	VocabularyPrefix string
	// VocabularyOptions name and format the vocabulary files. The zero value reads Athena's download.
	VocabularyOptions CopyOptions
	// CDMPrefix is the s3://bucket/prefix of a clinical data set in OMOP form (SynPUF, Synthea).
	// Default none: no clinical data are loaded.
	CDMPrefix string
	// CDMTables are the clinical tables to load from CDMPrefix, in load order. Required with CDMPrefix,
	// refused without it.
	CDMTables []string
	// CDMOptions name and format the clinical files.
	CDMOptions CopyOptions
	// Tables is the column list the DDL is generated from. Default: Tables(), the embedded OMOP CDM 5.4
	// list. The loads are planned against the embedded list whatever this holds.
	Tables []Table
}

// vocabularySchema is the schema of the vocabulary tables.
func (c LoadConfig) vocabularySchema() string {
	if c.VocabularySchema == "" {
		return c.CDMSchema
	}
	return c.VocabularySchema
}

// validate checks the fields that are not checked by the functions Plan calls, and names the field of
// every problem.
func (c LoadConfig) validate() error {
	var problems []error
	field := func(name string, err error) {
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
		}
	}
	required := func(name, value string) bool {
		if value == "" {
			problems = append(problems, fmt.Errorf("%s is required", name))
			return false
		}
		return true
	}
	if required("CDMSchema", c.CDMSchema) {
		field("CDMSchema", ValidateSchema(c.CDMSchema))
	}
	if c.VocabularySchema != "" {
		field("VocabularySchema", ValidateSchema(c.VocabularySchema))
	}
	for _, s := range []struct{ field, value string }{{"CDMSchema", c.CDMSchema}, {"VocabularySchema", c.VocabularySchema}, {"ResultsSchema", c.ResultsSchema}} {
		if s.value == SetupSchema {
			problems = append(problems, fmt.Errorf("%s %q is the schema of this package's procedures: choose another", s.field, s.value))
		}
	}
	if required("ResultsSchema", c.ResultsSchema) {
		field("ResultsSchema", ValidateSchema(c.ResultsSchema))
		if c.ResultsSchema == c.CDMSchema || c.ResultsSchema == c.vocabularySchema() {
			problems = append(problems, fmt.Errorf("ResultsSchema %q must differ from the CDM and vocabulary schemas: the read-only user may write in it", c.ResultsSchema))
		}
	}
	if required("ReadOnlyUser", c.ReadOnlyUser) {
		field("ReadOnlyUser", ValidateUser(c.ReadOnlyUser))
	}
	for _, r := range c.Researchers {
		field("Researchers", ValidateResearcherUser(r))
		if r == c.ReadOnlyUser {
			problems = append(problems, fmt.Errorf("%s: %q is the read-only user of the analysis tools: a researcher needs a user of their own", "Researchers", r))
		}
	}
	if required("RoleARN", c.RoleARN) && c.RoleARN != RoleARNPlaceholder {
		field("RoleARN", ValidateRoleARN(c.RoleARN))
	}
	switch {
	case c.VocabularyPrefix != "":
		_, err := ParseS3Prefix(c.VocabularyPrefix)
		field("VocabularyPrefix", err)
	case c.Load:
		problems = append(problems, errors.New("VocabularyPrefix is required with Load: say where the vocabulary files are"))
	}
	switch {
	case c.CDMPrefix != "":
		_, err := ParseS3Prefix(c.CDMPrefix)
		field("CDMPrefix", err)
		if len(c.CDMTables) == 0 {
			problems = append(problems, errors.New("CDMTables: CDMPrefix is set but no table is named: list the clinical tables of the data set"))
		}
	case len(c.CDMTables) > 0:
		problems = append(problems, fmt.Errorf("CDMTables names %d table(s) but CDMPrefix is empty: say where the files are", len(c.CDMTables)))
	}
	return errors.Join(problems...)
}

// Plan returns every statement that builds the OMOP database, in execution order, each depending only on
// earlier ones:
//
//  1. the procedures' schema (SetupSchema), the CDM schema, and the vocabulary schema when it is another
//     ("schema-<schema>");
//  2. the procedures every later statement calls (SetupProcedures);
//  3. the 39 tables ("ddl-<table>"): vocabulary tables in the vocabulary schema, the others in the CDM
//     schema;
//  4. the read-only user, its password and its SELECT grants on the CDM and vocabulary schemas, which
//     also wait for the schemas' tables; then each researcher's own user and the same SELECT grants
//     (ResearcherUsers);
//  5. the results schema and the user's full rights on it;
//  6. with Load, the vocabulary load ("procedure-load-<table>", "copy-<table>"), each after its table's
//     DDL, and the clinical load when CDMPrefix is set, likewise.
//
// Every statement can run again without changing what it made: schemas and procedures are created or
// replaced, tables are rebuilt only when their DDL changed, the user is created only when absent, grants
// are repeated, and a load empties its table in the transaction that copies it. Every problem in cfg is
// reported at once.
func Plan(cfg LoadConfig) ([]Statement, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid OMOP load configuration:\n%w", err)
	}
	cdmSchema, vocabSchema := cfg.CDMSchema, cfg.vocabularySchema()

	schemas := []string{cdmSchema}
	if vocabSchema != cdmSchema {
		schemas = append(schemas, vocabSchema)
	}
	var out []Statement
	for _, s := range append([]string{SetupSchema}, schemas...) {
		st, err := CreateSchema(s)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	out = append(out, SetupProcedures()...)

	tables := cfg.Tables
	if tables == nil {
		var err error
		if tables, err = Tables(); err != nil {
			return nil, err
		}
	}
	ddlBySchema := map[string][]string{}
	for _, t := range tables {
		schema := cdmSchema
		if isVocabulary(t.Name) {
			schema = vocabSchema
		}
		st, err := ddlFor(schema, []Table{t})
		if err != nil {
			return nil, err
		}
		out = append(out, st...)
		ddlBySchema[schema] = append(ddlBySchema[schema], st[0].Name)
	}

	user, err := ReadOnlyUser(cfg.ReadOnlyUser, schemas...)
	if err != nil {
		return nil, err
	}
	for i := range user {
		// SELECT ON ALL TABLES covers the tables that exist when it runs: after the schema's DDL.
		for _, s := range schemas {
			if user[i].Name == fmt.Sprintf("grant-select-%s-%s", s, cfg.ReadOnlyUser) {
				user[i].DependsOn = append(user[i].DependsOn, ddlBySchema[s]...)
			}
		}
	}
	out = append(out, user...)

	people, err := ResearcherUsers(cfg.Researchers, schemas...)
	if err != nil {
		return nil, err
	}
	for i := range people {
		for _, s := range schemas {
			for _, r := range cfg.Researchers {
				if people[i].Name == fmt.Sprintf("grant-select-%s-%s", s, r) {
					people[i].DependsOn = append(people[i].DependsOn, ddlBySchema[s]...)
				}
			}
		}
	}
	out = append(out, people...)

	results, err := ResultsSchema(cfg.ResultsSchema, cfg.ReadOnlyUser)
	if err != nil {
		return nil, err
	}
	out = append(out, results...)

	if cfg.Load {
		vocab, err := VocabularyCopy(vocabSchema, cfg.VocabularyPrefix, cfg.RoleARN, cfg.VocabularyOptions)
		if err != nil {
			return nil, err
		}
		out = append(out, vocab...)
		if cfg.CDMPrefix != "" {
			cdm, err := CDMCopy(cdmSchema, cfg.CDMPrefix, cfg.RoleARN, cfg.CDMTables, cfg.CDMOptions)
			if err != nil {
				return nil, err
			}
			out = append(out, cdm...)
		}
	}

	if err := Validate(out); err != nil {
		return nil, fmt.Errorf("plan is inconsistent: %w", err)
	}
	return out, nil
}

// Package omop writes the SQL that builds an OMOP Common Data Model 5.4 database on Amazon Redshift: the
// schemas, the 39 tables, the results schema, the analysis tools' read-only user and its grants, and the
// COPY statements that load the vocabulary and, optionally, a clinical data set from S3. It is pure: no
// Pulumi, no AWS call. The RedshiftOMOP component runs each Statement it returns as one
// aws.redshiftdata.Statement resource, named after Statement.Name, depending on the resources of
// Statement.DependsOn; Plan returns them all in order.
//
// # Running again
//
// A Data API statement resource runs its SQL when it is created, and Pulumi creates it again whenever it
// is replaced; the provider also forgets statements the service has expired. So every statement here
// can run any number of times and leave the database as the first run did (see Plan), and Fingerprint
// gives the component a digest that changes only when a statement's meaning does, for the field that
// decides replacement. The Data API runs one statement per call, so what needs a condition or a
// transaction runs in a stored procedure of SetupSchema (SetupProcedures): CREATE OR REPLACE PROCEDURE is
// one statement, and its CALL another.
//
// # The tables
//
// DDL is generated from the embedded column list (omop-cdm-5.4-columns.tsv, parsed by Tables): every
// column with its type, NOT NULL as listed, and the distribution listed: DISTKEY(person_id) for the 18
// person-centred tables, DISTKEY(subject_id) for cohort, DISTSTYLE ALL for the other 20. Types map as
// integer → INTEGER, bigint → BIGINT, float → FLOAT (double precision), date → DATE, timestamp and
// datetime → TIMESTAMP, varchar(n) → VARCHAR(n), varchar(max) → VARCHAR(MAX). Redshift counts VARCHAR
// lengths in bytes where the CDM means characters; OHDSI's own Redshift DDL keeps the lengths, and so does
// this package (CopyOptions.TruncateColumns is the escape hatch). Identifiers are always double-quoted.
//
// Athena's vocabulary files leave some NOT NULL columns empty. RelaxedColumns lists, with the reason for
// each, the six columns created nullable instead: concept.concept_name, concept.concept_code,
// concept_synonym.concept_synonym_name, concept_relationship.valid_start_date,
// vocabulary.vocabulary_reference and vocabulary.vocabulary_version.
//
// Primary keys, foreign keys and sort keys are not created: Redshift does not enforce the first two, and
// the OHDSI reference DDL for Redshift has no indices.
//
// Each table is created through sp_apply_table, which records a digest of its CREATE TABLE as the table's
// comment: the same DDL run again leaves the table alone, and a changed DDL (a column added, as note_nlp's
// "offset" was) drops and creates the table, which its load then fills again.
//
// # Loading
//
// COPY reads <prefix>/<TABLE>.csv (CopyOptions changes the naming and format), authenticated by the IAM
// role attached to the cluster: IAM_ROLE, never access keys. The files are tab-delimited with a header;
// they are read in CSV mode with a backspace as the quote character, a character that never occurs, so
// that double quotes inside concept names are data. Empty and blank fields become NULL, invalid UTF-8 is
// replaced, and DATEFORMAT and TIMEFORMAT are given to tables with date or timestamp columns.
//
// COPY appends. So each table's COPY sits in a procedure, sp_load_<table>, that first deletes the table's
// rows, and the load is a CALL of it: one transaction, which commits the emptied and reloaded table or,
// when the COPY fails, nothing (DELETE, because Redshift's TRUNCATE commits at once). The loads are the
// second phase (LoadConfig.Load): the files must be in S3 before they run. COPY also treats its source as
// a key prefix: s3://b/v/CONCEPT.csv would also load a CONCEPT.csv.bak beside it, so keep the load prefix
// free of other files. A missing file fails its COPY: Athena's download has no SOURCE_TO_CONCEPT_MAP.csv,
// so list the table in CopyOptions.Skip unless the file is there.
//
// # The read-only user and its password
//
// WebAPI registers a CDM source with a JDBC URL, user and password; public deployments put the master
// user there. Here the analysis tools get their own user, which can read the CDM and vocabulary schemas
// (USAGE, SELECT, and default privileges for tables created later) and write only in the results schema.
//
// Its password lives in Secrets Manager and never appears in clear in any SQL text: neither in the Pulumi
// state nor in Redshift's query history and user-activity log. The user is created, unless it exists,
// with PASSWORD DISABLE (it cannot log in); then a second statement, ALTER USER ... PASSWORD '<digest>',
// sets the password by Redshift's documented MD5 form, md5(password || user name). That statement's SQL
// holds a placeholder until the component binds it (Statement.Bind) inside an apply on the secret's
// value; the statement is marked Secret, so the component passes its SQL as a Pulumi secret and the state
// stores it encrypted. It is the only one: no other statement's SQL is built from the password, so every
// other statement's changes stay visible in a preview. The digest is still a credential (the MD5 logon
// exchange is computed from it), hence the secret; its fingerprint uses the secret's version instead.
//
// IAM authentication (GetClusterCredentials, so that no password exists at all) was the alternative. It
// was not chosen because WebAPI's source registration is a JDBC URL with a user and password, and IAM
// logon would need the Redshift driver's IAM mode and the AWS SDK inside WebAPI's container; the
// password is also what the issue asks for. The user keeps the option: an IAM identity allowed
// redshift:GetClusterCredentials for this user can log in as it too.
//
// # Placeholders
//
// The COPY role's ARN is an output of the same Pulumi program. Passing RoleARNPlaceholder as the role lets
// the component compute the plan (how many statements, their names, their order) from plain
// configuration, and fill the ARN into the SQL in an apply, where no resource is created. Bind fills both
// kinds of placeholder and fails on any left over.
package omop

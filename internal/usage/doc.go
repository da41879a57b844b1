// Package usage builds the report `sce audit usage` prints: for each researcher and each dataset, which
// PHI they used, from three logs that name the person.
//
//   - CloudTrail data events on the PHI buckets (the same trail reading as `sce audit report`): the
//     person is the session's source identity, userIdentity.sessionContext.sourceIdentity, which the
//     workstation's credential broker sets to the login (STS SourceIdentity cannot be changed during the
//     session and persists through role chaining). Per researcher, dataset and object: the reads
//     (GetObject) and writes (PutObject, CopyObject, CompleteMultipartUpload, PostObject) that
//     succeeded, the bytes from additionalEventData (bytesTransferredOut for reads, bytesTransferredIn for
//     writes and the parts of a multipart upload), deletes, denied requests, first and last time. An
//     event without a source identity is reported under its principal, marked unattributed.
//   - The workstation's audit log (auditd, log_format = ENRICHED), as auditd writes it or as exported
//     from its CloudWatch log group: the events of the data volume's watch (key phi-access, set by
//     components/userdata/common.tmpl), their SYSCALL, CWD and PATH records joined by the event id
//     msg=audit(<time>:<serial>) within one log file. The person is the login uid (AUID), which sudo and
//     su do not change. A file opened read-only is a read; opened for writing, created, truncated, renamed
//     or its attributes changed, a write; unlinked, a delete; a syscall that failed, denied.
//   - Redshift's user activity log (the useractivitylog files Redshift writes, or the export of its
//     CloudWatch log group): every query, parsed with PostgreSQL's own parser (pg_query_go, libpg_query),
//     for the tables it read and wrote, the columns it named (resolved to their table through aliases, or
//     when the FROM clause has one table; "unresolved" otherwise) and the predicates that chose the rows
//     (WHERE, JOIN ... ON, HAVING). A query the parser cannot read (Redshift's own syntax, such as UNLOAD or
//     SELECT TOP) is listed as unparsable, never dropped. The person is the database user, which the
//     researcher's IAM sign-in (GetClusterCredentials with DbUser=<login>) sets to the login.
//
// A dataset is where the data lives, named "<source>/<part>": for S3, the bucket's role from the stack
// outputs (data-in, output, ancillary; else the bucket's name) and the key's top-level prefix
// ("data-in/incoming"); on the data volume, "volume/" and the top-level directory under the mount point;
// in Redshift, "redshift/" and the schema ("redshift/cdm"; "redshift/(search path)" for a table named
// without one). A --dataset filter names a dataset or its source ("data-in", "redshift").
//
// What may hold PHI by mistake stays out of the report unless --show-keys: object keys and file paths
// are replaced by their SHA-256 (as in `sce audit report`), a top-level prefix in which the PHI detector
// (internal/phi) finds an identifier is hashed too, and the constants of a query's predicates are
// replaced by $1, $2... (pg_query's normaliser); the text of an unparsable query is given by its SHA-256.
//
// Every input log file is listed with the SHA-256 of its bytes as stored, so that the JSON output is an
// evidence file. A file that cannot be read (truncated, not gzip, not JSON, no record of its kind) is an
// input error: the rest of the report is produced, the error names the file, and the command exits 1. An
// input that holds no log file at all is an error, not an empty report.
//
// The researchers the report must name come from --researchers and the stack outputs
// (researcherSshConfigs): each appears, with zeros when the logs show nothing of them; a person or
// principal found in the logs but not in that list is marked unlisted.
package usage

// Package components holds SCE's Pulumi components, one file per component (ProjectKey, SecureVPC, the
// encrypted buckets, the audit trail, the instances, Redshift, the upload ledger, the worker pool, ...),
// together with the policy documents, network ACL rules and user data templates they use.
package components

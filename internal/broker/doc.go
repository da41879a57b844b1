// Package broker is the workstation's credential broker: a root service on a Unix socket that hands each
// researcher login temporary credentials of the project's researcher role, with the login as the
// session's source identity, so that every AWS request a researcher makes on the workstation names them
// in CloudTrail (sourceIdentity) and cannot be made in another researcher's name.
//
// The caller is identified by the socket's peer credentials (SO_PEERCRED, unix(7)): the kernel records
// the uid of the process that connected, which the caller cannot choose. The uid is mapped to its login
// name through the user database and must be one of the configured logins (the file the login script
// writes from sce:researchers). The broker then calls sts:AssumeRole with SourceIdentity and
// RoleSessionName set to that login ("Monitor and control actions taken with assumed roles", IAM User
// Guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html:
// the source identity cannot be changed for the rest of the session, and persists through role
// chaining), and caches the credentials per login until shortly before they expire.
//
// The client side (Fetch) is what the AWS CLI and SDKs run through credential_process: it prints the
// response the broker sent, the JSON document credential_process expects (Version 1, AccessKeyId,
// SecretAccessKey, SessionToken, Expiration; "Sourcing credentials with an external process", AWS SDKs
// and Tools Reference Guide, https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html).
package broker

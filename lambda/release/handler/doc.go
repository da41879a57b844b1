// Package handler is the logic of the airlock's release function (docs/airlock.md): the upload ledger
// table's stream hands it every write of an airlock item, and it records egress requests, judges
// reviews, and releases what two distinct reviewers approved.
//
// # Environment
//
// Read at cold start by ConfigFromEnv, every problem reported at once:
//
//   - LEDGER_TABLE (required): the upload ledger table, whose stream invokes the function.
//   - OUTPUT_BUCKET (required): the output bucket, with outbox/ and released/.
//   - TOPIC_ARN (required): the SNS topic of every step and alert.
//   - KMS_KEY_ARN (required): the project key; released copies and release records are SSE-KMS with it.
//   - REVIEWERS (optional): the reviewers' role ARNs, comma-separated (sce:outputReviewers). Empty: no
//     review counts, and nothing is ever released.
//   - APPROVALS (optional, default and minimum 2): how many distinct approvals a release needs.
//
// # What happens to each record
//
// The input is a batch of DynamoDB stream records (events.DynamoDBEvent), NEW_IMAGE view, filtered by
// the event source mapping to partition keys that start with "airlock#" (internal/airlock/ledger). The
// writer of an item is read from its key, which the table's policy let only that writer write; stream
// records carry no identity of their own.
//
//   - A request (airlock#request#<aws:userid> / id): recorded once as the function's own record, indexed
//     and notified; refused and alerted when malformed or when its requester ARN is not the key's session.
//   - A review (airlock#review#<role ARN>#<aws:userid> / id): accepted as the reviewer's decision when the
//     role is a configured reviewer, the request is open, the review names the recorded files and hashes,
//     and the reviewer is not the requester (caller, role or session name); else refused and alerted. A
//     rejection closes the request; enough distinct approvals release it.
//   - A release: claimed with a conditional write; every file's current outbox version is read and its
//     SHA-256 recomputed; any mismatch or missing file refuses the whole release; otherwise each verified
//     version is copied by version id to released/<id>/ and the release record written next to them.
//   - The function's own records come back through the stream and are skipped.
//
// A record that is wrong in itself is recorded and alerted, never retried. A record whose processing
// fails (an AWS call) stops the batch and is reported as a batch item failure, so that Lambda retries
// from it (ReportBatchItemFailures); every step is idempotent.
//
// # Permissions
//
// The role (components.releaseRoleStatements) needs: dynamodb:DescribeStream, GetRecords,
// GetShardIterator and ListStreams on the table's streams; dynamodb:GetItem, Query and PutItem on the
// table for airlock keys only; s3:GetObject and GetObjectVersion on outbox/*, s3:PutObject on released/*,
// s3:ListBucket (a missing object answers 404, not 403); sns:Publish on the topic; sqs:SendMessage on the
// dead-letter queue (the mapping's on-failure destination); kms:Decrypt and kms:GenerateDataKey on the
// project key through S3, DynamoDB, SNS and SQS; and its log group. It runs outside the VPC.
package handler

// Package handler is the logic of the upload-ledger Lambda function: for every object created in the
// data-in bucket it records the upload, hands clean objects on for processing, and quarantines objects
// whose key holds protected health information (PHI).
//
// # Environment
//
// The infrastructure sets exactly these variables; ConfigFromEnv reads them at cold start and reports
// every missing or malformed one in a single error, so the function fails to start rather than drop
// events:
//
//   - LEDGER_TABLE (required): the DynamoDB table of the ledger. Partition key "object" (S), sort key
//     "version" (S).
//   - QUEUE_URL (required): the SQS queue that receives one JSON message (QueueMessage) per clean
//     upload. A URL ending in ".fifo" gets a message group (the bucket) and a deduplication id.
//   - TOPIC_ARN (required): the SNS topic for notifications and PHI alerts.
//   - QUARANTINE_PREFIX (optional, default "quarantine/"): the key prefix, in the same bucket, of
//     quarantined copies. It must end with "/".
//   - KMS_KEY_ARN (required): the project's KMS key; quarantined copies are written with SSE-KMS and
//     this key.
//   - PHI_NAMES (optional, may be empty): a comma-separated list of names that the PHI detector
//     (internal/phi) reports in keys.
//   - RECORD_ONLY_PREFIXES (optional, may be empty): a comma-separated list of key prefixes, each
//     ending with "/", whose objects are recorded and notified but not queued: the OMOP load's
//     vocabulary and data prefixes, which Redshift's COPY reads and no worker should. The quarantine
//     prefix is always treated as one. (An S3 notification's filter selects by prefix and suffix but
//     cannot exclude a prefix, so the handler filters.)
//
// # What happens to each record
//
// The input is the S3 event notification for s3:ObjectCreated:* (events.S3Event). Keys arrive
// URL-encoded, a space as "+", and are decoded first. Records of other events, and the function's own
// quarantined copies (the quarantine prefix followed by a 64-character key hash), are skipped. For
// every other record:
//
//  1. HeadObject, with the event's version id, reads the size, ETag, version, server-side encryption
//     and KMS key. A version that no longer exists is recorded from the event, marked objectGone.
//  2. PutItem writes the ledger item (attribute names are the Attr constants), on condition that no
//     item with its key exists. The item is keyed "<bucket>/<key>" and the version id ("null" for an
//     unversioned bucket). When the item exists already (a retried or repeated event), the stored
//     item comes back with the failed condition, and only the steps it does not mark done are run.
//  3. A clean key: SendMessage puts a QueueMessage on the queue, and Publish sends a notification
//     naming the object; each step is marked on the item (queuedAt, notifiedAt). A clean key under a
//     record-only prefix is not queued: the item names the prefix (recordOnlyPrefix) and the
//     notification says why.
//  4. A key with PHI: the item is keyed "<quarantine prefix><key hash>" and holds no key, only its
//     hash and the kinds found. The version is copied to "<quarantine prefix><key hash>" in the same
//     bucket with SSE-KMS and the project key (in parts above 5 GiB), the original version is deleted
//     by its version id so that the key's name survives in no version, and an alert naming the object
//     by its hash is published. Nothing is queued.
//
// # Malware scan results
//
// With MALWARE_SCAN=on the bucket has a GuardDuty malware protection plan, and the function is also the
// target of an EventBridge rule for its scan results (ScanResultEvent, "GuardDuty Malware Protection
// Object Scan Result"; Invoke tells the two kinds of event apart). An upload is then recorded and
// notified when it is created but queued only when its scan finds it clean, since the bucket policy lets
// nobody the queue serves read it before. HandleScanResult records scanStatus, scanThreats and scannedAt
// on the item; THREATS_FOUND quarantines the version as above (quarantinedAt) and publishes an alert, any
// other result but NO_THREATS_FOUND publishes an alert (scanAlertedAt). A result for an item not recorded
// yet is an error, so that Lambda retries it. GuardDuty's validation object is recorded, never queued.
//
// # Failures and retries
//
// A failed record does not stop the others. After the last record, Handle returns an error listing the
// failures, so that Lambda retries the event and, when its retries run out, hands it to the
// dead-letter queue. The ledger holds at most one item per version; a queue message or notification
// is sent again only when an attempt failed between sending it and marking it sent.
//
// # Logging
//
// One JSON line per step, through log/slog. A key that holds PHI appears in no log line, ledger item,
// message or returned error: its SHA-256 (phi.KeyHash) stands in its place, and error texts from the
// SDK, which can carry a request URL, are scrubbed of every spelling of the key.
//
// # Permissions
//
// The function's role needs these actions (B is the data-in bucket's ARN, Q the quarantine prefix):
//
//   - s3:GetObject, s3:GetObjectVersion on B/* (HeadObject of a version; the source of the copy);
//   - s3:PutObject on B/Q* (CopyObject, and CreateMultipartUpload, UploadPartCopy and
//     CompleteMultipartUpload above 5 GiB), s3:AbortMultipartUpload on B/Q*;
//   - s3:DeleteObjectVersion on B/* (the original version of a quarantined object; s3:DeleteObject as
//     well only if the bucket may be unversioned);
//   - dynamodb:PutItem, dynamodb:UpdateItem on the table's ARN;
//   - sqs:SendMessage on the queue's ARN;
//   - sns:Publish on the topic's ARN;
//   - kms:Decrypt and kms:GenerateDataKey on the project key: reading an SSE-KMS object and writing its
//     copy, and sending to a queue, publishing to a topic and writing to a table encrypted with it;
//   - and, as for every function with a dead-letter queue, CloudWatch Logs (logs:CreateLogStream,
//     logs:PutLogEvents on its log group) and sqs:SendMessage on the dead-letter queue. The function runs
//     outside the VPC (Lambda cannot attach to a dedicated-tenancy one), so it needs no network-interface
//     actions.
//
// CopyObject is sent with TaggingDirective REPLACE and no tags: the quarantined copy carries none of the
// uploader's tags (which may name what the key named), so no tagging permission is needed.
//
//   - s3:ListBucket on B, so that HeadObject of a version that is already gone answers 404, not 403, and
//     the handler's "gone" path runs instead of an error.
package handler

// Package worker is the scale-out worker of a project's pipeline: a small program that runs on each
// instance of the worker pool's Auto Scaling group, takes one object at a time from the processing queue,
// runs the pipeline on it and leaves no trace behind.
//
// The loop. The worker long-polls the queue (WaitTimeSeconds 20, one message at a time). For each
// message it
//
//  1. reads the object named by the message (the upload ledger's JSON, {"bucket", "key", "version",
//     "size", "etag"}; an S3 event notification, raw or wrapped by SNS, is read too);
//  2. keeps the message invisible to other workers while it works: it receives it with the visibility
//     timeout Config.Visibility and extends it by as much again (ChangeMessageVisibility) every third of
//     that, so a live worker never loses its message and a dead one's message returns to the queue within
//     Config.Visibility;
//  3. downloads that version of the object into a fresh directory on the encrypted scratch volume,
//     checking its size and ETag against the message;
//  4. runs the pipeline command (no shell) with the downloaded file's path as its last argument, a fresh
//     output directory in $SCE_OUTPUT_DIR, the message's directory as working directory and $TMPDIR,
//     and a time limit;
//  5. uploads every regular file of the output directory to
//     s3://<output bucket>/<object key without its extension>/<path in the output directory>, with
//     SSE-KMS and the project key, each upload verified (internal/upload);
//  6. deletes the message, only after every upload succeeded, and emits the metric ObjectsProcessed.
//
// Whatever happens, the message's directory on the scratch volume is removed. A message that fails (an
// unreadable body, a missing object, a pipeline that exits non-zero or runs out of time, a failed upload)
// is not deleted: its visibility is reset to Config.RetryDelay so that SQS delivers it again, and after
// the queue's maxReceiveCount deliveries moves it to the dead-letter queue; the metric ObjectsFailed is
// emitted. Results go to keys derived from the object's key alone, so a message delivered twice (SQS
// delivers at least once) uploads the same files to the same keys again.
//
// Idle shutdown. When no message has arrived for Config.Idle, the worker stops and, with
// Config.Shutdown, powers the instance off (systemctl poweroff); the launch template's instance-initiated
// shutdown behaviour "terminate" then removes the instance and its volumes.
//
// The object key may hold what a researcher should not see in a log; the worker never logs it, only its
// SHA-256 (internal/phi.KeyHash), and removes it from every error it logs.
package worker

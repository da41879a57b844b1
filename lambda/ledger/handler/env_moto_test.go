package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
)

// ledger is the upload ledger's resources in the emulator, made as components/uploadledger.go makes
// them: a versioned data-in bucket, the project key, the table (partition key "object", sort key
// "version", both strings, on demand, its stream of new images on), the queue with its dead-letter queue (visibility 300 s, five
// receives), and the topic, to which a queue of the test's own is subscribed so that what is published
// can be read back.
type ledger struct {
	srv                *motoserver.Server
	bucket, key, table string
	queueURL, queueARN string
	dlqARN             string
	topicARN           string
	topic              *motoserver.Topic // with the test's queue subscribed
	admin              aws.Config
	s3                 *s3.Client
	db                 *dynamodb.Client
	sqs                *sqs.Client
	logs               *bytes.Buffer
	// cfg is the function's environment for these resources; a test may change it before handler.
	cfg Config
}

func newLedger(t *testing.T) *ledger {
	t.Helper()
	return newLedgerQueue(t, false)
}

// newLedgerQueue makes the resources, with a FIFO processing queue when fifo is set.
func newLedgerQueue(t *testing.T, fifo bool) *ledger {
	t.Helper()
	srv := moto.Need(t)
	l := &ledger{srv: srv, bucket: srv.Bucket(t, "data-in", true), key: srv.KMSKey(t),
		table: srv.StreamTable(t, "upload-ledger", AttrObject, AttrVersion, dbtypes.StreamViewTypeNewImage).Name,
		admin: srv.Config(), logs: &bytes.Buffer{}}
	l.s3, l.db, l.sqs = motoserver.S3(l.admin), dynamodb.NewFromConfig(l.admin), sqs.NewFromConfig(l.admin)

	suffix := ""
	attrs := map[string]string{}
	if fifo {
		suffix, attrs = ".fifo", map[string]string{"FifoQueue": "true"}
	}
	_, l.dlqARN = l.queue(t, srv.Name("uploads-dlq")+suffix, attrs)
	redrive, err := json.Marshal(map[string]any{"deadLetterTargetArn": l.dlqARN, "maxReceiveCount": 5})
	require.NoError(t, err)
	main := map[string]string{"VisibilityTimeout": "300", "RedrivePolicy": string(redrive)}
	for k, v := range attrs {
		main[k] = v
	}
	l.queueURL, l.queueARN = l.queue(t, srv.Name("uploads")+suffix, main)

	l.topic = srv.Topic(t, "alerts")
	l.topicARN = l.topic.ARN
	l.cfg = testConfig()
	l.cfg.Table, l.cfg.QueueURL, l.cfg.TopicARN, l.cfg.KMSKeyARN = l.table, l.queueURL, l.topicARN, l.key
	return l
}

// queue creates a queue and returns its URL and ARN.
func (l *ledger) queue(t *testing.T, name string, attrs map[string]string) (url, arn string) {
	t.Helper()
	ctx := context.Background()
	out, err := l.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	require.NoError(t, err)
	a, err := l.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	require.NoError(t, err)
	return aws.ToString(out.QueueUrl), a.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
}

// The ledger function's permissions, statement by statement: components/uploadledger.go's ledgerRole
// (without its KMS and CloudWatch Logs statements, which the handler's own calls never need).
const (
	permReadObjects = "ReadNewObjects"
	permListBucket  = "TellMissingFromForbidden"
	permQuarantine  = "QuarantineLookalikePHIKeys"
	permPurge       = "PurgeLookalikePHIKeys"
	permRecord      = "RecordInLedger"
	permMark        = "MarkStepsInLedger"
	permQueue       = "QueueForProcessing"
	permNotify      = "Notify"
)

// policy is the ledger role's identity policy over these resources, without the statements named in
// omit. RecordInLedger is split in two (PutItem; UpdateItem) so that a test can take either away. The
// DynamoDB and SNS statements name the resource "*": moto authorises those services' actions against "*"
// only (motoserver.Server.EnforceIAM), so a statement scoped to the table or the topic would deny all.
func (l *ledger) policy(t *testing.T, omit ...string) string {
	t.Helper()
	type statement struct {
		Sid      string
		Effect   string
		Action   []string
		Resource []string
	}
	bucket := "arn:aws:s3:::" + l.bucket
	all := []statement{
		{permReadObjects, "Allow", []string{"s3:GetObject", "s3:GetObjectVersion"}, []string{bucket + "/*"}},
		{permListBucket, "Allow", []string{"s3:ListBucket"}, []string{bucket}},
		{permQuarantine, "Allow", []string{"s3:PutObject", "s3:AbortMultipartUpload"}, []string{bucket + "/" + DefaultQuarantinePrefix + "*"}},
		{permPurge, "Allow", []string{"s3:DeleteObjectVersion"}, []string{bucket + "/*"}},
		{permRecord, "Allow", []string{"dynamodb:PutItem"}, []string{"*"}},
		{permMark, "Allow", []string{"dynamodb:UpdateItem"}, []string{"*"}},
		{permQueue, "Allow", []string{"sqs:SendMessage"}, []string{l.queueARN, l.dlqARN}},
		{permNotify, "Allow", []string{"sns:Publish"}, []string{"*"}},
	}
	var kept []statement
	for _, s := range all {
		if !slices.Contains(omit, s.Sid) {
			kept = append(kept, s)
		}
	}
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": kept})
	require.NoError(t, err)
	return string(doc)
}

// handler returns the function signing as a role with the ledger's policy, less the statements named in
// omit, calling AWS through cfg's endpoint (the emulator, or a proxy in front of it: wrap). The policy is
// judged only in a test that enforces IAM (motoserver.Server.EnforceIAM).
func (l *ledger) handler(t *testing.T, wrap func(aws.Config) aws.Config, omit ...string) *Handler {
	t.Helper()
	cfg := l.srv.User(t, l.policy(t, omit...))
	if wrap != nil {
		cfg = wrap(cfg)
	}
	h, err := New(l.cfg, Clients{S3: motoserver.S3(cfg), DynamoDB: dynamodb.NewFromConfig(cfg), SQS: sqs.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg)},
		slog.New(slog.NewJSONHandler(l.logs, nil)))
	require.NoError(t, err)
	h.now = func() time.Time { return testNow }
	return h
}

// stage uploads every object of a fixture's records, as `sce upload` does (SSE-KMS with the project key),
// with as many bytes as the record says, and points each record at the emulator's bucket and at the
// version, ETag and size the upload made. Records of a key in skip are pointed at the bucket but not
// uploaded. It returns the event and the bytes of each key.
func (l *ledger) stage(t *testing.T, fixture string, skip ...string) (events.S3Event, map[string][]byte) {
	t.Helper()
	return l.stageEvent(t, loadEvent(t, fixture), skip...)
}

// stageEvent is stage for an event already read (and changed by the test).
func (l *ledger) stageEvent(t *testing.T, ev events.S3Event, skip ...string) (events.S3Event, map[string][]byte) {
	t.Helper()
	bodies := map[string][]byte{}
	for i := range ev.Records {
		r := &ev.Records[i]
		r.S3.Bucket.Name, r.S3.Bucket.Arn = l.bucket, "arn:aws:s3:::"+l.bucket
		key, err := decodeKey(r.S3.Object.Key)
		require.NoError(t, err)
		if slices.Contains(skip, key) {
			continue
		}
		body := bytes.Repeat([]byte{byte('a' + i)}, int(r.S3.Object.Size))
		out, err := l.s3.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(l.bucket), Key: aws.String(key), Body: bytes.NewReader(body),
			ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(l.key),
			Tagging: aws.String("origin=uploader"),
		})
		require.NoError(t, err)
		r.S3.Object.VersionID = aws.ToString(out.VersionId)
		r.S3.Object.ETag = strings.Trim(aws.ToString(out.ETag), `"`)
		bodies[key] = body
	}
	return ev, bodies
}

// items returns every item of the ledger table.
func (l *ledger) items(t *testing.T) []map[string]dbtypes.AttributeValue {
	t.Helper()
	out, err := l.db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(l.table)})
	require.NoError(t, err)
	return out.Items
}

// received takes every message from a queue (up to 10), deleting none; they stay hidden for a minute.
func (l *ledger) received(t *testing.T, url string) []string {
	t.Helper()
	out, err := l.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 60})
	require.NoError(t, err)
	var bodies []string
	for _, m := range out.Messages {
		bodies = append(bodies, aws.ToString(m.Body))
	}
	return bodies
}

// queued returns the messages of the processing queue, decoded.
func (l *ledger) queued(t *testing.T) []QueueMessage {
	t.Helper()
	var msgs []QueueMessage
	for _, b := range l.received(t, l.queueURL) {
		var m QueueMessage
		require.NoError(t, json.Unmarshal([]byte(b), &m), "a queue message is the ledger's JSON")
		msgs = append(msgs, m)
	}
	return msgs
}

// notice is what SNS delivered to the subscribed queue: its envelope's subject and message.
type notice = motoserver.Notice

// published returns what was published to the topic since the last call, as the subscribed queue
// received it.
func (l *ledger) published(t *testing.T) []notice {
	t.Helper()
	return l.topic.Received(t)
}

// object reads an object's version: its bytes, encryption and tag count.
func (l *ledger) object(t *testing.T, key string) ([]byte, *s3.GetObjectOutput, int) {
	t.Helper()
	ctx := context.Background()
	got, err := l.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer got.Body.Close()
	body, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	tags, err := l.s3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(l.bucket), Key: aws.String(key)})
	require.NoError(t, err)
	return body, got, len(tags.TagSet)
}

// versions lists the versions and delete markers under a key.
func (l *ledger) versions(t *testing.T, key string) (versions, markers []string) {
	t.Helper()
	out, err := l.s3.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(l.bucket), Prefix: aws.String(key)})
	require.NoError(t, err)
	for _, v := range out.Versions {
		if aws.ToString(v.Key) == key {
			versions = append(versions, aws.ToString(v.VersionId))
		}
	}
	for _, m := range out.DeleteMarkers {
		if aws.ToString(m.Key) == key {
			markers = append(markers, aws.ToString(m.VersionId))
		}
	}
	return versions, markers
}

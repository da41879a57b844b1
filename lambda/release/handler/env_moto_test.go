package handler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/motoserver"
)

// env is one test's airlock, in the emulator: the ledger table and its stream, the bucket, the topic with a
// subscriber; and the function.
type env struct {
	t      *testing.T
	table  string // the ledger table, in the emulator
	db     *dynamodb.Client
	stream *motoserver.Stream
	bucket string // the output bucket, in the emulator
	key    string // the project key, in the emulator
	s3     *s3.Client
	s3api  *failingS3
	topic  *motoserver.Topic
	// notices is what the topic's subscriber has received so far.
	notices []motoserver.Notice
	h       *Handler
	clock   time.Time
}

func newEnv(t *testing.T, reviewers ...string) *env {
	t.Helper()
	if len(reviewers) == 0 {
		reviewers = []string{bobRole, carolRole, daveRole}
	}
	srv := moto.Need(t)
	client := motoserver.S3(srv.Config())
	table := srv.StreamTable(t, "hipaa-upload-ledger", "object", "version", dbtypes.StreamViewTypeNewImage)
	e := &env{t: t, table: table.Name, db: dynamodb.NewFromConfig(srv.Config()), stream: srv.Stream(table.StreamARN),
		bucket: srv.Bucket(t, "hipaa-output", true), key: srv.KMSKey(t),
		s3: client, s3api: &failingS3{S3API: client}, topic: srv.Topic(t, "hipaa-alerts"), clock: time.Date(2026, 11, 3, 14, 25, 1, 0, time.UTC)}
	cfg := Config{Table: e.table, Bucket: e.bucket, TopicARN: e.topic.ARN, KMSKeyARN: e.key, Reviewers: reviewers, Approvals: MinApprovals}
	h, err := New(cfg, Clients{DynamoDB: e.db, S3: e.s3api, SNS: sns.NewFromConfig(srv.Config())}, slog.New(slog.NewTextHandler(io.Discard, nil)), "hipaa-airlock-release")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.now = func() time.Time { e.clock = e.clock.Add(time.Second); return e.clock }
	e.h = h
	return e
}

// outbox puts a file into the request's outbox folder, SSE-KMS as the CLI does, and returns it as a
// request lists it.
func (e *env) outbox(id, name, body string) ledger.File {
	e.t.Helper()
	key := ledger.OutboxKey(id, name)
	out, err := e.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
		Body: strings.NewReader(body), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(e.key)})
	if err != nil {
		e.t.Fatalf("put %s: %v", key, err)
	}
	sum := sha256.Sum256([]byte(body))
	return ledger.File{Name: name, Key: key, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(body)), VersionID: aws.ToString(out.VersionId)}
}

// request writes alice's request item, as `sce airlock request` does.
func (e *env) request(id string, files ...ledger.File) ledger.Request {
	e.t.Helper()
	r := ledger.Request{Object: ledger.RequestObject(aliceUserID), Version: id, Requester: aliceARN, Why: "Table 1 of the paper",
		RequestedAt: "2026-11-03T14:25:01Z", Bucket: e.bucket, Files: files, Checks: `{"files":[],"findings":[]}`}
	e.putItem(r)
	return r
}

// review writes a reviewer's decision on the request, as `sce airlock approve|reject` does.
func (e *env) review(role, userID, id string, d ledger.Decision, files []ledger.File) {
	e.t.Helper()
	session := ledger.Session(userID)
	name := role[strings.LastIndex(role, "/")+1:]
	rv := ledger.Review{Object: ledger.ReviewObject(role, userID), Version: id, RequestObject: ledger.RequestObject(aliceUserID), Decision: d,
		Files: ledger.Hashes(files), Reviewer: "arn:aws:sts::111122223333:assumed-role/" + name + "/" + session, ReviewedAt: "2026-11-04T09:00:00Z"}
	if d == ledger.Reject {
		rv.Comment = "row 4 is a small cell"
	}
	e.putItem(rv)
}

func (e *env) putItem(v any) {
	e.t.Helper()
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		e.t.Fatalf("marshal: %v", err)
	}
	e.put(item)
}

// put writes an item into the ledger table, as another writer would.
func (e *env) put(item map[string]dbtypes.AttributeValue) {
	e.t.Helper()
	if _, err := e.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &e.table, Item: item}); err != nil {
		e.t.Fatalf("put: %v", err)
	}
}

// next returns the stream records written since the last call, as one Lambda event.
func (e *env) next() events.DynamoDBEvent {
	e.t.Helper()
	ev, err := e.stream.Next(context.Background())
	if err != nil {
		e.t.Fatalf("read the stream: %v", err)
	}
	return ev
}

// drain hands the function every stream record until the stream is quiet (its own writes come back
// through the stream too), and fails the test on a failed record.
func (e *env) drain() {
	e.t.Helper()
	for range 20 {
		ev := e.next()
		if len(ev.Records) == 0 {
			return
		}
		resp, err := e.h.Handle(context.Background(), ev)
		if err != nil || len(resp.BatchItemFailures) > 0 {
			e.t.Fatalf("Handle: %v, failures %v", err, resp.BatchItemFailures)
		}
	}
	e.t.Fatal("the stream never went quiet")
}

// published returns every notice the topic's subscriber has received, in order.
func (e *env) published() []motoserver.Notice {
	e.t.Helper()
	e.notices = append(e.notices, e.topic.Received(e.t)...)
	return e.notices
}

// subjects returns the subjects of every notice published, in order.
func (e *env) subjects() []string {
	e.t.Helper()
	var out []string
	for _, n := range e.published() {
		out = append(out, n.Subject)
	}
	return out
}

// index returns the request's index entry.
func (e *env) index(id string) ledger.IndexEntry {
	e.t.Helper()
	var entry ledger.IndexEntry
	found, err := e.h.get(context.Background(), ledger.IndexObject, id, &entry)
	if err != nil || !found {
		e.t.Fatalf("index entry of %s: found %v, %v", id, found, err)
	}
	return entry
}

// events returns the kinds of the request's recorded steps, in order.
func (e *env) events(id string) []ledger.EventKind {
	e.t.Helper()
	var out []ledger.EventKind
	for _, item := range e.items(ledger.RecordObject(id)) {
		var ev ledger.Event
		if err := attributevalue.UnmarshalMap(item, &ev); err != nil {
			e.t.Fatal(err)
		}
		if strings.HasPrefix(ev.Version, ledger.EventPrefix) {
			out = append(out, ev.Kind)
		}
	}
	return out
}

// items returns a partition's items in sort-key order, read from the table with a consistent read.
func (e *env) items(object string) []map[string]dbtypes.AttributeValue {
	e.t.Helper()
	var out []map[string]dbtypes.AttributeValue
	p := dynamodb.NewQueryPaginator(e.db, &dynamodb.QueryInput{TableName: &e.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("#o = :o"),
		ExpressionAttributeNames:  map[string]string{"#o": "object"},
		ExpressionAttributeValues: map[string]dbtypes.AttributeValue{":o": &dbtypes.AttributeValueMemberS{Value: object}}})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			e.t.Fatalf("query %s: %v", object, err)
		}
		out = append(out, page.Items...)
	}
	return out
}

// released returns the keys under released/<id>/.
func (e *env) released(id string) []string {
	e.t.Helper()
	out, err := e.s3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), Prefix: aws.String(ledger.ReleasedPrefix + id + "/")})
	if err != nil {
		e.t.Fatalf("list released: %v", err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

// object reads an object of the bucket.
func (e *env) object(key string) []byte {
	e.t.Helper()
	out, err := e.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err != nil {
		e.t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, out.Body); err != nil {
		e.t.Fatal(err)
	}
	return b.Bytes()
}

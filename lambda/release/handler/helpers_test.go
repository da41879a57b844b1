package handler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/airlock/ledger/ledgertest"
	"github.com/sce-project/sce/internal/s3test"
)

// The test stack's names: the documentation account, the hipaa stack's ledger and output bucket.
const (
	testAccount = "111122223333"
	testTable   = "hipaa-upload-ledger"
	testBucket  = "hipaa-output-0a1b2c3d"
	testTopic   = "arn:aws:sns:us-west-2:111122223333:hipaa-alerts"
	testKey     = "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001"
	testID      = "20261103T142501Z-9f86d081"
)

// Principals: the researcher alice on the workstation (the researcher role, session alice), and three
// reviewer roles whose people assume them with their own names as session names.
const (
	aliceARN    = "arn:aws:sts::111122223333:assumed-role/hipaa-researcher/alice"
	aliceUserID = "AROAEXAMPLERESEARCH1:alice"
	bobRole     = "arn:aws:iam::111122223333:role/hipaa-reviewer-bob"
	bobUserID   = "AROAEXAMPLEREVIEWBOB:bob"
	carolRole   = "arn:aws:iam::111122223333:role/hipaa-reviewer-carol"
	carolUserID = "AROAEXAMPLEREVIEWCAR:carol"
	daveRole    = "arn:aws:iam::111122223333:role/hipaa-reviewer-dave"
	daveUserID  = "AROAEXAMPLEREVIEWDAV:dave"
)

// fakeSNS records what is published.
type fakeSNS struct {
	mu       sync.Mutex
	messages []*sns.PublishInput
}

func (f *fakeSNS) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages = append(f.messages, in)
	return &sns.PublishOutput{MessageId: aws.String("m")}, nil
}

func (f *fakeSNS) subjects() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.messages {
		out = append(out, aws.ToString(m.Subject))
	}
	return out
}

// failingS3 fails the next calls of one operation.
type failingS3 struct {
	S3API
	mu   sync.Mutex
	fail map[string]int
}

func (f *failingS3) failNext(op string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail == nil {
		f.fail = map[string]int{}
	}
	f.fail[op] = n
}

func (f *failingS3) failing(op string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail[op] > 0 {
		f.fail[op]--
		return true
	}
	return false
}

func (f *failingS3) CopyObject(ctx context.Context, in *s3.CopyObjectInput, opts ...func(*s3.Options)) (*s3.CopyObjectOutput, error) {
	if f.failing("CopyObject") {
		return nil, io.ErrUnexpectedEOF
	}
	return f.S3API.CopyObject(ctx, in, opts...)
}

// env is one test's airlock: the table, the bucket, the topic and the function.
type env struct {
	t     *testing.T
	table *ledgertest.Table
	s3    *s3test.Server
	s3api *failingS3
	sns   *fakeSNS
	h     *Handler
	clock time.Time
}

func newEnv(t *testing.T, reviewers ...string) *env {
	t.Helper()
	if len(reviewers) == 0 {
		reviewers = []string{bobRole, carolRole, daveRole}
	}
	srv := s3test.Start(t, testBucket)
	if _, err := srv.Client.PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(testBucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatalf("enable versioning: %v", err)
	}
	e := &env{t: t, table: ledgertest.New(testTable, "us-west-2", testAccount), s3: srv, s3api: &failingS3{S3API: srv.Client}, sns: &fakeSNS{},
		clock: time.Date(2026, 11, 3, 14, 25, 1, 0, time.UTC)}
	cfg := Config{Table: testTable, Bucket: testBucket, TopicARN: testTopic, KMSKeyARN: testKey, Reviewers: reviewers, Approvals: MinApprovals}
	h, err := New(cfg, Clients{DynamoDB: e.table, S3: e.s3api, SNS: e.sns}, slog.New(slog.NewTextHandler(io.Discard, nil)), "hipaa-airlock-release")
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
	out, err := e.s3.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(testBucket), Key: aws.String(key),
		Body: strings.NewReader(body), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(testKey)})
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
		RequestedAt: "2026-11-03T14:25:01Z", Bucket: testBucket, Files: files, Checks: `{"files":[],"findings":[]}`}
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
	if err := e.table.Put(item); err != nil {
		e.t.Fatalf("put: %v", err)
	}
}

// drain hands the function every stream record until the stream is quiet (its own writes come back
// through the stream too), and fails the test on a failed record.
func (e *env) drain() {
	e.t.Helper()
	for range 20 {
		ev, err := e.table.Stream()
		if err != nil {
			e.t.Fatal(err)
		}
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
	for _, item := range e.table.Items(ledger.RecordObject(id)) {
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

// released returns the keys under released/<id>/.
func (e *env) released(id string) []string {
	e.t.Helper()
	out, err := e.s3.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(testBucket), Prefix: aws.String(ledger.ReleasedPrefix + id + "/")})
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
	out, err := e.s3.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String(key)})
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

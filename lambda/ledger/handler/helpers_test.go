package handler

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	testBucket = "sce-demo-data-in-4f7a2c"
	testKeyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	testTable  = "sce-demo-upload-ledger"
	testQueue  = "https://sqs.us-east-1.amazonaws.com/111122223333/sce-demo-uploads"
	testTopic  = "arn:aws:sns:us-east-1:111122223333:sce-demo-uploads"
)

// testNow is the handler's clock in tests.
var testNow = time.Date(2026, 11, 28, 10, 16, 0, 0, time.UTC)

func testConfig() Config {
	return Config{
		Table:            testTable,
		QueueURL:         testQueue,
		TopicARN:         testTopic,
		QuarantinePrefix: DefaultQuarantinePrefix,
		KMSKeyARN:        testKeyARN,
		PHINames:         []string{"Yaya Toure"},
	}
}

// env is a handler wired to in-memory fakes, with its log captured.
type env struct {
	h    *Handler
	s3   *fakeS3
	db   *fakeDynamoDB
	sqs  *fakeSQS
	sns  *fakeSNS
	logs *bytes.Buffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWithS3(t, newFakeS3())
}

func newEnvWithS3(t *testing.T, s S3API) *env {
	t.Helper()
	return newEnvWithConfig(t, testConfig(), s)
}

// newEnvWithConfig is newEnvWithS3 with a configuration of the test's own.
func newEnvWithConfig(t *testing.T, cfg Config, s S3API) *env {
	t.Helper()
	e := &env{db: newFakeDynamoDB(), sqs: &fakeSQS{}, sns: &fakeSNS{}, logs: &bytes.Buffer{}}
	if f, ok := s.(*fakeS3); ok {
		e.s3 = f
	}
	h, err := New(cfg, Clients{S3: s, DynamoDB: e.db, SQS: e.sqs, SNS: e.sns}, slog.New(slog.NewJSONHandler(e.logs, nil)))
	if err != nil {
		t.Fatalf("new handler: %v", err)
	}
	h.now = func() time.Time { return testNow }
	e.h = h
	return e
}

// loadEvent reads an S3 event fixture from testdata.
func loadEvent(t *testing.T, name string) events.S3Event {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	var ev events.S3Event
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("decode fixture %s: %v", name, err)
	}
	return ev
}

// store puts every object of an event into the fake S3, under the version id the event names,
// encrypted with SSE-KMS and the project key.
func (e *env) store(t *testing.T, ev events.S3Event) {
	t.Helper()
	for _, r := range ev.Records {
		key, err := decodeKey(r.S3.Object.Key)
		if err != nil {
			t.Fatalf("decode fixture key: %v", err)
		}
		e.s3.put(r.S3.Bucket.Name, key, fakeVersion{id: r.S3.Object.VersionID, size: r.S3.Object.Size, etag: r.S3.Object.ETag, sse: types.ServerSideEncryptionAwsKms, kmsKeyID: testKeyARN})
	}
}

// handle runs the handler on an event.
func (e *env) handle(ev events.S3Event) error {
	return e.h.Handle(context.Background(), ev)
}

// logLines parses the captured log, failing the test on a line that is not JSON.
func (e *env) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(e.logs.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		lines = append(lines, m)
	}
	return lines
}

// s returns a string attribute of an item, failing the test when it is absent or not a string.
func s(t *testing.T, item map[string]dbtypes.AttributeValue, name string) string {
	t.Helper()
	v, ok := item[name].(*dbtypes.AttributeValueMemberS)
	if !ok {
		t.Fatalf("item attribute %s is %T, want a string", name, item[name])
	}
	return v.Value
}

// b returns a BOOL attribute of an item.
func b(t *testing.T, item map[string]dbtypes.AttributeValue, name string) bool {
	t.Helper()
	v, ok := item[name].(*dbtypes.AttributeValueMemberBOOL)
	if !ok {
		t.Fatalf("item attribute %s is %T, want a BOOL", name, item[name])
	}
	return v.Value
}

// n returns an N attribute of an item.
func n(t *testing.T, item map[string]dbtypes.AttributeValue, name string) string {
	t.Helper()
	v, ok := item[name].(*dbtypes.AttributeValueMemberN)
	if !ok {
		t.Fatalf("item attribute %s is %T, want a number", name, item[name])
	}
	return v.Value
}

// itemText flattens an item's attribute names and values into one string, to search for a key.
func itemText(item map[string]dbtypes.AttributeValue) string {
	var sb strings.Builder
	var walk func(v dbtypes.AttributeValue)
	walk = func(v dbtypes.AttributeValue) {
		switch v := v.(type) {
		case *dbtypes.AttributeValueMemberS:
			sb.WriteString(v.Value + "\n")
		case *dbtypes.AttributeValueMemberN:
			sb.WriteString(v.Value + "\n")
		case *dbtypes.AttributeValueMemberL:
			for _, x := range v.Value {
				walk(x)
			}
		case *dbtypes.AttributeValueMemberBOOL:
			if v.Value {
				sb.WriteString("true\n")
			}
		}
	}
	for k, v := range item {
		sb.WriteString(k + "\n")
		walk(v)
	}
	return sb.String()
}

// published returns the subjects and messages of everything published, as one string.
func (e *env) publishedText() string {
	var sb strings.Builder
	for _, p := range e.sns.published {
		sb.WriteString(aws.ToString(p.Subject) + "\n" + aws.ToString(p.Message) + "\n")
	}
	return sb.String()
}

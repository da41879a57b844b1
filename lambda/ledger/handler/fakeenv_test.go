package handler

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// env is a handler wired to the in-memory fakes of fakes_test.go, with its log captured. The malware-scan
// tests (scan_test.go) still use it; the upload tests run against moto (env_moto_test.go).
type env struct {
	h    *Handler
	s3   *fakeS3
	db   *fakeDynamoDB
	sqs  *fakeSQS
	sns  *fakeSNS
	logs *bytes.Buffer
}

// newEnvWithConfig wires a handler with the test's configuration to the fakes.
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

// publishedText returns the subjects and messages of everything published, as one string.
func (e *env) publishedText() string {
	var sb strings.Builder
	for _, p := range e.sns.published {
		sb.WriteString(aws.ToString(p.Subject) + "\n" + aws.ToString(p.Message) + "\n")
	}
	return sb.String()
}

package handler

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// stub stands in for all four clients in the tests of what the handler decides before, or instead of,
// calling AWS: which records it skips without a call, and what it does with an error whatever AWS said.
// Every call is recorded and answered with err (nil: an empty answer). It emulates nothing of AWS; what
// AWS answers is tested against the emulator (*_moto_test.go).
type stub struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (s *stub) call(op string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, op)
	return s.err
}

func (s *stub) made() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *stub) HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return &s3.HeadObjectOutput{}, s.call("HeadObject")
}

func (s *stub) CopyObject(context.Context, *s3.CopyObjectInput, ...func(*s3.Options)) (*s3.CopyObjectOutput, error) {
	return &s3.CopyObjectOutput{}, s.call("CopyObject")
}

func (s *stub) DeleteObject(context.Context, *s3.DeleteObjectInput, ...func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
	return &s3.DeleteObjectOutput{}, s.call("DeleteObject")
}

func (s *stub) CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	return &s3.CreateMultipartUploadOutput{}, s.call("CreateMultipartUpload")
}

func (s *stub) UploadPartCopy(context.Context, *s3.UploadPartCopyInput, ...func(*s3.Options)) (*s3.UploadPartCopyOutput, error) {
	return &s3.UploadPartCopyOutput{}, s.call("UploadPartCopy")
}

func (s *stub) CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	return &s3.CompleteMultipartUploadOutput{}, s.call("CompleteMultipartUpload")
}

func (s *stub) AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	return &s3.AbortMultipartUploadOutput{}, s.call("AbortMultipartUpload")
}

func (s *stub) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return &dynamodb.PutItemOutput{}, s.call("PutItem")
}

func (s *stub) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return &dynamodb.UpdateItemOutput{}, s.call("UpdateItem")
}

func (s *stub) SendMessage(context.Context, *sqs.SendMessageInput, ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	return &sqs.SendMessageOutput{}, s.call("SendMessage")
}

func (s *stub) Publish(context.Context, *sns.PublishInput, ...func(*sns.Options)) (*sns.PublishOutput, error) {
	return &sns.PublishOutput{}, s.call("Publish")
}

// stubbed returns a handler whose four clients are one stub, and its log.
func stubbed(t *testing.T, st *stub) (*Handler, *bytes.Buffer) {
	t.Helper()
	logs := &bytes.Buffer{}
	h, err := New(testConfig(), Clients{S3: st, DynamoDB: st, SQS: st, SNS: st}, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatalf("new handler: %v", err)
	}
	h.now = func() time.Time { return testNow }
	return h, logs
}

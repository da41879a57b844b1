package handler

import (
	"context"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The test stack's names: the hipaa stack's ledger and output bucket (of the configuration tests and the
// fixtures; a test's own table and bucket in the emulator are env.table and env.bucket).
const (
	testTable  = "hipaa-upload-ledger"
	testBucket = "hipaa-output-0a1b2c3d"
	testTopic  = "arn:aws:sns:us-west-2:111122223333:hipaa-alerts"
	testKey    = "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001"
	testID     = "20261103T142501Z-9f86d081"
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

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
)

// moto is the emulator of this package's *_moto_test.go tests (nil without moto_server: they skip).
var moto *motoserver.Server

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m, &moto)) }

// lockedBuffer is a buffer safe to read while the worker writes its log.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestEmulatorTheWorkerCommandProcessesAnObjectWithTheSDKsDefaultConfiguration runs the command as an
// instance would, configured by its environment alone (the AWS SDK's default chain pointed at the
// emulator), until the object's results are in the output bucket; a signal then stops it with 0.
func TestEmulatorTheWorkerCommandProcessesAnObjectWithTheSDKsDefaultConfiguration(t *testing.T) {
	srv := moto.Need(t)
	srv.SetEnv(t)
	ctx := context.Background()
	input, output, key := srv.Bucket(t, "data-in", true), srv.Bucket(t, "output", true), srv.KMSKey(t)
	client, queues := motoserver.S3(srv.Config()), sqs.NewFromConfig(srv.Config())
	q, err := queues.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(srv.Name("uploads"))})
	require.NoError(t, err)
	put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(input), Key: aws.String("study/visit.csv"), Body: strings.NewReader("abc\n")})
	require.NoError(t, err)
	msg, err := json.Marshal(map[string]any{"bucket": input, "key": "study/visit.csv", "version": aws.ToString(put.VersionId), "size": 4})
	require.NoError(t, err)
	_, err = queues.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(string(msg))})
	require.NoError(t, err)

	vars := map[string]string{
		"SQS_QUEUE_URL":    aws.ToString(q.QueueUrl),
		"OUTPUT_BUCKET":    output,
		"KMS_KEY_ARN":      key,
		"PIPELINE_COMMAND": `["/bin/sh", "-c", "rev < \"$1\" > \"$SCE_OUTPUT_DIR/reversed.txt\"", "pipeline"]`,
		"SCRATCH_DIR":      t.TempDir(),
		"AWS_REGION":       srv.Region,
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run(runCtx, nil, env(vars), &stdout, &stderr) }()
	deadline := time.Now().Add(30 * time.Second)
	var body []byte
	for {
		got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(output), Key: aws.String("study/visit/reversed.txt")})
		if err == nil {
			body, err = io.ReadAll(got.Body)
			require.NoError(t, err)
			require.NoError(t, got.Body.Close())
			break
		}
		require.True(t, time.Now().Before(deadline), "no result in time; the worker logged:\n%s", stderr.String())
		time.Sleep(50 * time.Millisecond)
	}
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), `"msg":"object processed"`) }, 10*time.Second, 50*time.Millisecond,
		"the message is deleted after the upload: %s", stderr.String())
	stop()
	assert.Equal(t, 0, <-code, stderr.String())
	assert.Equal(t, "cba\n", string(body))

	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(output), Key: aws.String("study/visit/reversed.txt")})
	require.NoError(t, err)
	assert.Equal(t, s3types.ServerSideEncryptionAwsKms, head.ServerSideEncryption)
	assert.Equal(t, key, aws.ToString(head.SSEKMSKeyId))
	left, err := queues.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 0})
	require.NoError(t, err)
	assert.Empty(t, left.Messages, "the message was deleted")
	// moto 5.2.1 does not decode the RPCv2 CBOR that the SDK's CloudWatch client sends: the metric is
	// refused and the worker carries on, as it must when CloudWatch fails.
	assert.Contains(t, stderr.String(), "could not emit the metric")
	assert.Contains(t, stderr.String(), `"outcome":"stopped"`)
}

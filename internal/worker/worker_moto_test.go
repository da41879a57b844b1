package worker

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
	"github.com/sce-project/sce/internal/phi"
)

// pool is the worker pool's resources in the emulator: the data-in and output buckets (versioned), the
// project key, and the upload queue with its dead-letter queue (components/uploadledger.go: visibility
// 300 s, maxReceives receives).
type pool struct {
	srv                *motoserver.Server
	input, output, key string
	queueURL, queueARN string
	dlqURL             string
	s3                 *s3.Client
	sqs                *sqs.Client
	metrics            *fakeMetrics
	power              *fakePower
	logs               *syncBuffer
}

func newPool(t *testing.T, maxReceives int) *pool {
	t.Helper()
	srv := moto.Need(t)
	p := &pool{srv: srv, input: srv.Bucket(t, "data-in", true), output: srv.Bucket(t, "output", true), key: srv.KMSKey(t),
		s3: motoserver.S3(srv.Config()), sqs: sqs.NewFromConfig(srv.Config()), metrics: &fakeMetrics{}, power: &fakePower{}, logs: &syncBuffer{}}
	ctx := context.Background()
	dlq, err := p.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(srv.Name("uploads-dlq"))})
	require.NoError(t, err)
	p.dlqURL = aws.ToString(dlq.QueueUrl)
	redrive, err := json.Marshal(map[string]any{"deadLetterTargetArn": p.arn(t, p.dlqURL), "maxReceiveCount": maxReceives})
	require.NoError(t, err)
	q, err := p.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(srv.Name("uploads")),
		Attributes: map[string]string{"VisibilityTimeout": "300", "RedrivePolicy": string(redrive)}})
	require.NoError(t, err)
	p.queueURL = aws.ToString(q.QueueUrl)
	p.queueARN = p.arn(t, p.queueURL)
	return p
}

func (p *pool) arn(t *testing.T, url string) string {
	t.Helper()
	out, err := p.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	require.NoError(t, err)
	return out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
}

// config is the worker's configuration for the pool, running command (a shell script: "$1" is the
// downloaded file) with the real runner; short timeouts, real time.
func (p *pool) config(t *testing.T, script string) Config {
	t.Helper()
	parts := strings.Split(strings.TrimRight(p.queueURL, "/"), "/")
	return Config{
		QueueURL: p.queueURL, QueueName: parts[len(parts)-1], OutputBucket: p.output, KMSKeyARN: p.key,
		Scratch: t.TempDir(), Command: []string{"/bin/sh", "-c", script, "pipeline"}, Idle: time.Hour,
		Timeout: time.Minute, Visibility: 3 * time.Second, RetryDelay: 0, MetricNamespace: DefaultMetricNamespace, Region: p.srv.Region,
	}
}

// worker builds a worker on cfg's clients; the metrics are recorded (moto 5.2.1 does not speak the
// RPCv2 CBOR protocol of the SDK's CloudWatch client) and the power-off counted.
func (p *pool) worker(t *testing.T, cfg Config, client aws.Config) *Worker {
	t.Helper()
	w, err := New(cfg, Deps{SQS: sqs.NewFromConfig(client), S3: motoserver.S3(client), Metrics: p.metrics, Runner: ExecRunner{Stdout: io.Discard, Stderr: io.Discard},
		Clock: SystemClock{}, PowerOff: p.power}, slog.New(slog.NewJSONHandler(p.logs, nil)))
	require.NoError(t, err)
	return w
}

// upload stores an object in data-in and queues the upload ledger's message for it.
func (p *pool) upload(t *testing.T, key, body string) Object {
	t.Helper()
	ctx := context.Background()
	out, err := p.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(p.input), Key: aws.String(key), Body: strings.NewReader(body),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(p.key)})
	require.NoError(t, err)
	obj := Object{Bucket: p.input, Key: key, Version: aws.ToString(out.VersionId), Size: int64(len(body)), ETag: strings.Trim(aws.ToString(out.ETag), `"`)}
	p.send(t, mustJSON(t, obj))
	return obj
}

func (p *pool) send(t *testing.T, body string) {
	t.Helper()
	_, err := p.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(p.queueURL), MessageBody: aws.String(body)})
	require.NoError(t, err)
}

// depth returns the messages of a queue waiting and in flight.
func (p *pool) depth(t *testing.T, url string) (waiting, inFlight int) {
	t.Helper()
	out, err := p.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	require.NoError(t, err)
	waiting, err = strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)])
	require.NoError(t, err)
	inFlight, err = strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	require.NoError(t, err)
	return waiting, inFlight
}

// run runs the worker until done says the test has seen what it waits for (checked every 50 ms, for at
// most 30 s), then stops it as a signal would and returns its outcome.
func (p *pool) run(t *testing.T, w *Worker, done func() bool) Outcome {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		out Outcome
		err error
	}
	ch := make(chan result, 1)
	go func() {
		out, err := w.Run(ctx)
		ch <- result{out, err}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			cancel()
			<-ch
			t.Fatalf("timed out; the worker logged:\n%s", p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	r := <-ch
	require.NoError(t, r.err)
	return r.out
}

// result reads an object of the output bucket: its bytes and encryption, or ok false.
func (p *pool) result(t *testing.T, key string) (body string, head *s3.HeadObjectOutput, ok bool) {
	t.Helper()
	ctx := context.Background()
	head, err := p.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(p.output), Key: aws.String(key)})
	if err != nil {
		return "", nil, false
	}
	got, err := p.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(p.output), Key: aws.String(key)})
	require.NoError(t, err)
	defer got.Body.Close()
	b, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	return string(b), head, true
}

// upper is a pipeline: the input in upper case, in result.txt, and a line count in stats/lines.txt.
const upper = `tr a-z A-Z < "$1" > "$SCE_OUTPUT_DIR/result.txt" && mkdir "$SCE_OUTPUT_DIR/stats" && wc -l < "$1" | tr -d ' ' > "$SCE_OUTPUT_DIR/stats/lines.txt"`

func TestEmulatorAWorkerReceivesDownloadsRunsUploadsAndDeletes(t *testing.T) {
	p := newPool(t, 5)
	p.upload(t, "study/scan-001.csv", "a,b\n1,2\n")
	cfg := p.config(t, upper)
	w := p.worker(t, cfg, p.srv.Config())
	out := p.run(t, w, func() bool {
		waiting, inFlight := p.depth(t, p.queueURL)
		_, _, ok := p.result(t, "study/scan-001/stats/lines.txt")
		return waiting == 0 && inFlight == 0 && ok
	})
	assert.Equal(t, Stopped, out)

	body, head, ok := p.result(t, "study/scan-001/result.txt")
	require.True(t, ok)
	assert.Equal(t, "A,B\n1,2\n", body, "the pipeline ran on the downloaded object")
	assert.Equal(t, s3types.ServerSideEncryptionAwsKms, head.ServerSideEncryption, "results are stored with SSE-KMS")
	assert.Equal(t, p.key, aws.ToString(head.SSEKMSKeyId), "under the project key")
	lines, _, _ := p.result(t, "study/scan-001/stats/lines.txt")
	assert.Equal(t, "2\n", lines, "files in subfolders keep their path")
	waiting, _ := p.depth(t, p.dlqURL)
	assert.Zero(t, waiting)
	assert.Equal(t, map[string]float64{MetricProcessed: 1}, p.metrics.counts())
	entries, err := os.ReadDir(cfg.Scratch)
	require.NoError(t, err)
	for _, e := range entries {
		assert.Equal(t, lockFileName, e.Name(), "the scratch directory is clean")
	}
}

func TestEmulatorAnS3EventNotificationOnTheQueueIsReadToo(t *testing.T) {
	p := newPool(t, 5)
	ctx := context.Background()
	out, err := p.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(p.input), Key: aws.String("study/a b.csv"), Body: strings.NewReader("x\n")})
	require.NoError(t, err)
	event := `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"` + p.input +
		`"},"object":{"key":"study/a+b.csv","size":2,"versionId":"` + aws.ToString(out.VersionId) + `"}}}]}`
	p.send(t, event)
	w := p.worker(t, p.config(t, upper), p.srv.Config())
	p.run(t, w, func() bool { _, _, ok := p.result(t, "study/a b/result.txt"); return ok })
	body, _, _ := p.result(t, "study/a b/result.txt")
	assert.Equal(t, "X\n", body)
}

func TestEmulatorAFailingPipelineIsRetriedAndEndsInTheDeadLetterQueue(t *testing.T) {
	const maxReceives = 2
	p := newPool(t, maxReceives)
	obj := p.upload(t, "study/broken.csv", "x")
	w := p.worker(t, p.config(t, `echo partial > "$SCE_OUTPUT_DIR/partial.txt"; exit 3`), p.srv.Config())
	p.run(t, w, func() bool { waiting, _ := p.depth(t, p.dlqURL); return waiting == 1 })

	msgs, err := p.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(p.dlqURL), MaxNumberOfMessages: 1})
	require.NoError(t, err)
	require.Len(t, msgs.Messages, 1)
	assert.JSONEq(t, mustJSON(t, obj), aws.ToString(msgs.Messages[0].Body), "SQS moved the message itself after maxReceiveCount receives")
	waiting, inFlight := p.depth(t, p.queueURL)
	assert.Zero(t, waiting+inFlight)
	_, _, uploaded := p.result(t, "study/broken/partial.txt")
	assert.False(t, uploaded, "nothing of a failed run is uploaded")
	assert.Equal(t, map[string]float64{MetricFailed: maxReceives}, p.metrics.counts())
	assert.Contains(t, p.logs.String(), "exit status 3")
}

func TestEmulatorAMessageForAMissingObjectFailsWithoutNamingIt(t *testing.T) {
	p := newPool(t, 1)
	const key = "patients/Jane Doe MRN 12345/scan.csv"
	other := p.upload(t, "study/other.csv", "x") // for a version id of the right form
	_, err := p.sqs.PurgeQueue(context.Background(), &sqs.PurgeQueueInput{QueueUrl: aws.String(p.queueURL)})
	require.NoError(t, err)
	for _, obj := range []Object{
		{Bucket: p.input, Key: key},                         // NoSuchKey
		{Bucket: p.input, Key: key, Version: other.Version}, // a version of another key: NoSuchVersion
	} {
		p.send(t, mustJSON(t, obj))
	}
	w := p.worker(t, p.config(t, upper), p.srv.Config())
	p.run(t, w, func() bool { waiting, _ := p.depth(t, p.dlqURL); return waiting == 2 })
	logs := p.logs.String()
	assert.Contains(t, logs, "NoSuchKey")
	assert.Contains(t, logs, "NoSuchVersion")
	assert.Contains(t, logs, phi.KeyHash(key))
	for _, s := range []string{key, "Jane Doe", "Jane%20Doe", "MRN 12345", "MRN%2012345"} {
		assert.NotContains(t, logs, s)
	}
}

func TestEmulatorALongRunKeepsItsMessageHiddenPastTheVisibilityTimeout(t *testing.T) {
	p := newPool(t, 5)
	p.upload(t, "study/long.csv", "x")
	// Four seconds of work against a three-second visibility timeout, extended every second.
	proxy := p.srv.Proxy(t)
	w := p.worker(t, p.config(t, `sleep 4; cp "$1" "$SCE_OUTPUT_DIR/r.txt"`), proxy.Config())
	taken, reappeared := false, false
	p.run(t, w, func() bool {
		waiting, inFlight := p.depth(t, p.queueURL)
		if taken && waiting > 0 {
			reappeared = true
		}
		taken = taken || inFlight > 0
		return taken && waiting == 0 && inFlight == 0
	})
	assert.False(t, reappeared, "the message never became visible to other workers while the worker held it")
	body, _, ok := p.result(t, "study/long/r.txt")
	require.True(t, ok)
	assert.Equal(t, "x", body)
	extensions := 0
	for _, r := range proxy.Requests() {
		if r.Header.Get("X-Amz-Target") == "AmazonSQS.ChangeMessageVisibility" {
			extensions++
		}
	}
	assert.GreaterOrEqual(t, extensions, 3, "extended every third of the timeout")
}

func TestEmulatorAMessageWhoseVisibilityExpiredIsProcessedByTheNextWorker(t *testing.T) {
	p := newPool(t, 5)
	p.upload(t, "study/orphan.csv", "x")
	// A worker that died: it received the message for one second and never deleted it.
	ctx := context.Background()
	first, err := p.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(p.queueURL), VisibilityTimeout: 1})
	require.NoError(t, err)
	require.Len(t, first.Messages, 1)

	w := p.worker(t, p.config(t, upper), p.srv.Config())
	p.run(t, w, func() bool {
		_, _, ok := p.result(t, "study/orphan/result.txt")
		waiting, inFlight := p.depth(t, p.queueURL)
		return ok && waiting+inFlight == 0
	})
	assert.Contains(t, p.logs.String(), `"attempt":"2"`, "the second delivery")
	assert.Equal(t, map[string]float64{MetricProcessed: 1}, p.metrics.counts())
}

func TestEmulatorTheWorkerRolesPolicyIsEnoughAndItsReadIsNeeded(t *testing.T) {
	// components/workerpool.go's workerStatements for these resources (their S3 and SQS statements;
	// moto does not judge KMS and the metrics are recorded here).
	policy := func(p *pool, withRead bool) string {
		var statements []map[string]any
		if withRead {
			statements = append(statements, map[string]any{"Effect": "Allow", "Action": []string{"s3:GetObject", "s3:GetObjectVersion"}, "Resource": "arn:aws:s3:::" + p.input + "/*"})
		}
		statements = append(statements,
			map[string]any{"Effect": "Allow", "Action": []string{"s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject", "s3:GetObjectVersion"}, "Resource": "arn:aws:s3:::" + p.output + "/*"},
			map[string]any{"Effect": "Allow", "Action": []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}, "Resource": p.queueARN})
		doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
		require.NoError(t, err)
		return string(doc)
	}
	for _, tc := range []struct {
		name     string
		withRead bool
	}{{"with the role's policy the object is processed", true}, {"without the read of data-in the download is denied", false}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPool(t, 1)
			p.upload(t, "study/scan.csv", "x")
			role := p.srv.User(t, policy(p, tc.withRead))
			stop := p.srv.EnforceIAM(t)
			w := p.worker(t, p.config(t, upper), role)
			p.run(t, w, func() bool {
				if tc.withRead {
					_, _, ok := p.result(t, "study/scan/result.txt")
					return ok
				}
				waiting, _ := p.depth(t, p.dlqURL)
				return waiting == 1
			})
			stop()
			if !tc.withRead {
				assert.Contains(t, p.logs.String(), "download the object")
				assert.Contains(t, p.logs.String(), "AccessDenied")
				assert.Equal(t, map[string]float64{MetricFailed: 1}, p.metrics.counts())
			}
		})
	}
}

func TestEmulatorSlowDownOnTheResultsIsRetried(t *testing.T) {
	p := newPool(t, 1)
	p.upload(t, "study/busy.csv", "x")
	proxy := p.srv.Proxy(t, motoserver.SlowDown(motoserver.S3Op(http.MethodPut, "/study/busy/result.txt"), 2))
	w := p.worker(t, p.config(t, upper), proxy.Config())
	p.run(t, w, func() bool { waiting, inFlight := p.depth(t, p.queueURL); return waiting+inFlight == 0 })
	body, _, ok := p.result(t, "study/busy/result.txt")
	require.True(t, ok)
	assert.Equal(t, "X", body)
	assert.Equal(t, map[string]float64{MetricProcessed: 1}, p.metrics.counts())
}

func TestEmulatorAThrottledReceiveIsRetried(t *testing.T) {
	p := newPool(t, 1)
	p.upload(t, "study/throttled.csv", "x")
	// More throttling than the SDK's three attempts: the worker's own back-off takes over (1 s, 2 s).
	proxy := p.srv.Proxy(t, motoserver.Throttling(motoserver.Target("AmazonSQS.ReceiveMessage"), 4))
	w := p.worker(t, p.config(t, upper), proxy.Config())
	p.run(t, w, func() bool { _, _, ok := p.result(t, "study/throttled/result.txt"); return ok })
	assert.Equal(t, 1, strings.Count(p.logs.String(), `"msg":"receive failed"`), "one failed receive, after the SDK's retries")
	assert.Contains(t, p.logs.String(), "ThrottlingException")
}

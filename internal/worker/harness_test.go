package worker

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sce-project/sce/internal/motoserver"
)

const (
	testQueueURL = "https://sqs.us-east-1.amazonaws.com/111122223333/pit-worker-queue"
	testKMSKey   = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	outputBucket = "pit-output"
)

// harness is one worker (or several) wired to a fake clock and an in-memory queue that follows it (for
// the worker's timing: heartbeats, retry delays, idle stops), S3 in the emulator behind a recording
// proxy, recorded metrics, a counted power-off and a log buffer.
type harness struct {
	t               *testing.T
	cfg             Config
	clock           *fakeClock
	queue           *fakeQueue
	s3              *s3.Client
	proxy           *motoserver.Proxy
	dataIn, results string // the data-in and output buckets
	key             string // the project key's ARN
	metrics         *fakeMetrics
	runner          *fakeRunner
	power           *fakePower
	logs            *syncBuffer
}

// newHarness makes the buckets (versioned) and the key in the emulator, and the fakes; the runner writes
// result.txt (the input in upper case) unless the test replaces its function.
func newHarness(t *testing.T, maxReceives int) *harness {
	t.Helper()
	srv := moto.Need(t)
	clock := newFakeClock()
	proxy := srv.Proxy(t)
	h := &harness{
		t:       t,
		clock:   clock,
		queue:   newFakeQueue(clock, maxReceives),
		s3:      motoserver.S3(proxy.Config()),
		proxy:   proxy,
		dataIn:  srv.Bucket(t, "data-in", true),
		results: srv.Bucket(t, "output", true),
		key:     srv.KMSKey(t),
		metrics: &fakeMetrics{},
		power:   &fakePower{},
		logs:    &syncBuffer{},
	}
	h.cfg = Config{
		QueueURL: testQueueURL, QueueName: "pit-worker-queue", OutputBucket: h.results, KMSKeyARN: h.key,
		Scratch: t.TempDir(), Command: []string{"/bin/sh", "-c", "unused"}, Idle: 15 * time.Minute,
		Timeout: time.Hour, Visibility: 5 * time.Minute, RetryDelay: time.Minute, MetricNamespace: DefaultMetricNamespace,
		Region: "us-east-1",
	}
	h.runner = &fakeRunner{fn: func(_ context.Context, c Command) error {
		in, err := os.ReadFile(c.Args[len(c.Args)-1])
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(env(c, "SCE_OUTPUT_DIR"), "result.txt"), []byte(strings.ToUpper(string(in))), 0o600)
	}}
	return h
}

// worker returns a worker on the harness's fakes.
func (h *harness) worker() *Worker {
	h.t.Helper()
	return h.build(h.s3, h.runner)
}

// workerWith returns a worker on another S3 client.
func (h *harness) workerWith(client *s3.Client) *Worker {
	h.t.Helper()
	return h.build(client, h.runner)
}

// workerWithRunner returns a worker with another runner.
func (h *harness) workerWithRunner(r Runner) *Worker {
	h.t.Helper()
	return h.build(h.s3, r)
}

func (h *harness) build(client *s3.Client, r Runner) *Worker {
	h.t.Helper()
	log := slog.New(slog.NewJSONHandler(h.logs, nil))
	w, err := New(h.cfg, Deps{SQS: h.queue, S3: client, Metrics: h.metrics, Runner: r, Clock: h.clock, PowerOff: h.power}, log)
	if err != nil {
		h.t.Fatalf("new worker: %v", err)
	}
	return w
}

// put stores an object in the data-in bucket and returns the upload ledger's message for it.
func (h *harness) put(key, body string) string {
	h.t.Helper()
	out, err := h.s3.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(h.dataIn), Key: aws.String(key), Body: strings.NewReader(body),
	})
	if err != nil {
		h.t.Fatalf("put object: %v", err)
	}
	msg, err := json.Marshal(Object{Bucket: h.dataIn, Key: key, Version: aws.ToString(out.VersionId), Size: int64(len(body)),
		ETag: strings.Trim(aws.ToString(out.ETag), `"`)})
	if err != nil {
		h.t.Fatalf("encode message: %v", err)
	}
	return string(msg)
}

// runUntilIdle runs one worker with the queue moving the clock on when empty, and returns its outcome.
func (h *harness) runUntilIdle(w *Worker) Outcome {
	h.t.Helper()
	h.queue.advanceWhenEmpty = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := w.Run(ctx)
	if err != nil {
		h.t.Fatalf("run: %v", err)
	}
	if ctx.Err() != nil {
		h.t.Fatalf("the worker did not stop by itself")
	}
	return out
}

// output reads an object of the output bucket, "" when it does not exist.
func (h *harness) output(key string) string {
	h.t.Helper()
	out, err := h.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(h.results), Key: aws.String(key)})
	if err != nil {
		return ""
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		h.t.Fatalf("read output: %v", err)
	}
	return string(b)
}

// outputPuts returns the PUT requests (single or multipart) the output bucket received, by path.
func (h *harness) outputPuts() map[string]int {
	puts := map[string]int{}
	for _, r := range h.proxy.Requests() {
		if r.Method == "PUT" && strings.HasPrefix(r.Path, "/"+h.results+"/") {
			puts[strings.TrimPrefix(r.Path, "/"+h.results+"/")]++
		}
	}
	return puts
}

// scratchEntries lists what is left in the scratch directory.
func (h *harness) scratchEntries() []string {
	h.t.Helper()
	entries, err := os.ReadDir(h.cfg.Scratch)
	if err != nil {
		h.t.Fatalf("read scratch: %v", err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() == lockFileName {
			continue
		}
		names = append(names, e.Name())
	}
	return names
}

// env returns a variable of a command's environment.
func env(c Command, name string) string {
	for _, kv := range c.Env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// mustJSON encodes v.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return string(b)
}

// unreachableS3 returns an S3 client whose endpoint refuses connections, without retries.
func unreachableS3(t *testing.T) *s3.Client {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close listener: %v", err)
	}
	return s3.New(s3.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String("http://" + addr),
		UsePathStyle:     true,
		RetryMaxAttempts: 1,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
}

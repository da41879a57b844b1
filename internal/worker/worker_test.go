package worker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/phi"
)

func TestAnObjectIsProcessedItsResultsUploadedWithSSEKMSAndItsMessageDeleted(t *testing.T) {
	h := newHarness(t, 5)
	key := "study/scan-001.csv"
	id := h.queue.send(h.put(key, "a,b\n1,2\n"), 0)
	var seenInput string
	var inputExisted bool
	h.runner.fn = func(_ context.Context, c Command) error {
		file := c.Args[len(c.Args)-1]
		b, err := os.ReadFile(file)
		inputExisted = err == nil
		seenInput = string(b)
		out := env(c, "SCE_OUTPUT_DIR")
		if err := os.MkdirAll(filepath.Join(out, "tables"), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "result.txt"), []byte("rows: 1"), 0o600); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, "tables", "summary.json"), []byte(`{"n":1}`), 0o600)
	}

	assert.Equal(t, Idle, h.runUntilIdle(h.worker()))

	assert.True(t, inputExisted, "the object was downloaded before the pipeline ran")
	assert.Equal(t, "a,b\n1,2\n", seenInput, "the pipeline read the object's content")
	assert.Equal(t, "rows: 1", h.output("study/scan-001/result.txt"))
	assert.Equal(t, `{"n":1}`, h.output("study/scan-001/tables/summary.json"), "files in subfolders keep their path")
	assert.Equal(t, map[string]int{id: 1}, h.queue.deleteCounts(), "the message was deleted once")
	assert.Equal(t, 0, h.queue.remaining())
	assert.Empty(t, h.queue.deadLetters())
	assert.Empty(t, h.scratchEntries(), "the scratch directory is clean")
	assert.Equal(t, map[string]float64{MetricProcessed: 1}, h.metrics.counts())
	assert.Equal(t, 0, h.power.count(), "no power-off without --shutdown")

	puts := 0
	for _, r := range h.proxy.Requests() {
		if r.Method != "PUT" || !strings.HasPrefix(r.Path, "/"+h.results+"/") {
			continue
		}
		puts++
		assert.Equal(t, "aws:kms", r.Header.Get("X-Amz-Server-Side-Encryption"), "%s asks for SSE-KMS", r.Path)
		assert.Equal(t, h.key, r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"), "%s names the project key", r.Path)
	}
	assert.Equal(t, 2, puts, "one PUT per result file")
}

func TestTheWorkerAsksSQSForOneMessageWithALongPollAndItsVisibilityTimeout(t *testing.T) {
	h := newHarness(t, 5)
	h.cfg.Visibility = 7 * time.Minute
	h.runUntilIdle(h.worker())
	inputs := h.queue.receiveInputs()
	require.NotEmpty(t, inputs)
	for _, in := range inputs {
		assert.Equal(t, testQueueURL, aws.ToString(in.QueueUrl))
		assert.Equal(t, int32(1), in.MaxNumberOfMessages)
		assert.Equal(t, int32(20), in.WaitTimeSeconds)
		assert.Equal(t, int32(420), in.VisibilityTimeout)
		assert.Equal(t, []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount}, in.MessageSystemAttributeNames)
	}
}

func TestTheRunGetsTheFileAsLastArgumentAndItsEnvironment(t *testing.T) {
	h := newHarness(t, 5)
	h.cfg.Command = []string{"/bin/sh", "-c", "echo", "pipeline"}
	key := "study/visit.data.parquet"
	msg := h.put(key, "x")
	h.queue.send(msg, 0)
	h.runUntilIdle(h.worker())

	runs := h.runner.commands()
	require.Len(t, runs, 1)
	c := runs[0]
	require.Len(t, c.Args, 5)
	assert.Equal(t, []string{"/bin/sh", "-c", "echo", "pipeline"}, c.Args[:4], "the configured command comes first")
	file := c.Args[4]
	assert.Equal(t, "input.parquet", filepath.Base(file), "the local name keeps the extension and nothing else of the key")
	assert.True(t, strings.HasPrefix(file, h.cfg.Scratch+string(filepath.Separator)), "the file is on the scratch volume: %s", file)
	assert.True(t, strings.HasPrefix(env(c, "SCE_OUTPUT_DIR"), c.Dir), "the output directory is in the message's directory")
	assert.Equal(t, file, env(c, "SCE_INPUT_FILE"))
	assert.Equal(t, h.dataIn, env(c, "SCE_OBJECT_BUCKET"))
	assert.Equal(t, key, env(c, "SCE_OBJECT_KEY"))
	assert.NotEmpty(t, env(c, "SCE_OBJECT_VERSION"))
	assert.True(t, strings.HasPrefix(env(c, "TMPDIR"), c.Dir), "temporary files go to the message's directory")
	assert.True(t, strings.HasPrefix(c.Dir, h.cfg.Scratch), "the working directory is on the scratch volume")
	assert.Equal(t, time.Hour, c.Timeout)
}

func TestTwoWorkersRacingOnTheQueueProcessEachMessageExactlyOnce(t *testing.T) {
	h := newHarness(t, 5)
	const n = 20
	ids := map[string]string{} // message id -> key
	for i := range n {
		key := fmt.Sprintf("batch/object-%02d.txt", i)
		ids[h.queue.send(h.put(key, key), 0)] = key
	}
	var mu sync.Mutex
	runsByKey := map[string]int{}
	runner := h.runner.fn
	h.runner.fn = func(ctx context.Context, c Command) error {
		mu.Lock()
		runsByKey[env(c, "SCE_OBJECT_KEY")]++
		mu.Unlock()
		time.Sleep(2 * time.Millisecond) // let the other worker receive meanwhile
		return runner(ctx, c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	scratches := []string{t.TempDir(), t.TempDir()} // two instances, each its own scratch volume
	for i := range 2 {
		h.cfg.Scratch = scratches[i]
		w := h.worker()
		wg.Go(func() { _, errs[i] = w.Run(ctx) })
	}
	eventually(t, func() bool { return h.queue.remaining() == 0 }, "the queue to empty")
	cancel()
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	deletes := h.queue.deleteCounts()
	puts := h.outputPuts()
	for id, key := range ids {
		assert.Equal(t, 1, runsByKey[key], "%s was run once", key)
		assert.Equal(t, 1, deletes[id], "message %s was deleted once", id)
		resultKey := strings.TrimSuffix(key, ".txt") + "/result.txt"
		assert.Equal(t, 1, puts[resultKey], "%s was uploaded once", resultKey)
		assert.Equal(t, strings.ToUpper(key), h.output(resultKey))
	}
	assert.Len(t, runsByKey, n)
	assert.Empty(t, h.queue.deadLetters())
	assert.Equal(t, map[string]float64{MetricProcessed: n}, h.metrics.counts())
	for _, s := range scratches {
		h.cfg.Scratch = s
		assert.Empty(t, h.scratchEntries())
	}
}

func TestASecondWorkerCannotShareTheFirstOnesScratchDirectory(t *testing.T) {
	h := newHarness(t, 5)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := make(chan error, 1)
	go func() { _, err := h.worker().Run(ctx); first <- err }()
	eventually(t, func() bool { return len(h.queue.receiveInputs()) > 0 }, "the first worker to poll")
	_, err := h.worker().Run(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "another worker holds it")
	cancel()
	require.NoError(t, <-first)
}

func TestADuplicateDeliveryUploadsTheSameResultsAgain(t *testing.T) {
	h := newHarness(t, 5)
	msg := h.put("study/dup.csv", "same")
	first := h.queue.send(msg, 0)
	second := h.queue.send(msg, 0) // SQS delivers at least once: the same object twice
	h.runUntilIdle(h.worker())

	assert.Equal(t, map[string]int{first: 1, second: 1}, h.queue.deleteCounts())
	assert.Equal(t, map[string]int{"study/dup/result.txt": 2}, h.outputPuts(), "both runs wrote the same key")
	assert.Equal(t, "SAME", h.output("study/dup/result.txt"))
}

func TestAFailingPipelineLeavesTheMessageForRetryAndThenTheDeadLetterQueue(t *testing.T) {
	const maxReceives = 3
	h := newHarness(t, maxReceives)
	key := "study/broken.csv"
	id := h.queue.send(h.put(key, "x"), 0)
	var runTimes []time.Time
	h.runner.fn = func(_ context.Context, c Command) error {
		runTimes = append(runTimes, h.clock.Now())
		if err := os.WriteFile(filepath.Join(env(c, "SCE_OUTPUT_DIR"), "partial.txt"), []byte("half"), 0o600); err != nil {
			return err
		}
		return errors.New("pipeline failed: exit status 3")
	}

	assert.Equal(t, Idle, h.runUntilIdle(h.worker()))

	assert.Len(t, runTimes, maxReceives, "the pipeline ran once per delivery")
	for i := 1; i < len(runTimes); i++ {
		assert.GreaterOrEqual(t, runTimes[i].Sub(runTimes[i-1]), time.Minute, "a retry waits for the retry delay")
	}
	assert.Equal(t, []string{id}, h.queue.deadLetters(), "the message ended in the dead-letter queue")
	assert.Empty(t, h.queue.deleteCounts(), "a failed message is never deleted")
	var backoffs int
	for _, c := range h.queue.visibilityChanges() {
		if c.timeout == time.Minute {
			backoffs++
		}
	}
	assert.Equal(t, maxReceives, backoffs, "each failure set the visibility to the retry delay")
	assert.Empty(t, h.outputPuts(), "nothing of a failed run is uploaded")
	assert.Equal(t, map[string]float64{MetricFailed: maxReceives}, h.metrics.counts())
	assert.Empty(t, h.scratchEntries(), "the scratch directory is clean after failures")
	logs := h.logs.String()
	assert.Contains(t, logs, "exit status 3")
	assert.Contains(t, logs, phi.KeyHash(key))
	assert.NotContains(t, logs, "broken")
}

func TestTheMetricsNameTheQueueAndCountOneObject(t *testing.T) {
	h := newHarness(t, 5)
	h.cfg.MetricNamespace = "SCE/Test"
	h.queue.send(h.put("a.csv", "x"), 0)
	h.runUntilIdle(h.worker())
	require.Len(t, h.metrics.inputs, 1)
	in := h.metrics.inputs[0]
	assert.Equal(t, "SCE/Test", aws.ToString(in.Namespace))
	require.Len(t, in.MetricData, 1)
	d := in.MetricData[0]
	assert.Equal(t, MetricProcessed, aws.ToString(d.MetricName))
	assert.Equal(t, cwtypes.StandardUnitCount, d.Unit)
	assert.Equal(t, 1.0, aws.ToFloat64(d.Value))
	require.Len(t, d.Dimensions, 1)
	assert.Equal(t, "QueueName", aws.ToString(d.Dimensions[0].Name))
	assert.Equal(t, "pit-worker-queue", aws.ToString(d.Dimensions[0].Value))
	assert.False(t, aws.ToTime(d.Timestamp).IsZero())
}

func TestTheIdleShutdownFiresAfterTheIdleTimeout(t *testing.T) {
	for _, tc := range []struct {
		name      string
		shutdown  bool
		powerOffs int
	}{
		{name: "with --shutdown it powers the machine off", shutdown: true, powerOffs: 1},
		{name: "without --shutdown it only stops", shutdown: false, powerOffs: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 5)
			h.cfg.Shutdown = tc.shutdown
			start := h.clock.Now()
			assert.Equal(t, Idle, h.runUntilIdle(h.worker()))
			elapsed := h.clock.Now().Sub(start)
			assert.GreaterOrEqual(t, elapsed, 15*time.Minute, "not before the idle timeout")
			assert.Less(t, elapsed, 15*time.Minute+20*time.Second, "within one long poll of it")
			assert.Equal(t, tc.powerOffs, h.power.count())
		})
	}
}

func TestAMessageRestartsTheIdleTimer(t *testing.T) {
	h := newHarness(t, 5)
	h.cfg.Shutdown = true
	start := h.clock.Now()
	h.queue.send(h.put("late.csv", "x"), 10*time.Minute)
	assert.Equal(t, Idle, h.runUntilIdle(h.worker()))
	assert.Len(t, h.runner.commands(), 1, "the late message was processed")
	assert.GreaterOrEqual(t, h.clock.Now().Sub(start), 25*time.Minute, "idle counts from the last message")
	assert.Equal(t, 1, h.power.count())
}

func TestALongPipelineKeepsItsMessageInvisible(t *testing.T) {
	h := newHarness(t, 5)
	id := h.queue.send(h.put("long.csv", "x"), 0)
	step := h.cfg.Visibility / 3
	var stillHidden []bool
	h.runner.fn = func(_ context.Context, c Command) error {
		// Twelve heartbeats: four times the visibility timeout.
		for i := 1; i <= 12; i++ {
			h.clock.blockUntilSleepers(t, 1)
			h.clock.Advance(step)
			eventually(t, func() bool { return len(h.queue.visibilityChanges()) >= i }, "heartbeat %d", i)
			stillHidden = append(stillHidden, h.queue.visible() == 0)
		}
		return os.WriteFile(filepath.Join(env(c, "SCE_OUTPUT_DIR"), "r.txt"), []byte("done"), 0o600)
	}
	h.runUntilIdle(h.worker())

	assert.Len(t, stillHidden, 12)
	assert.NotContains(t, stillHidden, false, "no other worker could receive the message meanwhile")
	changes := h.queue.visibilityChanges()
	assert.Len(t, changes, 12, "no extension after the message was deleted")
	for _, c := range changes {
		assert.Equal(t, h.cfg.Visibility, c.timeout)
	}
	assert.Equal(t, map[string]int{id: 1}, h.queue.deleteCounts())
	assert.Equal(t, "done", h.output("long/r.txt"))
}

func TestAFailureWhenAHeartbeatIsDueStillWaitsTheRetryDelay(t *testing.T) {
	h := newHarness(t, 1)
	id := h.queue.send(h.put("due.csv", "x"), 0)
	h.queue.beforeChange = func(in *sqs.ChangeMessageVisibilityInput) {
		if in.VisibilityTimeout == seconds(h.cfg.Visibility) {
			time.Sleep(50 * time.Millisecond) // a slow extension, still in flight when the pipeline fails
		}
	}
	h.runner.fn = func(context.Context, Command) error {
		h.clock.blockUntilSleepers(t, 1)
		h.clock.Advance(h.cfg.Visibility / 3) // the heartbeat wakes as the pipeline fails
		return errors.New("pipeline failed: exit status 1")
	}
	h.runUntilIdle(h.worker())
	changes := h.queue.visibilityChanges()
	require.NotEmpty(t, changes)
	last := changes[len(changes)-1]
	assert.Equal(t, id, last.id)
	assert.Equal(t, time.Minute, last.timeout, "the retry delay is set after the last extension, never before it")
}

func TestAWorkerStoppedBySignalReturnsItsMessageToTheQueue(t *testing.T) {
	h := newHarness(t, 5)
	h.cfg.Shutdown = true
	id := h.queue.send(h.put("stop.csv", "x"), 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.runner.fn = func(ctx context.Context, _ Command) error {
		cancel() // SIGTERM while the pipeline runs
		<-ctx.Done()
		return fmt.Errorf("pipeline stopped: %w", ctx.Err())
	}
	out, err := h.worker().Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, Stopped, out)
	assert.Equal(t, 1, h.queue.visible(), "the message is visible again at once")
	assert.Empty(t, h.queue.deleteCounts())
	assert.Empty(t, h.metrics.counts(), "a stop is not a failure of the object")
	assert.Equal(t, 0, h.power.count(), "a signal does not power off")
	assert.Empty(t, h.scratchEntries())
	assert.Equal(t, id, h.queue.visibilityChanges()[0].id)
	assert.Equal(t, time.Duration(0), h.queue.visibilityChanges()[0].timeout)
}

func TestMessagesThatNameNoObjectAreNotProcessed(t *testing.T) {
	for _, tc := range []struct {
		name       string
		body       string
		deadLetter bool
	}{
		{name: "a body that is not JSON goes to the dead-letter queue", body: "not json", deadLetter: true},
		{name: "a message without a key goes to the dead-letter queue", body: `{"bucket":"pit-data-in"}`, deadLetter: true},
		{name: "the S3 test event is deleted", body: `{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"pit-data-in"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 2)
			id := h.queue.send(tc.body, 0)
			h.runUntilIdle(h.worker())
			assert.Empty(t, h.runner.commands(), "the pipeline did not run")
			if tc.deadLetter {
				assert.Equal(t, []string{id}, h.queue.deadLetters())
				assert.Equal(t, map[string]float64{MetricFailed: 2}, h.metrics.counts())
			} else {
				assert.Equal(t, map[string]int{id: 1}, h.queue.deleteCounts())
				assert.Empty(t, h.metrics.counts())
			}
		})
	}
}

func TestADownloadThatDoesNotMatchTheMessageFails(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(o *Object)
		want   string
	}{
		{name: "a different size", change: func(o *Object) { o.Size = 99 }, want: "the message says 99"},
		{name: "a different ETag", change: func(o *Object) { o.ETag = "0123456789abcdef0123456789abcdef" }, want: "the message says 0123456789abcdef0123456789abcdef"},
		{name: "a version that does not exist", change: func(o *Object) { o.Version = "no-such-version" }, want: "download the object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 1)
			obj, err := ParseMessage(h.put("check.csv", "four"))
			require.NoError(t, err)
			tc.change(&obj)
			h.queue.send(mustJSON(t, obj), 0)
			h.runUntilIdle(h.worker())
			assert.Empty(t, h.runner.commands(), "the pipeline did not run")
			assert.Len(t, h.queue.deadLetters(), 1)
			assert.Contains(t, h.logs.String(), tc.want)
			assert.Empty(t, h.scratchEntries())
		})
	}
}

func TestTheObjectKeyNeverAppearsInTheLogs(t *testing.T) {
	// A key that holds a name and a record number, with characters that URL encoding changes.
	const key = "patients/Jane Doe+MRN 12345 (ward)/scan.csv"
	secrets := []string{key, "Jane Doe", "Jane%20Doe", "Jane+Doe", "MRN 12345", "MRN%2012345", "MRN+12345", "MRN%252012345"}
	for _, tc := range []struct {
		name  string
		setup func(h *harness) *Worker
	}{
		{name: "when the object is processed", setup: func(h *harness) *Worker { return h.worker() }},
		{name: "when the object does not exist", setup: func(h *harness) *Worker {
			h.queue.messages[0].body = mustJSON(t, Object{Bucket: h.dataIn, Key: key, Version: "no-such-version"})
			return h.worker()
		}},
		{name: "when the upload fails", setup: func(h *harness) *Worker {
			h.cfg.OutputBucket = "no-such-output-bucket"
			return h.worker()
		}},
		{name: "when S3 cannot be reached", setup: func(h *harness) *Worker {
			return h.workerWith(unreachableS3(t))
		}},
		{name: "when the pipeline prints an error naming the file", setup: func(h *harness) *Worker {
			h.runner.fn = func(_ context.Context, c Command) error {
				return fmt.Errorf("pipeline failed on %s (%s)", c.Args[len(c.Args)-1], env(c, "SCE_OBJECT_KEY"))
			}
			return h.worker()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 1)
			h.queue.send(h.put(key, "x"), 0)
			w := tc.setup(h)
			h.runUntilIdle(w)
			logs := h.logs.String()
			require.Contains(t, logs, phi.KeyHash(key), "the log names the object by its key's hash")
			for _, s := range secrets {
				assert.NotContains(t, logs, s)
			}
		})
	}
}

func TestTheWorkerRemovesWhatAnEarlierRunLeftOnTheScratchVolume(t *testing.T) {
	h := newHarness(t, 5)
	stale := filepath.Join(h.cfg.Scratch, "msg-123456")
	require.NoError(t, os.MkdirAll(filepath.Join(stale, "input"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(stale, "input", "input.csv"), []byte("left over"), 0o600))
	other := filepath.Join(h.cfg.Scratch, "lost+found")
	require.NoError(t, os.Mkdir(other, 0o700))
	h.runUntilIdle(h.worker())
	assert.Equal(t, []string{"lost+found"}, h.scratchEntries(), "only the worker's own directories are removed")
}

func TestTheWorkerRefusesToStartWithoutItsScratchVolumeOrProgram(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{name: "a missing scratch directory", change: func(c *Config) { c.Scratch = "/nonexistent/scratch" }, want: "scratch directory"},
		{name: "a missing program", change: func(c *Config) { c.Command = []string{"/nonexistent/pipeline"} }, want: "pipeline program"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 5)
			tc.change(&h.cfg)
			_, err := h.worker().Run(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, h.queue.receiveInputs(), "nothing was received")
		})
	}
}

func TestAQueueThatFailsStillLetsTheWorkerGoIdle(t *testing.T) {
	h := newHarness(t, 5)
	h.cfg.Shutdown = true
	h.queue.failReceives = 3
	h.queue.advanceWhenEmpty = true
	done := make(chan struct{})
	go func() { // fast-forward the backoff sleeps
		for {
			select {
			case <-done:
				return
			default:
			}
			if h.clock.sleepers() > 0 {
				h.clock.Advance(time.Second)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	out, err := h.worker().Run(context.Background())
	close(done)
	require.NoError(t, err)
	assert.Equal(t, Idle, out)
	assert.Equal(t, 3, strings.Count(h.logs.String(), "receive failed"))
	assert.Equal(t, 1, h.power.count())
}

func TestNewRefusesMissingClients(t *testing.T) {
	h := newHarness(t, 5)
	_, err := New(h.cfg, Deps{SQS: h.queue, S3: h.s3}, nil)
	require.Error(t, err)
	for _, name := range []string{"Metrics", "Runner", "Clock", "PowerOff"} {
		assert.Contains(t, err.Error(), name)
	}
}

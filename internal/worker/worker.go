package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sce-project/sce/internal/phi"
	"github.com/sce-project/sce/internal/upload"
)

// Names of the metrics, and of their dimension.
const (
	MetricProcessed = "ObjectsProcessed"
	MetricFailed    = "ObjectsFailed"
	DimensionQueue  = "QueueName"
)

const (
	// waitTime is the long poll of each receive, SQS's longest.
	waitTime = 20
	// messageDirPattern names a message's directory on the scratch volume.
	messageDirPattern = "msg-"
	// lockFileName is the file a worker locks in the scratch directory, so that a second worker there
	// cannot take the first one's directories for leftovers.
	lockFileName = ".worker.lock"
	// maxReceiveBackoff caps the wait after failed receives.
	maxReceiveBackoff = time.Minute
	// releaseTimeout bounds the calls made after the worker was told to stop.
	releaseTimeout = 10 * time.Second
)

// Outcome is why Run returned.
type Outcome int

const (
	// Stopped means the context was cancelled (a signal).
	Stopped Outcome = iota
	// Idle means no message came for Config.Idle.
	Idle
)

// String names the outcome.
func (o Outcome) String() string {
	if o == Idle {
		return "idle"
	}
	return "stopped"
}

// Worker takes objects from the queue and runs the pipeline on them; see the package documentation.
type Worker struct {
	cfg Config
	d   Deps
	up  *upload.Uploader
	log *slog.Logger
}

// New returns a worker; every client in d is required.
func New(cfg Config, d Deps, log *slog.Logger) (*Worker, error) {
	var missing []string
	for name, nilValue := range map[string]bool{"SQS": d.SQS == nil, "S3": d.S3 == nil, "Metrics": d.Metrics == nil,
		"Runner": d.Runner == nil, "Clock": d.Clock == nil, "PowerOff": d.PowerOff == nil} {
		if nilValue {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("new worker: missing clients: %s", strings.Join(missing, ", "))
	}
	if log == nil {
		return nil, errors.New("new worker: missing logger")
	}
	up, err := upload.New(d.S3, upload.Target{Bucket: cfg.OutputBucket, KMSKeyARN: cfg.KMSKeyARN}, upload.Options{})
	if err != nil {
		return nil, fmt.Errorf("new worker: %w", err)
	}
	return &Worker{cfg: cfg, d: d, up: up, log: log}, nil
}

// Run takes messages until the context is cancelled (Stopped) or none has come for Config.Idle (Idle;
// the machine is powered off first with Config.Shutdown). It returns an error when the worker cannot
// start (no scratch directory, no pipeline program) or the power-off fails.
func (w *Worker) Run(ctx context.Context) (Outcome, error) {
	lock, err := w.prepare()
	if err != nil {
		return Stopped, err
	}
	defer func() {
		if err := lock.Close(); err != nil {
			w.log.Warn("could not release the scratch directory's lock", "error", err.Error())
		}
	}()
	w.log.Info("worker started", "queue", w.cfg.QueueName, "idle", w.cfg.Idle.String(), "shutdown_on_idle", w.cfg.Shutdown)
	last := w.d.Clock.Now()
	failures := 0
	for {
		if ctx.Err() != nil {
			w.log.Info("worker stopped")
			return Stopped, nil
		}
		if idle := w.d.Clock.Now().Sub(last); idle >= w.cfg.Idle {
			return w.stopIdle(ctx, idle)
		}
		out, err := w.d.SQS.ReceiveMessage(ctx, w.receiveInput())
		if err != nil {
			if ctx.Err() != nil {
				continue
			}
			failures++
			delay := min(time.Second<<min(failures, 6), maxReceiveBackoff)
			w.log.Warn("receive failed", "error", err.Error(), "retry_in", delay.String())
			if err := w.d.Clock.Sleep(ctx, delay); err != nil {
				continue
			}
			continue
		}
		failures = 0
		for _, m := range out.Messages {
			w.handle(ctx, m)
		}
		if len(out.Messages) > 0 {
			last = w.d.Clock.Now()
		}
	}
}

// receiveInput is the long poll for one message.
func (w *Worker) receiveInput() *sqs.ReceiveMessageInput {
	return &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(w.cfg.QueueURL),
		MaxNumberOfMessages:         1,
		WaitTimeSeconds:             waitTime,
		VisibilityTimeout:           seconds(w.cfg.Visibility),
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount},
	}
}

// prepare checks the pipeline program and the scratch directory, locks the latter (one worker per
// scratch directory), and removes what a previous run of the worker left there. The caller closes the
// returned lock.
func (w *Worker) prepare() (*os.File, error) {
	if _, err := exec.LookPath(w.cfg.Command[0]); err != nil {
		return nil, fmt.Errorf("pipeline program: %w", err)
	}
	st, err := os.Stat(w.cfg.Scratch)
	if err != nil {
		return nil, fmt.Errorf("scratch directory: %w (mount the encrypted scratch volume there, or give --scratch)", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("scratch directory %s is not a directory", w.cfg.Scratch)
	}
	lock, err := lockFile(filepath.Join(w.cfg.Scratch, lockFileName))
	if err != nil {
		return nil, fmt.Errorf("scratch directory: %w", err)
	}
	stale, err := filepath.Glob(filepath.Join(w.cfg.Scratch, messageDirPattern+"*"))
	for _, dir := range stale {
		if err == nil {
			err = os.RemoveAll(dir)
		}
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("remove what an earlier run left on the scratch volume: %w", err), lock.Close())
	}
	if len(stale) > 0 {
		w.log.Info("removed what an earlier run left on the scratch volume", "directories", len(stale))
	}
	return lock, nil
}

// stopIdle ends Run for want of work, powering the machine off when configured to.
func (w *Worker) stopIdle(ctx context.Context, idle time.Duration) (Outcome, error) {
	w.log.Info("no message for the idle timeout; stopping", "idle", idle.String())
	if !w.cfg.Shutdown {
		return Idle, nil
	}
	w.log.Info("powering off")
	if err := w.d.PowerOff.PowerOff(ctx); err != nil {
		return Idle, fmt.Errorf("power off: %w", err)
	}
	return Idle, nil
}

// handle processes one message: the object's results uploaded and the message deleted, or the message
// left for another delivery.
func (w *Worker) handle(ctx context.Context, m sqstypes.Message) {
	receipt := aws.ToString(m.ReceiptHandle)
	log := w.log.With("message_id", aws.ToString(m.MessageId), "attempt", m.Attributes[string(sqstypes.MessageSystemAttributeNameApproximateReceiveCount)])
	obj, err := ParseMessage(aws.ToString(m.Body))
	if errors.Is(err, errTestEvent) {
		log.Info("S3 test event; deleting it")
		w.deleteMessage(ctx, receipt, log)
		return
	}
	if err != nil {
		log.Error("unreadable message; leaving it for the dead-letter queue", "error", err.Error())
		w.retryLater(ctx, receipt, log)
		w.emit(ctx, MetricFailed, log)
		return
	}
	red := newRedactor(obj.Key)
	log = log.With("bucket", obj.Bucket, "key_sha256", phi.KeyHash(obj.Key), "version", obj.Version)
	start := w.d.Clock.Now()
	log.Info("processing object", "size", obj.Size)

	stop := w.keepInvisible(ctx, receipt, log)
	res, err := w.process(ctx, obj, log, red)
	stop()

	switch {
	case ctx.Err() != nil:
		log.Info("stopped while processing; returning the message to the queue")
		w.release(receipt, log)
	case err != nil:
		log.Error("object failed; the message will be delivered again", "error", red.Redact(err.Error()))
		w.retryLater(ctx, receipt, log)
		w.emit(ctx, MetricFailed, log)
	default:
		w.deleteMessage(ctx, receipt, log)
		w.emit(ctx, MetricProcessed, log)
		log.Info("object processed", "files", res.files, "bytes", res.bytes, "seconds", w.d.Clock.Now().Sub(start).Seconds())
	}
}

// result is what processing one object produced.
type result struct {
	files int
	bytes int64
}

// process downloads the object into a directory of its own on the scratch volume, runs the pipeline and
// uploads its results. The directory is removed whatever happens.
func (w *Worker) process(ctx context.Context, obj Object, log *slog.Logger, red phi.Redactor) (result, error) {
	dir, err := os.MkdirTemp(w.cfg.Scratch, messageDirPattern)
	if err != nil {
		return result{}, fmt.Errorf("create the message's scratch directory: %w", err)
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			log.Error("could not clean the scratch directory", "error", red.Redact(err.Error()))
		}
	}()
	input, output, tmp := filepath.Join(dir, "input"), filepath.Join(dir, "output"), filepath.Join(dir, "tmp")
	for _, d := range []string{input, output, tmp} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return result{}, fmt.Errorf("create the message's scratch directory: %w", err)
		}
	}
	file := filepath.Join(input, LocalName(obj.Key))
	if err := w.download(ctx, obj, file); err != nil {
		return result{}, err
	}
	cmd := Command{
		Args: append(append([]string(nil), w.cfg.Command...), file),
		Dir:  dir,
		Env: []string{
			"SCE_OUTPUT_DIR=" + output,
			"SCE_INPUT_FILE=" + file,
			"SCE_OBJECT_BUCKET=" + obj.Bucket,
			"SCE_OBJECT_KEY=" + obj.Key,
			"SCE_OBJECT_VERSION=" + obj.Version,
			"TMPDIR=" + tmp,
		},
		Timeout: w.cfg.Timeout,
	}
	if err := w.d.Runner.Run(ctx, cmd); err != nil {
		return result{}, err
	}
	return w.uploadResults(ctx, output, OutputPrefix(obj.Key), log)
}

// keepInvisible extends the message's visibility every third of Config.Visibility until the returned
// function is called; that function returns once no extension is in flight.
func (w *Worker) keepInvisible(ctx context.Context, receipt string, log *slog.Logger) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if err := w.d.Clock.Sleep(ctx, w.cfg.Visibility/3); err != nil {
				return
			}
			_, err := w.d.SQS.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
				QueueUrl:          aws.String(w.cfg.QueueURL),
				ReceiptHandle:     aws.String(receipt),
				VisibilityTimeout: seconds(w.cfg.Visibility),
			})
			if err != nil && ctx.Err() == nil {
				log.Warn("could not extend the message's visibility; another worker may receive it", "error", err.Error())
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// deleteMessage deletes a message whose work is done.
func (w *Worker) deleteMessage(ctx context.Context, receipt string, log *slog.Logger) {
	_, err := w.d.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(w.cfg.QueueURL), ReceiptHandle: aws.String(receipt)})
	if err != nil {
		log.Warn("could not delete the message; it will be delivered again and processed again", "error", err.Error())
	}
}

// retryLater makes a failed message visible again after Config.RetryDelay.
func (w *Worker) retryLater(ctx context.Context, receipt string, log *slog.Logger) {
	w.setVisibility(ctx, receipt, w.cfg.RetryDelay, log)
}

// release returns a message to the queue at once, after the worker was told to stop.
func (w *Worker) release(receipt string, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	w.setVisibility(ctx, receipt, 0, log)
}

// setVisibility changes a message's visibility timeout.
func (w *Worker) setVisibility(ctx context.Context, receipt string, d time.Duration, log *slog.Logger) {
	_, err := w.d.SQS.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl:          aws.String(w.cfg.QueueURL),
		ReceiptHandle:     aws.String(receipt),
		VisibilityTimeout: seconds(d),
	})
	if err != nil {
		log.Warn("could not change the message's visibility; it returns when its visibility timeout ends", "error", err.Error())
	}
}

// emit sends one count of a metric, with the queue's name as dimension.
func (w *Worker) emit(ctx context.Context, metric string, log *slog.Logger) {
	_, err := w.d.Metrics.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace: aws.String(w.cfg.MetricNamespace),
		MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String(metric),
			Dimensions: []cwtypes.Dimension{{Name: aws.String(DimensionQueue), Value: aws.String(w.cfg.QueueName)}},
			Timestamp:  aws.Time(w.d.Clock.Now()),
			Unit:       cwtypes.StandardUnitCount,
			Value:      aws.Float64(1),
		}},
	})
	if err != nil {
		log.Warn("could not emit the metric", "metric", metric, "error", err.Error())
	}
}

// seconds converts a duration to whole seconds, rounded up, for SQS.
func seconds(d time.Duration) int32 {
	return int32((d + time.Second - 1) / time.Second)
}

package handler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sce-project/sce/internal/lambdaenv"
	"github.com/sce-project/sce/internal/phi"
)

// Handler records uploads to the data-in bucket. It is safe for concurrent use once built.
type Handler struct {
	cfg      Config
	clients  Clients
	detector *phi.Detector
	log      *slog.Logger
	now      func() time.Time

	maxSingleCopy int64 // objects larger than this are copied in parts
	copyPartSize  int64 // the size of the parts of a multipart copy
}

// New returns a handler. Every client must be set; log receives one JSON line per step (build it with
// slog.NewJSONHandler on os.Stderr in production).
func New(cfg Config, clients Clients, log *slog.Logger) (*Handler, error) {
	if err := lambdaenv.CheckClients("new ledger handler", log,
		lambdaenv.Client{Name: "S3", Given: clients.S3 != nil},
		lambdaenv.Client{Name: "DynamoDB", Given: clients.DynamoDB != nil},
		lambdaenv.Client{Name: "SQS", Given: clients.SQS != nil},
		lambdaenv.Client{Name: "SNS", Given: clients.SNS != nil}); err != nil {
		return nil, err
	}
	return &Handler{
		cfg:           cfg,
		clients:       clients,
		detector:      phi.New(cfg.PHINames),
		log:           log,
		now:           time.Now,
		maxSingleCopy: MaxSingleCopy,
		copyPartSize:  DefaultCopyPartSize,
	}, nil
}

// Handle processes every record of an S3 event notification. A record that fails does not stop the
// others; when any failed, Handle returns an error naming each (never a PHI key) after the last record,
// so that Lambda retries the event and, when retries run out, sends it to the dead-letter queue. A
// retry repeats only the steps a previous attempt did not finish.
func (h *Handler) Handle(ctx context.Context, event events.S3Event) error {
	if len(event.Records) == 0 {
		h.log.InfoContext(ctx, "event has no records")
		return nil
	}
	var errs []error
	for i, r := range event.Records {
		if err := h.handleRecord(ctx, i, r); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d records failed: %w", len(errs), len(event.Records), errors.Join(errs...))
	}
	return nil
}

// handleRecord processes one record and logs its outcome. The error it returns, like everything it
// logs, names a PHI key by its hash only.
func (h *Handler) handleRecord(ctx context.Context, i int, r events.S3EventRecord) error {
	u, err := newUpload(i, r, h.detector)
	log := h.log.With("record", i, "bucket", u.bucket, "keyHash", u.keyHash, "versionId", u.version)
	if u.key != "" && !u.phi() {
		log = log.With("key", u.key)
	}
	red := newRedactor(u)
	if err == nil {
		err = h.process(ctx, u, log)
	}
	if err != nil {
		msg := red.Redact(err.Error())
		log.ErrorContext(ctx, "record failed", "error", msg)
		return fmt.Errorf("record %d (%s): %s", i, u.object(), msg)
	}
	return nil
}

// process runs the steps for one upload. Each step's completion is stored on the ledger item, so that
// a retry skips what an earlier attempt finished: the ledger never holds two items for one version,
// and a message is repeated only when an attempt failed between sending it and recording that it did.
func (h *Handler) process(ctx context.Context, u *upload, log *slog.Logger) error {
	if !strings.HasPrefix(u.eventName, "ObjectCreated:") {
		log.InfoContext(ctx, "skipped: not an object-created event", "eventName", u.eventName)
		return nil
	}
	if isQuarantineCopy(u.key, h.cfg.QuarantinePrefix) {
		log.InfoContext(ctx, "skipped: a quarantined copy made by this function")
		return nil
	}
	if u.phi() {
		kinds := make([]string, len(u.findings))
		for j, f := range u.findings {
			kinds[j] = f.String()
		}
		log.WarnContext(ctx, "object key holds PHI: quarantining", "findings", kinds)
	}

	meta, err := h.head(ctx, u)
	if err != nil {
		return err
	}
	if meta.gone {
		log.WarnContext(ctx, "the uploaded version no longer exists; recording it from the event")
	}
	item := h.ledgerItem(u, meta, h.now())
	stored, created, err := h.record(ctx, item)
	if err != nil {
		return err
	}
	_, version := h.ledgerKey(u, meta)
	if created {
		log.InfoContext(ctx, "recorded in the ledger", "ledgerVersion", version, "quarantined", u.phi())
	} else {
		log.InfoContext(ctx, "already in the ledger: finishing what an earlier attempt left", "ledgerVersion", version)
	}
	quarantined := done(stored, AttrQuarantinedAt)
	quarantineVersion := stringAttr(stored, AttrQuarantineVersion)
	if u.phi() && !quarantined && !meta.gone {
		quarantineVersion, err = h.quarantine(ctx, u, meta)
		if err != nil {
			return err
		}
		if err := h.mark(ctx, item, map[string]string{AttrQuarantinedAt: timestamp(h.now()), AttrQuarantineVersion: quarantineVersion}); err != nil {
			return err
		}
		quarantined = true
		log.InfoContext(ctx, "quarantined: copied and original version deleted", "quarantineKey", h.quarantineKey(u), "quarantineVersion", quarantineVersion)
	}
	recordOnly := ""
	if !u.phi() {
		recordOnly = h.recordOnlyPrefix(u.key)
	}
	if recordOnly != "" {
		log.InfoContext(ctx, "not queued: the key is under a record-only prefix", "prefix", recordOnly)
	}
	// With the malware scan on, the object is queued when its scan finds it clean (HandleScanResult):
	// until then nobody the queue serves may read it.
	if !u.phi() && recordOnly == "" && !h.cfg.MalwareScan && !done(stored, AttrQueuedAt) && !meta.gone {
		if err := h.enqueue(ctx, u, meta, version); err != nil {
			return err
		}
		if err := h.mark(ctx, item, map[string]string{AttrQueuedAt: timestamp(h.now())}); err != nil {
			return err
		}
		log.InfoContext(ctx, "queued for processing")
	}
	if !done(stored, AttrNotifiedAt) {
		subj, text := notification(u, meta, version, recordOnly, h.cfg.MalwareScan)
		if u.phi() {
			subj, text = alert(u, meta, version, quarantined, h.quarantineKey(u), quarantineVersion)
		}
		if _, err := h.clients.SNS.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(h.cfg.TopicARN), Subject: aws.String(subj), Message: aws.String(text)}); err != nil {
			return fmt.Errorf("publish the notification: %w", err)
		}
		if err := h.mark(ctx, item, map[string]string{AttrNotifiedAt: timestamp(h.now())}); err != nil {
			return err
		}
		log.InfoContext(ctx, "notified", "alert", u.phi())
	}
	return nil
}

// enqueue sends the queue message for a clean upload; on a FIFO queue, with a deduplication id made
// from bucket, key and version.
func (h *Handler) enqueue(ctx context.Context, u *upload, m objectMeta, version string) error {
	body, err := queueMessage(u, m, version)
	if err != nil {
		return err
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(h.cfg.QueueURL), MessageBody: aws.String(body)}
	if strings.HasSuffix(h.cfg.QueueURL, ".fifo") {
		in.MessageGroupId = aws.String(u.bucket)
		in.MessageDeduplicationId = aws.String(deduplicationID(u, version))
	}
	if _, err := h.clients.SQS.SendMessage(ctx, in); err != nil {
		return fmt.Errorf("send the queue message: %w", err)
	}
	return nil
}

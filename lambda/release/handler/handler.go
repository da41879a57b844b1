package handler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/lambdaenv"
)

// Handler judges the airlock's requests and reviews and releases what two reviewers approved. It is
// safe for concurrent use once built.
type Handler struct {
	cfg     Config
	clients Clients
	log     *slog.Logger
	now     func() time.Time
	// name is the function's name, recorded as the releaser.
	name string
}

// New returns a handler; every client must be set.
func New(cfg Config, clients Clients, log *slog.Logger, name string) (*Handler, error) {
	if err := lambdaenv.CheckClients("new release handler", log,
		lambdaenv.Client{Name: "DynamoDB", Given: clients.DynamoDB != nil},
		lambdaenv.Client{Name: "S3", Given: clients.S3 != nil},
		lambdaenv.Client{Name: "SNS", Given: clients.SNS != nil}); err != nil {
		return nil, err
	}
	if name == "" {
		name = "airlock-release"
	}
	return &Handler{cfg: cfg, clients: clients, log: log, now: time.Now, name: name}, nil
}

// Handle processes a batch of the ledger's stream records, in order. The event source mapping delivers
// only records whose partition key starts with ledger.Prefix; any other record is skipped. A record whose
// processing fails (an AWS call that did not succeed) stops the batch: it and every later record are
// reported as failed (ReportBatchItemFailures, by the failed record's sequence number), so that Lambda
// retries from there and the records of a key keep their order. A record that is wrong in itself (a
// malformed item, a review that does not count) is not a failure: it is recorded and alerted, and never
// retried.
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	for i, r := range ev.Records {
		if err := h.handleRecord(ctx, r); err != nil {
			h.log.ErrorContext(ctx, "record failed; the batch is retried from it", "record", i, "sequenceNumber", r.Change.SequenceNumber, "error", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
			return resp, nil
		}
	}
	return resp, nil
}

// handleRecord dispatches one stream record by the kind of its partition key.
func (h *Handler) handleRecord(ctx context.Context, r events.DynamoDBEventRecord) error {
	object := r.Change.Keys["object"].String()
	version := r.Change.Keys["version"].String()
	log := h.log.With("eventName", r.EventName, "object", object, "version", version)
	if r.EventName != "INSERT" && r.EventName != "MODIFY" {
		log.InfoContext(ctx, "skipped: not an insert or a modification")
		return nil
	}
	image, err := fromStream(r.Change.NewImage)
	if err != nil {
		return h.alertOnly(ctx, log, "malformed stream record", fmt.Sprintf("the stream record of %s has an image that cannot be read: %v", object, err))
	}
	switch {
	case strings.HasPrefix(object, ledger.RequestPrefix):
		return h.onRequest(ctx, log, object, version, image, r.EventName == "MODIFY")
	case strings.HasPrefix(object, ledger.ReviewPrefix):
		return h.onReview(ctx, log, object, version, image)
	case strings.HasPrefix(object, ledger.RecordPrefix), object == ledger.IndexObject:
		// The function's own records: they come back through the stream and need nothing.
		return nil
	}
	log.InfoContext(ctx, "skipped: not an airlock item")
	return nil
}

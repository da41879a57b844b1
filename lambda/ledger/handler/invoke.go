package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// Invoke is the function's entry point: it tells an S3 event notification (the upload events, which
// carry "Records") from a GuardDuty scan result (an EventBridge event whose detail-type names it) and
// hands each to its handler. Anything else is an error, so that it reaches the dead-letter queue rather
// than vanish.
func (h *Handler) Invoke(ctx context.Context, payload json.RawMessage) error {
	var probe struct {
		Records    json.RawMessage `json:"Records"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return fmt.Errorf("decode the event: %w", err)
	}
	switch {
	case probe.DetailType == ScanResultDetailType && probe.Source == scanSource:
		var ev ScanResultEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return fmt.Errorf("decode the scan result: %w", err)
		}
		return h.HandleScanResult(ctx, ev)
	case len(probe.Records) > 0:
		var ev events.S3Event
		if err := json.Unmarshal(payload, &ev); err != nil {
			return fmt.Errorf("decode the S3 event: %w", err)
		}
		return h.Handle(ctx, ev)
	}
	if probe.DetailType != "" {
		return fmt.Errorf("unexpected event: source %q, detail-type %q", probe.Source, probe.DetailType)
	}
	return errors.New("unexpected event: neither an S3 event notification nor a GuardDuty scan result")
}

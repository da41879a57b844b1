package handler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// maxSubject is SNS's limit on a subject's length.
const maxSubject = 100

// subject makes an SNS subject: printable ASCII only, at most 100 characters.
func subject(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	if len(b) > maxSubject {
		return string(b[:maxSubject-3]) + "..."
	}
	return string(b)
}

// step records one step of a request's history in the ledger and publishes it. The message names the
// request, the people and the numbers, never a file's contents, and not the justification either: it
// is free text, and stays in the ledger.
func (h *Handler) step(ctx context.Context, log *slog.Logger, id string, kind ledger.EventKind, actor, subj, text string) error {
	at := h.now()
	ev := ledger.Event{Object: ledger.RecordObject(id), Version: ledger.EventVersion(at, kind), Kind: kind, At: timestamp(at), Actor: actor, Message: text}
	if _, err := h.put(ctx, ev, "", nil, nil); err != nil {
		return err
	}
	if err := h.publish(ctx, subj, text+"\n\nRequest "+id+". `sce airlock show "+id+"` prints its history."); err != nil {
		return err
	}
	log.InfoContext(ctx, "step recorded and notified", "id", id, "kind", string(kind), "actor", actor)
	return nil
}

// publish sends one notification to the topic.
func (h *Handler) publish(ctx context.Context, subj, text string) error {
	_, err := h.clients.SNS.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(h.cfg.TopicARN), Subject: aws.String(subject(subj)), Message: aws.String(text)})
	if err != nil {
		return fmt.Errorf("publish the notification: %w", err)
	}
	return nil
}

// alertOnly publishes an alert about an item that cannot be tied to a request (a malformed key): there
// is no request to record it under, so it is logged and published only.
func (h *Handler) alertOnly(ctx context.Context, log *slog.Logger, what, text string) error {
	log.WarnContext(ctx, what, "detail", text)
	return h.publish(ctx, "SCE airlock ALERT: "+what, text)
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

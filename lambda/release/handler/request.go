package handler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// onRequest records a new request: the release function's own copy of it (the request as reviewers
// decide on it and as it is released), its index entry and the notification that it awaits review. A
// request that is malformed, or whose requester attribute names another session than the one IAM put in
// its key, is refused and alerted. A change of a request already recorded is recorded and alerted, and
// changes nothing: reviews and the release use the request as first recorded.
func (h *Handler) onRequest(ctx context.Context, log *slog.Logger, object, id string, image map[string]types.AttributeValue, modified bool) error {
	userID, ok := ledger.ParseRequestObject(object)
	if !ok || !ledger.ValidRequestID(id) {
		return h.alertOnly(ctx, log, "malformed airlock request", fmt.Sprintf("An item keyed %q / %q is not an airlock request; it was ignored.", object, id))
	}
	var req ledger.Request
	if err := attributevalue.UnmarshalMap(image, &req); err != nil {
		return h.refuseRequest(ctx, log, id, object, userID, fmt.Sprintf("its attributes cannot be read: %v", err))
	}
	req.Object, req.Version = object, id
	rec, created, problem, err := h.recordRequest(ctx, req)
	if err != nil {
		return err
	}
	if problem != "" {
		return h.refuseRequest(ctx, log, id, object, req.Requester, problem)
	}
	_, indexed, err := h.index(ctx, id)
	if err != nil {
		return err
	}
	if !created && indexed {
		if modified || !ledger.SameHashes(ledger.Hashes(req.Files), rec.Files) {
			return h.step(ctx, log, id, ledger.EventRequestChanged, req.Requester, "SCE airlock ALERT: request "+id+" changed after it was recorded",
				"The requester's item of this request was changed after the release function recorded it. Nothing follows from the change: "+
					"reviews name, and a release copies, the files and hashes first recorded.")
		}
		return nil // a repeated delivery of a request already handled
	}
	if err := h.putIndex(ctx, ledger.IndexEntry{Version: id, RequestObject: object, Requester: rec.Requester, RequestedAt: rec.RequestedAt,
		Files: len(rec.Files), Flagged: rec.Flagged, Status: ledger.StatusPending}); err != nil {
		return err
	}
	return h.step(ctx, log, id, ledger.EventRequested, rec.Requester, "SCE airlock: request "+id+" awaits review", requestedText(rec, h.cfg))
}

// requestedText is the notification of a new request.
func requestedText(rec ledger.RequestRecord, cfg Config) string {
	var size int64
	for _, f := range rec.Files {
		size += f.Size
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s asks to release %d file(s), %d bytes, from the output bucket's outbox.\n", rec.Requester, len(rec.Files), size)
	fmt.Fprintf(&b, "The automated checks flagged %d finding(s).\n", rec.Flagged)
	if len(cfg.Reviewers) < cfg.Approvals {
		fmt.Fprintf(&b, "No release is possible: it needs %d approvals by distinct reviewers and sce:outputReviewers names %d.\n", cfg.Approvals, len(cfg.Reviewers))
	} else {
		fmt.Fprintf(&b, "It needs %d approvals by distinct reviewers, none of them the requester. Reviewers: %s.\n", cfg.Approvals, strings.Join(cfg.Reviewers, ", "))
	}
	return b.String()
}

// refuseRequest records and alerts a request that cannot be reviewed, and closes it in the index.
func (h *Handler) refuseRequest(ctx context.Context, log *slog.Logger, id, object, actor, problem string) error {
	if err := h.putIndex(ctx, ledger.IndexEntry{Version: id, RequestObject: object, Requester: actor, Status: ledger.StatusRefused}); err != nil {
		return err
	}
	return h.step(ctx, log, id, ledger.EventRequestRefused, actor, "SCE airlock ALERT: request "+id+" refused",
		"The request cannot be reviewed: "+problem+". Nothing will be released from it; make a new request.")
}

// recordRequest validates a request and records it, unless it is recorded already. It returns the
// record as stored, whether this call created it, and the problem that makes the request unreviewable
// (then nothing is recorded).
func (h *Handler) recordRequest(ctx context.Context, req ledger.Request) (rec ledger.RequestRecord, created bool, problem string, err error) {
	id := req.ID()
	found, err := h.get(ctx, ledger.RecordObject(id), ledger.VersionRequest, &rec)
	if err != nil || found {
		if found && rec.RequestObject != req.Object {
			return rec, false, fmt.Sprintf("request id %s was recorded for another requester's item", id), nil
		}
		return rec, false, "", err
	}
	userID, _ := ledger.ParseRequestObject(req.Object)
	if err := req.Validate(); err != nil {
		return rec, false, err.Error(), nil
	}
	if req.Bucket != h.cfg.Bucket {
		return rec, false, fmt.Sprintf("its files are said to be in bucket %q, not the output bucket", req.Bucket), nil
	}
	if msg := sameCaller(req.Requester, userID); msg != "" {
		return rec, false, msg, nil
	}
	rec = ledger.RequestRecord{
		Object: ledger.RecordObject(id), Version: ledger.VersionRequest, ID: id, RequestObject: req.Object,
		RequesterUserID: userID, Requester: req.Requester, Why: req.Why, RequestedAt: req.RequestedAt,
		RecordedAt: timestamp(h.now()), Bucket: req.Bucket, Files: req.Files, Checks: req.Checks, Flagged: req.Flagged,
		Reviewers: append([]string{}, h.cfg.Reviewers...),
	}
	created, err = h.putNew(ctx, rec)
	if err != nil || created {
		return rec, created, "", err
	}
	// Recorded meanwhile (a review processed in parallel): use what is stored.
	if _, err := h.get(ctx, ledger.RecordObject(id), ledger.VersionRequest, &rec); err != nil {
		return rec, false, "", err
	}
	return rec, false, "", nil
}

// sameCaller reports, as a problem, an STS caller ARN that is not the caller whose aws:userid IAM put in
// the key: the session names must agree (an assumed-role ARN ends with the session name, as aws:userid
// does after its colon), and a caller without a session must have no session in its ARN either.
func sameCaller(arn, userID string) string {
	session := ledger.Session(userID)
	kind, name, ok := callerParts(arn)
	switch {
	case !ok:
		return fmt.Sprintf("%q is not an STS caller ARN", arn)
	case kind == "assumed-role" && session == "":
		return fmt.Sprintf("%s is a role session but the writer's aws:userid %q has none", arn, userID)
	case kind == "assumed-role" && !strings.HasSuffix(name, "/"+session):
		return fmt.Sprintf("the caller ARN %s is not the session %q that wrote the item", arn, session)
	case kind != "assumed-role" && session != "":
		return fmt.Sprintf("the caller ARN %s is not a role session, but the item was written by session %q", arn, session)
	}
	return ""
}

// callerParts splits an STS or IAM ARN into its resource type and name: "assumed-role",
// "ROLE/SESSION"; "user", "NAME".
func callerParts(arn string) (kind, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || (parts[2] != "sts" && parts[2] != "iam") {
		return "", "", false
	}
	kind, name, ok = strings.Cut(parts[5], "/")
	return kind, name, ok && name != ""
}

// roleName returns the role name of an assumed-role ARN, or of a role ARN (its last path segment).
func roleName(arn string) string {
	kind, name, ok := callerParts(arn)
	switch {
	case !ok:
		return ""
	case kind == "assumed-role":
		role, _, _ := strings.Cut(name, "/")
		return role
	case kind == "role":
		return name[strings.LastIndex(name, "/")+1:]
	}
	return ""
}

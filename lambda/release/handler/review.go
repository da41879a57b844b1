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

// onReview judges one review. The reviewer is read from the review's key, which the table's policy let
// only that reviewer write (package ledger); nothing the review's attributes say about who wrote it is
// trusted. A review counts when its role is among the configured reviewers, it is not by the requester,
// the request is open, and it names exactly the files and hashes recorded. A review that does not count
// is recorded and alerted; one that counts is recorded as the reviewer's decision, and once enough
// distinct reviewers approved, the request is released.
func (h *Handler) onReview(ctx context.Context, log *slog.Logger, object, id string, image map[string]types.AttributeValue) error {
	role, userID, ok := ledger.ParseReviewObject(object)
	if !ok || !ledger.ValidRequestID(id) {
		return h.alertOnly(ctx, log, "malformed airlock review", fmt.Sprintf("An item keyed %q / %q is not an airlock review; it was ignored.", object, id))
	}
	var rv ledger.Review
	if err := attributevalue.UnmarshalMap(image, &rv); err != nil {
		return h.refuseReview(ctx, log, id, role, fmt.Sprintf("its attributes cannot be read: %v", err))
	}
	rv.Object, rv.Version = object, id
	if err := rv.Validate(); err != nil {
		return h.refuseReview(ctx, log, id, role, err.Error())
	}
	if !h.cfg.isReviewer(role) {
		return h.refuseReview(ctx, log, id, role, "the role "+role+" is not one of the reviewers (sce:outputReviewers)")
	}
	var req ledger.Request
	found, err := h.get(ctx, rv.RequestObject, id, &req)
	if err != nil {
		return err
	}
	if !found {
		return h.refuseReview(ctx, log, id, role, "there is no request "+id+" under "+rv.RequestObject)
	}
	req.Object, req.Version = rv.RequestObject, id
	rec, _, problem, err := h.recordRequest(ctx, req)
	if err != nil {
		return err
	}
	if problem != "" {
		return h.refuseReview(ctx, log, id, role, "the request cannot be reviewed: "+problem)
	}
	entry, _, err := h.index(ctx, id)
	if err != nil {
		return err
	}
	if entry.Status.Closed() {
		return h.refuseReview(ctx, log, id, role, fmt.Sprintf("the request is %s already", entry.Status))
	}
	if why := selfReview(rec, role, userID); why != "" {
		return h.refuseReview(ctx, log, id, role, "a requester may not review their own request ("+why+")")
	}
	if !ledger.SameHashes(rv.Files, rec.Files) {
		return h.refuseReview(ctx, log, id, role, "the review names other files or hashes than the request recorded; review it again as it stands")
	}
	d := ledger.DecisionRecord{Object: ledger.RecordObject(id), Version: ledger.DecisionVersion(role), Reviewer: role, ReviewerUserID: userID,
		ReviewerARN: rv.Reviewer, Decision: rv.Decision, Comment: rv.Comment, Files: rv.Files, ReviewedAt: rv.ReviewedAt, RecordedAt: timestamp(h.now())}
	if _, err := h.put(ctx, d, "", nil, nil); err != nil {
		return err
	}
	if rv.Decision == ledger.Reject {
		entry = indexOf(rec, ledger.StatusRejected, 0)
		if err := h.putIndex(ctx, entry); err != nil {
			return err
		}
		return h.step(ctx, log, id, ledger.EventRejected, role, "SCE airlock: request "+id+" rejected",
			fmt.Sprintf("%s (session %s) rejected the request. Nothing is released from it; the requester may make a new one.", role, ledger.Session(userID)))
	}
	approvals, err := h.approvals(ctx, rec)
	if err != nil {
		return err
	}
	if err := h.putIndex(ctx, indexOf(rec, ledger.StatusPending, len(approvals))); err != nil {
		return err
	}
	if err := h.step(ctx, log, id, ledger.EventApproved, role, "SCE airlock: request "+id+" approved by a reviewer",
		fmt.Sprintf("%s (session %s) approved the request: %d of %d approvals.", role, ledger.Session(userID), min(len(approvals), h.cfg.Approvals), h.cfg.Approvals)); err != nil {
		return err
	}
	if len(approvals) < h.cfg.Approvals {
		return nil
	}
	return h.release(ctx, log, rec, approvals)
}

// refuseReview records and alerts a review that does not count.
func (h *Handler) refuseReview(ctx context.Context, log *slog.Logger, id, role, problem string) error {
	return h.step(ctx, log, id, ledger.EventReviewRefused, role, "SCE airlock ALERT: a review of "+id+" does not count",
		"A review by "+role+" was not accepted: "+problem+".")
}

// approvals returns the accepted decisions that approve the request as recorded, one per reviewer, from
// distinct people: a decision that rejects stops them all, and two approvals by one session name (one
// person holding two reviewer roles) count once.
func (h *Handler) approvals(ctx context.Context, rec ledger.RequestRecord) ([]ledger.DecisionRecord, error) {
	items, err := h.query(ctx, ledger.RecordObject(rec.ID), ledger.DecisionPrefix)
	if err != nil {
		return nil, err
	}
	var out []ledger.DecisionRecord
	people := map[string]bool{}
	for _, item := range items {
		var d ledger.DecisionRecord
		if err := attributevalue.UnmarshalMap(item, &d); err != nil {
			return nil, fmt.Errorf("decode a decision of %s: %w", rec.ID, err)
		}
		if d.Decision == ledger.Reject {
			return nil, nil
		}
		if d.Decision != ledger.Approve || !h.cfg.isReviewer(d.Reviewer) || selfReview(rec, d.Reviewer, d.ReviewerUserID) != "" || !ledger.SameHashes(d.Files, rec.Files) {
			continue
		}
		person := strings.ToLower(ledger.Session(d.ReviewerUserID))
		if person == "" {
			person = d.ReviewerUserID
		}
		if people[person] || people[d.Reviewer] {
			continue
		}
		people[person], people[d.Reviewer] = true, true
		out = append(out, d)
	}
	return out, nil
}

// selfReview says why a review by role and userID is the requester's own, or "" when it is not: the
// same caller, the same role (its unique id, or its name in the requester's ARN), or the same session
// name, which is the person's login where sessions are named for people.
func selfReview(rec ledger.RequestRecord, role, userID string) string {
	switch {
	case userID == rec.RequesterUserID:
		return "the same caller"
	case ledger.UniqueID(userID) == ledger.UniqueID(rec.RequesterUserID):
		return "the same role"
	case roleName(role) != "" && roleName(role) == roleName(rec.Requester):
		return "the same role"
	}
	if s := ledger.Session(userID); s != "" && strings.EqualFold(s, ledger.Session(rec.RequesterUserID)) {
		return "the same session name, " + s
	}
	return ""
}

// indexOf is a request's index entry with a status.
func indexOf(rec ledger.RequestRecord, s ledger.Status, approvals int) ledger.IndexEntry {
	return ledger.IndexEntry{Version: rec.ID, RequestObject: rec.RequestObject, Requester: rec.Requester, RequestedAt: rec.RequestedAt,
		Files: len(rec.Files), Flagged: rec.Flagged, Status: s, Approvals: approvals}
}

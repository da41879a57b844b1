package handler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// verified is an outbox object version whose SHA-256 was recomputed.
type verified struct {
	file    ledger.File
	version string
	size    int64
}

// release copies an approved request's files to released/<id>/ and writes the release record next to
// them. It first claims the release (a conditional write, so that two approvals processed at once do
// not both release), then recomputes the SHA-256 of the current version of every file in the outbox:
// if any differs from the hash recorded and approved, or is missing, nothing is released and the
// release is refused. Only then is each verified version copied, by its version id: a version's bytes
// never change, so what is copied is what was hashed.
func (h *Handler) release(ctx context.Context, log *slog.Logger, rec ledger.RequestRecord, approvals []ledger.DecisionRecord) error {
	id := rec.ID
	rel := ledger.ReleaseRecord{Object: ledger.RecordObject(id), Version: ledger.VersionRelease, Status: ledger.StatusReleasing, StartedAt: timestamp(h.now())}
	claimed, err := h.putNew(ctx, rel)
	if err != nil {
		return err
	}
	if !claimed {
		var existing ledger.ReleaseRecord
		if _, err := h.get(ctx, rel.Object, rel.Version, &existing); err != nil {
			return err
		}
		if existing.Status != ledger.StatusReleasing {
			log.InfoContext(ctx, "the release is done already", "id", id, "status", string(existing.Status))
			return nil
		}
		rel = existing // an earlier attempt stopped half-way: finish it
	}
	if err := h.putIndex(ctx, indexOf(rec, ledger.StatusReleasing, len(approvals))); err != nil {
		return err
	}
	var files []verified
	for _, f := range rec.Files {
		v, problem, err := h.verify(ctx, f)
		if err != nil {
			return err
		}
		if problem != "" {
			return h.refuseRelease(ctx, log, rec, rel, len(approvals), problem)
		}
		files = append(files, v)
	}
	released := make([]ledger.ReleasedFile, 0, len(files))
	for _, v := range files {
		out, err := h.clients.S3.CopyObject(ctx, &s3.CopyObjectInput{
			Bucket:               aws.String(h.cfg.Bucket),
			Key:                  aws.String(ledger.ReleasedKey(id, v.file.Name)),
			CopySource:           aws.String(copySource(h.cfg.Bucket, v.file.Key, v.version)),
			ServerSideEncryption: s3types.ServerSideEncryptionAwsKms,
			SSEKMSKeyId:          aws.String(h.cfg.KMSKeyARN),
			TaggingDirective:     s3types.TaggingDirectiveReplace,
		})
		if err != nil {
			return fmt.Errorf("copy %s to released/: %w", v.file.Key, err)
		}
		released = append(released, ledger.ReleasedFile{Name: v.file.Name, SHA256: v.file.SHA256, Size: v.size, SourceKey: v.file.Key,
			SourceVersionID: v.version, Key: ledger.ReleasedKey(id, v.file.Name), VersionID: aws.ToString(out.VersionId)})
	}
	now := timestamp(h.now())
	doc, err := releaseDocument(rec, approvals, released, now, h.name)
	if err != nil {
		return err
	}
	if _, err := h.clients.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(h.cfg.Bucket), Key: aws.String(ledger.ReleaseRecordKey(id)), Body: bytes.NewReader(doc),
		ContentType: aws.String("application/json"), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(h.cfg.KMSKeyARN),
	}); err != nil {
		return fmt.Errorf("write the release record: %w", err)
	}
	rel.Status, rel.FinishedAt, rel.Files, rel.RecordKey = ledger.StatusReleased, now, released, ledger.ReleaseRecordKey(id)
	finished, err := h.put(ctx, rel, "#s = :releasing", map[string]string{"#s": "status"},
		map[string]types.AttributeValue{":releasing": str(string(ledger.StatusReleasing))})
	if err != nil || !finished {
		return err // finished by a parallel invocation, which notifies
	}
	if err := h.putIndex(ctx, indexOf(rec, ledger.StatusReleased, len(approvals))); err != nil {
		return err
	}
	var names []string
	for _, a := range approvals {
		names = append(names, a.Reviewer)
	}
	return h.step(ctx, log, id, ledger.EventReleased, h.name, "SCE airlock: request "+id+" released",
		fmt.Sprintf("%d file(s) were released to s3://%s/%s%s/ with the release record %s, approved by %s. Every hash was recomputed before the copy.",
			len(released), h.cfg.Bucket, ledger.ReleasedPrefix, id, ledger.ReleaseRecordName, strings.Join(names, " and ")))
}

// verify recomputes the SHA-256 of the current version of a request's file in the outbox. problem is set
// when the file cannot be released: missing, of another size, or with another hash.
func (h *Handler) verify(ctx context.Context, f ledger.File) (v verified, problem string, err error) {
	out, err := h.clients.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(h.cfg.Bucket), Key: aws.String(f.Key)})
	if isNotFound(err) {
		return v, fmt.Sprintf("%s is no longer in the outbox", f.Name), nil
	}
	if err != nil {
		return v, "", fmt.Errorf("read %s: %w", f.Key, err)
	}
	defer func() { _ = out.Body.Close() }()
	sum := sha256.New()
	n, err := io.Copy(sum, out.Body)
	if err != nil {
		return v, "", fmt.Errorf("read %s: %w", f.Key, err)
	}
	got := hex.EncodeToString(sum.Sum(nil))
	switch {
	case n > ledger.MaxFileSize:
		return v, fmt.Sprintf("%s is %d bytes now, more than one copy takes", f.Name, n), nil
	case got != f.SHA256:
		return v, fmt.Sprintf("%s changed after it was requested and approved: its SHA-256 is %s now, %s was approved", f.Name, got, f.SHA256), nil
	case n != f.Size:
		return v, fmt.Sprintf("%s is %d bytes, %d were requested", f.Name, n, f.Size), nil
	}
	return verified{file: f, version: aws.ToString(out.VersionId), size: n}, "", nil
}

// refuseRelease closes a release that cannot happen: nothing was copied.
func (h *Handler) refuseRelease(ctx context.Context, log *slog.Logger, rec ledger.RequestRecord, rel ledger.ReleaseRecord, approvals int, problem string) error {
	rel.Status, rel.FinishedAt, rel.Reason = ledger.StatusRefused, timestamp(h.now()), problem
	if _, err := h.put(ctx, rel, "", nil, nil); err != nil {
		return err
	}
	if err := h.putIndex(ctx, indexOf(rec, ledger.StatusRefused, approvals)); err != nil {
		return err
	}
	return h.step(ctx, log, rec.ID, ledger.EventReleaseRefused, h.name, "SCE airlock ALERT: release of "+rec.ID+" refused",
		"The request had its approvals, but nothing was released: "+problem+". Make a new request with the files as they are now.")
}

// releaseDocument is the release record written next to the released files.
func releaseDocument(rec ledger.RequestRecord, approvals []ledger.DecisionRecord, files []ledger.ReleasedFile, at, by string) ([]byte, error) {
	checks := json.RawMessage(rec.Checks)
	if !json.Valid(checks) {
		quoted, err := json.Marshal(rec.Checks)
		if err != nil {
			return nil, fmt.Errorf("encode the checks: %w", err)
		}
		checks = quoted
	}
	doc := ledger.ReleaseDocument{Schema: ledger.ReleaseSchema, RequestID: rec.ID, Requester: rec.Requester, RequesterID: rec.RequesterUserID,
		Why: rec.Why, RequestedAt: rec.RequestedAt, Checks: checks, Flagged: rec.Flagged, Files: files, ReleasedAt: at, ReleasedBy: by}
	for _, a := range approvals {
		doc.Reviewers = append(doc.Reviewers, ledger.ReviewerEntry{Role: a.Reviewer, UserID: a.ReviewerUserID, ARN: a.ReviewerARN, ReviewedAt: a.ReviewedAt, Comment: a.Comment})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode the release record: %w", err)
	}
	return b, nil
}

// copySource names an object version for CopyObject: bucket/escaped-key?versionId=....
func copySource(bucket, key, version string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	src := bucket + "/" + strings.Join(parts, "/")
	if version != "" {
		src += "?versionId=" + url.QueryEscape(version)
	}
	return src
}

// isNotFound reports whether err says the object does not exist.
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	var noSuchKey *s3types.NoSuchKey
	var notFound *s3types.NotFound
	if errors.As(err, &noSuchKey) || errors.As(err, &notFound) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "NoSuchKey" || api.ErrorCode() == "NotFound")
}

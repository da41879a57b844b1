package egress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sce-project/sce/internal/airlock"
	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/phi"
	"github.com/sce-project/sce/internal/upload"
)

// RequestInput is what `sce airlock request` was given.
type RequestInput struct {
	// Files are the files to release, by path; each keeps its base name.
	Files []string
	// Why is the justification.
	Why string
	// Checks are the options of the automated checks, as for `sce airlock check`.
	Checks airlock.Options
	// Now is the request's time; Random its id's randomness (nil: crypto/rand).
	Now    time.Time
	Random io.Reader
	// Progress receives the upload's progress bar; nil draws none.
	Progress io.Writer
}

// Submitted is what a request did.
type Submitted struct {
	Request ledger.Request
	Report  airlock.Report
	Uploads []*upload.Result
}

// Submit makes an egress request: it runs the automated checks, uploads the files into
// outbox/<id>/ with SSE-KMS and the project key, verified by their SHA-256 (internal/upload), and records
// the request, with the check report and each file's SHA-256 and size, under the caller's own key. A
// file name that looks like PHI refuses the whole request before anything is uploaded (the name becomes
// an object key and is shown to reviewers); findings inside the files do not: they are the reviewers' to
// judge, and recorded with the request.
func (c *Client) Submit(ctx context.Context, in RequestInput) (Submitted, error) {
	var out Submitted
	if c.s3 == nil {
		return out, errors.New("airlock request: no S3 client")
	}
	if strings.TrimSpace(in.Why) == "" {
		return out, errors.New("say why these results should leave (--why TEXT): the reviewers read it, and it is kept with the request")
	}
	if n := utf8.RuneCountInString(in.Why); n > ledger.MaxWhy {
		return out, fmt.Errorf("--why has %d characters; at most %d", n, ledger.MaxWhy)
	}
	if len(in.Files) > ledger.MaxFiles {
		return out, fmt.Errorf("%d files; at most %d a request", len(in.Files), ledger.MaxFiles)
	}
	for _, f := range in.Files {
		if name := filepath.Base(f); !ledger.ValidFileName(name) {
			return out, fmt.Errorf("%s: a released file is named with letters, digits, spaces and ._+=@,()- only, at most 255 characters, and not %s: rename it", f, ledger.ReleaseRecordName)
		}
	}
	who, err := c.WhoAmI(ctx)
	if err != nil {
		return out, err
	}
	if _, ok := ledger.ParseRequestObject(ledger.RequestObject(who.UserID)); !ok {
		return out, fmt.Errorf("STS reports your user id as %q, which is not one the airlock can key a request by", who.UserID)
	}
	rep, err := airlock.CheckFiles(in.Files, in.Checks)
	if err != nil {
		return out, err
	}
	checks, err := compactReport(rep)
	if err != nil {
		return out, err
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	id, err := ledger.NewRequestID(now, in.Random)
	if err != nil {
		return out, err
	}
	// The names are checked for PHI as upload keys are, without the outbox prefix: the request id is a
	// timestamp, whose digits are no one's record number.
	target := upload.Target{Bucket: c.target.Bucket, KMSKeyARN: c.target.KMSKeyARN}
	items, err := upload.Prepare(in.Files, target, phi.New(in.Checks.Names))
	if err != nil {
		return out, fmt.Errorf("nothing was uploaded or requested: %w", err)
	}
	for i, it := range items {
		if it.Size > ledger.MaxFileSize {
			return out, fmt.Errorf("file argument %d is %d bytes; a released file is at most %d (5 GiB), what one S3 copy takes: split it", it.Arg, it.Size, int64(ledger.MaxFileSize))
		}
		items[i].Key = ledger.OutboxKey(id, filepath.Base(it.Path))
	}
	u, err := upload.New(c.s3, target, upload.Options{Progress: in.Progress})
	if err != nil {
		return out, err
	}
	req := ledger.Request{Object: ledger.RequestObject(who.UserID), Version: id, Requester: who.ARN, Why: in.Why,
		RequestedAt: now.UTC().Format(time.RFC3339), Bucket: c.target.Bucket, Checks: checks}
	for _, f := range rep.Findings {
		if f.Level == airlock.Flagged {
			req.Flagged++
		}
	}
	if err := u.UploadAll(ctx, items, func(r *upload.Result) {
		out.Uploads = append(out.Uploads, r)
		req.Files = append(req.Files, ledger.File{Name: filepath.Base(r.Key), Key: r.Key, SHA256: r.SHA256, Size: r.Size, VersionID: r.VersionID})
	}); err != nil {
		return out, fmt.Errorf("the request was not recorded (%d of %d files uploaded to the outbox, where nobody outside can read them): %w", len(out.Uploads), len(items), err)
	}
	if err := req.Validate(); err != nil {
		return out, fmt.Errorf("the request would be refused: %w", err)
	}
	if err := c.put(ctx, req, true); err != nil {
		return out, fmt.Errorf("record request %s: %w", id, err)
	}
	out.Request, out.Report = req, rep
	return out, nil
}

// compactReport encodes the report as the request records it: whole when it fits in ledger.MaxChecks,
// else with the flagged findings first and as many as fit, the rest counted. The reviewers can run the
// checks again on the fetched files for the whole list.
func compactReport(rep airlock.Report) (string, error) {
	b, err := json.Marshal(rep)
	if err != nil {
		return "", fmt.Errorf("encode the checks' report: %w", err)
	}
	if len(b) <= ledger.MaxChecks {
		return string(b), nil
	}
	findings := append([]airlock.Finding(nil), rep.Findings...)
	sort.SliceStable(findings, func(i, j int) bool {
		return findings[i].Level == airlock.Flagged && findings[j].Level != airlock.Flagged
	})
	lo, hi := 0, len(findings)
	best := ""
	for lo <= hi { // the most findings that fit
		mid := (lo + hi) / 2
		cut := airlock.Recorded{Report: rep, Omitted: len(findings) - mid}
		cut.Findings = findings[:mid]
		b, err := json.Marshal(cut)
		if err != nil {
			return "", fmt.Errorf("encode the checks' report: %w", err)
		}
		if len(b) <= ledger.MaxChecks {
			best, lo = string(b), mid+1
		} else {
			hi = mid - 1
		}
	}
	if best == "" {
		return "", errors.New("the checks' report does not fit in the request even without findings: request fewer files")
	}
	return best, nil
}

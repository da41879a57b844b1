package ledger

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Object prefixes of the output bucket.
const (
	// OutboxPrefix holds the files of each request, under OutboxPrefix + id + "/": written from the
	// workstation, readable only through the project's S3 endpoint.
	OutboxPrefix = "outbox/"
	// ReleasedPrefix holds each released request, under ReleasedPrefix + id + "/": written by the release
	// function only, and the one prefix of the bucket readable from outside the VPC.
	ReleasedPrefix = "released/"
	// ReleaseRecordName is the machine-readable release record written next to the released files.
	ReleaseRecordName = "release-record.json"
)

// Limits of a request.
const (
	// MaxFiles is the most files one request may hold.
	MaxFiles = 100
	// MaxFileSize is the largest file: what one S3 CopyObject copies (5 GiB), which is how the release
	// function copies an approved version.
	MaxFileSize = 5 << 30
	// MaxWhy is the longest justification, in characters.
	MaxWhy = 4000
	// MaxComment is the longest comment of a review, in characters.
	MaxComment = 2000
	// MaxChecks is the largest checks report kept in the request item, in bytes: DynamoDB's item limit is
	// 400 KB, name and values included (DynamoDB Developer Guide, "Quotas": item size).
	MaxChecks = 256 << 10
)

// OutboxKey is the object key of a request's file in the outbox.
func OutboxKey(id, name string) string { return OutboxPrefix + id + "/" + name }

// ReleasedKey is the object key of a released file.
func ReleasedKey(id, name string) string { return ReleasedPrefix + id + "/" + name }

// ReleaseRecordKey is the object key of a release's record.
func ReleaseRecordKey(id string) string { return ReleasedKey(id, ReleaseRecordName) }

// Decision is what a reviewer decides.
type Decision string

// Decisions.
const (
	Approve Decision = "approve"
	Reject  Decision = "reject"
)

// Status is where a request stands.
type Status string

// Statuses.
const (
	// StatusPending: recorded, waiting for reviews.
	StatusPending Status = "pending"
	// StatusRejected: a reviewer rejected it; nothing is released.
	StatusRejected Status = "rejected"
	// StatusReleasing: two approvals were recorded and the files are being copied.
	StatusReleasing Status = "releasing"
	// StatusReleased: the files and the release record are under released/<id>/.
	StatusReleased Status = "released"
	// StatusRefused: a release was refused when it was tried (a file changed after approval, or is
	// missing); nothing is released, and a new request is needed.
	StatusRefused Status = "refused"
)

// Closed reports whether no review can change the request any more.
func (s Status) Closed() bool {
	return s == StatusRejected || s == StatusReleased || s == StatusRefused
}

// EventKind names a step of a request's history.
type EventKind string

// Event kinds.
const (
	EventRequested      EventKind = "requested"
	EventApproved       EventKind = "approved"
	EventRejected       EventKind = "rejected"
	EventReviewRefused  EventKind = "review-refused"
	EventRequestRefused EventKind = "request-refused"
	EventRequestChanged EventKind = "request-changed"
	EventReleased       EventKind = "released"
	EventReleaseRefused EventKind = "release-refused"
)

// File is one file of a request: its name under outbox/<id>/, its SHA-256 (hexadecimal) and size.
type File struct {
	Name      string `dynamodbav:"name" json:"name"`
	Key       string `dynamodbav:"key" json:"key"`
	SHA256    string `dynamodbav:"sha256" json:"sha256"`
	Size      int64  `dynamodbav:"size" json:"size"`
	VersionID string `dynamodbav:"versionId,omitempty" json:"versionId,omitempty"`
}

// Request is the item a requester writes: keyed RequestObject(aws:userid), id.
type Request struct {
	Object  string `dynamodbav:"object"`
	Version string `dynamodbav:"version"`
	// Requester is the caller's ARN as STS reports it (GetCallerIdentity): for a role session
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. Its session must be the key's.
	Requester string `dynamodbav:"requester"`
	// Why is the justification.
	Why string `dynamodbav:"why"`
	// RequestedAt is when the request was made (RFC 3339, UTC).
	RequestedAt string `dynamodbav:"requestedAt"`
	// Bucket is the output bucket the files are in.
	Bucket string `dynamodbav:"bucket"`
	// Files are the files, each under OutboxKey(id, name).
	Files []File `dynamodbav:"files"`
	// Checks is the automated checks' report (internal/airlock.Report, JSON).
	Checks string `dynamodbav:"checks"`
	// Flagged is the number of findings that the checks flagged.
	Flagged int `dynamodbav:"flagged"`
}

// ID is the request's id: its sort key.
func (r Request) ID() string { return r.Version }

// fileName is what a file of a request may be called: a plain name, no folder, and none of the names
// the release record or the shell treat specially.
var fileName = regexp.MustCompile(`^[A-Za-z0-9._+=@,-][A-Za-z0-9 ._+=@,()-]{0,254}$`)

// sha256Hex is a hexadecimal SHA-256.
var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate checks a request as the release function and the CLI both must: the key, the id, the files
// (names, hashes, sizes, keys), the justification and the report's size. Every problem is listed.
func (r Request) Validate() error {
	var errs []error
	if _, ok := ParseRequestObject(r.Object); !ok {
		errs = append(errs, fmt.Errorf("partition key %q is not %s<aws:userid>", r.Object, RequestPrefix))
	}
	if !ValidRequestID(r.Version) {
		errs = append(errs, fmt.Errorf("request id %q is not of the form 20060102T150405Z-0a1b2c3d", r.Version))
	}
	if strings.TrimSpace(r.Why) == "" {
		errs = append(errs, errors.New("no justification (--why)"))
	} else if n := utf8.RuneCountInString(r.Why); n > MaxWhy {
		errs = append(errs, fmt.Errorf("the justification has %d characters; at most %d", n, MaxWhy))
	}
	if r.Requester == "" {
		errs = append(errs, errors.New("no requester"))
	}
	if len(r.Checks) > MaxChecks {
		errs = append(errs, fmt.Errorf("the checks report has %d bytes; at most %d", len(r.Checks), MaxChecks))
	}
	errs = append(errs, validateFiles(r.Version, r.Files)...)
	return errors.Join(errs...)
}

// validateFiles checks the files of request id.
func validateFiles(id string, files []File) []error {
	var errs []error
	switch {
	case len(files) == 0:
		errs = append(errs, errors.New("no files"))
	case len(files) > MaxFiles:
		errs = append(errs, fmt.Errorf("%d files; at most %d a request", len(files), MaxFiles))
	}
	seen := map[string]bool{}
	for i, f := range files {
		where := fmt.Sprintf("file %d", i+1)
		if !ValidFileName(f.Name) {
			errs = append(errs, fmt.Errorf("%s: name %q: letters, digits, spaces and ._+=@,()- only, no folder, at most 255 characters, not %s", where, f.Name, ReleaseRecordName))
		}
		if seen[f.Name] {
			errs = append(errs, fmt.Errorf("%s: name %q appears twice", where, f.Name))
		}
		seen[f.Name] = true
		if f.Key != OutboxKey(id, f.Name) {
			errs = append(errs, fmt.Errorf("%s: key %q is not %s", where, f.Key, OutboxKey(id, f.Name)))
		}
		if !sha256Hex.MatchString(f.SHA256) {
			errs = append(errs, fmt.Errorf("%s: sha256 %q is not 64 lower-case hexadecimal digits", where, f.SHA256))
		}
		if f.Size < 0 || f.Size > MaxFileSize {
			errs = append(errs, fmt.Errorf("%s: size %d: at most %d bytes (5 GiB), what one S3 copy takes", where, f.Size, int64(MaxFileSize)))
		}
	}
	return errs
}

// ValidFileName reports whether name may be a file of a request.
func ValidFileName(name string) bool {
	return fileName.MatchString(name) && name != ReleaseRecordName && name != "." && name != ".." && utf8.ValidString(name)
}

// Hash is a file's name and SHA-256, as a reviewer saw them.
type Hash struct {
	Name   string `dynamodbav:"name" json:"name"`
	SHA256 string `dynamodbav:"sha256" json:"sha256"`
}

// Hashes returns the names and hashes of files, sorted by name.
func Hashes(files []File) []Hash {
	out := make([]Hash, len(files))
	for i, f := range files {
		out[i] = Hash{Name: f.Name, SHA256: f.SHA256}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SameHashes reports whether a review names exactly the files and hashes of a request.
func SameHashes(review []Hash, files []File) bool {
	want := Hashes(files)
	got := append([]Hash(nil), review...)
	sort.Slice(got, func(i, j int) bool { return got[i].Name < got[j].Name })
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// Review is the item a reviewer writes: keyed ReviewObject(aws:PrincipalArn, aws:userid), request id.
type Review struct {
	Object  string `dynamodbav:"object"`
	Version string `dynamodbav:"version"`
	// RequestObject is the partition key of the request decided.
	RequestObject string `dynamodbav:"requestObject"`
	// Decision is approve or reject.
	Decision Decision `dynamodbav:"decision"`
	// Comment is the reviewer's reason (required to reject).
	Comment string `dynamodbav:"comment,omitempty"`
	// Files are the names and hashes the reviewer decided on: a decision holds only for them.
	Files []Hash `dynamodbav:"files"`
	// Reviewer is the caller's ARN as STS reports it.
	Reviewer string `dynamodbav:"reviewer"`
	// ReviewedAt is when the decision was made (RFC 3339, UTC).
	ReviewedAt string `dynamodbav:"reviewedAt"`
}

// Validate checks a review's form; whether it counts is the release function's to judge.
func (r Review) Validate() error {
	var errs []error
	if _, _, ok := ParseReviewObject(r.Object); !ok {
		errs = append(errs, fmt.Errorf("partition key %q is not %s<role ARN>#<aws:userid>", r.Object, ReviewPrefix))
	}
	if !ValidRequestID(r.Version) {
		errs = append(errs, fmt.Errorf("request id %q is not of the form 20060102T150405Z-0a1b2c3d", r.Version))
	}
	if _, ok := ParseRequestObject(r.RequestObject); !ok {
		errs = append(errs, fmt.Errorf("request key %q is not %s<aws:userid>", r.RequestObject, RequestPrefix))
	}
	switch r.Decision {
	case Approve:
	case Reject:
		if strings.TrimSpace(r.Comment) == "" {
			errs = append(errs, errors.New("a rejection needs a reason (--reason)"))
		}
	default:
		errs = append(errs, fmt.Errorf("decision %q: accepted are %s and %s", r.Decision, Approve, Reject))
	}
	if n := utf8.RuneCountInString(r.Comment); n > MaxComment {
		errs = append(errs, fmt.Errorf("the comment has %d characters; at most %d", n, MaxComment))
	}
	if len(r.Files) == 0 {
		errs = append(errs, errors.New("the review names no files"))
	}
	return errors.Join(errs...)
}

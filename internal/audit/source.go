package audit

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is what reading a trail from S3 needs of an S3 client.
type S3API interface {
	s3.ListObjectsV2APIClient
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Trail says where the log files are: a local directory (or file) or an S3 location.
type Trail struct {
	Dir    string
	Bucket string
	Prefix string
}

// ParseTrail reads --trail: a path, or s3://bucket/prefix.
func ParseTrail(s string) (Trail, error) {
	if s == "" {
		return Trail{}, errors.New("--trail is required: a directory of CloudTrail log files or s3://BUCKET/PREFIX")
	}
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return Trail{Dir: s}, nil
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Trail{}, fmt.Errorf("--trail %q: no bucket after s3://", s)
	}
	return Trail{Bucket: bucket, Prefix: prefix}, nil
}

// String writes the trail as given.
func (t Trail) String() string {
	if t.Bucket != "" {
		return "s3://" + t.Bucket + "/" + t.Prefix
	}
	return t.Dir
}

// fileTimeRE finds the time in a CloudTrail log file name:
// <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<unique>.json.gz.
var fileTimeRE = regexp.MustCompile(`_CloudTrail_[a-z0-9-]+_(\d{8}T\d{4}Z)_`)

// deliveryMargin is how long after an event its log file may still be written. CloudTrail delivers
// within minutes on average; a day is generous.
const deliveryMargin = 24 * time.Hour

// isLogFile reports whether a path (a file under a trail directory, or a key under a trail prefix) is a
// CloudTrail log file: a .json or .json.gz file, not a digest, with CloudTrail's name
// (<account>_CloudTrail_<region>_<time>_<unique>) or in CloudTrail's layout (under a CloudTrail/ folder).
// Other JSON files (a directory such as /etc holds some) are not log files, and a trail of none is refused.
func isLogFile(name string) bool {
	if isDigest(name) || (!strings.HasSuffix(name, ".json.gz") && !strings.HasSuffix(name, ".json")) {
		return false
	}
	slashed := filepath.ToSlash(name)
	return fileTimeRE.MatchString(path.Base(slashed)) || strings.HasPrefix(slashed, "CloudTrail/") || strings.Contains(slashed, "/CloudTrail/")
}

// isDigest reports whether a path is a CloudTrail digest file.
func isDigest(name string) bool {
	return strings.Contains(path.Base(filepath.ToSlash(name)), "_CloudTrail-Digest_")
}

// digestTimeRE finds the end of the hour a digest file covers:
// <account>_CloudTrail-Digest_<region>_<trail>_<region>_<yyyymmddThhmmssZ>[_backfill].json.gz.
var digestTimeRE = regexp.MustCompile(`_(\d{8}T\d{6}Z)(_backfill)?\.json(\.gz)?$`)

// digestCovers reports whether a digest file covers part of the window. CloudTrail writes one digest an
// hour, naming the log files delivered in that hour, even when there were none: a digest of the window
// proves the trail was logging then, so a window without log files is quiet, not a gap.
func (w Window) digestCovers(name string) bool {
	if !isDigest(name) {
		return false
	}
	m := digestTimeRE.FindStringSubmatch(path.Base(filepath.ToSlash(name)))
	if m == nil {
		return false
	}
	end, err := time.Parse("20060102T150405Z", m[1])
	if err != nil {
		return false
	}
	return (w.From.IsZero() || end.After(w.From)) && (w.To.IsZero() || end.Add(-time.Hour).Before(w.To))
}

// mayHold reports whether a log file may hold events of the window, judged by the time in its name (the
// time it was written: its events are older). Files without a time in their name are always read.
func (w Window) mayHold(name string) bool {
	m := fileTimeRE.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return true
	}
	written, err := time.Parse("20060102T1504Z", m[1])
	if err != nil {
		return true
	}
	// The name gives the minute: the file was written before the next one, and its events before that.
	if !w.From.IsZero() && !written.Add(time.Minute).After(w.From) {
		return false
	}
	if !w.To.IsZero() && written.After(w.To.Add(deliveryMargin)) {
		return false
	}
	return true
}

// decode returns the records of a log file, gzip-compressed or not.
func decode(data []byte) ([]Record, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		data = plain
	}
	records, err := parseLog(data)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return records, nil
}

// visitFunc receives the records of one log file. It may be called from several goroutines at once.
type visitFunc func(name string, records []Record)

// scan is what reading a trail found, besides the records.
type scan struct {
	// files is the number of log files read; problems the log files that could not be read.
	files    int
	problems []string
	// digests counts the digest files covering part of the window.
	digests int
	// anyLog is whether the trail holds a log file at all, in the window or not (when known: a windowed
	// S3 listing learns it only when it finds none, by one more listing).
	anyLog bool
}

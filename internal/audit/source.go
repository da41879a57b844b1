package audit

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// LogFile is one CloudTrail log file as read: where it was, the SHA-256 and size of its bytes as stored
// (compressed, when the file is), and its records. `sha256sum` of the downloaded file gives the same digest.
type LogFile struct {
	Name    string
	SHA256  string
	Size    int64
	Records []Record
}

// FileError is a log file that could not be read or parsed. SHA256 is empty when its bytes could not be
// read at all.
type FileError struct {
	Name   string
	SHA256 string
	Size   int64
	Err    error
}

func (e FileError) Error() string { return e.Name + ": " + e.Err.Error() }

// logFileOf decodes the bytes of one log file.
func logFileOf(name string, data []byte) (LogFile, *FileError) {
	sum := sha256.Sum256(data)
	f := LogFile{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	records, err := decode(data)
	if err != nil {
		return f, &FileError{Name: name, SHA256: f.SHA256, Size: f.Size, Err: err}
	}
	f.Records = records
	return f, nil
}

// visitFunc receives one log file. Reading runs concurrently, but visit is called under a lock, one file at
// a time.
type visitFunc func(f LogFile)

// scan is what reading a trail found, besides the records.
type scan struct {
	// files is the number of log files read; problems the log files that could not be read.
	files    int
	problems []string
	// bad holds the same files as problems, with their digests when their bytes could be read.
	bad []FileError
	// digests counts the digest files covering part of the window.
	digests int
	// anyLog is whether the trail holds a log file at all, in the window or not (when known: a windowed
	// S3 listing learns it only when it finds none, by one more listing).
	anyLog bool
}

// problem records a log file that could not be read or parsed.
func (sc *scan) problem(e FileError) {
	sc.problems = append(sc.problems, e.Error())
	sc.bad = append(sc.bad, e)
}

// Read reads every log file of the trail that may hold events of the window (a directory, or S3 through
// client, listing only the window's days and fetching DefaultConcurrency files at a time) and hands each
// to visit. A file that cannot be read or parsed is returned among the file errors and skipped; err is for
// a trail that cannot be listed at all. It leaves judging an empty trail to its caller.
func Read(ctx context.Context, t Trail, client S3API, w Window, visit func(LogFile)) (files int, bad []FileError, err error) {
	var sc scan
	if t.Bucket != "" {
		if client == nil {
			return 0, nil, errors.New("an S3 trail needs an S3 client")
		}
		sc, err = readS3(ctx, s3Trail{client: client, bucket: t.Bucket, prefix: t.Prefix, window: w, now: time.Now(),
			limit: DefaultConcurrency, progress: newProgress(nil)}, visit)
	} else {
		sc, err = readDir(t.Dir, w, visit)
	}
	return sc.files, sc.bad, err
}

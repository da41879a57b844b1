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
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// isLogFile reports whether a name is a CloudTrail log file (not a digest, not something else).
func isLogFile(name string) bool {
	if strings.Contains(name, "CloudTrail-Digest") {
		return false
	}
	return strings.HasSuffix(name, ".json.gz") || strings.HasSuffix(name, ".json")
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
	if !w.From.IsZero() && written.Add(time.Minute).Before(w.From) {
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

// visitFunc receives one log file.
type visitFunc func(f LogFile)

// Read reads every log file of the trail that may hold events of the window (a directory, or S3
// through client), in name order, and hands each to visit. A file that cannot be read or parsed is
// returned among the file errors and skipped; err is for a trail that cannot be listed at all.
func Read(ctx context.Context, t Trail, client S3API, w Window, visit func(LogFile)) (files int, bad []FileError, err error) {
	if t.Bucket != "" {
		if client == nil {
			return 0, nil, errors.New("an S3 trail needs an S3 client")
		}
		return readS3(ctx, client, t, w, visit)
	}
	return readDir(t.Dir, w, visit)
}

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

// readDir reads every log file under root (or root itself, if it is a file), in name order. A file that
// cannot be read or parsed is reported among the file errors and skipped.
func readDir(root string, w Window, visit visitFunc) (files int, bad []FileError, err error) {
	st, err := os.Stat(root)
	if err != nil {
		return 0, nil, fmt.Errorf("read trail: %w", err)
	}
	var paths []string
	if st.Mode().IsRegular() {
		paths = []string{root}
	} else {
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && isLogFile(path) && w.mayHold(path) {
				paths = append(paths, path)
			}
			return nil
		})
		if err != nil {
			return 0, nil, fmt.Errorf("read trail %s: %w", root, err)
		}
	}
	slices.Sort(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			bad = append(bad, FileError{Name: p, Err: err})
			continue
		}
		f, ferr := logFileOf(p, data)
		if ferr != nil {
			bad = append(bad, *ferr)
			continue
		}
		files++
		visit(f)
	}
	return files, bad, nil
}

// readS3 reads every log file under s3://bucket/prefix, in key order.
func readS3(ctx context.Context, client S3API, t Trail, w Window, visit visitFunc) (files int, bad []FileError, err error) {
	var keys []string
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(t.Bucket), Prefix: aws.String(t.Prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, nil, fmt.Errorf("list %s: %w", t, err)
		}
		for _, o := range page.Contents {
			if k := aws.ToString(o.Key); isLogFile(k) && w.mayHold(k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		name := "s3://" + t.Bucket + "/" + k
		data, err := getObject(ctx, client, t.Bucket, k)
		if err != nil {
			bad = append(bad, FileError{Name: name, Err: err})
			continue
		}
		f, ferr := logFileOf(name, data)
		if ferr != nil {
			bad = append(bad, *ferr)
			continue
		}
		files++
		visit(f)
	}
	return files, bad, nil
}

func getObject(ctx context.Context, client S3API, bucket, key string) ([]byte, error) {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

package audit

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"
)

// DefaultConcurrency is how many S3 requests (listings, then GetObjects) a report has in flight at once.
// CloudTrail's files are small (a few KiB to a few MiB), so the time goes into round trips: 16 keep a
// link busy without approaching S3's per-prefix rate (5,500 GETs a second).
const DefaultConcurrency = 16

// s3Trail reads a trail in S3.
type s3Trail struct {
	client   S3API
	bucket   string
	prefix   string
	window   Window
	now      time.Time
	limit    int
	progress *progress
}

// readS3 reads every log file of the window under s3://bucket/prefix. With a window that has a start, it
// lists only the days the window's files can be in: CloudTrail writes each file under
// AWSLogs/[<org>/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/ for the UTC day it writes it, and a
// file holds events up to deliveryMargin older than its name's time. Without a start, or when the prefix
// is not laid out as CloudTrail lays it out, it lists the whole prefix. Listings and downloads run
// concurrently, at most limit at a time.
func readS3(ctx context.Context, t s3Trail, visit visitFunc) (scan, error) {
	var sc scan
	keys, err := t.logKeys(ctx)
	if err != nil {
		return sc, err
	}
	sc.anyLog = len(keys) > 0
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(t.limit)
	t.progress.start(len(keys))
	for _, k := range keys {
		g.Go(func() error {
			name := "s3://" + t.bucket + "/" + k
			f, bad := getLogFile(gctx, t.client, t.bucket, k, name)
			if gctx.Err() != nil {
				return gctx.Err()
			}
			mu.Lock()
			defer mu.Unlock()
			if bad != nil {
				sc.problem(*bad)
			} else {
				sc.files++
				visit(f)
			}
			t.progress.done()
			return nil
		})
	}
	err = g.Wait()
	t.progress.finish()
	if err != nil {
		return sc, fmt.Errorf("read %s: %w", t, err)
	}
	slices.Sort(sc.problems)
	if sc.files == 0 && len(sc.problems) == 0 {
		if sc.digests, err = t.countDigests(ctx); err != nil {
			return sc, err
		}
		if !sc.anyLog {
			sc.anyLog, err = t.holdsLogFiles(ctx)
		}
	}
	return sc, err
}

func (t s3Trail) String() string { return "s3://" + t.bucket + "/" + t.prefix }

// logKeys lists the log files that may hold events of the window, in key order.
func (t s3Trail) logKeys(ctx context.Context) ([]string, error) {
	prefixes := []string{t.prefix}
	if days := t.window.days(t.now); days != nil {
		roots, err := t.regionRoots(ctx, "CloudTrail")
		if err != nil {
			return nil, err
		}
		if roots != nil {
			prefixes = nil
			for _, root := range roots {
				for _, d := range days {
					prefixes = append(prefixes, root+d.Format("2006/01/02/"))
				}
			}
		}
	}
	return t.listAll(ctx, prefixes, func(k string) bool { return isLogFile(k) && t.window.mayHold(k) })
}

// countDigests counts the digest files covering part of the window (listing the window's days when it
// can, as logKeys does). A prefix inside the log files' folders (…/CloudTrail/<region>/) is read as the
// digests' sibling folder (…/CloudTrail-Digest/<region>/).
func (t s3Trail) countDigests(ctx context.Context) (int, error) {
	segments := strings.Split(t.prefix, "/")
	for i, s := range segments {
		if s == "CloudTrail" {
			segments[i] = "CloudTrail-Digest"
			t.prefix = strings.Join(segments, "/")
			break
		}
	}
	prefixes := []string{t.prefix}
	if days := t.window.days(t.now); days != nil {
		roots, err := t.regionRoots(ctx, "CloudTrail-Digest")
		if err != nil {
			return 0, err
		}
		if roots != nil {
			prefixes = nil
			for _, root := range roots {
				for _, d := range days {
					prefixes = append(prefixes, root+d.Format("2006/01/02/"))
				}
			}
		}
	}
	keys, err := t.listAll(ctx, prefixes, t.window.digestCovers)
	return len(keys), err
}

// holdsLogFiles reports whether the prefix holds any log file at all, whatever its time.
func (t s3Trail) holdsLogFiles(ctx context.Context) (bool, error) {
	keys, err := t.listAll(ctx, []string{t.prefix}, isLogFile)
	return len(keys) > 0, err
}

// listAll lists every prefix, concurrently, and returns the keys keep accepts, sorted.
func (t s3Trail) listAll(ctx context.Context, prefixes []string, keep func(string) bool) ([]string, error) {
	var mu sync.Mutex
	var keys []string
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(t.limit)
	for _, p := range prefixes {
		g.Go(func() error {
			pages := s3.NewListObjectsV2Paginator(t.client, &s3.ListObjectsV2Input{Bucket: aws.String(t.bucket), Prefix: aws.String(p)})
			for pages.HasMorePages() {
				page, err := pages.NextPage(gctx)
				if err != nil {
					return fmt.Errorf("list s3://%s/%s: %w", t.bucket, p, err)
				}
				mu.Lock()
				for _, o := range page.Contents {
					if k := aws.ToString(o.Key); keep(k) {
						keys = append(keys, k)
					}
				}
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// maxDepth bounds the search for CloudTrail's folders below the prefix: AWSLogs/<org>/<account>/CloudTrail
// is four levels down. maxDiscovery bounds the listings the search may make (a prefix over a whole bucket
// of other logs has many folders); past it the whole prefix is listed instead.
const (
	maxDepth     = 5
	maxDiscovery = 200
)

// regionRoots finds the region folders (…/<kind>/<region>/, kind CloudTrail or CloudTrail-Digest) under
// the prefix, walking down its folders with delimited listings. It returns nil when the prefix is not laid
// out as CloudTrail lays it out, or already points inside a region's dated folders: the caller then lists
// the whole prefix.
func (t s3Trail) regionRoots(ctx context.Context, kind string) ([]string, error) {
	folder := t.prefix // the prefix as a folder: "a/b" is read as "a/b/"
	if folder != "" && !strings.HasSuffix(folder, "/") {
		folder += "/"
	}
	segments := strings.Split(strings.TrimSuffix(folder, "/"), "/")
	for i, s := range segments {
		if s != kind {
			continue
		}
		switch i {
		case len(segments) - 1:
			return t.children(ctx, folder)
		case len(segments) - 2:
			return []string{folder}, nil
		}
		return nil, nil
	}
	level := []string{folder}
	var roots []string
	listings := 0
	for depth := 0; depth < maxDepth && len(level) > 0; depth++ {
		var next []string
		for _, p := range level {
			if listings++; listings > maxDiscovery {
				return nil, nil
			}
			children, err := t.children(ctx, p)
			if err != nil {
				return nil, err
			}
			for _, c := range children {
				if strings.HasSuffix(c, "/"+kind+"/") || c == kind+"/" {
					regions, err := t.children(ctx, c)
					if err != nil {
						return nil, err
					}
					roots = append(roots, regions...)
				} else if !strings.HasSuffix(c, "/CloudTrail/") && !strings.HasSuffix(c, "/CloudTrail-Digest/") {
					next = append(next, c)
				}
			}
		}
		level = next
	}
	return roots, nil
}

// children lists the folders directly under a prefix (ListObjectsV2 with a / delimiter).
func (t s3Trail) children(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	pages := s3.NewListObjectsV2Paginator(t.client, &s3.ListObjectsV2Input{Bucket: aws.String(t.bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", t.bucket, prefix, err)
		}
		for _, cp := range page.CommonPrefixes {
			out = append(out, aws.ToString(cp.Prefix))
		}
	}
	return out, nil
}

// days returns the UTC days whose folders may hold log files of the window (mayHold): from the day of its start to
// the day of its end plus deliveryMargin (or now, for a window without an end). It returns nil for a
// window without a start: every day may then hold its files.
func (w Window) days(now time.Time) []time.Time {
	if w.From.IsZero() {
		return nil
	}
	last := now.Add(deliveryMargin)
	if !w.To.IsZero() && w.To.Add(deliveryMargin).Before(last) {
		last = w.To.Add(deliveryMargin)
	}
	var out []time.Time
	for d := w.From.UTC().Truncate(24 * time.Hour); !d.After(last); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// getLogFile downloads one log file and decodes it; name is how reports call it.
func getLogFile(ctx context.Context, client S3API, bucket, key, name string) (LogFile, *FileError) {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return LogFile{}, &FileError{Name: name, Err: err}
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return LogFile{}, &FileError{Name: name, Err: err}
	}
	return logFileOf(name, data)
}

package audit

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/s3test"
)

func TestATrailWithoutLogFilesIsAnError(t *testing.T) {
	notATrail := t.TempDir()
	for name, body := range map[string]string{
		"daemon.json":                   `{"log-driver": "journald"}`,
		"ssl/openssl.json.gz":           "x",
		"alternatives/README":           "x",
		"x/y/events.json":               `{"Records": []}`,
		"CloudTrail-Digest/readme.json": "{}",
	} {
		p := filepath.Join(notATrail, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	}
	tests := []struct {
		name string
		dir  string
		o    Options
		want string
	}{
		{"an empty directory", t.TempDir(), Options{}, "no CloudTrail log files under "},
		{"a directory of other JSON files, as /etc", notATrail, Options{}, "want <account>_CloudTrail_<region>_"},
		{"a window CloudTrail delivered nothing for", trailOf(t), Options{Window: Window{From: day("2030-01-01T00:00:00Z")}},
			"for from 2030-01-01T00:00:00Z, and no digest file either"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(context.Background(), Trail{Dir: tt.dir}, nil, tt.o)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrNoLogFiles), "%v", err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func trailOf(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	audittest.WriteDir(t, dir)
	return dir
}

func TestADigestShowsAQuietWindowIsNotAGap(t *testing.T) {
	dir := trailOf(t)
	digest := filepath.Join(dir, "AWSLogs", audittest.Account, "CloudTrail-Digest", "us-west-2", "2026", "11", "20",
		audittest.Account+"_CloudTrail-Digest_us-west-2_hipaa-trail_us-west-2_20261120T110000Z.json.gz")
	require.NoError(t, os.MkdirAll(filepath.Dir(digest), 0o750))
	require.NoError(t, os.WriteFile(digest, []byte("{}"), 0o600))
	o := projectOptions()
	o.Window = Window{From: day("2026-11-20T10:00:00Z"), To: day("2026-11-20T11:00:00Z")}
	rep, err := Build(context.Background(), Trail{Dir: dir}, nil, o)
	require.NoError(t, err)
	assert.Zero(t, rep.Files)
	assert.Equal(t, 1, rep.Digests)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, rep, "table"))
	assert.Contains(t, buf.String(), "log files: none in the window; 1 digest file(s) show that CloudTrail was logging")

	o.Window = Window{From: day("2026-11-20T12:00:00Z"), To: day("2026-11-20T13:00:00Z")}
	_, err = Build(context.Background(), Trail{Dir: dir}, nil, o)
	assert.ErrorIs(t, err, ErrNoLogFiles, "the digest covers 10:00 to 11:00 only")
}

func TestADigestIsFoundBesideARegionPrefix(t *testing.T) {
	srv := s3test.Start(t, "logs")
	srv.Put(t, "logs", "AWSLogs/111122223333/CloudTrail/us-west-2/2026/11/27/111122223333_CloudTrail_us-west-2_20261127T0905Z_a.json.gz", []byte("x"))
	srv.Put(t, "logs", "AWSLogs/111122223333/CloudTrail-Digest/us-west-2/2026/11/28/111122223333_CloudTrail-Digest_us-west-2_t_us-west-2_20261128T110000Z.json.gz", []byte("{}"))
	rep, err := Build(context.Background(), Trail{Bucket: "logs", Prefix: "AWSLogs/111122223333/CloudTrail/us-west-2/"}, srv.Client,
		Options{Window: Window{From: day("2026-11-28T10:00:00Z"), To: day("2026-11-28T11:00:00Z")}})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Digests, "the digest of 10:00 to 11:00, in the CloudTrail-Digest folder beside the prefix")
}

func TestAnEmptyS3PrefixIsAnError(t *testing.T) {
	srv := s3test.Start(t, "hipaa-logs-9c0d1e2f")
	audittest.PutS3(t, srv.Client, "hipaa-logs-9c0d1e2f", "cloudtrail/")
	for _, tt := range []struct {
		name, prefix string
		window       Window
		want         string
	}{
		{"an empty prefix", "elsewhere/", Window{}, "no CloudTrail log files under s3://hipaa-logs-9c0d1e2f/elsewhere/ (want"},
		{"an empty prefix with a window", "elsewhere/", projectOptions().Window, "no CloudTrail log files under s3://hipaa-logs-9c0d1e2f/elsewhere/ (want"},
		{"a window without files or digests", "cloudtrail/", Window{From: day("2026-11-10T00:00:00Z"), To: day("2026-11-11T00:00:00Z")}, "and no digest file either"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(context.Background(), Trail{Bucket: "hipaa-logs-9c0d1e2f", Prefix: tt.prefix}, srv.Client, Options{Window: tt.window})
			assert.ErrorIs(t, err, ErrNoLogFiles)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// listedPrefixes returns the prefixes of the ListObjectsV2 requests without a delimiter (the listings of
// files) and with one (the walk down CloudTrail's folders).
func listedPrefixes(t *testing.T, srv *s3test.Server) (files, folders []string) {
	t.Helper()
	for _, r := range srv.Requests() {
		q, err := url.ParseQuery(r.Query)
		require.NoError(t, err)
		if r.Method != "GET" || q.Get("list-type") != "2" {
			continue
		}
		if q.Has("delimiter") {
			folders = append(folders, q.Get("prefix"))
		} else {
			files = append(files, q.Get("prefix"))
		}
	}
	return files, folders
}

func TestAWindowedS3TrailListsOnlyTheWindowsDays(t *testing.T) {
	srv := s3test.Start(t, "hipaa-logs-9c0d1e2f")
	audittest.PutS3(t, srv.Client, "hipaa-logs-9c0d1e2f", "cloudtrail/")
	o := projectOptions()
	o.Concurrency = 3
	rep, err := Build(context.Background(), Trail{Bucket: "hipaa-logs-9c0d1e2f", Prefix: "cloudtrail/"}, srv.Client, o)
	require.NoError(t, err)
	assert.Equal(t, dirRows(t), rep.Rows)
	files, folders := listedPrefixes(t, srv)
	root := "cloudtrail/AWSLogs/" + audittest.Account + "/CloudTrail/us-west-2/"
	assert.ElementsMatch(t, []string{root + "2026/11/28/", root + "2026/11/29/", root + "2026/11/30/"}, files,
		"28 November and the two days a late delivery may write into; never the October folder, never the whole prefix")
	assert.Contains(t, folders, "cloudtrail/AWSLogs/"+audittest.Account+"/CloudTrail/", "the regions are found by a delimited listing")
}

func TestAnS3TrailWithoutAStartIsListedWhole(t *testing.T) {
	srv := s3test.Start(t, "hipaa-logs-9c0d1e2f")
	audittest.PutS3(t, srv.Client, "hipaa-logs-9c0d1e2f", "cloudtrail/")
	o := projectOptions()
	o.Window.From = time.Time{}
	rep, err := Build(context.Background(), Trail{Bucket: "hipaa-logs-9c0d1e2f", Prefix: "cloudtrail/"}, srv.Client, o)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Files, "October's file too")
	files, _ := listedPrefixes(t, srv)
	assert.Equal(t, []string{"cloudtrail/"}, files)
}

func TestRegionFoldersAreFoundInEveryLayout(t *testing.T) {
	srv := s3test.Start(t, "logs")
	for _, k := range []string{
		"a/AWSLogs/111122223333/CloudTrail/us-west-2/2026/11/28/f.json.gz",
		"a/AWSLogs/111122223333/CloudTrail/eu-central-1/2026/11/28/f.json.gz",
		"a/AWSLogs/111122223333/CloudTrail-Digest/us-west-2/2026/11/28/d.json.gz",
		"org/AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/2026/11/28/f.json.gz",
		"org/AWSLogs/o-abc123defg/444455556666/CloudTrail/us-east-1/2026/11/28/f.json.gz",
		"flat/111122223333_CloudTrail_us-west-2_20261128T1005Z_a.json.gz",
	} {
		srv.Put(t, "logs", k, []byte("x"))
	}
	tests := []struct {
		prefix, kind string
		want         []string
	}{
		{"a/", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/eu-central-1/", "a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/eu-central-1/", "a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/", "CloudTrail-Digest", []string{"a/AWSLogs/111122223333/CloudTrail-Digest/us-west-2/"}},
		{"org/", "CloudTrail", []string{"org/AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/", "org/AWSLogs/o-abc123defg/444455556666/CloudTrail/us-east-1/"}},
		{"a/AWSLogs/111122223333/CloudTrail/", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/eu-central-1/", "a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/AWSLogs/111122223333/CloudTrail/us-west-2/", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/AWSLogs/111122223333/CloudTrail/us-west-2", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/AWSLogs/111122223333/CloudTrail", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/eu-central-1/", "a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/AWSLogs/111122223333/CloudTrail/us-west-2/2026/", "CloudTrail", nil},
		{"flat/", "CloudTrail", nil},
	}
	for _, tt := range tests {
		t.Run(tt.prefix+" "+tt.kind, func(t *testing.T) {
			roots, err := s3Trail{client: srv.Client, bucket: "logs", prefix: tt.prefix, limit: 2}.regionRoots(context.Background(), tt.kind)
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, roots)
		})
	}
}

func TestTheWindowsDays(t *testing.T) {
	now := day("2026-12-10T08:00:00Z")
	dates := func(w Window) []string {
		var out []string
		for _, d := range w.days(now) {
			out = append(out, d.Format(time.DateOnly))
		}
		return out
	}
	assert.Equal(t, []string{"2026-11-28", "2026-11-29", "2026-11-30"}, dates(Window{From: day("2026-11-28T00:00:00Z"), To: day("2026-11-29T00:00:00Z")}))
	assert.Equal(t, []string{"2026-11-28", "2026-11-29"}, dates(Window{From: day("2026-11-28T00:00:30Z"), To: day("2026-11-28T06:00:00Z")}))
	assert.Equal(t, []string{"2026-12-09", "2026-12-10", "2026-12-11"}, dates(Window{From: day("2026-12-09T12:00:00Z")}), "an open end stops a day after now")
	assert.Nil(t, Window{To: day("2026-11-29T00:00:00Z")}.days(now), "without a start every day may hold files")
	assert.Len(t, Window{From: day("2026-11-01T00:00:00Z"), To: day("2026-12-01T00:00:00Z")}.days(now), 32, "30 days and the late deliveries of the last")
}

func TestProgressIsDrawnOnOneLine(t *testing.T) {
	srv := s3test.Start(t, "hipaa-logs-9c0d1e2f")
	audittest.PutS3(t, srv.Client, "hipaa-logs-9c0d1e2f", "cloudtrail/")
	var buf bytes.Buffer
	o := projectOptions()
	o.Progress = &buf
	_, err := Build(context.Background(), Trail{Bucket: "hipaa-logs-9c0d1e2f", Prefix: "cloudtrail/"}, srv.Client, o)
	require.NoError(t, err)
	out := buf.String()
	assert.True(t, strings.HasPrefix(out, "\rsce audit report: reading 0/2 log files"), "%q", out)
	assert.True(t, strings.HasSuffix(out, "\rsce audit report: reading 2/2 log files\n"), "%q", out)
	assert.NotContains(t, out, "\x1b", "no colour, no terminal query")
	assert.Equal(t, 1, strings.Count(out, "\n"))
}

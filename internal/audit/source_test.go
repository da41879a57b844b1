package audit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
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

// listedPrefixes returns the prefixes of the ListObjectsV2 requests without a delimiter (the listings of
// files) and with one (the walk down CloudTrail's folders).
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

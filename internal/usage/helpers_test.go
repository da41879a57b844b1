package usage

import (
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit"
)

// The stack the fixtures describe (testdata/README.md).
const (
	dataIn = "omop-data-in-1a2b3c4d"
	output = "omop-output-5e6f7a8b"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// copyFixtures copies testdata/<dir> into a temporary directory, gzip-compressing each file whose name
// ends in gz (as the services deliver them: CloudTrail's .json.gz, Redshift's .gz, an export's 000000.gz).
func copyFixtures(t *testing.T, dir string, gz func(name string) bool) string {
	t.Helper()
	src := filepath.Join("testdata", dir)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if gz != nil && gz(rel) {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			if _, err := zw.Write(data); err != nil {
				return err
			}
			if err := zw.Close(); err != nil {
				return err
			}
			data, rel = buf.Bytes(), rel+".gz"
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o600)
	})
	require.NoError(t, err)
	return dst
}

func gzAll(string) bool { return true }

func trailDir(t *testing.T) string {
	return copyFixtures(t, "trail", func(n string) bool { return strings.HasSuffix(n, ".json") })
}

// stackOptions are the omop stack's: its PHI buckets by role, its mount point, 28 November.
func stackOptions() Options {
	return Options{
		Window:     audit.Window{From: day("2026-11-28T00:00:00Z"), To: day("2026-11-29T00:00:00Z")},
		Buckets:    map[string]string{dataIn: "data-in", output: "output", "omop-ancillary-0f1e2d3c": "ancillary"},
		MountPoint: "/omop",
		Known:      []string{"alice", "bob", "carol"},
	}
}

// build builds the report from the trail and the given host and Redshift fixture directories ("" for
// none).
func build(t *testing.T, o Options, host, redshift string) *Report {
	t.Helper()
	in := Inputs{Trail: audit.Trail{Dir: trailDir(t)}}
	if host != "" {
		in.HostLogs = copyFixtures(t, host, nil)
	}
	if redshift != "" {
		in.RedshiftLogs = copyFixtures(t, redshift, nil)
	}
	rep, err := Build(context.Background(), in, o)
	require.NoError(t, err)
	return rep
}

// summaryOf returns the summary row of a researcher and dataset.
func summaryOf(t *testing.T, rep *Report, who, dataset string) SummaryRow {
	t.Helper()
	for _, r := range rep.Summary {
		if r.Researcher == who && r.Dataset == dataset {
			return r
		}
	}
	t.Fatalf("no summary row for %s and %s in %+v", who, dataset, rep.Summary)
	return SummaryRow{}
}

func hasSummary(rep *Report, who, dataset string) bool {
	for _, r := range rep.Summary {
		if r.Researcher == who && r.Dataset == dataset {
			return true
		}
	}
	return false
}

// itemOf returns a researcher's row for an item.
func itemOf(t *testing.T, rep *Report, who, item string) ItemRow {
	t.Helper()
	for _, r := range rep.Items {
		if r.Researcher == who && r.Item == item {
			return r
		}
	}
	t.Fatalf("no item row for %s and %s in %+v", who, item, rep.Items)
	return ItemRow{}
}

func queriesOf(rep *Report, who string) []QueryRow {
	var out []QueryRow
	for _, q := range rep.Queries {
		if q.Researcher == who {
			out = append(out, q)
		}
	}
	return out
}

// walkFiles hands every file under dir to fn with its slash-separated path relative to dir.
func walkFiles(dir string, fn func(rel string, data []byte)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fn(filepath.ToSlash(rel), data)
		return nil
	})
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/airlock"
)

func TestAirlockCheckPrintsEachFindingAndExitsByWhatItFound(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	clean := file("clean.csv", "site,n\nA,42\nB,70\n")
	small := file("small.csv", "site,n\nA,42\nB,7\n")
	released := filepath.Join(dir, "released")
	require.NoError(t, os.Mkdir(released, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(released, "clean.csv"), []byte("site,n\nA,42\nB,69\n"), 0o600))
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"a clean file passes", []string{"check", clean}, 0, []string{"1 files checked: nothing flagged"}, ""},
		{"a small cell is printed with file, row and column", []string{"check", small}, 1, []string{small + ":3:2 [n]: flag small-cell"}, "1 findings flagged"},
		{"flags may follow the files", []string{"check", small, "--min-cell", "5"}, 0, nil, ""},
		{"a near-duplicate of a released file is flagged", []string{"check", clean, "--released", released}, 1, []string{clean + ":3:2 [n]: flag difference"}, ""},
		{"a missing file is a clear error", []string{"check", filepath.Join(dir, "nope.csv")}, 2, nil, "nope.csv: no such file"},
		{"no file is a usage error", []string{"check"}, 2, nil, "name at least one file"},
		{"an unknown subcommand is a usage error", []string{"release"}, 2, nil, "usage: sce airlock check"},
		{"a bad precision is refused", []string{"check", clean, "--date-precision", "week"}, 2, nil, `date precision "week"`},
		{"a bad format is refused", []string{"check", clean, "--format", "xml"}, 2, nil, `invalid value "xml" for flag -format: want one of text, json`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"airlock"}, tt.args...), &out, &errOut)
			assert.Equal(t, tt.code, code, "stderr: %s", errOut.String())
			for _, s := range tt.stdout {
				assert.Contains(t, out.String(), s)
			}
			if tt.stderr != "" {
				assert.Contains(t, errOut.String(), tt.stderr)
			}
		})
	}
}

func TestAirlockCheckWritesTheReportAsJSON(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.csv")
	require.NoError(t, os.WriteFile(p, []byte("site,n\nA,3\n"), 0o600))
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"airlock", "check", "--format", "json", p}, &out, &errOut))
	var rep airlock.Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, airlock.CheckSmallCell, rep.Findings[0].Check)
	assert.Equal(t, 2, rep.Findings[0].Row)
	assert.True(t, strings.HasSuffix(rep.Files[0], "t.csv"))
}

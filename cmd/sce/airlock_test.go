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
	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/egress"
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
		{"an unknown subcommand is a usage error", []string{"release"}, 2, nil, `unknown command "release"`},
		{"no subcommand prints every one", nil, 2, nil, "reject   ID --reason TEXT"},
		{"a request without a justification is a usage error", []string{"request", clean}, 2, nil, "usage: sce airlock request FILE... --why TEXT"},
		{"a request without files is a usage error", []string{"request", "--why", "Table 1"}, 2, nil, "usage: sce airlock request"},
		{"a request that does not say where the airlock is", []string{"request", clean, "--why", "Table 1"}, 2, nil, "say where the airlock is: the ledger table (--table"},
		{"a request with a minimum cell of 0", []string{"request", clean, "--why", "x", "--min-cell", "0"}, 2, nil, "--min-cell (0)"},
		{"show needs one id", []string{"show"}, 2, nil, "usage: sce airlock show ID"},
		{"approve needs one id", []string{"approve", "a", "b"}, 2, nil, "usage: sce airlock approve ID"},
		{"a list that does not say where the airlock is", []string{"list"}, 2, nil, "say where the airlock is"},
		{"unreadable outputs are an error", []string{"list", "--outputs", filepath.Join(dir, "none.json")}, 2, nil, "read stack outputs"},
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

func TestAirlockShowPrintsTheRequestItsDecisionsAndItsHistory(t *testing.T) {
	id := "20261103T142501Z-9f86d081"
	d := egress.Details{
		Entry: ledger.IndexEntry{Version: id, Status: ledger.StatusReleased, Approvals: 2, Requester: "arn:aws:sts::111122223333:assumed-role/r/alice", RequestedAt: "2026-11-03T14:25:01Z"},
		Record: &ledger.RequestRecord{Why: "Table 1", Reviewers: []string{"arn:aws:iam::111122223333:role/b", "arn:aws:iam::111122223333:role/c"},
			Files:   []ledger.File{{Name: "t.csv", Key: "outbox/" + id + "/t.csv", SHA256: strings.Repeat("a", 64), Size: 12}},
			Checks:  `{"files":["t.csv"],"findings":[{"file":"t.csv","row":3,"column":2,"header":"n","check":"small-cell","kind":"count","level":"flag","message":"a count below 10"}],"omitted":4}`,
			Flagged: 1},
		Decisions: []ledger.DecisionRecord{{Decision: ledger.Approve, Reviewer: "arn:aws:iam::111122223333:role/b", ReviewerUserID: "AROAX:bob", ReviewedAt: "2026-11-04T09:00:00Z", Comment: "fine"}},
		Release:   &ledger.ReleaseRecord{Status: ledger.StatusReleased, RecordKey: "released/" + id + "/release-record.json"},
		Events:    []ledger.Event{{Version: "event#2", At: "2026-11-04T09:00:01Z", Kind: ledger.EventReleased, Actor: "study-airlock-release"}, {Version: "event#1", At: "2026-11-03T14:25:02Z", Kind: ledger.EventRequested, Actor: "alice"}},
	}
	var out bytes.Buffer
	writeDetails(&out, d)
	for _, want := range []string{"status    released (2 approval(s))", "why       Table 1", strings.Repeat("a", 64) + "  t.csv  12 bytes",
		"t.csv:3:2 [n]: flag small-cell (count): a count below 10", "... and 4 more", "decision  approve by arn:aws:iam::111122223333:role/b (bob)",
		"record released/" + id + "/release-record.json"} {
		assert.Contains(t, out.String(), want)
	}
	assert.Less(t, strings.Index(out.String(), "requested by alice"), strings.Index(out.String(), "released by"), "history in order")

	out.Reset()
	writeIndex(&out, []ledger.IndexEntry{d.Entry, {Version: "20261104T000000Z-00000001", Status: ledger.StatusPending}}, false)
	assert.Contains(t, out.String(), "20261104T000000Z-00000001")
	assert.NotContains(t, out.String(), id, "closed requests only with --all")
}

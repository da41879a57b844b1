package usage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit"
)

func TestABrokenTrailFileIsAnInputErrorNamingItAndTheRestIsReported(t *testing.T) {
	dir := trailDir(t)
	day := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-west-2", "2026", "11", "28")
	for _, name := range []string{"111122223333_CloudTrail_us-west-2_20261128T1110Z_truncated00000001.json", "111122223333_CloudTrail_us-west-2_20261128T1115Z_notjson000000001.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "broken", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(day, name), data, 0o600))
	}
	rep, err := Build(context.Background(), Inputs{Trail: audit.Trail{Dir: dir}}, stackOptions())
	require.NoError(t, err)
	errs := rep.InputErrors()
	require.Len(t, errs, 2)
	assert.True(t, strings.HasSuffix(errs[0].Name, "_truncated00000001.json"))
	assert.Contains(t, errs[0].Error, "not a CloudTrail log file (truncated, not gzip or not JSON): parse: unexpected end of JSON input")
	assert.True(t, strings.HasSuffix(errs[1].Name, "_notjson000000001.json"))
	assert.Contains(t, errs[1].Error, "not a CloudTrail log file")
	assert.Equal(t, 2, summaryOf(t, rep, "alice", "data-in/incoming").Reads, "the readable files are still reported")

	var buf bytes.Buffer
	require.NoError(t, Write(&buf, rep, "table"))
	assert.Contains(t, buf.String(), "INPUT ERROR (its events are missing from this report): "+errs[0].Name+": not a CloudTrail log file")
	assert.Contains(t, buf.String(), "2 input error(s)")
}

func TestAnEmptyInputIsAnErrorNotACleanReport(t *testing.T) {
	ctx := context.Background()
	_, err := Build(ctx, Inputs{Trail: audit.Trail{Dir: t.TempDir()}}, stackOptions())
	assert.ErrorContains(t, err, "holds no CloudTrail log file that may hold events of the window: an empty input is not an empty report")

	o := stackOptions()
	o.Window = audit.Window{From: day("2030-01-01T00:00:00Z")}
	_, err = Build(ctx, Inputs{Trail: audit.Trail{Dir: trailDir(t)}}, o)
	assert.ErrorContains(t, err, "holds no CloudTrail log file", "no log file of the window is no evidence of no access")

	empty := t.TempDir()
	_, err = Build(ctx, Inputs{Trail: audit.Trail{Dir: trailDir(t)}, HostLogs: empty}, stackOptions())
	assert.ErrorContains(t, err, "--host-logs "+empty+" holds no log file")
	_, err = Build(ctx, Inputs{Trail: audit.Trail{Dir: trailDir(t)}, RedshiftLogs: empty}, stackOptions())
	assert.ErrorContains(t, err, "--redshift-logs "+empty+" holds no log file")
	_, err = Build(ctx, Inputs{Trail: audit.Trail{Dir: trailDir(t)}, HostLogs: filepath.Join(empty, "missing")}, stackOptions())
	assert.ErrorContains(t, err, "--host-logs")

	file := filepath.Join(empty, "audit.log")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	rep, err := Build(ctx, Inputs{Trail: audit.Trail{Dir: trailDir(t)}, HostLogs: file}, stackOptions())
	require.NoError(t, err)
	require.Len(t, rep.InputErrors(), 1)
	assert.Equal(t, "empty file", rep.InputErrors()[0].Error)
}

func TestTheFiltersChooseResearchersDatasetsAndTime(t *testing.T) {
	o := stackOptions()
	o.Researchers = []string{"bob"}
	rep := build(t, o, "host", "redshift")
	for _, r := range rep.Summary {
		assert.Equal(t, "bob", r.Researcher)
	}
	for _, q := range rep.Queries {
		assert.Equal(t, "bob", q.Researcher)
	}

	o = stackOptions()
	o.Datasets = []string{"data-in/incoming", "redshift"}
	rep = build(t, o, "host", "redshift")
	for _, r := range rep.Summary {
		assert.Contains(t, []string{"data-in/incoming", "redshift/cdm", "redshift/results", "-"}, r.Dataset)
	}
	assert.True(t, hasSummary(rep, "alice", "redshift/cdm"))
	assert.True(t, hasSummary(rep, "alice", "data-in/incoming"))
	assert.NotEmpty(t, rep.Queries)

	o = stackOptions()
	o.Window = audit.Window{From: day("2026-11-28T10:30:00Z"), To: day("2026-11-28T10:45:00Z")}
	rep = build(t, o, "", "redshift")
	read := summaryOf(t, rep, "alice", "data-in/incoming")
	assert.Equal(t, 1, read.Reads, "the read at the start is in, the one before it out")
	require.Len(t, queriesOf(rep, "alice"), 1, "the query at the end is out")
	assert.Equal(t, day("2026-11-28T10:40:00Z"), queriesOf(rep, "alice")[0].Time)
}

func TestOptionsAreValidated(t *testing.T) {
	bad := []struct {
		o    Options
		want string
	}{
		{Options{Window: audit.Window{From: day("2026-11-29T00:00:00Z"), To: day("2026-11-28T00:00:00Z")}}, "--from 2026-11-29T00:00:00Z is not before --to"},
		{Options{MountPoint: "omop"}, `mount point "omop": want an absolute directory`},
		{Options{Researchers: []string{"al ice"}}, `--researcher "al ice"`},
		{Options{Datasets: []string{""}}, `--dataset ""`},
	}
	for _, b := range bad {
		_, err := Build(context.Background(), Inputs{Trail: audit.Trail{Dir: trailDir(t)}}, b.o)
		assert.ErrorContains(t, err, b.want)
	}
}

func TestKeysPathsAndConstantsStayHiddenUnlessShown(t *testing.T) {
	rep := build(t, stackOptions(), "host", "redshift")
	for _, format := range Formats() {
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, rep, format))
		out := buf.String()
		for _, secret := range []string{"cohort.csv", "123-45-6789", "my cohort", "1950", "'Gender'", "unload ("} {
			assert.NotContains(t, out, secret, "%s shows %q", format, secret)
		}
	}
	o := Options{}
	assert.Equal(t, "data-in/incoming", Options{Buckets: map[string]string{dataIn: "data-in"}}.s3Dataset(dataIn, "incoming/x.csv"))
	assert.Regexp(t, `^b/sha256:[0-9a-f]{64}$`, o.s3Dataset("b", "123-45-6789/x.csv"), "a prefix the PHI detector flags is hashed")
	o.ShowKeys = true
	assert.Equal(t, "b/123-45-6789", o.s3Dataset("b", "123-45-6789/x.csv"))
}

func TestTheFormats(t *testing.T) {
	rep := build(t, stackOptions(), "host", "redshift")

	var table bytes.Buffer
	require.NoError(t, Write(&table, rep, "table"))
	out := table.String()
	assert.Contains(t, out, "Data used, per researcher and dataset\n  window: 2026-11-28T00:00:00Z to 2026-11-29T00:00:00Z (end excluded)")
	assert.Contains(t, out, "researchers listed: alice, bob, carol")
	assert.Contains(t, out, "input log files: 2 CloudTrail, 1 audit, 1 Redshift user activity; 0 input error(s)")
	assert.Regexp(t, `RESEARCHER\s+LISTED\s+DATASET\s+READ\s+READS\s+BYTES-READ`, out)
	assert.Regexp(t, `alice\s+listed\s+data-in/incoming\s+1\s+2\s+104000\s+0\s+0\s+0\s+0\s+0\s+2026-11-28T10:01:02Z\s+2026-11-28T10:30:00Z`, out)
	assert.Regexp(t, `carol\s+listed\s+-\s+0\s+0\s+0`, out)
	assert.Contains(t, out, "cdm.concept.concept_id; cdm.concept.concept_name")
	assert.Contains(t, out, "NO, the parser cannot read it (syntax error at or near")

	var md bytes.Buffer
	require.NoError(t, Write(&md, rep, "markdown"))
	out = md.String()
	assert.Contains(t, out, "# Data used, per researcher and dataset\n\n- window: ")
	assert.Contains(t, out, "## Summary\n\n| researcher | listed | dataset |")
	assert.Contains(t, out, "## Redshift queries\n\n| time | researcher | database | tables |")

	var c bytes.Buffer
	require.NoError(t, Write(&c, rep, "csv"))
	records, err := csv.NewReader(&c).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, csvColumns, records[0])
	kinds := map[string]int{}
	for _, r := range records[1:] {
		kinds[r[0]]++
	}
	assert.Equal(t, map[string]int{"summary": len(rep.Summary), "item": len(rep.Items), "query": len(rep.Queries), "input": len(rep.Inputs)}, kinds)

	var j bytes.Buffer
	require.NoError(t, Write(&j, rep, "json"))
	var ev struct {
		Report string `json:"report"`
		Inputs []struct {
			Name   string `json:"name"`
			SHA256 string `json:"sha256"`
		} `json:"inputs"`
		Summary []map[string]any `json:"summary"`
		Queries []map[string]any `json:"queries"`
	}
	require.NoError(t, json.Unmarshal(j.Bytes(), &ev))
	assert.Equal(t, "sce audit usage", ev.Report)
	require.Len(t, ev.Inputs, 4)
	for _, in := range ev.Inputs {
		data, err := os.ReadFile(in.Name)
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		assert.Equal(t, hex.EncodeToString(sum[:]), in.SHA256, "the evidence names each file by the digest of its bytes")
	}
	assert.Len(t, ev.Summary, len(rep.Summary))
	assert.Equal(t, []any{"cdm.concept", "cdm.person"}, ev.Queries[0]["tables"])

	assert.ErrorContains(t, Write(&j, rep, "html"), `--format "html": want one of table, csv, markdown, json`)
}

func TestValuesFromLogsCannotActInTheOutput(t *testing.T) {
	dir := trailDir(t)
	record := `{"Records": [{"eventVersion": "1.10", "eventTime": "2026-11-28T15:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
	  "eventCategory": "Data", "eventID": "00000000-0000-4000-8000-00000000f001",
	  "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/omop-researcher/x",
	    "sessionContext": {"sourceIdentity": "=HYPERLINK(\"http://203.0.113.9\")"}},
	  "requestParameters": {"bucketName": "` + dataIn + `", "key": "incoming/\u001b[31mred\u202e.csv"},
	  "additionalEventData": {"bytesTransferredOut": 10}}]}`
	p := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-west-2", "2026", "11", "28", "111122223333_CloudTrail_us-west-2_20261128T1505Z_evil0000000000001.json")
	require.NoError(t, os.WriteFile(p, []byte(record), 0o600))
	o := stackOptions()
	o.ShowKeys = true
	rep, err := Build(context.Background(), Inputs{Trail: audit.Trail{Dir: dir}}, o)
	require.NoError(t, err)

	var c bytes.Buffer
	require.NoError(t, Write(&c, rep, "csv"))
	records, err := csv.NewReader(&c).ReadAll()
	require.NoError(t, err)
	found := false
	for _, r := range records {
		if strings.Contains(r[1], "HYPERLINK") {
			found = true
			assert.True(t, strings.HasPrefix(r[1], "'="), "a formula is neutralised: %q", r[1])
		}
	}
	assert.True(t, found)

	for format, shown := range map[string]string{"table": `\x1b[31mred\u202e.csv`, "markdown": `\\x1b\[31mred\\u202e.csv`} {
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, rep, format))
		assert.NotContains(t, buf.String(), "\x1b", format)
		assert.NotContains(t, buf.String(), "\u202e", format)
		assert.Contains(t, buf.String(), shown, "%s writes the escape, which Markdown shows as \\x1b", format)
	}
}

func TestAnEmptyMarkdownCellKeepsItsColumn(t *testing.T) {
	assert.Equal(t, " ", mdCell(""))
	assert.Equal(t, `a \| b \\x1b`, mdCell("a | b \x1b"))
}

package audit

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/phi"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// projectOptions are the hipaa stack's: its PHI buckets, its endpoint, its two roles, 28 November.
func projectOptions() Options {
	return Options{
		Window:          Window{From: day("2026-11-28T00:00:00Z"), To: day("2026-11-29T00:00:00Z")},
		Buckets:         []string{audittest.DataIn, audittest.Output},
		VPCEndpoint:     audittest.Endpoint,
		KnownPrincipals: []string{audittest.WorkstationRole, "arn:aws:iam::111122223333:role/hipaa-adm*"},
	}
}

func buildFromDir(t *testing.T, o Options) *Report {
	t.Helper()
	dir := t.TempDir()
	audittest.WriteDir(t, dir)
	rep, err := Build(context.Background(), Trail{Dir: dir}, nil, o)
	require.NoError(t, err)
	return rep
}

// byID returns the rows by the last four digits of their event id (see audittest's fixtures).
func byID(rep *Report) map[string]Row {
	out := map[string]Row{}
	for _, r := range rep.Rows {
		out[r.EventID[len(r.EventID)-4:]] = r
	}
	return out
}

func TestTheReportListsEveryDataEventOnThePHIBucketsInTheWindow(t *testing.T) {
	rep := buildFromDir(t, projectOptions())
	assert.Equal(t, 2, rep.Files, "the October file is not read; the digest is not a log file")
	assert.Equal(t, 11, rep.Records)
	assert.Empty(t, rep.Problems)
	rows := byID(rep)
	assert.Len(t, rep.Rows, 7)

	read := rows["0001"]
	assert.Equal(t, day("2026-11-28T10:01:02Z"), read.Time)
	assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/hipaa-workstation-role/i-0123456789abcdef0", read.Principal)
	assert.Equal(t, "GetObject", read.Action)
	assert.Equal(t, audittest.DataIn, read.Bucket)
	assert.Equal(t, "sha256:"+phi.KeyHash("incoming/patients.csv"), read.Object)
	assert.Equal(t, audittest.Endpoint, read.From)
	assert.Equal(t, "allowed", read.Result)
	assert.Empty(t, read.Anomalies, "an allowed read through the endpoint by a known role")

	upload := rows["0002"]
	assert.Equal(t, "198.51.100.7", upload.From)
	assert.Equal(t, []Anomaly{OutsideEndpoint}, upload.Anomalies, "the admin role is known by pattern, but came from outside")

	denied := rows["0003"]
	assert.Equal(t, "denied (AccessDenied)", denied.Result)
	assert.Equal(t, "arn:aws:iam::111122223333:user/mallory", denied.Principal)
	assert.Equal(t, []Anomaly{Denied, OutsideEndpoint, UnknownPrincipal}, denied.Anomalies)

	stranger := rows["0005"]
	assert.Equal(t, []Anomaly{UnknownPrincipal}, stranger.Anomalies, "another account's role, through the endpoint")

	list := rows["0007"]
	assert.Equal(t, "ListObjects", list.Action)
	assert.Equal(t, audittest.Output, list.Bucket)
	assert.Equal(t, "", list.Object, "a bucket-level event has no object")

	old := rows["0008"]
	assert.Equal(t, "sha256:"+phi.KeyHash("results/model.rds"), old.Object, "the older record format is read")

	missing := rows["0009"]
	assert.Equal(t, "failed (NoSuchKey)", missing.Result)
	assert.Empty(t, missing.Anomalies, "a missing key is a failure, not a denial")

	for _, id := range []string{"0004", "0006", "0010", "9001", "9002"} {
		assert.NotContains(t, rows, id)
	}
	for i := 1; i < len(rep.Rows); i++ {
		assert.False(t, rep.Rows[i].Time.Before(rep.Rows[i-1].Time), "rows are in time order")
	}
	assert.Equal(t, map[Anomaly]int{Denied: 1, OutsideEndpoint: 2, UnknownPrincipal: 2}, rep.Anomalies())
	assert.Equal(t, 3, rep.Flagged())
}

func TestTheManagementEventAndOtherRecordsAreLeftOut(t *testing.T) {
	rep := buildFromDir(t, Options{}) // every bucket, all time, no checks
	ids := byID(rep)
	assert.NotContains(t, ids, "9001", "PutBucketPolicy is a management event")
	assert.NotContains(t, ids, "9002", "a Lambda data event is not an S3 one")
	assert.Contains(t, ids, "0004", "without --buckets, every bucket's data events are reported")
	assert.Contains(t, ids, "0006", "without a window, the record of 27 November is reported")
	assert.Equal(t, 3, rep.Files, "without a window every log file is read")
	for _, r := range rep.Rows {
		assert.NotContains(t, r.Anomalies, OutsideEndpoint, "the endpoint check is off")
		assert.NotContains(t, r.Anomalies, UnknownPrincipal, "the principal check is off")
	}
	assert.Equal(t, []Anomaly{Denied}, ids["0003"].Anomalies, "denials are always flagged")
}

func TestTheWindowIncludesItsStartAndExcludesItsEnd(t *testing.T) {
	o := projectOptions()
	o.Window = Window{From: day("2026-11-28T10:01:02Z"), To: day("2026-11-28T14:00:00Z")}
	ids := byID(buildFromDir(t, o))
	assert.Contains(t, ids, "0001", "an event at the start is in")
	assert.NotContains(t, ids, "0007", "an event at the end is out")
	assert.NotContains(t, ids, "0002", "an event before the start is out")
	assert.Contains(t, ids, "0005")
}

func TestKeysAreShownOnlyWhenAsked(t *testing.T) {
	o := projectOptions()
	o.ShowKeys = true
	ids := byID(buildFromDir(t, o))
	assert.Equal(t, "incoming/123-45-6789.csv", ids["0003"].Object)

	var buf bytes.Buffer
	require.NoError(t, Write(&buf, buildFromDir(t, projectOptions()), "table"))
	assert.NotContains(t, buf.String(), "123-45-6789", "a key that holds PHI stays out of the default report")
	assert.Contains(t, buf.String(), "sha256:"+phi.KeyHash("incoming/123-45-6789.csv"))
}

func dirRows(t *testing.T) []Row {
	return buildFromDir(t, projectOptions()).Rows
}

func TestAnUnreadableFileIsAProblemNotAFailure(t *testing.T) {
	dir := t.TempDir()
	audittest.WriteDir(t, dir)
	bad := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-west-2", "2026", "11", "28", "x.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"notRecords": []}`), 0o600))
	rep, err := Build(context.Background(), Trail{Dir: dir}, nil, projectOptions())
	require.NoError(t, err)
	require.Len(t, rep.Problems, 1)
	assert.Contains(t, rep.Problems[0], "x.json: parse: no Records array")
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, rep, "table"))
	assert.Contains(t, buf.String(), "UNREADABLE (its events are missing): ")
}

func TestASingleFileMayBeTheTrail(t *testing.T) {
	dir := t.TempDir()
	audittest.WriteDir(t, dir)
	file := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-west-2", "2026", "11", "28", "111122223333_CloudTrail_us-west-2_20261128T1005Z_a1B2c3D4e5F6g7H8.json.gz")
	rep, err := Build(context.Background(), Trail{Dir: file}, nil, projectOptions())
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Files)
	assert.Len(t, rep.Rows, 3)
}

func TestTheFormats(t *testing.T) {
	rep := buildFromDir(t, projectOptions())

	var table bytes.Buffer
	require.NoError(t, Write(&table, rep, "table"))
	out := table.String()
	assert.Contains(t, out, "S3 data events on the PHI buckets")
	assert.Contains(t, out, "window: 2026-11-28T00:00:00Z to 2026-11-29T00:00:00Z (end excluded)")
	assert.Contains(t, out, "VPC endpoint: expected "+audittest.Endpoint)
	assert.Contains(t, out, "data events: 7")
	assert.Contains(t, out, "flagged: 3 event(s): denied 1, outside-endpoint 2, unknown-principal 2")
	assert.Regexp(t, `TIME\s+PRINCIPAL\s+ACTION\s+BUCKET\s+OBJECT\s+FROM\s+RESULT\s+ANOMALIES`, out)
	assert.Regexp(t, `2026-11-28T10:02:30Z\s+arn:aws:iam::111122223333:user/mallory\s+GetObject\s+hipaa-data-in-1a2b3c4d\s+sha256:[0-9a-f]{64}\s+203\.0\.113\.9\s+denied \(AccessDenied\)\s+denied,outside-endpoint,unknown-principal`, out)

	var c bytes.Buffer
	require.NoError(t, Write(&c, rep, "csv"))
	records, err := csv.NewReader(&c).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 8)
	assert.Equal(t, []string{"time", "principal", "action", "bucket", "object", "from", "result", "anomalies", "event_id"}, records[0])
	assert.Equal(t, "2026-11-28T09:30:00Z", records[1][0])
	assert.Equal(t, "outside-endpoint", records[1][7])
	assert.Equal(t, "00000000-0000-4000-8000-000000000002", records[1][8])

	var md bytes.Buffer
	require.NoError(t, Write(&md, rep, "markdown"))
	out = md.String()
	assert.Contains(t, out, "# S3 data events on the PHI buckets\n\n- trail: ")
	assert.Contains(t, out, "| time | principal | action | bucket | object | from | result | anomalies |\n|---|---|---|---|---|---|---|---|\n")
	assert.Contains(t, out, "| denied (AccessDenied) | **denied,outside-endpoint,unknown-principal** |")
	assert.Equal(t, 7+2, strings.Count(out, "\n| ")+1, "a header, a separator and one line per event")

	assert.ErrorContains(t, Write(&md, rep, "html"), `--format "html": want one of table, csv, markdown`)
}

func TestAnEmptyReportSaysSo(t *testing.T) {
	o := projectOptions()
	o.Window = Window{From: day("2026-11-28T10:30:00Z"), To: day("2026-11-28T10:45:00Z")}
	rep := buildFromDir(t, o)
	assert.Equal(t, 1, rep.Files, "the 14:10 file may hold events of the window")
	assert.Empty(t, rep.Rows)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, rep, "table"))
	assert.Contains(t, buf.String(), "no data events in the window")
	buf.Reset()
	require.NoError(t, Write(&buf, rep, "markdown"))
	assert.Contains(t, buf.String(), "No data events in the window.")
}

func TestOptionsAndFlagsAreValidated(t *testing.T) {
	_, err := ParseTime("from", "yesterday")
	assert.ErrorContains(t, err, `--from "yesterday": want an RFC 3339 time`)
	got, err := ParseTime("to", "2026-11-28")
	require.NoError(t, err)
	assert.Equal(t, day("2026-11-28T00:00:00Z"), got)
	got, err = ParseTime("to", "2026-11-28T10:00:00+01:00")
	require.NoError(t, err)
	assert.True(t, got.Equal(day("2026-11-28T09:00:00Z")))

	bad := []struct {
		o    Options
		want string
	}{
		{Options{Window: Window{From: day("2026-11-29T00:00:00Z"), To: day("2026-11-28T00:00:00Z")}}, "--from 2026-11-29T00:00:00Z is not before --to 2026-11-28T00:00:00Z"},
		{Options{VPCEndpoint: "vpc-123"}, `--vpc-endpoint "vpc-123": want an endpoint id`},
		{Options{KnownPrincipals: []string{""}}, `--known-principals: "" is not an ARN or pattern`},
	}
	for _, b := range bad {
		_, err := Build(context.Background(), Trail{Dir: t.TempDir()}, nil, b.o)
		assert.ErrorContains(t, err, b.want)
	}
	_, err = ParseTrail("")
	assert.ErrorContains(t, err, "--trail is required")
	_, err = ParseTrail("s3:///prefix")
	assert.ErrorContains(t, err, "no bucket after s3://")
	tr, err := ParseTrail("s3://logs")
	require.NoError(t, err)
	assert.Equal(t, Trail{Bucket: "logs"}, tr)
	_, err = Build(context.Background(), Trail{Dir: filepath.Join(t.TempDir(), "missing")}, nil, Options{})
	assert.ErrorContains(t, err, "read trail")
	_, err = Build(context.Background(), Trail{Bucket: "logs"}, nil, Options{})
	assert.ErrorContains(t, err, "needs an S3 client")
}

func TestPrincipalPatternsMatchLikeIAMWildcards(t *testing.T) {
	m, err := newMatcher([]string{"arn:aws:iam::111122223333:role/hipaa-*", "arn:aws:iam::111122223333:user/a?c"})
	require.NoError(t, err)
	assert.True(t, m.any([]string{"arn:aws:iam::111122223333:role/hipaa-admin"}))
	assert.True(t, m.any([]string{"arn:aws:iam::111122223333:role/hipaa-team/path/x"}), "* crosses slashes")
	assert.True(t, m.any([]string{"arn:aws:iam::111122223333:user/abc"}))
	assert.False(t, m.any([]string{"arn:aws:iam::111122223333:user/abbc"}))
	assert.False(t, m.any([]string{"arn:aws:iam::444455556666:role/hipaa-admin"}))
	assert.False(t, m.any([]string{"xarn:aws:iam::111122223333:role/hipaa-admin"}), "patterns are anchored")
	none, err := newMatcher(nil)
	require.NoError(t, err)
	assert.Nil(t, none)
}

func TestLogFileNamesPruneFilesOutsideTheWindow(t *testing.T) {
	w := Window{From: day("2026-11-28T00:00:00Z"), To: day("2026-11-29T00:00:00Z")}
	name := func(ts string) string { return "111122223333_CloudTrail_us-west-2_" + ts + "_x.json.gz" }
	assert.False(t, w.mayHold(name("20261127T2358Z")), "written before the window starts")
	assert.False(t, w.mayHold(name("20261127T2359Z")), "written before 00:00, so its events too")
	assert.True(t, Window{From: day("2026-11-28T00:00:30Z")}.mayHold(name("20261128T0000Z")), "written in the minute the window starts")
	assert.True(t, w.mayHold(name("20261128T0003Z")))
	assert.True(t, w.mayHold(name("20261129T2300Z")), "late delivery of events of the window")
	assert.False(t, w.mayHold(name("20261130T0100Z")), "more than a day after the window")
	assert.True(t, w.mayHold("renamed.json.gz"), "a file without a time in its name is read")
	assert.False(t, isLogFile("AWSLogs/1/CloudTrail-Digest/x.json.gz"))
	assert.False(t, isLogFile("AWSLogs/1/CloudTrail/x.txt"))
}

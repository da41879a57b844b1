package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/phi"
	"github.com/sce-project/sce/internal/s3test"
)

// auditOutputs are the hipaa stack's outputs as the audit reads them.
const auditOutputs = `{"pit": "hipaa", "region": "us-west-2", "dataInBucket": "` + audittest.DataIn + `", "outputBucket": "` + audittest.Output +
	`", "ancillaryBucket": "hipaa-ancillary-0f1e2d3c", "logBucket": "hipaa-logs-9c0d1e2f", "s3EndpointId": "` + audittest.Endpoint + `"}`

func trailDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	audittest.WriteDir(t, dir)
	return dir
}

func TestAuditReportFromADirectoryWithTheStackOutputs(t *testing.T) {
	code, stdout, stderr := runCLI("audit", "report", "--trail", trailDir(t), "--outputs", outputsFile(t, auditOutputs),
		"--from", "2026-11-28", "--to", "2026-11-29", "--known-principals", audittest.WorkstationRole+",arn:aws:iam::111122223333:role/hipaa-admin")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "buckets: "+audittest.DataIn+", "+audittest.Output+", hipaa-ancillary-0f1e2d3c")
	assert.Contains(t, stdout, "VPC endpoint: expected "+audittest.Endpoint, "the endpoint comes from the outputs")
	assert.Contains(t, stdout, "principals: 2 known ARN(s) or pattern(s)")
	assert.Contains(t, stdout, "data events: 7")
	assert.Contains(t, stdout, "flagged: 3 event(s): denied 1, outside-endpoint 2, unknown-principal 2")
	assert.Contains(t, stdout, "arn:aws:iam::111122223333:user/mallory")
	assert.NotContains(t, stdout, "123-45-6789", "keys are hashed")
	assert.Contains(t, stderr, "7 data event(s) from 2 log file(s), 3 flagged")
}

func TestAuditReportAsCSVWithKeysShown(t *testing.T) {
	code, stdout, stderr := runCLI("audit", "report", "--trail", trailDir(t), "--buckets", audittest.DataIn,
		"--from", "2026-11-28T10:00:00Z", "--to", "2026-11-28T11:00:00Z", "--format", "csv", "--show-keys")
	require.Equal(t, 0, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3, "a header, the read and the denied read")
	assert.Equal(t, "incoming/patients.csv", rows[1][4])
	assert.Equal(t, "incoming/123-45-6789.csv", rows[2][4])
	assert.Equal(t, "denied", rows[2][7], "without --vpc-endpoint or --known-principals only denials are flagged")
}

func TestAuditReportAsMarkdownFromS3(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, "hipaa-logs-9c0d1e2f")
	audittest.PutS3(t, srv.Client, "hipaa-logs-9c0d1e2f", "cloudtrail/")
	code, stdout, stderr := runCLI("audit", "report", "--outputs", outputsFile(t, auditOutputs), "--endpoint", srv.URL,
		"--from", "2026-11-28", "--to", "2026-11-29", "--format", "markdown")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "- trail: s3://hipaa-logs-9c0d1e2f/cloudtrail/ (2 log file(s)", "the trail defaults to the log bucket's cloudtrail/ prefix")
	assert.Contains(t, stdout, "| sha256:"+phi.KeyHash("incoming/123-45-6789.csv")+" | 203.0.113.9 | denied (AccessDenied) | **denied,outside-endpoint** |")
}

func TestAuditReportExitsOneWhenALogFileIsUnreadable(t *testing.T) {
	dir := trailDir(t)
	bad := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-west-2", "2026", "11", "28", "111122223333_CloudTrail_us-west-2_20261128T1200Z_bad.json.gz")
	require.NoError(t, os.WriteFile(bad, []byte{0x1f, 0x8b, 0, 0}, 0o600))
	code, stdout, stderr := runCLI("audit", "report", "--trail", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "UNREADABLE (its events are missing)")
	assert.Contains(t, stderr, "unreadable log file, its events are missing from the report: "+bad)
}

func TestAuditReportOfAnS3TrailNeedsARegion(t *testing.T) {
	offlineAWS(t)
	code, _, stderr := runCLI("audit", "report", "--trail", "s3://hipaa-logs-9c0d1e2f/cloudtrail/")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "reading s3://hipaa-logs-9c0d1e2f/cloudtrail/ needs a region: give --region")
}

func TestAuditReportRefusesBadFlags(t *testing.T) {
	dir := trailDir(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{}, 2, "usage: sce audit report"},
		{"another subcommand", []string{"list"}, 2, "usage: sce audit report"},
		{"no trail", []string{"report"}, 2, "--trail is required"},
		{"a bad format", []string{"report", "--trail", dir, "--format", "pdf"}, 2, `invalid value "pdf" for flag -format: want one of table, csv, markdown`},
		{"a bad time", []string{"report", "--trail", dir, "--from", "28/11/2026"}, 2, `--from "28/11/2026": want an RFC 3339 time`},
		{"a reversed window", []string{"report", "--trail", dir, "--from", "2026-11-29", "--to", "2026-11-28"}, 2, "is not before --to"},
		{"a bad endpoint", []string{"report", "--trail", dir, "--vpc-endpoint", "endpoint-1"}, 2, `--vpc-endpoint "endpoint-1"`},
		{"a stray argument", []string{"report", "--trail", dir, "extra"}, 2, `unexpected argument "extra"`},
		{"a missing trail", []string{"report", "--trail", filepath.Join(dir, "missing")}, 1, "read trail"},
		{"a missing outputs file", []string{"report", "--trail", dir, "--outputs", "/nonexistent.json"}, 1, "read stack outputs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"audit"}, tt.args...)...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

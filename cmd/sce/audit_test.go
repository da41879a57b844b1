package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/outputs"
	"github.com/sce-project/sce/internal/stack"
)

// auditOutputs are the hipaa stack's outputs as the audit reads them.
const auditOutputs = `{"pit": "hipaa", "region": "us-west-2", "dataInBucket": "` + audittest.DataIn + `", "outputBucket": "` + audittest.Output +
	`", "ancillaryBucket": "hipaa-ancillary-0f1e2d3c", "logBucket": "hipaa-logs-9c0d1e2f", "s3EndpointId": "` + audittest.Endpoint +
	`", "knownPrincipals": ["` + audittest.WorkstationRole + `", "` + audittest.AdminRole + `"]}`

func trailDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	audittest.WriteDir(t, dir)
	return dir
}

func TestAuditReportFromADirectoryWithTheStackOutputs(t *testing.T) {
	code, stdout, stderr := runCLI("audit", "report", "--trail", trailDir(t), "--outputs", outputsFile(t, auditOutputs),
		"--from", "2026-11-28", "--to", "2026-11-29")
	require.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "buckets: "+audittest.DataIn+", "+audittest.Output+", hipaa-ancillary-0f1e2d3c")
	assert.Contains(t, stdout, "VPC endpoint: expected "+audittest.Endpoint, "the endpoint comes from the outputs")
	assert.Contains(t, stdout, "principals: 2 known ARN(s) or pattern(s)")
	assert.Contains(t, stdout, "data events: 7")
	assert.Contains(t, stdout, "flagged: 3 event(s): denied 1, outside-endpoint 2, unknown-principal 2")
	assert.Contains(t, stdout, "arn:aws:iam::111122223333:user/mallory")
	assert.NotContains(t, stdout, "123-45-6789", "keys are hashed")
	assert.Contains(t, stderr, "7 data event(s) from 2 log file(s), 3 flagged")
	assert.Contains(t, stderr, "3 flagged event(s) need a look (exit status 3)")
}

func TestAuditReportFlagsPrincipalsOutsideTheStackByDefault(t *testing.T) {
	onlyWorkstation := strings.Replace(auditOutputs, `, "`+audittest.AdminRole+`"`, "", 1)
	require.NotEqual(t, auditOutputs, onlyWorkstation)
	args := []string{"audit", "report", "--trail", trailDir(t), "--outputs", outputsFile(t, onlyWorkstation), "--from", "2026-11-28", "--to", "2026-11-29"}
	code, stdout, stderr := runCLI(args...)
	require.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "principals: 1 known ARN(s) or pattern(s)", "the stack's own roles, from the outputs, without any flag")
	assert.Contains(t, stdout, "unknown-principal 3", "the IAM user, the other account's role and the administrator not in the outputs")

	code, stdout, stderr = runCLI(append(args, "--known-principals", audittest.AdminRole)...)
	require.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "principals: 2 known ARN(s) or pattern(s)", "--known-principals extends the outputs' list")
	assert.Contains(t, stdout, "unknown-principal 2")
}

func TestAuditReportExitsZeroWhenNothingIsFlagged(t *testing.T) {
	code, stdout, stderr := runCLI("audit", "report", "--trail", trailDir(t), "--outputs", outputsFile(t, auditOutputs),
		"--from", "2026-11-28T10:01:00Z", "--to", "2026-11-28T10:02:00Z")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "data events: 1")
	assert.Contains(t, stdout, "flagged: none")
}

func TestTheKnownPrincipalsOutputIsTheOneTheStackExports(t *testing.T) {
	assert.Equal(t, stack.OutputKnownPrincipals, outputs.KnownPrincipals)
}

func TestAuditReportUsageStatesTheExitStatusOfFindings(t *testing.T) {
	assert.Contains(t, auditUsage, fmt.Sprintf("%d some event flagged", exitFindings))
	_, stdout, stderr := runCLI("audit", "report", "--help")
	assert.Contains(t, strings.Join(strings.Fields(stdout), " "), "Exit status: 0 no event flagged, 3 some event flagged", "--help says it, on stdout")
	assert.Contains(t, stdout+stderr, "-known-principals")
}

func TestAuditReportRefusesOutputsWithoutWhatItNeeds(t *testing.T) {
	dir := trailDir(t)
	tests := []struct {
		name    string
		outputs string
		flags   []string
		want    string
	}{
		{"a stack deployed before knownPrincipals", strings.Replace(auditOutputs, `"knownPrincipals"`, `"other"`, 1), nil, "lack knownPrincipals:"},
		{"no bucket", `{"region": "us-west-2", "s3EndpointId": "` + audittest.Endpoint + `", "knownPrincipals": ["` + audittest.WorkstationRole + `"]}`, nil,
			"lack ancillaryBucket, dataInBucket, outputBucket:"},
		{"another program's JSON", `{"name": "x"}`, nil, "lack ancillaryBucket, dataInBucket, knownPrincipals, outputBucket, s3EndpointId:"},
		{"no log bucket for the default trail", strings.Replace(auditOutputs, `"logBucket"`, `"x"`, 1), []string{"--trail", ""}, "lack logBucket:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"audit", "report", "--trail", dir, "--outputs", outputsFile(t, tt.outputs)}, tt.flags...)
			code, stdout, stderr := runCLI(args...)
			assert.Equal(t, 1, code, stderr)
			assert.Empty(t, stdout, "no report that silently covers every bucket")
			assert.Contains(t, stderr, tt.want)
		})
	}
	code, _, stderr := runCLI("audit", "report", "--trail", dir, "--outputs", outputsFile(t, `{"region": "us-west-2"}`),
		"--buckets", audittest.DataIn, "--vpc-endpoint", audittest.Endpoint, "--known-principals", audittest.WorkstationRole, "--from", "2026-11-28")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "lack knownPrincipals:", "the flags stand in for every key but the stack's own principals")
}

func TestAuditReportOfNoLogFilesIsAnError(t *testing.T) {
	etc := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(etc, "daemon.json"), []byte(`{"debug": false}`), 0o600))
	for _, dir := range []string{t.TempDir(), etc} {
		code, stdout, stderr := runCLI("audit", "report", "--trail", dir)
		assert.Equal(t, 1, code, stderr)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "no CloudTrail log files under "+dir)
		assert.NotContains(t, stderr, "0 flagged")
	}
}

func TestAuditReportAsCSVWithKeysShown(t *testing.T) {
	code, stdout, stderr := runCLI("audit", "report", "--trail", trailDir(t), "--buckets", audittest.DataIn,
		"--from", "2026-11-28T10:00:00Z", "--to", "2026-11-28T11:00:00Z", "--format", "csv", "--show-keys")
	require.Equal(t, exitFindings, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3, "a header, the read and the denied read")
	assert.Equal(t, "incoming/patients.csv", rows[1][4])
	assert.Equal(t, "incoming/123-45-6789.csv", rows[2][4])
	assert.Equal(t, "denied", rows[2][7], "without --vpc-endpoint or --known-principals only denials are flagged")
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

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// usageFixtures is where internal/usage keeps its fixture logs (its testdata/README.md describes them).
const usageFixtures = "../../internal/usage/testdata"

// omopOutputs are the omop stack's outputs as the usage report reads them.
const omopOutputs = `{"pit": "omop", "region": "us-west-2", "dataInBucket": "omop-data-in-1a2b3c4d", "outputBucket": "omop-output-5e6f7a8b",
 "ancillaryBucket": "omop-ancillary-0f1e2d3c", "logBucket": "omop-logs-9c0d1e2f",
 "researcherSshConfigs": {"alice": "Host omop-workstation ...", "bob": "Host omop-workstation ...", "carol": "Host omop-workstation ..."}}`

func fixture(name string) string { return filepath.Join(usageFixtures, name) }

func TestAuditUsageReportsEachResearcherFromTheThreeLogs(t *testing.T) {
	code, stdout, stderr := runCLI("audit", "usage", "--trail", fixture("trail"), "--host-logs", fixture("host"), "--redshift-logs", fixture("redshift"),
		"--outputs", outputsFile(t, omopOutputs), "--from", "2026-11-28", "--to", "2026-11-29")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "researchers listed: alice, bob, carol", "the logins of the stack outputs")
	assert.Regexp(t, `alice\s+listed\s+data-in/incoming\s+1\s+2\s+104000`, stdout, "the bucket's role from the outputs")
	assert.Regexp(t, `alice\s+listed\s+volume/incoming\s+2\s+3`, stdout, "the mount point /omop from the PIT")
	assert.Regexp(t, `alice\s+listed\s+redshift/cdm\s+2\s+2`, stdout)
	assert.Regexp(t, `carol\s+listed\s+-\s+0\s+0`, stdout, "a listed researcher who used nothing")
	assert.Contains(t, stdout, "WHERE p.year_of_birth > $1 AND c.vocabulary_id = $2")
	assert.NotContains(t, stdout, "cohort.csv")
	assert.Contains(t, stderr, "(2 unparsable) from 4 log file(s)")
}

func TestAuditUsageWritesTheEvidenceFileAndExitsOneOnABrokenLog(t *testing.T) {
	dir := t.TempDir()
	trail := filepath.Join(dir, "trail")
	require.NoError(t, os.CopyFS(trail, os.DirFS(fixture("trail"))))
	broken := "111122223333_CloudTrail_us-west-2_20261128T1110Z_truncated00000001.json"
	data, err := os.ReadFile(filepath.Join(fixture("broken"), broken))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(trail, broken), data, 0o600))

	code, stdout, stderr := runCLI("audit", "usage", "--trail", trail, "--outputs", outputsFile(t, omopOutputs), "--format", "json", "--researcher", "alice")
	assert.Equal(t, 1, code, "an input error")
	assert.Contains(t, stderr, "input error, its events are missing from the report: "+filepath.Join(trail, broken)+": not a CloudTrail log file (truncated, not gzip or not JSON)")
	var ev struct {
		InputErrors int              `json:"inputErrors"`
		Inputs      []map[string]any `json:"inputs"`
		Summary     []map[string]any `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &ev), "the report is still written")
	assert.Equal(t, 1, ev.InputErrors)
	assert.Len(t, ev.Inputs, 3)
	require.NotEmpty(t, ev.Summary)
	for _, r := range ev.Summary {
		assert.Equal(t, "alice", r["researcher"])
	}
}

func TestAuditUsageOfAnEmptyInputFails(t *testing.T) {
	code, stdout, stderr := runCLI("audit", "usage", "--trail", t.TempDir())
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout, "no clean report from nothing")
	assert.Contains(t, stderr, "holds no CloudTrail log file")
}

func TestAuditUsageRefusesBadFlags(t *testing.T) {
	trail := fixture("trail")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--trail", trail, "--format", "html"}, `invalid value "html" for flag -format: want one of table, csv, markdown, json`},
		{[]string{"--trail", trail, "--from", "yesterday"}, `--from "yesterday": want an RFC 3339 time`},
		{[]string{"--trail", trail, "--researcher", "a b"}, `--researcher "a b"`},
		{[]string{"--trail", trail, "--mount", "omop"}, `mount point "omop"`},
		{[]string{}, "--trail is required"},
		{[]string{"--trail", trail, "extra"}, `unexpected argument "extra"`},
		{[]string{"--trail", "s3://omop-logs/x"}, "needs a region"},
	} {
		if strings.Contains(c.want, "region") {
			offlineAWS(t)
		}
		code, _, stderr := runCLI(append([]string{"audit", "usage"}, c.args...)...)
		assert.Equal(t, 2, code, c.args)
		assert.Contains(t, stderr, c.want, c.args)
	}
	code, _, stderr := runCLI("audit")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "sce audit usage --trail")
}

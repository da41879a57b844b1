package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeoutOutputs are outputs of the deployed hipaa stack, with the names close-out prints.
const closeoutOutputs = `{"pit":"hipaa","dataInBucket":"hipaa-data-in-9a8b7c6d","outputBucket":"hipaa-output-0a1b2c3d","logBucket":"hipaa-logs-4e5f6a7b",
"accessLogBucket":"hipaa-access-logs-5f6e7d8c","ancillaryBucket":"hipaa-ancillary-1b2c3d4e","ledgerTable":"hipaa-upload-ledger",
"kmsKeyArn":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`

func TestCloseoutReadsTheDeployedNamesFromTheOutputs(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "outputs.json")
	require.NoError(t, os.WriteFile(good, []byte(closeoutOutputs), 0o600))
	code, stdout, stderr := runCLI("closeout", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--outputs", good)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "s3://hipaa-output-0a1b2c3d/results/")
	assert.Contains(t, stdout, "The ancillary bucket hipaa-ancillary-1b2c3d4e is kept")
	assert.NotContains(t, stdout, "NOTE: the bucket and table names")

	other := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(other, []byte(strings.Replace(closeoutOutputs, `"pit":"hipaa"`, `"pit":"cardio"`, 1)), 0o600))
	code, stdout, stderr = runCLI("closeout", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--outputs", other)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, `of project "cardio", not "hipaa"`)

	code, _, stderr = runCLI("closeout", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--outputs", filepath.Join(dir, "missing.json"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "read stack outputs")
}

func TestCloseoutRefusesOutputsMissingTheNamesItPrints(t *testing.T) {
	partial := filepath.Join(t.TempDir(), "outputs.json")
	require.NoError(t, os.WriteFile(partial, []byte(`{"pit":"hipaa","outputBucket":"hipaa-output-0a1b2c3d","logBucket":"hipaa-logs-4e5f6a7b"}`), 0o600))
	code, stdout, stderr := runCLI("closeout", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--outputs", partial)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout, "no procedure aimed at the offline plan's invented bucket names")
	assert.Contains(t, stderr, "lack accessLogBucket, ancillaryBucket, dataInBucket, kmsKeyArn, ledgerTable:")
}

// hipaaWith writes the hipaa stack file with lines added to its config.
func hipaaWith(t *testing.T, extra ...string) string {
	t.Helper()
	data, err := os.ReadFile("../../Pulumi.hipaa.yaml")
	require.NoError(t, err)
	text := strings.Replace(string(data), "config:\n", "config:\n"+strings.Join(extra, "\n")+"\n", 1)
	require.NotEqual(t, string(data), text)
	path := filepath.Join(t.TempDir(), "Pulumi.hipaa.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestCloseoutFailsOnLogsKeptShorterThanTheMinimum(t *testing.T) {
	short := hipaaWith(t, "  sce:flowLogRetentionDays: 30", "  sce:auditLogRetentionDays: 90")
	code, stdout, stderr := runCLI("closeout", "--stack", "hipaa", "--config", short)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "log group /sce/hipaa/vpc-flow-logs (hipaa-flow-logs) keeps its events 30 days, less than the 2192 days")
	assert.Contains(t, stdout, "log group /sce/hipaa/cloudtrail (hipaa-audit-log-group) keeps its events 90 days")
	assert.NotContains(t, stdout, "kept six years")
	assert.Contains(t, stderr, "6 check(s) failed")

	lowered := hipaaWith(t, "  sce:flowLogRetentionDays: 30", "  sce:auditLogRetentionDays: 90", "  sce:minimumRetentionDays: 30")
	code, stdout, stderr = runCLI("closeout", "--stack", "hipaa", "--config", lowered)
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "before 30 days (sce:minimumRetentionDays)")
}

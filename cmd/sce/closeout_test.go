package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCloseoutReadsTheDeployedNamesFromTheOutputs(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "outputs.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"pit":"hipaa","outputBucket":"hipaa-output-0a1b2c3d","logBucket":"hipaa-logs-4e5f6a7b"}`), 0o600))
	code, stdout, stderr := runCLI("closeout", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--outputs", good)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "s3://hipaa-output-0a1b2c3d/results/")
	assert.NotContains(t, stdout, "NOTE: the bucket and table names")

	other := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"pit":"cardio","outputBucket":"cardio-output-0a1b2c3d"}`), 0o600))
	code, stdout, stderr = runCLI("closeout", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--outputs", other)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, `of project "cardio", not "hipaa"`)

	code, _, stderr = runCLI("closeout", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--outputs", filepath.Join(dir, "missing.json"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "read stack outputs")
}

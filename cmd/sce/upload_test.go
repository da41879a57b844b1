package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/outputs"
	"github.com/sce-project/sce/internal/stack"
)

const (
	cliBucket = "hipaa-data-in-1a2b3c4d"
	cliKey    = "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666"
)

// offlineAWS points the SDK at dummy credentials and no configuration files, so that tests never read
// the machine's AWS settings or the instance metadata service.
func offlineAWS(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "")
}

// outputsFile writes stack outputs as `pulumi stack output --json` prints them.
func outputsFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outputs.json")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

const hipaaOutputs = `{"pit": "hipaa", "region": "us-west-2", "dataInBucket": "` + cliBucket + `", "kmsKeyArn": "` + cliKey + `", "s3EndpointId": "vpce-0123456789abcdef0"}`

func TestTheOutputNamesAreThoseTheStackExports(t *testing.T) {
	assert.Equal(t, stack.OutputPIT, outputs.PIT)
	assert.Equal(t, stack.OutputRegion, outputs.Region)
	assert.Equal(t, stack.OutputAccessLogBucket, outputs.AccessLogBucket)
	assert.Equal(t, stack.OutputLedgerTable, outputs.LedgerTable)
	assert.Equal(t, stack.OutputKMSKeyARN, outputs.KMSKeyARN)
	assert.Equal(t, stack.OutputDataInBucket, outputs.DataInBucket)
	assert.Equal(t, stack.OutputOutputBucket, outputs.OutputBucket)
	assert.Equal(t, stack.OutputAncillaryBucket, outputs.AncillaryBucket)
	assert.Equal(t, stack.OutputLogBucket, outputs.LogBucket)
	assert.Equal(t, stack.OutputS3EndpointID, outputs.S3EndpointID)
	assert.Equal(t, stack.OutputResearcherSSHConfig, outputs.ResearcherSSHConfigs)
}

func TestUploadRefusesBadFlags(t *testing.T) {
	offlineAWS(t)
	t.Setenv("PATH", t.TempDir()) // no pulumi CLI
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no files", []string{"--stack", "hipaa"}, 2, "sce upload: no files given"},
		{"nowhere to upload", []string{file}, 2, "say where to upload: --stack NAME"},
		{"a stack without the Pulumi CLI", []string{file, "--stack", "hipaa"}, 1, "pulumi stack output --json --stack hipaa > outputs.json"},
		{"outputs of another stack", []string{file, "--stack", "omop", "--outputs", outputsFile(t, hipaaOutputs)}, 2, `--stack omop does not match the stack outputs`},
		{"outputs without the bucket", []string{file, "--outputs", outputsFile(t, `{"kmsKeyArn": "`+cliKey+`"}`)}, 1, `lack dataInBucket:`},
		{"outputs without the bucket or the key", []string{file, "--outputs", outputsFile(t, `{"pit": "hipaa"}`)}, 1, `lack dataInBucket, kmsKeyArn:`},
		{"outputs without the PIT, with --stack", []string{file, "--stack", "hipaa", "--outputs", outputsFile(t, `{"dataInBucket": "`+cliBucket+`", "kmsKeyArn": "`+cliKey+`"}`)}, 2,
			`have no "pit": they cannot be shown to be stack hipaa's`},
		{"outputs that are not JSON", []string{file, "--outputs", outputsFile(t, `pit: hipaa`)}, 1, "parse stack outputs"},
		{"a missing outputs file", []string{file, "--outputs", "/nonexistent/outputs.json"}, 1, "read stack outputs"},
		{"a key alias", []string{file, "--bucket", cliBucket, "--kms-key", "alias/hipaa"}, 2, `--kms-key "alias/hipaa": want a KMS key ARN`},
		{"a small part size", []string{file, "--bucket", cliBucket, "--kms-key", cliKey, "--part-size", "4"}, 2, "--part-size 4: want 5 to 5120"},
		{"an unknown flag", []string{file, "--bukket", cliBucket}, 2, "flag provided but not defined: -bukket"},
		{"a missing file", []string{"/nonexistent/a.csv", "--bucket", cliBucket, "--kms-key", cliKey}, 1, "file argument 1: stat /nonexistent/a.csv"},
		{"a missing names file", []string{file, "--bucket", cliBucket, "--kms-key", cliKey, "--names", "/nonexistent/names"}, 1, "read names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"upload"}, tt.args...)...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestFlagsMayFollowTheFilesAndDoubleDashEndsThem(t *testing.T) {
	fs := newFlags("t", "FILE...", "", io.Discard, io.Discard)
	stack := fs.String("stack", "", "")
	got, code, stop := fs.parseInterspersed([]string{"a", "--stack", "x", "b", "--", "--c"})
	require.False(t, stop, code)
	assert.Equal(t, []string{"a", "b", "--c"}, got)
	assert.Equal(t, "x", *stack)
}

func TestTheRegionOfAnARN(t *testing.T) {
	assert.Equal(t, "us-west-2", regionOfARN(cliKey))
	assert.Equal(t, "", regionOfARN("alias/x"))
}

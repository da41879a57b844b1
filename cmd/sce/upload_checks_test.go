package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnExpiredSSOSessionOrAMissingProfileIsNamed(t *testing.T) {
	offlineAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "cardio-admin")
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	code, _, stderr := runCLI("upload", file, "--bucket", cliBucket, "--kms-key", cliKey)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `AWS profile "cardio-admin" is not in the AWS configuration files`)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)

	config := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(config, []byte("[profile cardio-admin]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = us-west-2\n"+
		"[sso-session org]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-west-2\n"), 0o600))
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("HOME", t.TempDir()) // no cached SSO token
	code, _, stderr = runCLI("upload", file, "--bucket", cliBucket, "--kms-key", cliKey)
	assert.Equal(t, 1, code)
	assert.Equal(t, "sce upload: the AWS SSO session has expired or was never started: run `aws sso login --profile cardio-admin`, then run this command again\n", stderr)
}

func TestAuditReportOfAnS3TrailWithoutCredentialsSaysWhatToDo(t *testing.T) {
	offlineAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	code, stdout, stderr := runCLI("audit", "report", "--trail", "s3://hipaa-logs-1a2b3c4d/cloudtrail/", "--region", "us-west-2")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.True(t, strings.HasPrefix(stderr, "sce audit report: no AWS credentials: set AWS_PROFILE"), stderr)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %s", stderr)
}

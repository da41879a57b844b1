package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/motoserver"
	"github.com/sce-project/sce/internal/phi"
)

func TestEmulatorAuditReportAsMarkdownFromS3(t *testing.T) {
	srv := moto.Need(t)
	offlineAWS(t)
	logs := srv.Bucket(t, "hipaa-logs", true)
	audittest.PutS3(t, motoserver.S3(srv.Config()), logs, "cloudtrail/")
	outputs := strings.Replace(auditOutputs, `"logBucket": "hipaa-logs-9c0d1e2f"`, `"logBucket": "`+logs+`"`, 1)
	require.NotEqual(t, auditOutputs, outputs)
	code, stdout, stderr := runCLI("audit", "report", "--outputs", outputsFile(t, outputs), "--endpoint", srv.URL,
		"--from", "2026-11-28", "--to", "2026-11-29", "--format", "markdown")
	require.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "- trail: s3://"+logs+"/cloudtrail/ (2 log file(s)", "the trail defaults to the log bucket's cloudtrail/ prefix")
	assert.Contains(t, stdout, "| sha256:"+phi.KeyHash("incoming/123-45-6789.csv")+" | 203.0.113.9 | denied (AccessDenied) | **denied,outside-endpoint,unknown-principal** |",
		"the IAM user is none of the stack's known principals")
}

func TestEmulatorAuditReportOfATrailItCannotListFails(t *testing.T) {
	srv := moto.Need(t)
	offlineAWS(t)
	code, stdout, stderr := runCLI("audit", "report", "--trail", "s3://"+srv.Name("no-such-logs")+"/cloudtrail/", "--region", "us-west-2", "--endpoint", srv.URL)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "NoSuchBucket")
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
)

func TestEmulatorAuditUsageReadsAnS3TrailNamedByTheOutputs(t *testing.T) {
	srv := moto.Need(t)
	offlineAWS(t)
	logs := srv.Bucket(t, "omop-logs", true)
	client := motoserver.S3(srv.Config())
	root := fixture("trail")
	require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(logs), Key: aws.String("cloudtrail/" + filepath.ToSlash(rel)), Body: bytes.NewReader(data)})
		return err
	}))
	outputs := strings.Replace(omopOutputs, `"logBucket": "omop-logs-9c0d1e2f"`, `"logBucket": "`+logs+`"`, 1)
	require.NotEqual(t, omopOutputs, outputs)
	code, stdout, stderr := runCLI("audit", "usage", "--outputs", outputsFile(t, outputs), "--endpoint", srv.URL, "--format", "markdown", "--dataset", "output")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "| alice | listed | output/results |")
	assert.NotContains(t, stdout, "data-in/")
	assert.Contains(t, stdout, "s3://"+logs+"/cloudtrail/AWSLogs/")
}

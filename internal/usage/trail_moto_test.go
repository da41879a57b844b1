package usage

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit"
	"github.com/sce-project/sce/internal/motoserver"
)

func TestEmulatorTheTrailMayBeInS3(t *testing.T) {
	srv := moto.Need(t)
	bucket := srv.Bucket(t, "omop-logs", true)
	client := motoserver.S3(srv.Config())
	dir := trailDir(t)
	var names []string
	require.NoError(t, walkFiles(dir, func(rel string, data []byte) {
		_, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("cloudtrail/" + rel), Body: bytes.NewReader(data)})
		require.NoError(t, err)
		names = append(names, rel)
	}))
	trail, err := audit.ParseTrail("s3://" + bucket + "/cloudtrail/")
	require.NoError(t, err)
	rep, err := Build(context.Background(), Inputs{Trail: trail, S3: client}, stackOptions())
	require.NoError(t, err)
	local := build(t, stackOptions(), "", "")
	assert.Equal(t, local.Summary, rep.Summary, "the same report as from a directory")
	require.Len(t, rep.Inputs, len(names))
	assert.True(t, strings.HasPrefix(rep.Inputs[0].Name, "s3://"+bucket+"/cloudtrail/AWSLogs/"))
	assert.Equal(t, local.Inputs[0].SHA256, rep.Inputs[0].SHA256, "the digest is of the stored bytes wherever they are")
}

package upload

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
)

// cancelAfter is a progress writer that cancels the upload's context when the bar is drawn for the
// n-th time: after the first part has been sent, the way Ctrl-C arrives in the middle of a file.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	return len(p), nil
}

func TestEmulatorAnInterruptedMultipartUploadIsAborted(t *testing.T) {
	p := newProject(t)
	proxy := p.srv.Proxy(t)
	path := writeFile(t, t.TempDir(), "big.csv", 4*MinPartSize)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	u, err := New(motoserver.S3(proxy.Config()), p.target(), Options{PartSize: MinPartSize, Concurrency: 1, Progress: &cancelAfter{n: 2, cancel: cancel}})
	require.NoError(t, err)
	items, err := Prepare([]string{path}, p.target(), nil)
	require.NoError(t, err)

	_, err = u.Upload(ctx, items[0])
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Contains(t, err.Error(), "the multipart upload was aborted")

	var creates, aborts, completes int
	for _, r := range proxy.Requests() {
		if r.Path != "/"+p.bucket+"/incoming/big.csv" {
			continue
		}
		switch {
		case r.Method == http.MethodPost && strings.Contains(r.Query, "uploads"):
			creates++
		case r.Method == http.MethodDelete && strings.Contains(r.Query, "uploadId="):
			aborts++
		case r.Method == http.MethodPost && strings.Contains(r.Query, "uploadId="):
			completes++
		}
	}
	assert.Equal(t, 1, creates, "the multipart upload was started")
	assert.Equal(t, 1, aborts, "AbortMultipartUpload was sent, with a context of its own")
	assert.Zero(t, completes, "the upload was not completed")
	assert.Empty(t, p.incompleteUploads(t), "S3 holds no parts of it")
	_, err = motoserver.S3(p.srv.Config()).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(p.bucket), Key: aws.String("incoming/big.csv")})
	assert.Error(t, err, "no object was stored")
}

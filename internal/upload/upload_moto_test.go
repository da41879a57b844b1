package upload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
)

// project is a data-in bucket (versioned, as the stack's are) and a project key in the emulator.
type project struct {
	srv    *motoserver.Server
	bucket string
	key    string
}

func newProject(t *testing.T) project {
	t.Helper()
	srv := moto.Need(t)
	return project{srv: srv, bucket: srv.Bucket(t, "data-in", true), key: srv.KMSKey(t)}
}

func (p project) target() Target {
	return Target{Bucket: p.bucket, KMSKeyARN: p.key, Prefix: "incoming"}
}

// upload uploads one new file of size bytes through cfg's client.
func (p project) upload(t *testing.T, cfg aws.Config, name string, size int, o Options) (*Result, string, error) {
	t.Helper()
	path := writeFile(t, t.TempDir(), name, size)
	items, err := Prepare([]string{path}, p.target(), nil)
	require.NoError(t, err)
	if o.PartSize == 0 {
		o.PartSize = MinPartSize
	}
	u, err := New(motoserver.S3(cfg), p.target(), o)
	require.NoError(t, err)
	res, err := u.Upload(context.Background(), items[0])
	return res, path, err
}

// stored reads back an object with the administrator's client: its bytes and what HeadObject says.
func (p project) stored(t *testing.T, key string) ([]byte, *s3.HeadObjectOutput) {
	t.Helper()
	client := motoserver.S3(p.srv.Config())
	ctx := context.Background()
	got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(p.bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer got.Body.Close()
	body, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(p.bucket), Key: aws.String(key), ChecksumMode: s3types.ChecksumModeEnabled})
	require.NoError(t, err)
	return body, head
}

// incompleteUploads lists the bucket's multipart uploads that were neither completed nor aborted: parts
// that would hold the file's bytes out of sight of a listing.
func (p project) incompleteUploads(t *testing.T) []s3types.MultipartUpload {
	t.Helper()
	out, err := motoserver.S3(p.srv.Config()).ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(p.bucket)})
	require.NoError(t, err)
	return out.Uploads
}

// uploaderPolicy is the project's write-only uploader role's access to data-in (components/
// bucketpolicy_uploads.go, uploadActions): put objects, in one request or in parts, and abort a multipart
// upload; no read, no list.
func (p project) uploaderPolicy() string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:aws:s3:::` + p.bucket + `/*"}]}`
}

func TestEmulatorASmallFileGoesUpInOnePutWithSSEKMSAndIsVerified(t *testing.T) {
	p := newProject(t)
	var progress bytes.Buffer
	res, path, err := p.upload(t, p.srv.Config(), "patients.csv", 4096, Options{Progress: &progress})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Parts, "one PUT")
	assert.Equal(t, fileSHA256(t, path), res.SHA256)
	assert.Equal(t, "aws:kms", res.SSE)
	assert.Equal(t, p.key, res.KMSKeyID)
	assert.Equal(t, []string{"the upload response", "HeadObject"}, res.VerifiedBy)
	assert.NotEmpty(t, res.VersionID, "the bucket is versioned")

	body, head := p.stored(t, "incoming/patients.csv")
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, body, "the stored object is the file")
	assert.Equal(t, s3types.ServerSideEncryptionAwsKms, head.ServerSideEncryption, "stored with SSE-KMS")
	assert.Equal(t, p.key, aws.ToString(head.SSEKMSKeyId), "under the project key")
	sum := sha256.Sum256(want)
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), aws.ToString(head.ChecksumSHA256), "S3 keeps the file's SHA-256")
	assert.Contains(t, progress.String(), "100%")
}

func TestEmulatorALargeFileGoesUpInPartsAndItsCompositeChecksumIsVerified(t *testing.T) {
	p := newProject(t)
	res, path, err := p.upload(t, p.srv.Config(), "timeseries.csv", 2*MinPartSize+12345, Options{Concurrency: 2})
	require.NoError(t, err)
	assert.Equal(t, 3, res.Parts)
	// moto 5.2.1's CompleteMultipartUpload reports no checksum (S3's does): HeadObject verifies alone.
	assert.Equal(t, []string{"HeadObject"}, res.VerifiedBy)

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var digests [][]byte
	for off := 0; off < len(data); off += MinPartSize {
		sum := sha256.Sum256(data[off:min(off+MinPartSize, len(data))])
		digests = append(digests, sum[:])
	}
	assert.Equal(t, compositeChecksum(digests).Value, res.Checksum.Value, "the emulator's composite checksum, computed from the parts it stored, is ours")

	body, head := p.stored(t, "incoming/timeseries.csv")
	assert.Equal(t, data, body, "the parts were assembled in order")
	assert.Equal(t, s3types.ServerSideEncryptionAwsKms, head.ServerSideEncryption)
	assert.Equal(t, p.key, aws.ToString(head.SSEKMSKeyId))
	assert.True(t, strings.HasSuffix(aws.ToString(head.ETag), `-3"`), "a three-part object: %s", aws.ToString(head.ETag))
	assert.Empty(t, p.incompleteUploads(t))
}

func TestEmulatorAFileOfExactlyOnePartSizeIsAOnePartMultipartUpload(t *testing.T) {
	p := newProject(t)
	res, _, err := p.upload(t, p.srv.Config(), "exact.bin", MinPartSize, Options{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Parts)
	_, head := p.stored(t, "incoming/exact.bin")
	assert.True(t, strings.HasSuffix(aws.ToString(head.ETag), `-1"`), "%s", aws.ToString(head.ETag))
}

func TestEmulatorAnEmptyFileIsUploadedAndVerified(t *testing.T) {
	p := newProject(t)
	res, _, err := p.upload(t, p.srv.Config(), "empty.csv", 0, Options{})
	require.NoError(t, err)
	assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", res.SHA256)
	assert.Equal(t, []string{"the upload response", "HeadObject"}, res.VerifiedBy)
}

func TestEmulatorAWriteOnlyUploaderIsVerifiedFromTheUploadResponse(t *testing.T) {
	p := newProject(t)
	p.srv.EnforceIAM(t)
	uploader := p.srv.User(t, p.uploaderPolicy())
	res, _, err := p.upload(t, uploader, "a.csv", 100, Options{})
	require.NoError(t, err, "HeadObject is denied, and the PutObject response said everything")
	assert.True(t, res.HeadDenied)
	assert.Equal(t, []string{"the upload response"}, res.VerifiedBy)
	assert.Equal(t, "aws:kms", res.SSE)
	assert.Equal(t, p.key, res.KMSKeyID)

	// S3's CompleteMultipartUpload response carries the composite checksum, moto 5.2.1's does not: then
	// nothing may call the object verified.
	_, _, err = p.upload(t, uploader, "b.csv", MinPartSize+1, Options{})
	var verr *VerificationError
	require.ErrorAs(t, err, &verr)
	assert.Contains(t, err.Error(), "cannot verify: HeadObject was denied")
}

func TestEmulatorAnUploaderWithoutPermissionIsRefusedAndNothingIsStored(t *testing.T) {
	p := newProject(t)
	p.srv.EnforceIAM(t)
	nobody := p.srv.User(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)
	for _, size := range []int{10, MinPartSize + 1} {
		_, _, err := p.upload(t, nobody, "denied.csv", size, Options{})
		var api smithy.APIError
		require.True(t, errors.As(err, &api), "size %d: %v", size, err)
		assert.Equal(t, "AccessDenied", api.ErrorCode())
		assert.NotErrorAs(t, err, new(*VerificationError))
	}
	out, err := motoserver.S3(p.srv.Config()).ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(p.bucket)})
	require.NoError(t, err)
	assert.Empty(t, out.Versions)
}

func TestEmulatorUploadAllStopsAtTheFirstFailure(t *testing.T) {
	p := newProject(t)
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", 10)
	b := writeFile(t, dir, "b.csv", 10)
	items, err := Prepare([]string{a, b}, p.target(), nil)
	require.NoError(t, err)
	u, err := New(motoserver.S3(p.srv.Config()), Target{Bucket: p.srv.Name("no-such-bucket"), KMSKeyARN: p.key}, Options{})
	require.NoError(t, err)
	var done []string
	err = u.UploadAll(context.Background(), items, func(r *Result) { done = append(done, r.Key) })
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%v", err)
	assert.Equal(t, "NoSuchBucket", api.ErrorCode())
	assert.Contains(t, err.Error(), "upload "+a+" to s3://no-such-bucket")
	assert.Empty(t, done)
}

func TestEmulatorSlowDownIsRetriedAndTheUploadStillVerifies(t *testing.T) {
	p := newProject(t)
	proxy := p.srv.Proxy(t,
		motoserver.SlowDown(motoserver.S3Op(http.MethodPut, "/incoming/small.csv"), 2),
		motoserver.SlowDown(motoserver.S3Op(http.MethodPut, "/incoming/large.csv", "partNumber"), 2))
	res, _, err := p.upload(t, proxy.Config(), "small.csv", 100, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"the upload response", "HeadObject"}, res.VerifiedBy)
	res, path, err := p.upload(t, proxy.Config(), "large.csv", 2*MinPartSize+1, Options{})
	require.NoError(t, err, "two parts refused once each, or one twice: within the SDK's three attempts")
	assert.Equal(t, 3, res.Parts)
	body, _ := p.stored(t, "incoming/large.csv")
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, body, "a retried part is the same part")

	faulted := 0
	for _, r := range proxy.Requests() {
		if r.Faulted {
			faulted++
		}
	}
	assert.Equal(t, 4, faulted)
}

func TestEmulatorPersistentSlowDownFailsTheUploadAndAbortsItsParts(t *testing.T) {
	p := newProject(t)
	for _, who := range []struct {
		name string
		cfg  aws.Config
	}{{"an administrator", p.srv.Config()}, {"a write-only uploader", p.srv.User(t, p.uploaderPolicy())}} {
		t.Run(who.name, func(t *testing.T) {
			p.srv.EnforceIAM(t)
			proxy := p.srv.Proxy(t, motoserver.SlowDown(motoserver.S3Op(http.MethodPut, "", "partNumber", "uploadId"), 0))
			_, _, err := p.upload(t, proxy.Wrap(who.cfg), "slow.csv", 2*MinPartSize, Options{})
			var api smithy.APIError
			require.True(t, errors.As(err, &api), "%v", err)
			assert.Equal(t, "SlowDown", api.ErrorCode())
			assert.Contains(t, err.Error(), "exceeded maximum number of attempts")
			assert.Empty(t, p.incompleteUploads(t), "the multipart upload was aborted: no parts are left behind")
		})
	}
}

func TestEmulatorAChecksumThatDoesNotMatchFailsVerification(t *testing.T) {
	p := newProject(t)
	sum := sha256.Sum256([]byte("not the object"))
	wrong := base64.StdEncoding.EncodeToString(sum[:])
	for _, tc := range []struct {
		name   string
		size   int
		stored string
	}{{"a single PUT", 1000, wrong}, {"a multipart upload", MinPartSize + 1, wrong + "-2"}} {
		t.Run(tc.name, func(t *testing.T) {
			// S3 reports, on HeadObject, a checksum other than the file's: as if the stored object differed.
			proxy := p.srv.Proxy(t, motoserver.Fault{Match: motoserver.S3Op(http.MethodHead, ""), Header: map[string]string{"X-Amz-Checksum-Sha256": tc.stored}})
			_, _, err := p.upload(t, proxy.Config(), "a.csv", tc.size, Options{})
			var verr *VerificationError
			require.ErrorAs(t, err, &verr)
			assert.Contains(t, err.Error(), "s3://"+p.bucket+"/incoming/a.csv was uploaded but failed verification")
			assert.Contains(t, err.Error(), "HeadObject: S3 reports SHA-256 checksum "+tc.stored)
		})
	}
}

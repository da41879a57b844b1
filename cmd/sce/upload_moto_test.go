package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
	"github.com/sce-project/sce/internal/phi"
)

// cliProject is a data-in bucket and a project key in the emulator, in the hipaa stack's region, and
// the stack outputs that name them.
type cliProject struct {
	srv     *motoserver.Server
	bucket  string
	key     string
	outputs string // the file
}

func newCLIProject(t *testing.T) cliProject {
	t.Helper()
	srv := moto.Need(t)
	offlineAWS(t)
	cfg := srv.Config()
	cfg.Region = "us-west-2"
	key, err := kms.NewFromConfig(cfg).CreateKey(context.Background(), &kms.CreateKeyInput{})
	require.NoError(t, err)
	p := cliProject{srv: srv, bucket: srv.Bucket(t, "hipaa-data-in", true), key: aws.ToString(key.KeyMetadata.Arn)}
	p.outputs = outputsFile(t, `{"pit": "hipaa", "region": "us-west-2", "dataInBucket": "`+p.bucket+`", "kmsKeyArn": "`+p.key+`", "s3EndpointId": "vpce-0123456789abcdef0"}`)
	return p
}

func TestEmulatorUploadSendsFilesWithSSEKMSAndVerifiesThem(t *testing.T) {
	p := newCLIProject(t)
	proxy := p.srv.Proxy(t)
	dir := t.TempDir()
	small := filepath.Join(dir, "patients.csv")
	require.NoError(t, os.WriteFile(small, []byte("Surname,Given name\nBigboote,John\n"), 0o600))
	large := filepath.Join(dir, "timeseries.csv")
	require.NoError(t, os.WriteFile(large, []byte(strings.Repeat("1938-10-30,1,120,80\n", 300_000)), 0o600)) // 6 MB

	code, stdout, stderr := runCLI("upload", small, large, "--stack", "hipaa", "--outputs", p.outputs,
		"--prefix", "incoming", "--part-size", "5", "--endpoint", proxy.URL, "--progress")
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(small)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	assert.Contains(t, stdout, "uploaded "+small+" -> s3://"+p.bucket+"/incoming/patients.csv (33 bytes, one PUT)")
	assert.Contains(t, stdout, "encryption aws:kms, key "+p.key)
	// Both checksums in hex, as sha256sum prints them; S3's base64 form after.
	fileSum := hex.EncodeToString(sum[:])
	assert.Contains(t, stdout, "sha256     "+fileSum+" (the file, as sha256sum prints it)")
	assert.Contains(t, stdout, "verified   "+fileSum+" (full-object SHA-256 checksum, the file's own), as reported by the upload response and HeadObject; in S3's base64: "+
		base64.StdEncoding.EncodeToString(sum[:]))
	assert.Contains(t, stdout, "uploaded "+large+" -> s3://"+p.bucket+"/incoming/timeseries.csv (6000000 bytes, 2 parts of 5 MiB)")
	// moto 5.2.1 writes the composite checksum without its part count, and only on HeadObject.
	assert.Contains(t, stdout, " (composite SHA-256 checksum of the 2 parts), as reported by HeadObject; in S3's base64: ")
	assert.Contains(t, stdout, "2 file(s) uploaded to s3://"+p.bucket+" with SSE-KMS and verified")
	assert.Contains(t, stderr, "incoming/timeseries.csv [", "a progress bar")

	sse := 0
	for _, r := range proxy.Requests() {
		if r.Header.Get("X-Amz-Server-Side-Encryption") == "aws:kms" && r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") == p.key {
			sse++
		}
		assert.Contains(t, r.Header.Get("Authorization"), "/us-west-2/s3/", "the region comes from the stack outputs")
	}
	assert.Equal(t, 2, sse, "the PUT and the CreateMultipartUpload asked for SSE-KMS with the project key")
}

func TestEmulatorUploadAcceptsTheBucketAndKeyAsFlags(t *testing.T) {
	p := newCLIProject(t)
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	code, stdout, stderr := runCLI("upload", "--bucket", p.bucket, "--kms-key", p.key, "--endpoint", p.srv.URL, file)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "-> s3://"+p.bucket+"/a.csv (1 bytes, one PUT)")
	assert.Contains(t, stdout, "encryption aws:kms, key "+p.key)
	assert.Empty(t, stderr, "no progress bar when stderr is not a terminal")
}

func TestEmulatorUploadRefusesPHIInKeysAndSendsNothing(t *testing.T) {
	p := newCLIProject(t)
	proxy := p.srv.Proxy(t)
	dir := t.TempDir()
	ok := filepath.Join(dir, "labs.csv")
	bad := filepath.Join(dir, "Whorfin_1920-08-26.csv")
	names := filepath.Join(dir, "names.txt")
	for _, f := range []string{ok, bad} {
		require.NoError(t, os.WriteFile(f, []byte("x"), 0o600))
	}
	require.NoError(t, os.WriteFile(names, []byte("# surnames of the cohort\nWhorfin\n\n"), 0o600))

	code, stdout, stderr := runCLI("upload", ok, bad, "--outputs", p.outputs, "--names", names, "--endpoint", proxy.URL)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "1 object key(s) look like PHI; nothing was uploaded")
	assert.Contains(t, stderr, "file argument 2: key sha256:"+phi.KeyHash("Whorfin_1920-08-26.csv")+": name at bytes 0-7, date at bytes 8-18")
	assert.NotContains(t, strings.ToLower(stderr), "whorfin")
	assert.NotContains(t, stderr, "1920")
	assert.Empty(t, proxy.Requests(), "nothing was sent")
}

func TestEmulatorUploadReportsAFailedVerification(t *testing.T) {
	p := newCLIProject(t)
	wrong := sha256.Sum256([]byte("not the file"))
	proxy := p.srv.Proxy(t, motoserver.Fault{Match: motoserver.S3Op(http.MethodHead, ""),
		Header: map[string]string{"X-Amz-Checksum-Sha256": base64.StdEncoding.EncodeToString(wrong[:])}})
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	code, _, stderr := runCLI("upload", file, "--outputs", p.outputs, "--endpoint", proxy.URL)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "s3://"+p.bucket+"/a.csv was uploaded but failed verification")
	assert.Contains(t, stderr, "0 of 1 file(s) uploaded and verified before the failure")
}

func TestEmulatorUploadAsAWriteOnlyRoleVerifiesFromTheUploadResponse(t *testing.T) {
	p := newCLIProject(t)
	role := p.srv.User(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:aws:s3:::`+p.bucket+`/*"}]}`)
	creds, err := role.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	p.srv.EnforceIAM(t)
	code, stdout, stderr := runCLI("upload", file, "--outputs", p.outputs, "--endpoint", p.srv.URL)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "as reported by the upload response (HeadObject was denied: a write-only role)")
}

func TestEmulatorUploadWithoutPermissionFailsNamingTheRefusal(t *testing.T) {
	p := newCLIProject(t)
	role := p.srv.User(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)
	creds, err := role.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	p.srv.EnforceIAM(t)
	code, stdout, stderr := runCLI("upload", file, "--outputs", p.outputs, "--endpoint", p.srv.URL)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "AccessDenied")
}

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/outputs"
	"github.com/sce-project/sce/internal/phi"
	"github.com/sce-project/sce/internal/s3test"
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
}

func TestUploadSendsFilesWithSSEKMSAndVerifiesThem(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, cliBucket)
	dir := t.TempDir()
	small := filepath.Join(dir, "patients.csv")
	require.NoError(t, os.WriteFile(small, []byte("Surname,Given name\nBigboote,John\n"), 0o600))
	large := filepath.Join(dir, "timeseries.csv")
	require.NoError(t, os.WriteFile(large, []byte(strings.Repeat("1938-10-30,1,120,80\n", 300_000)), 0o600)) // 6 MB

	code, stdout, stderr := runCLI("upload", small, large, "--stack", "hipaa", "--outputs", outputsFile(t, hipaaOutputs),
		"--prefix", "incoming", "--part-size", "5", "--endpoint", srv.URL, "--progress")
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(small)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	assert.Contains(t, stdout, "uploaded "+small+" -> s3://"+cliBucket+"/incoming/patients.csv (33 bytes, one PUT)")
	assert.Contains(t, stdout, "encryption aws:kms, key "+cliKey)
	// The file's SHA-256 and the verified checksum are printed alike, in hex: for one PUT they are equal.
	fileSum := hex.EncodeToString(sum[:])
	assert.Contains(t, stdout, "sha256     "+fileSum+" (the file, as sha256sum prints it)")
	assert.Contains(t, stdout, "verified   "+fileSum+" (full-object SHA-256 checksum, the file's own), as reported by the upload response and HeadObject")
	assert.Contains(t, stdout, "uploaded "+large+" -> s3://"+cliBucket+"/incoming/timeseries.csv (6000000 bytes, 2 parts of 5 MiB)")
	assert.Contains(t, stdout, "-2 (composite SHA-256 checksum of the 2 parts), as reported by the upload response and HeadObject")
	assert.Contains(t, stdout, "2 file(s) uploaded to s3://"+cliBucket+" with SSE-KMS and verified")
	assert.Contains(t, stderr, "incoming/timeseries.csv [", "a progress bar")

	sse := 0
	for _, r := range srv.Requests() {
		if r.Header.Get("X-Amz-Server-Side-Encryption") == "aws:kms" && r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") == cliKey {
			sse++
		}
		assert.Contains(t, r.Header.Get("Authorization"), "/us-west-2/s3/", "the region comes from the stack outputs")
	}
	assert.Equal(t, 2, sse, "the PUT and the CreateMultipartUpload asked for SSE-KMS with the project key")
}

func TestUploadAcceptsTheBucketAndKeyAsFlags(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, cliBucket)
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	code, stdout, stderr := runCLI("upload", "--bucket", cliBucket, "--kms-key", cliKey, "--endpoint", srv.URL, file)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "-> s3://"+cliBucket+"/a.csv (1 bytes, one PUT)")
	assert.Empty(t, stderr, "no progress bar when stderr is not a terminal")
	var put []s3test.Request
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPut {
			put = append(put, r)
		}
	}
	require.Len(t, put, 1)
	assert.Equal(t, "aws:kms", put[0].Header.Get("X-Amz-Server-Side-Encryption"))
}

func TestUploadRefusesPHIInKeysAndPrintsOnlyTheirHash(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, cliBucket)
	dir := t.TempDir()
	ok := filepath.Join(dir, "labs.csv")
	bad := filepath.Join(dir, "Whorfin_1920-08-26.csv")
	names := filepath.Join(dir, "names.txt")
	for _, f := range []string{ok, bad} {
		require.NoError(t, os.WriteFile(f, []byte("x"), 0o600))
	}
	require.NoError(t, os.WriteFile(names, []byte("# surnames of the cohort\nWhorfin\n\n"), 0o600))

	code, stdout, stderr := runCLI("upload", ok, bad, "--outputs", outputsFile(t, hipaaOutputs), "--names", names, "--endpoint", srv.URL)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "1 object key(s) look like PHI; nothing was uploaded")
	assert.Contains(t, stderr, "file argument 2: key sha256:"+phi.KeyHash("Whorfin_1920-08-26.csv")+": name at bytes 0-7, date at bytes 8-18")
	assert.NotContains(t, strings.ToLower(stderr), "whorfin")
	assert.NotContains(t, stderr, "1920")
	assert.Empty(t, srv.Requests(), "nothing was sent")
}

func TestUploadReportsAFailedVerification(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, cliBucket)
	srv.CorruptChecksums()
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	code, _, stderr := runCLI("upload", file, "--outputs", outputsFile(t, hipaaOutputs), "--endpoint", srv.URL)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "s3://"+cliBucket+"/a.csv was uploaded but failed verification")
	assert.Contains(t, stderr, "0 of 1 file(s) uploaded and verified before the failure")
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
		{"outputs without the bucket", []string{file, "--outputs", outputsFile(t, `{"kmsKeyArn": "`+cliKey+`"}`)}, 1, `have no "dataInBucket"`},
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

func TestUploadAsAWriteOnlyRoleVerifiesFromTheUploadResponse(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, cliBucket)
	srv.DenyReads()
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	code, stdout, stderr := runCLI("upload", file, "--outputs", outputsFile(t, hipaaOutputs), "--endpoint", srv.URL)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "as reported by the upload response (HeadObject was denied: a write-only role)")
}

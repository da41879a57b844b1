package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/motoserver"
)

func TestEmulatorUploadChecksEveryFileBeforeTheFirstByteIsSent(t *testing.T) {
	p := newCLIProject(t)
	proxy := p.srv.Proxy(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for _, f := range []string{a, b} {
		require.NoError(t, os.WriteFile(f, []byte("x"), 0o600))
	}
	// /proc/self/mem opens and fails at its first read, as a file on a broken mount does.
	code, stdout, stderr := runCLI("upload", a, "/proc/self/mem", b, "--bucket", p.bucket, "--kms-key", p.key, "--endpoint", proxy.URL)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "file argument 2: read /proc/self/mem")
	assert.Empty(t, proxy.Requests(), "nothing was sent, not even the readable files")
}

func TestEmulatorUploadTakesAnS3AddressAsTheBucketAndRefusesBadPrefixes(t *testing.T) {
	p := newCLIProject(t)
	proxy := p.srv.Proxy(t)
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))

	code, stdout, stderr := runCLI("upload", file, "--bucket", "s3://"+p.bucket+"/", "--kms-key", p.key, "--endpoint", proxy.URL)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "-> s3://"+p.bucket+"/a.csv")
	sent := len(proxy.Requests())
	require.NotZero(t, sent)

	for _, tt := range []struct{ args []string }{
		{[]string{"--bucket", "s3://" + p.bucket + "/incoming", "--kms-key", p.key}},
		{[]string{"--bucket", p.bucket, "--kms-key", p.key, "--prefix", "incoming/../.."}},
		{[]string{"--bucket", p.bucket, "--kms-key", p.key, "--prefix", "incoming//x"}},
		{[]string{"--bucket", p.bucket, "--kms-key", p.key, "--prefix", " incoming"}},
	} {
		code, _, stderr := runCLI(append([]string{"upload", file, "--endpoint", proxy.URL}, tt.args...)...)
		assert.Equal(t, 2, code, "%v: %s", tt.args, stderr)
		assert.Contains(t, stderr, "sce upload: --")
	}
	assert.Len(t, proxy.Requests(), sent, "a refused bucket or prefix sends nothing")
}

func TestEmulatorUploadWithoutCredentialsSaysWhatToDoInOneLine(t *testing.T) {
	p := newCLIProject(t)
	proxy := p.srv.Proxy(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	// An instance metadata service that refuses tokens, as on a machine that is no EC2 instance behind a
	// proxy: with the SDK's IMDSv1 fallback, the token refusal is followed by a request without one.
	var mu sync.Mutex
	var seen []string
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.WriteHeader(http.StatusForbidden)
	}))
	t.Cleanup(imds.Close)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))

	code, stdout, stderr := runCLI("upload", file, "--bucket", p.bucket, "--kms-key", p.key, "--endpoint", proxy.URL)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "sce upload: no AWS credentials: set AWS_PROFILE to a profile of a role in the project's account "+
		"(run `aws sso login --profile NAME` first for an SSO profile), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n", stderr)
	assert.Empty(t, proxy.Requests(), "no S3 request without credentials")
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, seen, "the SDK asked the instance metadata service")
	for _, r := range seen {
		assert.True(t, strings.HasPrefix(r, "PUT /latest/api/token"), "only IMDSv2 token requests, no IMDSv1 fallback: %s", r)
	}
}

// holdParts is a server in front of target (a Proxy of the emulator) that forwards every request but
// UploadPart, which it holds until its client goes away, and says when the first one arrives: an upload
// that is in progress when the test interrupts it.
func holdParts(t *testing.T, target string) (string, <-chan struct{}) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	forward := httputil.NewSingleHostReverseProxy(u)
	started := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Query().Has("partNumber") {
			once.Do(func() { close(started) })
			// Reading the whole body lets the server notice when the client goes away.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(time.Minute):
			}
			return
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, started
}

func TestEmulatorCtrlCAbortsTheMultipartUploadInProgress(t *testing.T) {
	p := newCLIProject(t)
	proxy := p.srv.Proxy(t)
	endpoint, started := holdParts(t, proxy.URL)
	file := filepath.Join(t.TempDir(), "big.csv")
	require.NoError(t, os.WriteFile(file, bytes.Repeat([]byte("x"), 11<<20), 0o600))

	cmd := exec.Command(os.Args[0], "upload", file, "--bucket", p.bucket, "--kms-key", p.key, "--endpoint", endpoint, "--part-size", "5")
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("no part was sent: %s", stderr.String())
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 130, exit.ExitCode(), stderr.String())
	assert.Contains(t, stderr.String(), "sce upload: interrupted:")
	assert.Contains(t, stderr.String(), "the multipart upload was aborted")

	var created, aborted int
	for _, r := range proxy.Requests() {
		switch {
		case r.Method == http.MethodPost && strings.Contains(r.Query, "uploads"):
			created++
		case r.Method == http.MethodDelete && strings.Contains(r.Query, "uploadId="):
			aborted++
		}
	}
	assert.Equal(t, 1, created, "the multipart upload was started in S3")
	assert.Equal(t, 1, aborted, "AbortMultipartUpload reached S3")
	client := motoserver.S3(p.srv.Config())
	uploads, err := client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(p.bucket)})
	require.NoError(t, err)
	assert.Empty(t, uploads.Uploads, "S3 holds no incomplete upload")
	_, err = client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(p.bucket), Key: aws.String("big.csv")})
	assert.Error(t, err, "no object was stored")
}

// TestEmulatorTheSDKsDebugLinesDoNotReachTheBuilder: reading CloudTrail's log files, which carry no
// checksum, made the SDK print "DEBUG Response has no supported checksum" on the process's stderr for
// every file.
func TestEmulatorTheSDKsDebugLinesDoNotReachTheBuilder(t *testing.T) {
	srv := moto.Need(t)
	offlineAWS(t)
	logs := srv.Bucket(t, "hipaa-logs", true)
	// CloudTrail writes its log files without a checksum; the SDK's default would add one.
	noChecksum := s3.NewFromConfig(srv.Config(), motoserver.PathStyle, func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	audittest.PutS3(t, noChecksum, logs, "cloudtrail/")
	outputs := strings.Replace(auditOutputs, `"logBucket": "hipaa-logs-9c0d1e2f"`, `"logBucket": "`+logs+`"`, 1)
	require.NotEqual(t, auditOutputs, outputs)
	cmd := exec.Command(os.Args[0], "audit", "report", "--outputs", outputsFile(t, outputs), "--endpoint", srv.URL,
		"--from", "2026-11-28", "--to", "2026-11-29")
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, stderr.String())
	require.Equal(t, exitFindings, exit.ExitCode(), "the fixture's trail flags events: %s", stderr.String())
	assert.NotContains(t, stderr.String(), "DEBUG")
	assert.NotContains(t, stderr.String(), "no supported checksum", "no debug line, in the SDK's words or ours")
	assert.NotContains(t, stderr.String(), "SDK 20", "no line of the SDK's default logger")
	assert.Contains(t, stdout.String(), "2 log file(s)")
}

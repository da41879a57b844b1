package main

import (
	"bytes"
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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/s3test"
)

func TestUploadChecksEveryFileBeforeTheFirstByteIsSent(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, cliBucket)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for _, f := range []string{a, b} {
		require.NoError(t, os.WriteFile(f, []byte("x"), 0o600))
	}
	// /proc/self/mem opens and fails at its first read, as a file on a broken mount does.
	code, stdout, stderr := runCLI("upload", a, "/proc/self/mem", b, "--bucket", cliBucket, "--kms-key", cliKey, "--endpoint", srv.URL)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "file argument 2: read /proc/self/mem")
	assert.Empty(t, srv.Requests(), "nothing was sent, not even the readable files")
}

func TestUploadTakesAnS3AddressAsTheBucketAndRefusesBadPrefixes(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, cliBucket)
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))

	code, stdout, stderr := runCLI("upload", file, "--bucket", "s3://"+cliBucket+"/", "--kms-key", cliKey, "--endpoint", srv.URL)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "-> s3://"+cliBucket+"/a.csv")

	for _, tt := range []struct{ args []string }{
		{[]string{"--bucket", "s3://" + cliBucket + "/incoming", "--kms-key", cliKey}},
		{[]string{"--bucket", cliBucket, "--kms-key", cliKey, "--prefix", "incoming/../.."}},
		{[]string{"--bucket", cliBucket, "--kms-key", cliKey, "--prefix", "incoming//x"}},
		{[]string{"--bucket", cliBucket, "--kms-key", cliKey, "--prefix", " incoming"}},
	} {
		code, _, stderr := runCLI(append([]string{"upload", file, "--endpoint", srv.URL}, tt.args...)...)
		assert.Equal(t, 2, code, "%v: %s", tt.args, stderr)
		assert.Contains(t, stderr, "sce upload: --")
	}
}

func TestUploadWithoutCredentialsSaysWhatToDoInOneLine(t *testing.T) {
	offlineAWS(t)
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
	srv := s3test.Start(t, cliBucket)
	file := filepath.Join(t.TempDir(), "a.csv")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))

	code, stdout, stderr := runCLI("upload", file, "--bucket", cliBucket, "--kms-key", cliKey, "--endpoint", srv.URL)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "sce upload: no AWS credentials: set AWS_PROFILE to a profile of a role in the project's account "+
		"(run `aws sso login --profile NAME` first for an SSO profile), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n", stderr)
	assert.Empty(t, srv.Requests(), "no S3 request without credentials")
	mu.Lock()
	defer mu.Unlock()
	for _, r := range seen {
		assert.True(t, strings.HasPrefix(r, "PUT /latest/api/token"), "only IMDSv2 token requests, no IMDSv1 fallback: %s", r)
	}
}

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

// holdParts forwards requests to the fake S3 but holds every UploadPart until its client goes away, and
// says when the first one arrives: an upload that is in progress when the test interrupts it.
func holdParts(t *testing.T, target string) (string, <-chan struct{}) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
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
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, started
}

func TestCtrlCAbortsTheMultipartUploadInProgress(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, cliBucket)
	endpoint, started := holdParts(t, srv.URL)
	file := filepath.Join(t.TempDir(), "big.csv")
	require.NoError(t, os.WriteFile(file, bytes.Repeat([]byte("x"), 11<<20), 0o600))

	cmd := exec.Command(os.Args[0], "upload", file, "--bucket", cliBucket, "--kms-key", cliKey, "--endpoint", endpoint, "--part-size", "5")
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
	aborted := false
	for _, r := range srv.Requests() {
		if r.Method == http.MethodDelete && strings.Contains(r.Query, "uploadId=") {
			aborted = true
		}
	}
	assert.True(t, aborted, "AbortMultipartUpload reached S3")
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

// TestTheSDKsDebugLinesDoNotReachTheBuilder: reading CloudTrail's log files, which carry no checksum, made
// the SDK print "DEBUG Response has no supported checksum" on the process's stderr for every file.
func TestTheSDKsDebugLinesDoNotReachTheBuilder(t *testing.T) {
	offlineAWS(t)
	srv := s3test.Start(t, "hipaa-logs-9c0d1e2f")
	audittest.PutS3(t, srv.Client, "hipaa-logs-9c0d1e2f", "cloudtrail/")
	cmd := exec.Command(os.Args[0], "audit", "report", "--outputs", outputsFile(t, auditOutputs), "--endpoint", srv.URL,
		"--from", "2026-11-28", "--to", "2026-11-29")
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, stderr.String())
	require.Equal(t, exitFindings, exit.ExitCode(), "the fixture's trail flags events: %s", stderr.String())
	assert.NotContains(t, stderr.String(), "DEBUG")
	assert.NotContains(t, stderr.String(), "SDK 20", "no line of the SDK's default logger")
	assert.Contains(t, stdout.String(), "2 log file(s)")
}

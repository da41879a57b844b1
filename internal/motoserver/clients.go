package motoserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// retryBackoff is the wait between attempts of the clients of Config: the SDK's standard retryer (its
// attempts, its retryable errors, its retry quota) with a short fixed backoff, so that tests of
// throttling stay fast.
const retryBackoff = 5 * time.Millisecond

// fixedBackoff waits the same time before every retry.
type fixedBackoff time.Duration

// BackoffDelay returns the fixed delay.
func (b fixedBackoff) BackoffDelay(int, error) (time.Duration, error) { return time.Duration(b), nil }

// Config returns a configuration for clients of the server that sign as the administrator: the region,
// the endpoint and static credentials, and nothing read from the machine (no profile, no environment,
// no instance metadata).
func (s *Server) Config() aws.Config {
	return s.configFor(s.URL, s.admin)
}

// configFor is a client configuration for endpoint, signing with creds.
func (s *Server) configFor(endpoint string, creds aws.CredentialsProvider) aws.Config {
	return aws.Config{
		Region:       s.Region,
		Credentials:  creds,
		BaseEndpoint: aws.String(endpoint),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.Backoff = fixedBackoff(retryBackoff) })
		},
	}
}

// PathStyle makes an S3 client address buckets in the path (http://127.0.0.1:PORT/bucket/key), as moto
// on an IP address needs: s3.NewFromConfig(srv.Config(), motoserver.PathStyle).
func PathStyle(o *s3.Options) { o.UsePathStyle = true }

// S3 returns an S3 client of cfg with path-style addressing.
func S3(cfg aws.Config) *s3.Client { return s3.NewFromConfig(cfg, PathStyle) }

// Name returns a name no other call on this server returned: prefix, a hyphen and a number. With a
// prefix of lower-case letters, digits and hyphens it is a valid bucket, queue, table and user name.
func (s *Server) Name(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, s.names.Add(1))
}

// ctx is the context of the set-up calls the helpers make.
func ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// awsEnv is what points the SDK's default configuration and the AWS CLI at the server, as the
// administrator.
func (s *Server) awsEnv(t testing.TB) map[string]string {
	t.Helper()
	dir := t.TempDir()
	return map[string]string{
		"AWS_ENDPOINT_URL":            s.URL,
		"AWS_ACCESS_KEY_ID":           s.admin.Value.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":       s.admin.Value.SecretAccessKey,
		"AWS_REGION":                  s.Region,
		"AWS_DEFAULT_REGION":          s.Region,
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}

// Env is the environment of a program that should call the server (the AWS CLI, as a tool's printed
// commands do): this process's environment without any AWS_ variable of its own (no profile, no session
// token, no other endpoint), with the server's endpoint, the administrator's key, the region, and
// configuration and credentials files that do not exist.
func (s *Server) Env(t testing.TB) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	for k, v := range s.awsEnv(t) {
		env = append(env, k+"="+v)
	}
	return env
}

// SetEnv makes this process's environment Env for the rest of the test, for code under test that loads
// the SDK's default configuration (config.LoadDefaultConfig).
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "") // restored when the test ends
			if err := os.Unsetenv(k); err != nil {
				t.Fatalf("motoserver: unset %s: %v", k, err)
			}
		}
	}
	for k, v := range s.awsEnv(t) {
		t.Setenv(k, v)
	}
}

package motoserver

import (
	"context"
	"fmt"
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

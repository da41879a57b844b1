package main

import (
	"context"
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sce-project/sce/internal/audit"
)

// errNoRegion is the error of an AWS configuration without a region.
var errNoRegion = errors.New("needs a region: give --region, --outputs FILE (its region) or set AWS_REGION")

// newS3Client returns an S3 client from the AWS configuration loadAWS finds (one line naming what to do
// when there are no credentials), in region (or the configured one), talking to endpoint with path-style
// addressing when one is given (an S3-compatible server). A configuration without a region is an error.
func newS3Client(ctx context.Context, region, endpoint string, stderr io.Writer) (*s3.Client, error) {
	cfg, err := loadAWS(ctx, region, stderr)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		return nil, errNoRegion
	}
	return s3WithEndpoint(cfg, endpoint), nil
}

// s3WithEndpoint returns an S3 client of cfg that talks to endpoint with path-style addressing when one
// is given (--endpoint, --s3-endpoint: an S3-compatible server), else to AWS.
func s3WithEndpoint(cfg aws.Config, endpoint string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	})
}

// trailClient returns the S3 client that reads a trail in S3 (newS3Client's). When there is none it
// reports why as the command and returns nil with the exit status: 2 when no region is known (a flag is
// missing), 1 for any other failure.
func (c *cmdFlags) trailClient(ctx context.Context, trail audit.Trail, region, endpoint string, stderr io.Writer) (*s3.Client, int) {
	client, err := newS3Client(ctx, region, endpoint, stderr)
	switch {
	case errors.Is(err, errNoRegion):
		return nil, c.fail(2, "reading %s %v", trail, err)
	case err != nil:
		return nil, c.fail(1, "%v", err)
	}
	return client, 0
}

package main

import (
	"context"
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	}), nil
}

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// errNoRegion is the error of an AWS configuration without a region.
var errNoRegion = errors.New("needs a region: give --region, --outputs FILE (its region) or set AWS_REGION")

// newS3Client returns an S3 client from the default AWS configuration, in region (or the configured
// one), talking to endpoint with path-style addressing when one is given (an S3-compatible server). A
// configuration without a region is an error.
func newS3Client(ctx context.Context, region, endpoint string) (*s3.Client, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
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

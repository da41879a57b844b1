package stack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshift/types"
)

// ClusterDescriber is the Redshift call the program makes before it plans SQL statements.
type ClusterDescriber interface {
	DescribeClusters(ctx context.Context, in *redshift.DescribeClustersInput, optFns ...func(*redshift.Options)) (*redshift.DescribeClustersOutput, error)
}

// describeTimeout bounds the cluster check: it must not hold `pulumi up` for long.
const describeTimeout = 30 * time.Second

// LiveClusters is the ClusterDescriber of a real deployment: the AWS SDK's Redshift client for region,
// with the credentials the AWS provider uses (the default chain, or the aws:profile of the stack).
func LiveClusters(ctx context.Context, region, profile string) (ClusterDescriber, error) {
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region)}
	if profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS credentials to check the Redshift cluster: %w", err)
	}
	return redshift.NewFromConfig(cfg), nil
}

// checkRedshiftAwake decides whether SQL statements can run against the cluster named identifier now.
// A cluster that does not exist yet is fine: this run creates it, available. A paused cluster (the
// working-hours schedule pauses it outside working hours) answers no query, so every Data API statement
// the run creates would fail after the run has changed other resources: the builder is told to resume it
// first. A cluster that is not available for queries otherwise (resuming, modifying) is to be waited for.
// Status values: Redshift API Reference, Cluster (ClusterStatus, ClusterAvailabilityStatus).
func checkRedshiftAwake(ctx context.Context, d ClusterDescriber, identifier string) error {
	ctx, cancel := context.WithTimeout(ctx, describeTimeout)
	defer cancel()
	out, err := d.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String(identifier)})
	var notFound *types.ClusterNotFoundFault
	switch {
	case errors.As(err, &notFound):
		return nil
	case err != nil:
		return fmt.Errorf("describe Redshift cluster %s, to check that its SQL statements can run: %w", identifier, err)
	case len(out.Clusters) == 0:
		return nil
	}
	c := out.Clusters[0]
	status, availability := aws.ToString(c.ClusterStatus), aws.ToString(c.ClusterAvailabilityStatus)
	wait := "aws redshift wait cluster-available --cluster-identifier " + identifier
	switch {
	case status == "paused" || status == "pausing":
		return fmt.Errorf("redshift cluster %s is %s (the working-hours schedule pauses it outside working hours), so its SQL statements "+
			"cannot run; resume it, wait until it is available, and run pulumi up again:\n  aws redshift resume-cluster --cluster-identifier %s\n  %s",
			identifier, status, identifier, wait)
	case strings.EqualFold(availability, "Unavailable") || strings.EqualFold(availability, "Failed"):
		return fmt.Errorf("redshift cluster %s is %s (availability %s), so its SQL statements cannot run; wait until it is available "+
			"and run pulumi up again:\n  %s", identifier, status, availability, wait)
	}
	return nil
}

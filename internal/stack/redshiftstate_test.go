package stack_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// fakeClusters answers DescribeClusters with one cluster's state, or an error, and records the calls.
type fakeClusters struct {
	status, availability string
	err                  error
	asked                []string
}

func (f *fakeClusters) DescribeClusters(_ context.Context, in *redshift.DescribeClustersInput, _ ...func(*redshift.Options)) (*redshift.DescribeClustersOutput, error) {
	f.asked = append(f.asked, aws.ToString(in.ClusterIdentifier))
	if f.err != nil {
		return nil, f.err
	}
	return &redshift.DescribeClustersOutput{Clusters: []types.Cluster{{
		ClusterIdentifier: in.ClusterIdentifier, ClusterStatus: aws.String(f.status), ClusterAvailabilityStatus: aws.String(f.availability),
	}}}, nil
}

// runWithClusters plans the OMOP stack as a real deployment would run it, with a fake account.
func runWithClusters(t *testing.T, f *fakeClusters, changes map[string]string) error {
	t.Helper()
	raw := baseConfig()
	for k, v := range map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default", "sce:omopLoadEnabled": "true"} {
		raw[k] = v
	}
	for k, v := range changes {
		raw[k] = v
	}
	var gotRegion, gotProfile string
	d := stack.Deployment{Clusters: func(_ context.Context, region, profile string) (stack.ClusterDescriber, error) {
		gotRegion, gotProfile = region, profile
		return f, nil
	}}
	_, err := plan.Run(plan.Options{Stack: "test", Config: raw}, d.Run)
	if len(f.asked) > 0 {
		assert.Equal(t, "us-west-2", gotRegion)
		assert.Equal(t, raw["aws:profile"], gotProfile)
	}
	return err
}

func TestUpTellsTheBuilderToResumeAPausedCluster(t *testing.T) {
	wait := "aws redshift wait cluster-available --cluster-identifier study-omop"
	cases := []struct {
		name    string
		fake    fakeClusters
		want    []string // empty: the run goes ahead
		changes map[string]string
	}{
		{name: "a cluster that does not exist yet goes ahead", fake: fakeClusters{err: &types.ClusterNotFoundFault{Message: aws.String("Cluster study-omop not found.")}}},
		{name: "an available cluster goes ahead", fake: fakeClusters{status: "available", availability: "Available"}},
		{name: "a cluster in maintenance goes ahead: it answers queries", fake: fakeClusters{status: "available", availability: "Maintenance"}},
		{name: "a paused cluster stops the run with the resume command", fake: fakeClusters{status: "paused", availability: "Unavailable"},
			want: []string{"redshift cluster study-omop is paused", "aws redshift resume-cluster --cluster-identifier study-omop", wait}},
		{name: "a pausing cluster is to be resumed too", fake: fakeClusters{status: "pausing", availability: "Unavailable"},
			want: []string{"is pausing", "aws redshift resume-cluster --cluster-identifier study-omop"}},
		{name: "a resuming cluster is to be waited for", fake: fakeClusters{status: "resuming", availability: "Unavailable"},
			want: []string{"is resuming (availability Unavailable)", wait}},
		{name: "a failed describe stops the run, saying what it checked", fake: fakeClusters{err: errors.New("AccessDenied: not authorized to perform redshift:DescribeClusters")},
			want: []string{"describe Redshift cluster study-omop, to check that its SQL statements can run", "AccessDenied"}},
		{name: "the stack's aws:profile is the one asked", fake: fakeClusters{status: "available", availability: "Available"},
			changes: map[string]string{"aws:profile": "omop-builder"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.fake
			err := runWithClusters(t, &f, c.changes)
			assert.Equal(t, []string{"study-omop"}, f.asked, "the stack's own cluster is described, once")
			if len(c.want) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestAStackWithoutRedshiftDescribesNoCluster(t *testing.T) {
	f := &fakeClusters{status: "paused", availability: "Unavailable"}
	raw := baseConfig()
	d := stack.Deployment{Clusters: func(context.Context, string, string) (stack.ClusterDescriber, error) { return f, nil }}
	_, err := plan.Run(plan.Options{Stack: "test", Config: raw}, d.Run)
	require.NoError(t, err)
	assert.Empty(t, f.asked)
}

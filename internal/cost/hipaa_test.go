package cost_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/cost"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

func planStack(t *testing.T, name string) *plan.Plan {
	t.Helper()
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	p, err := plan.Run(plan.Options{Stack: name, Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
	require.NoError(t, err)
	return p
}

// TestTheHipaaStackIsPricedWhole checks that every cost-bearing resource of the reference stack has a
// priced item: each instance (hours and root volume), the NAT gateway, each Elastic IP, the data volume
// and the key, and the dedicated fee once.
func TestTheHipaaStackIsPricedWhole(t *testing.T) {
	p := planStack(t, "hipaa")
	c := cost.Estimate(p, cost.DefaultAssumptions())

	priced := map[string]int{}
	for _, it := range c.Items {
		assert.False(t, it.Unpriced, "%s: %s", it.What, it.Note)
		_, ok := p.ByURN(it.URN)
		assert.True(t, ok, "item %q belongs to a resource of the plan", it.What)
		if it.Monthly > 0 {
			priced[it.URN]++
		}
	}
	for _, typ := range []string{
		"aws:ec2/instance:Instance", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip",
		"aws:ebs/volume:Volume", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup",
		"aws:s3/bucketV2:BucketV2", "aws:cloudtrail/trail:Trail", "aws:cfg/recorder:Recorder",
	} {
		resources := p.Find(typ)
		require.NotEmpty(t, resources, typ)
		for _, r := range resources {
			assert.Positive(t, priced[r.URN], "%s %s is priced", typ, r.Name)
		}
	}
	for _, r := range p.Find("aws:ec2/instance:Instance") {
		assert.GreaterOrEqual(t, priced[r.URN], 2, "%s: hours and root volume", r.Name)
	}

	fees := itemsAbout(c, "dedicated per-region fee")
	require.Len(t, fees, 1)
	vpcs := p.Find("aws:ec2/vpc:Vpc")
	require.Len(t, vpcs, 1)
	assert.Equal(t, vpcs[0].URN, fees[0].URN)
	assert.Contains(t, fees[0].What, "2 dedicated instance(s)")
	assert.Equal(t, fees[0], c.Items[0], "the fee is the largest item")

	assert.Greater(t, c.Monthly, c.MonthlyScheduled)
	assert.Greater(t, c.MonthlyScheduled, 0.0)
	assert.Contains(t, c.Basis, "us-west-2")
	assert.NotContains(t, c.Basis, "priced as", "the hipaa stack is in the table's region")
}

package cost

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
)

func TestAFoundDedicatedRateIsUsedInsteadOfTheDefaultTenancyRate(t *testing.T) {
	table := PriceTable()
	for i, p := range table {
		if p.Key == "ec2.dedicated.m5.large" {
			table[i].USD, table[i].NotFound, table[i].Note = 0.5, false, "a test rate"
		}
	}
	p := &plan.Plan{Resources: []plan.Resource{{
		URN: "urn:aws", Type: typeAWSProvider, Name: "aws", Inputs: map[string]any{"region": "us-west-2"},
	}, {
		URN: "urn:i", Type: typeInstance, Name: "i", Custom: true,
		Inputs: map[string]any{"instanceType": "m5.large", "tenancy": "dedicated",
			"rootBlockDevice": map[string]any{"volumeSize": int64(8), "volumeType": "gp3"}},
	}}}
	c := estimate(p, DefaultAssumptions(), table)
	var hours *plan.CostItem
	for i := range c.Items {
		if c.Items[i].What == "i: m5.large dedicated, 730 h" {
			hours = &c.Items[i]
		}
	}
	require.NotNil(t, hours, "%+v", c.Items)
	assert.InDelta(t, 0.5*730, hours.Monthly, 0.005)
	assert.Empty(t, hours.Note, "no fallback, no caveat")
}

package plan_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
)

func TestTextPlanShowsTheCostTable(t *testing.T) {
	p := &plan.Plan{Stack: "t", Project: "sce", Cost: plan.Cost{
		Currency: "USD", Monthly: 1530.08, MonthlyScheduled: 453.78,
		Basis: "us-west-2 on-demand list prices read 2026-11-28",
		Items: []plan.CostItem{
			{URN: "urn:vpc", What: "EC2 dedicated per-region fee, 730 h", Monthly: 1460, MonthlyScheduled: 433},
			{URN: "urn:i", What: "i: m5.large dedicated, 730 h", Monthly: 70.08, MonthlyScheduled: 20.78, Note: "a lower bound"},
			{URN: "urn:j", What: "j: m9.huge dedicated", Note: "no price for instance type", Unpriced: true},
		},
		Assumptions: []plan.CostAssumption{{Name: "hours a month on the schedule", Value: "216.5 h"}},
	}}
	var buf bytes.Buffer
	require.NoError(t, plan.WriteText(&buf, p))
	text := buf.String()
	for _, want := range []string{
		"Cost (USD a month): 1530.08 always on, 453.78 on the schedule\n",
		"  Prices: us-west-2 on-demand list prices read 2026-11-28\n",
		"   always on  on schedule  item\n",
		"     1460.00       433.00  EC2 dedicated per-region fee, 730 h\n",
		"       70.08        20.78  i: m5.large dedicated, 730 h\n",
		"                             note: a lower bound\n",
		"    unpriced     unpriced  j: m9.huge dedicated\n",
		"                             note: no price for instance type\n",
		"     1530.08       453.78  total\n",
		"  1 item(s) unpriced: the totals leave them out\n",
		"  Assumptions:\n    hours a month on the schedule: 216.5 h\n",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "no resource is priced yet")
}

func TestTextPlanWithoutACostEstimateSaysSo(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, plan.WriteText(&buf, &plan.Plan{Stack: "t", Project: "sce", Cost: plan.Cost{Currency: "USD"}}))
	assert.Contains(t, buf.String(), "Cost: no resource is priced yet\n")
	assert.NotContains(t, buf.String(), "Assumptions")
}

package main

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/cost"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// readmeCost is the README's sentence on the dedicated-tenancy fee and the hipaa stack's monthly cost.
var readmeCost = regexp.MustCompile(`\$([\d,]+) of the hipaa\s+stack's \$([\d,]+) a month always on \(\$([\d,]+) of \$([\d,]+) on the schedule\)`)

// TestReadmeCostFiguresAreThePlans: the figures the README gives for the hipaa stack are those `sce plan`
// prints, rounded to the dollar.
func TestReadmeCostFiguresAreThePlans(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	m := readmeCost.FindStringSubmatch(string(readme))
	require.NotNil(t, m, "README.md states the dedicated fee and the hipaa stack's monthly cost")
	dollars := func(s string) int {
		n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		require.NoError(t, err)
		return n
	}

	sf, err := plan.ReadStackFile("Pulumi.hipaa.yaml")
	require.NoError(t, err)
	p, err := plan.Run(plan.Options{Stack: "hipaa", Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
	require.NoError(t, err)
	c := cost.Estimate(p, cost.DefaultAssumptions())
	var fee *plan.CostItem
	for i, it := range c.Items {
		if strings.HasPrefix(it.What, "EC2 dedicated per-region fee") {
			fee = &c.Items[i]
		}
	}
	require.NotNil(t, fee, "the plan prices the dedicated per-region fee")

	round := func(v float64) int { return int(math.Round(v)) }
	want := fmt.Sprintf("$%s of the hipaa stack's $%s a month always on ($%s of $%s on the schedule)",
		thousands(round(fee.Monthly)), thousands(round(c.Monthly)), thousands(round(fee.MonthlyScheduled)), thousands(round(c.MonthlyScheduled)))
	assert.Equal(t, round(fee.Monthly), dollars(m[1]), "the fee always on; README should say: %s", want)
	assert.Equal(t, round(c.Monthly), dollars(m[2]), "the stack always on; README should say: %s", want)
	assert.Equal(t, round(fee.MonthlyScheduled), dollars(m[3]), "the fee on the schedule; README should say: %s", want)
	assert.Equal(t, round(c.MonthlyScheduled), dollars(m[4]), "the stack on the schedule; README should say: %s", want)
}

// thousands writes n with a comma between thousands, as the README does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

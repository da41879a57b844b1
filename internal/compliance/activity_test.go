package compliance

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
	"github.com/sce-project/sce/policy/engine"
)

func TestTheActivityReviewNamesWhereTheStackKeepsEachLog(t *testing.T) {
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi.omop.yaml"))
	require.NoError(t, err)
	p, err := plan.Run(plan.Options{Stack: "omop", Config: sf.Config}, stack.Run)
	require.NoError(t, err)
	src := activitySources(p.RulesStack())
	require.Len(t, src, 3)
	assert.Regexp(t, "^`omop-audit-trail` into `s3://omop-logs-[0-9a-f]+/cloudtrail/`$", src[0].kept)
	assert.Equal(t, "`omop-workstation-instance`: watch on the data volume, key `phi-access`; `/var/log/audit/audit.log`, shipped to `/sce/omop/workstation`", src[1].kept)
	assert.True(t, strings.HasPrefix(src[2].kept, "`/aws/redshift/cluster/"), src[2].kept)
	assert.Contains(t, src[2].kept, "/useractivitylog`")

	var b strings.Builder
	writeActivityReview(&b, p)
	assert.Contains(t, b.String(), "## Activity review: which data were used, by whom (164.312(b), 164.308(a)(1)(ii)(D))")
}

func TestAStackWithoutTheLogsSaysSo(t *testing.T) {
	ws := &engine.Resource{URN: "urn:ws", Type: "aws:ec2/instance:Instance", Name: "x-workstation-instance", Props: map[string]any{"userData": "-w /x -p rwa -k other"}}
	src := activitySources(engine.NewStack([]*engine.Resource{ws}))
	for _, s := range src {
		assert.True(t, strings.HasPrefix(s.kept, "none in this stack"), "%s: %s", s.log, s.kept)
	}
}

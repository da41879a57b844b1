package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryRuleIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	paragraphs := Paragraphs()
	for _, r := range All() {
		require.NoError(t, r.Validate())
		assert.False(t, seen[r.ID], "rule id %s is unique", r.ID)
		seen[r.ID] = true
		assert.Regexp(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, r.ID, "rule ids are kebab-case")
		for _, p := range r.HIPAA {
			_, ok := paragraphs[p]
			assert.True(t, ok, "rule %s cites %s, a known paragraph", r.ID, p)
		}
	}
}

func TestEveryExemptionNamesARuleAndATypeItJudges(t *testing.T) {
	for _, e := range Exemptions() {
		r, ok := ByID(e.Rule)
		require.True(t, ok, "exemption names rule %s", e.Rule)
		assert.True(t, r.AppliesTo(e.Type), "rule %s judges %s", e.Rule, e.Type)
		assert.NotEmpty(t, e.NameSuffix, "an exemption names specific resources, never a whole rule")
		assert.NotEmpty(t, e.Reason)
	}
}

func TestUndecidedFindingsAreAdvisoryAndExemptionsReported(t *testing.T) {
	vpc := res(t, typeVPC, "v", `{}`)
	vpc.Props["instanceTenancy"] = engine.Unknown
	rule, _ := ByID("vpc-dedicated-tenancy")
	rep := Evaluate(engine.NewStack([]*engine.Resource{vpc}), []engine.Rule{rule})
	require.Len(t, rep.Violations, 1)
	assert.Equal(t, engine.Advisory, rep.Violations[0].Level)
	assert.Contains(t, rep.Violations[0].Message, "unknown until deployment")
}

// TestEveryApplicableChecklistRowIsCovered checks that each row marked "yes" in the HIPAA checklist
// (shared/reference/hipaa-rules.md, rows 1 to 66, plus row 78 for the KMS keys this project creates) is
// implemented by at least one rule.
func TestEveryApplicableChecklistRowIsCovered(t *testing.T) {
	covered := map[int][]string{}
	for _, r := range All() {
		for _, row := range r.Sources.Checklist {
			covered[row] = append(covered[row], r.ID)
		}
	}
	rows := []int{78}
	for row := 1; row <= 66; row++ {
		rows = append(rows, row)
	}
	for _, row := range rows {
		assert.NotEmpty(t, covered[row], "checklist row %d has a rule", row)
	}
}

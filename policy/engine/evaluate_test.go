package engine_test

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/engine/enginetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAPanickingRuleIsReportedNotPropagated: a malformed resource never crashes the evaluation.
func TestAPanickingRuleIsReportedNotPropagated(t *testing.T) {
	rule := engine.Rule{ID: "boom", Level: engine.Mandatory, Types: []string{"aws:ec2/vpc:Vpc"}, Check: func(*engine.Resource) []engine.Finding { panic("bad shape") }}
	rep := engine.EvaluateWith(engine.NewStack([]*engine.Resource{enginetest.Res(t, "aws:ec2/vpc:Vpc", "v", `{}`)}), []engine.Rule{rule}, nil)
	require.Len(t, rep.Violations, 1)
	assert.Contains(t, rep.Violations[0].Message, "bad shape")
	assert.Equal(t, engine.Mandatory, rep.Violations[0].Level)
}

// TestAnExemptFindingIsReportedWithItsReasonNotAsAViolation: the evaluation matches the exemptions it is
// given by rule, type and the PIT-prefixed name, and reports the finding they cover with its reason.
func TestAnExemptFindingIsReportedWithItsReasonNotAsAViolation(t *testing.T) {
	const vpc = "aws:ec2/vpc:Vpc"
	rule := engine.Rule{ID: "always", Level: engine.Mandatory, Types: []string{vpc}, Check: func(*engine.Resource) []engine.Finding {
		return engine.Fail("judged")
	}}
	s := engine.NewStack([]*engine.Resource{enginetest.Res(t, vpc, "hipaa-vpc", `{}`), enginetest.Res(t, vpc, "hipaa-other", `{}`)})
	exemptions := []engine.Exemption{{Rule: "always", Type: vpc, NameSuffix: "-vpc", Reason: "on purpose"}}
	rep := engine.EvaluateWith(s, []engine.Rule{rule}, exemptions)
	require.Len(t, rep.Exemptions, 1)
	assert.Equal(t, "on purpose", rep.Exemptions[0].Reason)
	assert.Contains(t, rep.Exemptions[0].URN, "hipaa-vpc")
	require.Len(t, rep.Violations, 1, "the other VPC is not exempt")
	assert.Contains(t, rep.Violations[0].URN, "hipaa-other")
	assert.Empty(t, engine.EvaluateWith(s, []engine.Rule{rule}, nil).Exemptions, "no exemption given, none applied")
}

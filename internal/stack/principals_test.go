package stack_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// phiRoles returns the ARNs of the roles whose own policies name a PHI bucket, from the plan alone: the
// policies attached to each role (RolePolicyAttachment, RolePolicy) and the buckets the stack exports.
func phiRoles(t *testing.T, p *plan.Plan) []string {
	t.Helper()
	var buckets []string
	for _, name := range []string{stack.OutputDataInBucket, stack.OutputOutputBucket, stack.OutputAncillaryBucket} {
		b, ok := p.Outputs[name].(string)
		require.True(t, ok, "output %s", name)
		buckets = append(buckets, b)
	}
	namesPHI := func(doc string) bool {
		return slices.ContainsFunc(buckets, func(b string) bool { return strings.Contains(doc, b) })
	}
	policies := map[string]bool{} // policy ARN -> names a PHI bucket
	for _, r := range p.Find("aws:iam/policy:Policy") {
		policies[out(r, "arn")] = namesPHI(in(r, "policy"))
	}
	phiRole := map[string]bool{} // role name
	for _, r := range p.Find("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if policies[in(r, "policyArn")] {
			phiRole[in(r, "role")] = true
		}
	}
	for _, r := range p.Find("aws:iam/rolePolicy:RolePolicy") {
		if namesPHI(in(r, "policy")) {
			phiRole[in(r, "role")] = true
		}
	}
	var arns []string
	for _, r := range p.Find("aws:iam/role:Role") {
		if phiRole[r.ID] {
			arns = append(arns, out(r, "arn"))
		}
	}
	return arns
}

func knownPrincipalsOf(t *testing.T, p *plan.Plan) []string {
	t.Helper()
	raw, ok := p.Outputs[stack.OutputKnownPrincipals].([]any)
	require.True(t, ok, "the plan exports %s as a list: %#v", stack.OutputKnownPrincipals, p.Outputs[stack.OutputKnownPrincipals])
	var out []string
	for _, v := range raw {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func TestKnownPrincipalsAreTheRolesGrantedThePHIBucketsAndTheAdministrators(t *testing.T) {
	admins := map[string]string{
		"sce:adminRoleArns":    `["arn:aws:iam::111122223333:role/study-admin","arn:aws:iam::111122223333:role/sso/*"]`,
		"sce:uploaderRoleArns": `["arn:aws:iam::111122223333:role/study-uploader"]`,
	}
	tests := []struct {
		name  string
		plan  func(t *testing.T) *plan.Plan
		roles int
	}{
		{"the base stack: the researchers, the workstation (the broker), the ledger, the malware scanner and the release function", func(t *testing.T) *plan.Plan { return planWith(t, admins) }, 5},
		{"with workers", func(t *testing.T) *plan.Plan { return workersPlan(t, admins) }, 6},
		{"with OMOP: the COPY role", func(t *testing.T) *plan.Plan { return omopPlan(t, admins) }, 6},
		{"with EMR: its nodes", func(t *testing.T) *plan.Plan { return emrPlan(t, admins) }, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.plan(t)
			known := knownPrincipalsOf(t, p)
			roles := phiRoles(t, p)
			assert.Len(t, roles, tt.roles)
			for _, arn := range roles {
				assert.Contains(t, known, arn, "a role granted a PHI bucket is known")
			}
			planRoles := map[string]bool{}
			for _, r := range p.Find("aws:iam/role:Role") {
				planRoles[out(r, "arn")] = true
			}
			for _, arn := range known {
				configured := strings.Contains(admins["sce:adminRoleArns"]+admins["sce:uploaderRoleArns"], `"`+arn+`"`)
				assert.True(t, configured || slices.Contains(roles, arn), "%s is a configured administrator or uploader, or a role granted a PHI bucket", arn)
				delete(planRoles, arn)
			}
			assert.NotEmpty(t, planRoles, "the other roles (bastion, flow logs, ...) are not known")
			assert.Contains(t, known, "arn:aws:iam::111122223333:role/sso/*", "patterns are passed on as configured")
		})
	}
}

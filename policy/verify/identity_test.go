package verify_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/verify"
)

// TestEveryResearcherFlowOfTheReferenceStacksIsAsDesigned: the flows the "done when" names, on
// both reference stacks and on one with two researchers.
func TestEveryResearcherFlowOfTheReferenceStacksIsAsDesigned(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"hipaa", nil, []string{
			"the workstation's instance role reads a data-in object",
			"the workstation's instance role, were its own policies to allow all of S3, reads a data-in object",
			"researcher alice's session reads a data-in object",
			"researcher alice's session writes a result into output in parts",
			"the workstation's instance role assumes the researcher role for alice (source identity alice)",
			"naming a source identity that is no configured login",
			"another role of the account, whose own policies allow sts:*, assumes the researcher role",
		}},
		{"omop", nil, []string{
			"researcher bob's session gets Redshift credentials for database user bob",
			"researcher bob's session gets Redshift credentials for database user ohdsi_reader",
			"researcher bob's session creates a database user on sign-in",
		}},
		{"omop", map[string]string{"sce:researchers": `["bob ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxshx/hU/qmeT0q1IbNEFxqo2oGGFO7811sVSUS3GmW bob@example.org","carol ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILss+Wn4JfvPqpyXIG+JOH/hMxip1naXCNOob8me2oma carol@example.org"]`},
			[]string{
				"researcher carol's session reads a data-in object",
				"researcher carol's session gets Redshift credentials for database user carol",
				"researcher bob's session gets Redshift credentials for database user carol",
				"the workstation's instance role assumes the researcher role for carol",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flows := verify.Researchers(referencePlan(t, tc.name, tc.changes).RulesStack())
			for _, f := range flows {
				assert.True(t, f.OK(), "%s: expected %s, got %s: %s", f.Flow, f.Expected, f.Result, f.Why)
			}
			for _, w := range tc.want {
				flowNamed(t, flows, w)
			}
		})
	}
}

// TestIdentityMutationsMakeTheMatchingFlowFail puts back, one at a time, the forms that would let a
// request go unattributed or be made in another's name, and expects the flow that guards it to fail.
func TestIdentityMutationsMakeTheMatchingFlowFail(t *testing.T) {
	replace := func(typ, suffix, key, from, to string) func(r *plan.Resource) bool {
		return func(r *plan.Resource) bool {
			if r.Type != typ || !strings.HasSuffix(r.Name, suffix) {
				return false
			}
			text := r.Inputs[key].(string)
			if !strings.Contains(text, from) {
				return false
			}
			r.Inputs[key] = strings.Replace(text, from, to, 1)
			return true
		}
	}
	cases := []struct {
		name, stack string
		mutate      func(r *plan.Resource) bool
		flow        string
	}{
		{"data-in without the deny of the instance role", "hipaa",
			replace("aws:s3/bucketPolicy:BucketPolicy", "-data-in-policy", "policy", `"Sid":"NoObjectAccessByInstanceRoles","Effect":"Deny"`, `"Sid":"NoObjectAccessByInstanceRoles","Effect":"Allow"`),
			"the workstation's instance role, were its own policies to allow all of S3, reads a data-in object"},
		{"the instance role's old data permissions with output's deny gone", "hipaa",
			replace("aws:s3/bucketPolicy:BucketPolicy", "-output-policy", "policy", `"Sid":"NoObjectAccessByInstanceRoles","Effect":"Deny"`, `"Sid":"NoObjectAccessByInstanceRoles","Effect":"Allow"`),
			"the workstation's instance role, were its own policies to allow all of S3, writes a result into output"},
		{"a trust that does not require a configured source identity", "hipaa",
			replace("aws:iam/role:Role", "-researcher-role", "assumeRolePolicy", `"StringEquals":{"sts:SourceIdentity":["alice"]}`, `"StringLike":{"sts:SourceIdentity":["*"]}`),
			"naming a source identity that is no configured login"},
		{"a trust that does not name the instance role", "hipaa",
			replace("aws:iam/role:Role", "-researcher-role", "assumeRolePolicy", `"ArnEquals":{"aws:PrincipalArn":["arn:aws:iam::111122223333:role/hipaa-workstation"]},`, ``),
			"another role of the account, whose own policies allow sts:*, assumes the researcher role"},
		{"a trust without sts:SetSourceIdentity", "hipaa",
			replace("aws:iam/role:Role", "-researcher-role", "assumeRolePolicy", `,"sts:SetSourceIdentity"`, ``),
			"the workstation's instance role assumes the researcher role for alice"},
		{"a sign-in policy for any database user", "omop",
			replace("aws:iam/policy:Policy", "-researcher-signin", "policy", `dbuser:omop-omop/${aws:SourceIdentity}`, `dbuser:omop-omop/*`),
			"researcher bob's session gets Redshift credentials for database user ohdsi_reader"},
		{"the instance role allowed to sign in for the researchers", "omop",
			replace("aws:iam/policy:Policy", "-workstation-policy", "policy", `"Sid":"FetchTheCredentialBroker"`, `"Sid":"Old","Effect":"Allow","Action":["redshift:GetClusterCredentials"],"Resource":["*"]},{"Sid":"FetchTheCredentialBroker"`),
			"the workstation's instance role gets Redshift credentials for database user bob"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := referencePlan(t, tc.stack, nil)
			require.True(t, flowNamed(t, verify.Researchers(p.RulesStack()), tc.flow).OK(), "the flow holds before the mutation")
			changed := 0
			for i := range p.Resources {
				if tc.mutate(&p.Resources[i]) {
					changed++
				}
			}
			require.Equal(t, 1, changed, "the mutation applies to one resource")
			after := flowNamed(t, verify.Researchers(p.RulesStack()), tc.flow)
			assert.False(t, after.OK(), "%s: %s", after.Flow, after.Why)
		})
	}
}

package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

// ssmStack builds an instance linked by value (as in the offline plan) to a profile, a role and an
// attachment of policyArn, plus the patch association when patched.
func ssmStack(t *testing.T, policyArn string, patched bool) []*engine.Resource {
	rs := []*engine.Resource{
		res(t, typeInstance, "web", `{"iamInstanceProfile":"web-profile-id"}`),
		res(t, computeTypeInstanceProfile, "web-profile", `{"role":"web-role-id"}`),
		res(t, iamRoleType, "web-role", `{}`),
		res(t, iamRolePolicyAttachmentType, "web-ssm", `{"role":"web-role-id","policyArn":"`+policyArn+`"}`),
	}
	if patched {
		rs = append(rs, res(t, bootTypeAssociation, "patch", `{"name":"AWS-RunPatchBaseline","targets":[{"key":"tag:Project","values":["hipaa"]}]}`))
	}
	return rs
}

func TestManagedBySSM(t *testing.T) {
	const core = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
	patch := func() *engine.Resource {
		return res(t, bootTypeAssociation, "patch", `{"name":"AWS-RunPatchBaseline"}`)
	}

	// In preview every link is unknown and known only through property dependencies.
	role := res(t, iamRoleType, "web-role", `{}`)
	profile := previewRef(res(t, computeTypeInstanceProfile, "web-profile", `{}`), "role", role)
	instance := previewRef(res(t, typeInstance, "web", `{}`), "iamInstanceProfile", profile)
	attachment := previewRef(res(t, iamRolePolicyAttachmentType, "web-ssm", `{"policyArn":"`+core+`"}`), "role", role)

	unknownArn := ssmStack(t, core, true)
	unknownValue(unknownArn[3], "policyArn")

	checkRule(t, "ec2-managed-by-ssm", []ruleCase{
		{name: "an instance whose role has the core policy attached, with patching, is compliant", rs: ssmStack(t, core, true)},
		{name: "the same links in preview are compliant", rs: []*engine.Resource{instance, profile, role, attachment, patch()}},
		{name: "a role holding the core policy of another partition in managedPolicyArns is compliant", rs: []*engine.Resource{
			res(t, typeInstance, "web", `{"iamInstanceProfile":"p-id"}`), res(t, computeTypeInstanceProfile, "p", `{"role":"r-id"}`),
			res(t, iamRoleType, "r", `{"managedPolicyArns":["arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore"]}`), patch()}},
		{name: "a stack without instances is not judged", rs: []*engine.Resource{res(t, iamRoleType, "r", `{}`)}},
		{name: "a role without the core policy violates", rs: ssmStack(t, "arn:aws:iam::aws:policy/ReadOnlyAccess", true),
			want: "role web-role (through instance profile web-profile) does not have AmazonSSMManagedInstanceCore attached"},
		{name: "a look-alike customer policy violates", rs: ssmStack(t, "arn:aws:iam::123456789012:policy/AmazonSSMManagedInstanceCore", true),
			want: "does not have AmazonSSMManagedInstanceCore attached"},
		{name: "a stack without the patch baseline association violates", rs: ssmStack(t, core, false),
			want: "no aws:ssm/association:Association runs AWS-RunPatchBaseline"},
		{name: "an association running another document violates", rs: append(ssmStack(t, core, false),
			res(t, bootTypeAssociation, "inv", `{"name":"AWS-GatherSoftwareInventory"}`)), want: "runs AWS-RunPatchBaseline"},
		{name: "an instance without a profile violates", rs: []*engine.Resource{res(t, typeInstance, "web", `{}`), patch()},
			want: "iamInstanceProfile is not set, so systems manager cannot manage the instance"},
		{name: "a profile from outside the stack violates", rs: []*engine.Resource{res(t, typeInstance, "web", `{"iamInstanceProfile":"shared"}`), patch()},
			want: `iamInstanceProfile is "shared", not an instance profile of this stack`},
		{name: "a profile without a role violates", rs: []*engine.Resource{res(t, typeInstance, "web", `{"iamInstanceProfile":"p-id"}`),
			res(t, computeTypeInstanceProfile, "p", `{}`), patch()}, want: "instance profile p has no role"},
		{name: "a role from outside the stack violates", rs: []*engine.Resource{res(t, typeInstance, "web", `{"iamInstanceProfile":"p-id"}`),
			res(t, computeTypeInstanceProfile, "p", `{"role":"shared-role"}`), patch()}, want: `role "shared-role" of instance profile p is not a role of this stack`},
		{name: "an unknown policy arn is undecided", rs: unknownArn, want: "policyArn of web-ssm is unknown until deployment", undecided: true},
		{name: "an unknown profile with no dependency is undecided", rs: []*engine.Resource{unknownValue(res(t, typeInstance, "web", `{}`), "iamInstanceProfile"), patch()},
			want: "iamInstanceProfile is unknown", undecided: true},
		{name: "an association whose name is unknown is undecided", rs: append(ssmStack(t, core, false),
			unknownValue(res(t, bootTypeAssociation, "a", `{}`), "name")), want: "the name of association a is unknown", undecided: true},
	})
}

package rules

import (
	"regexp"
	"strings"
)

// The rule that every EC2 instance can be managed by Systems Manager: its role holds the SSM core policy and
// an association patches it. The associations' own deployability rules are in ssm.go.

// Resource type tokens and names the SSM management rule follows an instance through, with a family prefix
// against collisions.
const (
	computeTypeInstanceProfile   = "aws:iam/instanceProfile:InstanceProfile"
	computeTypeRole              = "aws:iam/role:Role"
	computeTypeRolePolicyAttach  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	computeTypePolicyAttachment  = "aws:iam/policyAttachment:PolicyAttachment"
	computeTypeSSMAssociation    = "aws:ssm/association:Association"
	computeSSMCorePolicyName     = "AmazonSSMManagedInstanceCore"
	computePatchBaselineDocument = "AWS-RunPatchBaseline"
)

// computeSSMCorePolicy matches the AWS managed policy that lets Systems Manager manage an instance, in any
// partition.
var computeSSMCorePolicy = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/` + computeSSMCorePolicyName + `$`)

// ec2SSMRules returns the rule that Systems Manager can manage and patch every instance.
func ec2SSMRules() []Rule {
	return []Rule{
		{
			ID: "ec2-managed-by-ssm",
			Description: "Every instance can be managed by Systems Manager: its instance profile's role has AmazonSSMManagedInstanceCore attached, " +
				"and the stack runs AWS-RunPatchBaseline through an SSM association. Association and patch compliance themselves are " +
				"checked by AWS Config at run time (ec2-managedinstance-association-compliance-status-check, ec2-managedinstance-patch-compliance-status-check).",
			Level: Advisory,
			HIPAA: []string{"164.308(a)(5)(ii)(B)", hipaaRiskManagement},
			Sources: Sources{Config: "ec2-instance-managed-by-systems-manager, ec2-managedinstance-association-compliance-status-check, " +
				"ec2-managedinstance-patch-compliance-status-check", Checklist: []int{15, 19, 20}},
			Types:      []string{typeInstance, computeTypeInstanceProfile, computeTypeRole, computeTypeRolePolicyAttach, computeTypeSSMAssociation},
			CheckStack: checkManagedBySSM,
		},
	}
}

// computeLinked returns the resources of the given types that a reference property points at, whether the
// property is unknown until deployment, and its value and presence, for messages.
func computeLinked(s *Stack, r *Resource, prop string, types ...string) (targets []*Resource, unknown bool, value any, set bool) {
	value, set = r.Get(prop)
	targets = s.Refs(r, prop, types...)
	return targets, set && IsUnknown(value), value, set
}

// checkManagedBySSM requires, of every instance, a role with AmazonSSMManagedInstanceCore and an association
// of the stack that runs AWS-RunPatchBaseline.
func checkManagedBySSM(s *Stack) []Finding {
	instances := s.OfType(typeInstance)
	if len(instances) == 0 {
		return nil
	}
	patching, patchWhy := computePatchBaseline(s)
	var out []Finding
	for _, inst := range instances {
		out = append(out, withURN(inst.URN, computeSSMRole(s, inst))...)
		switch patching {
		case MatchNo:
			out = append(out, Finding{URN: inst.URN, Message: "no aws:ssm/association:Association runs " + computePatchBaselineDocument +
				", so nothing patches the instance; add one that targets the stack's instances (aws config checks its compliance at run time)"})
		case MatchMaybe:
			out = append(out, Finding{URN: inst.URN, Message: patchWhy + " is unknown until deployment, so the rule cannot judge it", Undecided: true})
		}
	}
	return out
}

// computePatchBaseline reports whether an SSM association runs AWS-RunPatchBaseline.
func computePatchBaseline(s *Stack) (Match3, string) {
	result, why := MatchNo, ""
	for _, a := range s.OfType(computeTypeSSMAssociation) {
		v, ok := a.Get("name")
		switch {
		case !ok:
		case IsUnknown(v):
			if result == MatchNo {
				result, why = MatchMaybe, "the name of association "+a.Name
			}
		default:
			if name, isString := v.(string); isString && strings.EqualFold(name, computePatchBaselineDocument) {
				return MatchYes, ""
			}
		}
	}
	return result, why
}

// computeSSMRole follows an instance to its instance profile and role and requires the role to hold
// AmazonSSMManagedInstanceCore.
func computeSSMRole(s *Stack, inst *Resource) []Finding {
	const fix = "attach arn:<partition>:iam::aws:policy/" + computeSSMCorePolicyName + " so systems manager can manage the instance"
	profiles, unknown, v, set := computeLinked(s, inst, "iamInstanceProfile", computeTypeInstanceProfile)
	switch {
	case len(profiles) > 0:
	case !set:
		return fail("iamInstanceProfile is not set, so systems manager cannot manage the instance; attach a profile whose role has %s", computeSSMCorePolicyName)
	case unknown:
		return undecided("iamInstanceProfile")
	default:
		return fail("iamInstanceProfile is %s, not an instance profile of this stack, so the rule cannot verify that its role has %s", describe(v), computeSSMCorePolicyName)
	}
	var out []Finding
	for _, profile := range profiles {
		roles, unknown, v, set := computeLinked(s, profile, "role", computeTypeRole)
		switch {
		case len(roles) > 0:
		case !set:
			out = append(out, fail("instance profile %s has no role: %s", profile.Name, fix)...)
			continue
		case unknown:
			out = append(out, undecided("role of instance profile "+profile.Name)...)
			continue
		default:
			out = append(out, fail("role %s of instance profile %s is not a role of this stack, so the rule cannot verify that it has %s",
				describe(v), profile.Name, computeSSMCorePolicyName)...)
			continue
		}
		for _, role := range roles {
			switch has, why := computeRoleHasSSMCore(s, role); has {
			case MatchNo:
				out = append(out, fail("role %s (through instance profile %s) does not have %s attached: %s", role.Name, profile.Name, computeSSMCorePolicyName, fix)...)
			case MatchMaybe:
				out = append(out, undecided(why)...)
			}
		}
	}
	return out
}

// computeRoleHasSSMCore looks for AmazonSSMManagedInstanceCore in the role's managedPolicyArns and in the
// policy attachments that refer to the role.
func computeRoleHasSSMCore(s *Stack, role *Resource) (Match3, string) {
	result, why := MatchNo, ""
	consider := func(v any, what string) bool {
		if IsUnknown(v) {
			if result == MatchNo {
				result, why = MatchMaybe, what
			}
			return false
		}
		for _, arn := range stringsOf(v) {
			if computeSSMCorePolicy.MatchString(arn) {
				return true
			}
		}
		if list, ok := v.([]any); ok {
			for _, e := range list {
				if IsUnknown(e) && result == MatchNo {
					result, why = MatchMaybe, what
				}
			}
		}
		return false
	}
	if v, ok := role.Get("managedPolicyArns"); ok && consider(v, "managedPolicyArns of role "+role.Name) {
		return MatchYes, ""
	}
	attachments := append(s.ReferringTo(role, "role", computeTypeRolePolicyAttach), s.ReferringTo(role, "roles", computeTypePolicyAttachment)...)
	for _, a := range attachments {
		if v, ok := a.Get("policyArn"); ok && consider(v, "policyArn of "+a.Name) {
			return MatchYes, ""
		}
	}
	return result, why
}

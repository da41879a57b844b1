package rules

import (
	"regexp"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The rule that every EC2 instance can be managed by Systems Manager: its role holds the SSM core policy and
// an association patches it. The associations' own deployability rules are in ssm.go.

// The instance profile type and the names the SSM management rule follows an instance through; the role,
// attachment and association types it also follows are iam.go's and ssm.go's.
const (
	computeTypeInstanceProfile   = "aws:iam/instanceProfile:InstanceProfile"
	computeSSMCorePolicyName     = "AmazonSSMManagedInstanceCore"
	computePatchBaselineDocument = "AWS-RunPatchBaseline"
)

// computeSSMCorePolicy matches the AWS managed policy that lets Systems Manager manage an instance, in any
// partition.
var computeSSMCorePolicy = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/` + computeSSMCorePolicyName + `$`)

// ec2SSMRules returns the rule that Systems Manager can manage and patch every instance.
func ec2SSMRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "ec2-managed-by-ssm",
			Description: "Every instance can be managed by Systems Manager: its instance profile's role has AmazonSSMManagedInstanceCore attached, " +
				"and the stack runs AWS-RunPatchBaseline through an SSM association. Association and patch compliance themselves are " +
				"checked by AWS Config at run time (ec2-managedinstance-association-compliance-status-check, ec2-managedinstance-patch-compliance-status-check).",
			Level: engine.Advisory,
			HIPAA: []string{"164.308(a)(5)(ii)(B)", hipaaRiskManagement},
			Sources: engine.Sources{Config: "ec2-instance-managed-by-systems-manager, ec2-managedinstance-association-compliance-status-check, " +
				"ec2-managedinstance-patch-compliance-status-check", Checklist: []int{15, 19, 20}},
			Types:      []string{typeInstance, computeTypeInstanceProfile, iamRoleType, iamRolePolicyAttachmentType, bootTypeAssociation},
			CheckStack: checkManagedBySSM,
		},
	}
}

// computeLinked returns the resources of the given types that a reference property points at, whether the
// property is unknown until deployment, and its value and presence, for messages.
func computeLinked(s *engine.Stack, r *engine.Resource, prop string, types ...string) (targets []*engine.Resource, unknown bool, value any, set bool) {
	value, set = r.Get(prop)
	targets = s.Refs(r, prop, types...)
	return targets, set && engine.IsUnknown(value), value, set
}

// checkManagedBySSM requires, of every instance, a role with AmazonSSMManagedInstanceCore and an association
// of the stack that runs AWS-RunPatchBaseline.
func checkManagedBySSM(s *engine.Stack) []engine.Finding {
	instances := s.OfType(typeInstance)
	if len(instances) == 0 {
		return nil
	}
	patching, patchWhy := computePatchBaseline(s)
	var out []engine.Finding
	for _, inst := range instances {
		out = append(out, engine.WithURN(inst.URN, computeSSMRole(s, inst))...)
		switch patching {
		case engine.MatchNo:
			out = append(out, engine.Finding{URN: inst.URN, Message: "no aws:ssm/association:Association runs " + computePatchBaselineDocument +
				", so nothing patches the instance; add one that targets the stack's instances (aws config checks its compliance at run time)"})
		case engine.MatchMaybe:
			out = append(out, engine.Finding{URN: inst.URN, Message: patchWhy + " is unknown until deployment, so the rule cannot judge it", Undecided: true})
		}
	}
	return out
}

// computePatchBaseline reports whether an SSM association runs AWS-RunPatchBaseline.
func computePatchBaseline(s *engine.Stack) (engine.Match3, string) {
	result, why := engine.MatchNo, ""
	for _, a := range s.OfType(bootTypeAssociation) {
		v, ok := a.Get("name")
		switch {
		case !ok:
		case engine.IsUnknown(v):
			if result == engine.MatchNo {
				result, why = engine.MatchMaybe, "the name of association "+a.Name
			}
		default:
			if name, isString := v.(string); isString && strings.EqualFold(name, computePatchBaselineDocument) {
				return engine.MatchYes, ""
			}
		}
	}
	return result, why
}

// computeSSMRole follows an instance to its instance profile and role and requires the role to hold
// AmazonSSMManagedInstanceCore.
func computeSSMRole(s *engine.Stack, inst *engine.Resource) []engine.Finding {
	const fix = "attach arn:<partition>:iam::aws:policy/" + computeSSMCorePolicyName + " so systems manager can manage the instance"
	profiles, unknown, v, set := computeLinked(s, inst, "iamInstanceProfile", computeTypeInstanceProfile)
	switch {
	case len(profiles) > 0:
	case !set:
		return engine.Fail("iamInstanceProfile is not set, so systems manager cannot manage the instance; attach a profile whose role has %s", computeSSMCorePolicyName)
	case unknown:
		return engine.Undecided("iamInstanceProfile")
	default:
		return engine.Fail("iamInstanceProfile is %s, not an instance profile of this stack, so the rule cannot verify that its role has %s", engine.Describe(v), computeSSMCorePolicyName)
	}
	var out []engine.Finding
	for _, profile := range profiles {
		roles, unknown, v, set := computeLinked(s, profile, "role", iamRoleType)
		switch {
		case len(roles) > 0:
		case !set:
			out = append(out, engine.Fail("instance profile %s has no role: %s", profile.Name, fix)...)
			continue
		case unknown:
			out = append(out, engine.Undecided("role of instance profile "+profile.Name)...)
			continue
		default:
			out = append(out, engine.Fail("role %s of instance profile %s is not a role of this stack, so the rule cannot verify that it has %s",
				engine.Describe(v), profile.Name, computeSSMCorePolicyName)...)
			continue
		}
		for _, role := range roles {
			switch has, why := computeRoleHasSSMCore(s, role); has {
			case engine.MatchNo:
				out = append(out, engine.Fail("role %s (through instance profile %s) does not have %s attached: %s", role.Name, profile.Name, computeSSMCorePolicyName, fix)...)
			case engine.MatchMaybe:
				out = append(out, engine.Undecided(why)...)
			}
		}
	}
	return out
}

// computeRoleHasSSMCore looks for AmazonSSMManagedInstanceCore in the role's managedPolicyArns and in the
// policy attachments that refer to the role.
func computeRoleHasSSMCore(s *engine.Stack, role *engine.Resource) (engine.Match3, string) {
	result, why := engine.MatchNo, ""
	consider := func(v any, what string) bool {
		if engine.IsUnknown(v) {
			if result == engine.MatchNo {
				result, why = engine.MatchMaybe, what
			}
			return false
		}
		for _, arn := range engine.StringsOf(v) {
			if computeSSMCorePolicy.MatchString(arn) {
				return true
			}
		}
		if list, ok := v.([]any); ok {
			for _, e := range list {
				if engine.IsUnknown(e) && result == engine.MatchNo {
					result, why = engine.MatchMaybe, what
				}
			}
		}
		return false
	}
	if v, ok := role.Get("managedPolicyArns"); ok && consider(v, "managedPolicyArns of role "+role.Name) {
		return engine.MatchYes, ""
	}
	attachments := append(s.ReferringTo(role, "role", iamRolePolicyAttachmentType), s.ReferringTo(role, "roles", iamPolicyAttachmentType)...)
	for _, a := range attachments {
		if v, ok := a.Get("policyArn"); ok && consider(v, "policyArn of "+a.Name) {
			return engine.MatchYes, ""
		}
	}
	return result, why
}

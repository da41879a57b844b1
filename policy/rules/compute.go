package rules

import (
	"fmt"
	"regexp"
	"strings"
)

// Resource type tokens the compute rules link instances and volumes to. They carry a family prefix so that
// they cannot collide with the constants of other rule families in this package.
const (
	computeTypeEIP                 = "aws:ec2/eip:Eip"
	computeTypeEIPAssociation      = "aws:ec2/eipAssociation:EipAssociation"
	computeTypeInstanceProfile     = "aws:iam/instanceProfile:InstanceProfile"
	computeTypeRole                = "aws:iam/role:Role"
	computeTypeRolePolicyAttach    = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	computeTypePolicyAttachment    = "aws:iam/policyAttachment:PolicyAttachment"
	computeTypeSSMAssociation      = "aws:ssm/association:Association"
	computeTypeBackupSelection     = "aws:backup/selection:Selection"
	computeTypeVolumeAttachment    = "aws:ec2/volumeAttachment:VolumeAttachment"
	computeTypeSchedule            = "aws:scheduler/schedule:Schedule"
	computeSSMCorePolicyName       = "AmazonSSMManagedInstanceCore"
	computePatchBaselineDocument   = "AWS-RunPatchBaseline"
	computeStopInstancesTargetTail = ":scheduler:::aws-sdk:ec2:stopinstances"
)

// computeSSMCorePolicy matches the AWS managed policy that lets Systems Manager manage an instance, in any
// partition.
var computeSSMCorePolicy = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/` + computeSSMCorePolicyName + `$`)

// HIPAA citations of cdk-nag's mapping for the access-control rules on instances.
var (
	computeHIPAAPublicIP = []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", hipaaAccessEstablish, hipaaAccessControl, hipaaTransmission}
	computeHIPAAProfile  = []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(4)(ii)(A)", hipaaAccessAuthorize, hipaaAccessEstablish, hipaaAccessControl}
	computeHIPAABackup   = []string{hipaaContingency, hipaaBackup, "164.308(a)(7)(ii)(B)", hipaaBackupStorage}
)

// computeRules returns the compute rules: EC2 instances, launch templates and EBS volumes.
func computeRules() []Rule {
	return []Rule{
		{
			ID: "ec2-user-data-no-credentials",
			Description: "No instance or launch template carries a credential in its user data (an AWS access key id, a private key, or a " +
				"literal assigned to a password, secret or token variable): user data is readable through the metadata service and the EC2 API.",
			Level:   Mandatory,
			HIPAA:   []string{hipaaAccessControl, hipaaAccessManagement},
			Sources: Sources{Other: "Trivy AVD-AWS-0029 and AVD-AWS-0129 (secrets in EC2 user data)"},
			Types:   []string{typeInstance, typeLaunchTemplate},
			Check:   checkUserDataCredentials,
		},
		{
			ID:          "ec2-imdsv2-required",
			Description: "Every instance and launch template requires IMDSv2: metadataOptions.httpTokens is required, so the instance metadata service answers only session-token requests.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaAccessControl},
			Sources: Sources{CdkNag: "HIPAA.Security-EC2IMDSv2Enabled", Config: "ec2-imdsv2-check",
				Checklist: []int{13}},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: func(r *Resource) []Finding {
				return shapedStringAt(r.Props, "metadataOptions.httpTokens", false, "required")
			},
		},
		{
			ID:          "ec2-detailed-monitoring",
			Description: "Every instance and launch template enables detailed (one-minute) CloudWatch monitoring.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaAuditControls},
			Sources: Sources{CdkNag: "HIPAA.Security-EC2InstanceDetailedMonitoringEnabled", Config: "ec2-instance-detailed-monitoring-enabled",
				AWSGuard: "ec2-instance-detailed-monitoring-enabled", Checklist: []int{14}},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: func(r *Resource) []Finding {
				if r.Type == typeLaunchTemplate {
					return shapedBoolAt(r.Props, "monitoring.enabled", true, false)
				}
				return shapedBoolAt(r.Props, "monitoring", true, false)
			},
		},
		{
			ID:          "ec2-ebs-optimized",
			Description: "Every instance and launch template sets ebsOptimized to true, so EBS traffic has dedicated capacity.",
			Level:       Advisory,
			HIPAA:       []string{hipaaContingency},
			Sources: Sources{CdkNag: "HIPAA.Security-EC2EBSOptimizedInstance", Config: "ebs-optimized-instance",
				Checklist: []int{12}},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: func(r *Resource) []Finding {
				return shapedBoolAt(r.Props, "ebsOptimized", true, false)
			},
		},
		{
			ID:          "ec2-instance-profile-attached",
			Description: "Every instance has an instance profile (iamInstanceProfile), and every launch template names one by name or arn, so instances take their permissions from a role.",
			Level:       Mandatory,
			HIPAA:       computeHIPAAProfile,
			Sources: Sources{CdkNag: "HIPAA.Security-EC2InstanceProfileAttached", Config: "ec2-instance-profile-attached",
				Checklist: []int{17}},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: checkInstanceProfileAttached,
		},
		{
			ID:          "ec2-instances-in-vpc",
			Description: "Every instance is launched into a VPC: it sets subnetId or networkInterfaces.",
			Level:       Mandatory,
			HIPAA:       computeHIPAAPublicIP,
			Sources: Sources{CdkNag: "HIPAA.Security-EC2InstancesInVPC", Config: "ec2-instances-in-vpc",
				Checklist: []int{18}},
			Types: []string{typeInstance},
			Check: checkInstanceInVPC,
		},
		{
			ID: "ec2-no-public-ip",
			Description: "No instance has a public address: associatePublicIpAddress is not true on instances or launch template network interfaces, " +
				"and no Elastic IP (its instance, or an EIP association's instanceId) is attached to an instance.",
			Level:      Mandatory,
			HIPAA:      computeHIPAAPublicIP,
			Sources:    Sources{CdkNag: "HIPAA.Security-EC2InstanceNoPublicIp", Config: "ec2-instance-no-public-ip", AWSGuard: "ec2-instance-no-public-ip", Checklist: []int{16}},
			Types:      []string{typeInstance, typeLaunchTemplate, computeTypeEIP, computeTypeEIPAssociation},
			CheckStack: checkNoPublicIP,
		},
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
		{
			ID: "ec2-in-backup-plan",
			Description: "Every instance and EBS volume is covered by an AWS Backup selection: its resources list the resource's arn (or a wildcard), " +
				"or its selectionTags pick a tag the resource carries, and its conditions and notResources do not leave it out.",
			Level: Advisory,
			HIPAA: computeHIPAABackup,
			Sources: Sources{CdkNag: "HIPAA.Security-EC2EBSInBackupPlan", Config: "ebs-in-backup-plan, ec2-resources-protected-by-backup-plan",
				Checklist: []int{11, 21}},
			Types:      []string{typeInstance, typeEBSVolume, computeTypeBackupSelection},
			CheckStack: checkInBackupPlan,
		},
		{
			ID:          "ebs-volume-attached",
			Description: "Every EBS volume is attached to an instance by a volume attachment (volumeId), so no volume holds data outside the instances that are managed.",
			Level:       Advisory,
			HIPAA:       []string{"164.310(d)(2)(iii)", hipaaRiskManagement},
			Sources:     Sources{Config: "ec2-volume-inuse-check", AWSGuard: "ec2-volume-inuse", Checklist: []int{23}},
			Types:       []string{typeEBSVolume, computeTypeVolumeAttachment},
			CheckStack:  checkVolumeAttached,
		},
		{
			ID: "ec2-stopped-by-schedule",
			Description: "No EventBridge schedule stops instances (target arn:aws:scheduler:::aws-sdk:ec2:stopInstances) unless it is declared: " +
				"AWS Config's ec2-stopped-instance flags instances that stay stopped, so a schedule that stops them on purpose must be an exemption.",
			Level:      Advisory,
			HIPAA:      []string{hipaaRiskManagement},
			Sources:    Sources{Config: "ec2-stopped-instance", Checklist: []int{22}},
			Types:      []string{computeTypeSchedule},
			CheckStack: checkStoppedBySchedule,
		},
	}
}

// objectShape reports the first step of a dotted path below node that holds something other than an object
// (a string where metadataOptions was expected), which lookup would report as merely missing.
func objectShape(node any, path string) []Finding {
	parts := strings.Split(path, ".")
	cur := node
	for i, part := range parts[:len(parts)-1] {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		next, ok := m[part]
		if !ok || next == nil || IsUnknown(next) {
			return nil
		}
		if _, isMap := next.(map[string]any); !isMap {
			return fail("%s is %s (%s); expected an object", strings.Join(parts[:i+1], "."), kind(next), describe(next))
		}
		cur = next
	}
	return nil
}

// shapedBoolAt is boolAt with the path as its display, reporting an intermediate value of the wrong shape.
func shapedBoolAt(node any, path string, want, missingOK bool) []Finding {
	if f := objectShape(node, path); f != nil {
		return f
	}
	return boolAt(node, path, path, want, missingOK)
}

// shapedStringAt is stringAt with the path as its display, reporting an intermediate value of the wrong shape.
func shapedStringAt(node any, path string, missingOK bool, accepted ...string) []Finding {
	if f := objectShape(node, path); f != nil {
		return f
	}
	return stringAt(node, path, path, missingOK, accepted...)
}

// presentRef reports whether a reference-like string property (a name, an id, an arn) is set: an Unknown
// value is set (it will hold the reference); an empty string is not; another kind is a shape finding.
func presentRef(node any, path string) (bool, []Finding) {
	if f := objectShape(node, path); f != nil {
		return false, f
	}
	v, ok := lookup(node, path)
	switch {
	case !ok:
		return false, nil
	case IsUnknown(v):
		return true, nil
	}
	s, isString := v.(string)
	if !isString {
		return false, fail("%s is %s (%s); expected a string", path, kind(v), describe(v))
	}
	return strings.TrimSpace(s) != "", nil
}

func checkInstanceProfileAttached(r *Resource) []Finding {
	const why = "instances must take their permissions from a role through an instance profile"
	if r.Type == typeLaunchTemplate {
		name, fs := presentRef(r.Props, "iamInstanceProfile.name")
		arn, fs2 := presentRef(r.Props, "iamInstanceProfile.arn")
		if fs = append(fs, fs2...); len(fs) > 0 {
			return fs[:1]
		}
		if !name && !arn {
			return fail("iamInstanceProfile.name and iamInstanceProfile.arn are not set: %s", why)
		}
		return nil
	}
	set, fs := presentRef(r.Props, "iamInstanceProfile")
	if fs != nil {
		return fs
	}
	if !set {
		return fail("iamInstanceProfile is not set: %s", why)
	}
	return nil
}

func checkInstanceInVPC(r *Resource) []Finding {
	subnet, fs := presentRef(r.Props, "subnetId")
	if fs != nil {
		return fs
	}
	if subnet {
		return nil
	}
	v, ok := r.Get("networkInterfaces")
	if ok {
		switch x := v.(type) {
		case []any:
			if len(x) > 0 {
				return nil
			}
		default:
			if IsUnknown(v) {
				return nil
			}
			return fail("networkInterfaces is %s (%s); expected a list of network interfaces", kind(v), describe(v))
		}
	}
	return fail("neither subnetId nor networkInterfaces is set, so the instance would launch outside the stack's vpc; set subnetId")
}

// checkNoPublicIP judges the public-address settings of instances and launch templates, and Elastic IPs
// given to instances, which are reported on the instance.
func checkNoPublicIP(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.OfType(typeInstance) {
		out = append(out, withURN(r.URN, shapedBoolAt(r.Props, "associatePublicIpAddress", false, true))...)
	}
	for _, r := range s.OfType(typeLaunchTemplate) {
		nics, fs := objectsAt(r.Props, "networkInterfaces", "networkInterfaces")
		for i, nic := range nics {
			fs = append(fs, boolAt(nic, "associatePublicIpAddress", fmt.Sprintf("networkInterfaces[%d].associatePublicIpAddress", i), false, true)...)
		}
		out = append(out, withURN(r.URN, fs)...)
	}
	links := []struct{ typ, prop string }{{computeTypeEIP, "instance"}, {computeTypeEIPAssociation, "instanceId"}}
	for _, link := range links {
		for _, eip := range s.OfType(link.typ) {
			v, ok := eip.Get(link.prop)
			if !ok {
				continue
			}
			instances := s.Refs(eip, link.prop, typeInstance)
			for _, inst := range instances {
				out = append(out, Finding{URN: inst.URN, Message: fmt.Sprintf("%s %s gives the instance a public address through its %s; instances must have no public address",
					shortType(eip.Type), eip.Name, link.prop)})
			}
			if len(instances) > 0 {
				continue
			}
			switch {
			case IsUnknown(v):
				out = append(out, withURN(eip.URN, undecided(link.prop))...)
			default:
				out = append(out, Finding{URN: eip.URN, Message: fmt.Sprintf("%s is %s, not an instance of this stack; an elastic ip must not give any instance a public address",
					link.prop, describe(v))})
			}
		}
	}
	return out
}

// shortType renders a type token for messages: "aws:ec2/eip:Eip" becomes "eip".
func shortType(typ string) string {
	if i := strings.LastIndex(typ, ":"); i >= 0 {
		typ = typ[i+1:]
	}
	return strings.ToLower(typ)
}

// computeLinked returns the resources of the given types that a reference property points at, whether the
// property is unknown until deployment, and its value and presence, for messages.
func computeLinked(s *Stack, r *Resource, prop string, types ...string) (targets []*Resource, unknown bool, value any, set bool) {
	value, set = r.Get(prop)
	targets = s.Refs(r, prop, types...)
	return targets, set && IsUnknown(value), value, set
}

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

func checkInBackupPlan(s *Stack) []Finding {
	selections := s.OfType(computeTypeBackupSelection)
	var out []Finding
	for _, sel := range selections {
		out = append(out, withURN(sel.URN, computeSelectionShape(sel))...)
	}
	for _, r := range s.OfType(typeInstance, typeEBSVolume) {
		covered, why := MatchNo, ""
		for _, sel := range selections {
			c, w := computeSelectionCovers(s, sel, r)
			if c == MatchYes {
				covered = MatchYes
				break
			}
			if c == MatchMaybe && covered == MatchNo {
				covered, why = MatchMaybe, w
			}
		}
		switch covered {
		case MatchNo:
			out = append(out, Finding{URN: r.URN, Message: fmt.Sprintf("no aws:backup/selection:Selection covers this %s (by arn, wildcard or tag); add it to an aws backup plan",
				shortType(r.Type))})
		case MatchMaybe:
			out = append(out, Finding{URN: r.URN, Message: why + " is unknown until deployment, so the rule cannot judge it", Undecided: true})
		}
	}
	return out
}

// computeSelectionShape reports selection properties of the wrong shape.
func computeSelectionShape(sel *Resource) []Finding {
	var out []Finding
	for _, prop := range []string{"resources", "notResources"} {
		if v, ok := sel.Get(prop); ok && !IsUnknown(v) {
			if _, isList := v.([]any); !isList {
				out = append(out, fail("%s is %s (%s); expected a list of arns", prop, kind(v), describe(v))...)
			}
		}
	}
	_, fs := objectsAt(sel.Props, "selectionTags", "selectionTags")
	out = append(out, fs...)
	_, fs = objectsAt(sel.Props, "conditions", "conditions")
	return append(out, fs...)
}

// computeSelectionCovers reports whether a backup selection covers a resource: (resources or selectionTags
// pick it) and every condition holds and notResources does not exclude it.
func computeSelectionCovers(s *Stack, sel, r *Resource) (Match3, string) {
	picked, why := computeArnsPick(s, sel, "resources", r)
	if picked != MatchYes {
		p, w := computeTagsPick(sel, r)
		if p == MatchYes || (p == MatchMaybe && picked == MatchNo) {
			picked, why = p, w
		}
	}
	if picked == MatchNo {
		return MatchNo, ""
	}
	cond, condWhy := computeConditionsHold(sel, r)
	if cond == MatchNo {
		return MatchNo, ""
	}
	excluded, exWhy := computeArnsPick(s, sel, "notResources", r)
	switch {
	case excluded == MatchYes:
		return MatchNo, ""
	case picked == MatchMaybe:
		return MatchMaybe, why
	case cond == MatchMaybe:
		return MatchMaybe, condWhy
	case excluded == MatchMaybe:
		return MatchMaybe, exWhy
	}
	return MatchYes, ""
}

// computeArnsPick reports whether a list of arns (resources, notResources) picks a resource: through its
// dependencies (preview), its id or arn (plan), "*", or an arn wildcard over its kind.
func computeArnsPick(s *Stack, sel *Resource, prop string, r *Resource) (Match3, string) {
	v, ok := sel.Get(prop)
	if !ok {
		return MatchNo, ""
	}
	for _, t := range s.Refs(sel, prop, r.Type) {
		if t.URN == r.URN {
			return MatchYes, ""
		}
	}
	arn, _ := r.Outputs["arn"].(string)
	kindName := "instance"
	if r.Type == typeEBSVolume {
		kindName = "volume"
	}
	for _, pattern := range stringsOf(v) {
		if pattern == "*" || (arn != "" && globMatch(pattern, arn)) {
			return MatchYes, ""
		}
		parts := strings.SplitN(pattern, ":", 6)
		if arn == "" && len(parts) == 6 && parts[0] == "arn" && globMatch(parts[2], "ec2") &&
			(parts[5] == "*" || parts[5] == kindName+"/*" || (r.ID != "" && globMatch(parts[5], kindName+"/"+r.ID))) {
			return MatchYes, ""
		}
	}
	// Unknown arns that no dependency explains may be this resource's.
	if len(sel.PropertyDependencies[prop]) == 0 {
		if IsUnknown(v) {
			return MatchMaybe, prop + " of backup selection " + sel.Name
		}
		if list, isList := v.([]any); isList {
			for _, e := range list {
				if IsUnknown(e) {
					return MatchMaybe, prop + " of backup selection " + sel.Name
				}
			}
		}
	}
	return MatchNo, ""
}

// computeTags returns a resource's tags: its own over its provider's default tags.
func computeTags(r *Resource) map[string]any {
	tags := map[string]any{}
	if d, ok := lookup(r.Provider, "defaultTags.tags"); ok {
		if m, isMap := d.(map[string]any); isMap {
			for k, v := range m {
				tags[k] = v
			}
		}
	}
	if own, ok := r.Props["tags"].(map[string]any); ok {
		for k, v := range own {
			tags[k] = v
		}
	}
	return tags
}

// computeTagTest compares a resource's tag to a value with an operator (equals or like, possibly negated).
func computeTagTest(r *Resource, key string, value any, like, negate bool) (Match3, string) {
	tag, has := computeTags(r)[key]
	if IsUnknown(tag) || IsUnknown(value) {
		return MatchMaybe, "tag " + key + " of " + r.Name
	}
	want, _ := value.(string)
	got, isString := tag.(string)
	matched := has && isString && strings.EqualFold(got, want)
	if like {
		matched = has && isString && globMatch(want, got)
	}
	if matched != negate {
		return MatchYes, ""
	}
	return MatchNo, ""
}

// computeTagsPick reports whether a selection's selectionTags (ORed) pick a resource.
func computeTagsPick(sel, r *Resource) (Match3, string) {
	tags, _ := objectsAt(sel.Props, "selectionTags", "selectionTags")
	result, why := MatchNo, ""
	for _, t := range tags {
		key, _ := t["key"].(string)
		if op, _ := t["type"].(string); key == "" || (op != "" && !strings.EqualFold(op, "STRINGEQUALS")) {
			continue
		}
		switch m, w := computeTagTest(r, key, t["value"], false, false); m {
		case MatchYes:
			return MatchYes, ""
		case MatchMaybe:
			if result == MatchNo {
				result, why = MatchMaybe, w
			}
		}
	}
	return result, why
}

// computeConditionsHold reports whether every condition of a selection holds for a resource. Only tag
// conditions (aws:ResourceTag/<key>) can be judged before deployment; others leave the result open.
func computeConditionsHold(sel, r *Resource) (Match3, string) {
	conditions, _ := objectsAt(sel.Props, "conditions", "conditions")
	result, why := MatchYes, ""
	ops := []struct {
		key          string
		like, negate bool
	}{{"stringEquals", false, false}, {"stringLikes", true, false}, {"stringNotEquals", false, true}, {"stringNotLikes", true, true}}
	for _, c := range conditions {
		for _, op := range ops {
			entries, _ := objectsAt(c, op.key, op.key)
			for _, e := range entries {
				key, _ := e["key"].(string)
				tagKey, isTag := strings.CutPrefix(key, "aws:ResourceTag/")
				m, w := MatchMaybe, "condition "+key+" of backup selection "+sel.Name
				if isTag {
					m, w = computeTagTest(r, tagKey, e["value"], op.like, op.negate)
				}
				switch m {
				case MatchNo:
					return MatchNo, ""
				case MatchMaybe:
					if result == MatchYes {
						result, why = MatchMaybe, w
					}
				}
			}
		}
	}
	return result, why
}

func checkVolumeAttached(s *Stack) []Finding {
	var out []Finding
	for _, vol := range s.OfType(typeEBSVolume) {
		attachments, unresolved := referrers(s, vol, "volumeId", computeTypeVolumeAttachment)
		switch {
		case len(attachments) > 0:
		case unresolved != nil:
			out = append(out, withURN(vol.URN, undecided("volumeId of volume attachment "+unresolved.Name))...)
		default:
			out = append(out, Finding{URN: vol.URN, Message: "no aws:ec2/volumeAttachment:VolumeAttachment refers to this volume (volumeId); attach it to an instance or remove it"})
		}
	}
	return out
}

func checkStoppedBySchedule(s *Stack) []Finding {
	var out []Finding
	for _, sched := range s.OfType(computeTypeSchedule) {
		if f := objectShape(sched.Props, "target.arn"); f != nil {
			out = append(out, withURN(sched.URN, f)...)
			continue
		}
		v, ok := lookup(sched.Props, "target.arn")
		if !ok {
			continue
		}
		if IsUnknown(v) {
			out = append(out, withURN(sched.URN, undecided("target.arn"))...)
			continue
		}
		arn, isString := v.(string)
		if !isString {
			out = append(out, Finding{URN: sched.URN, Message: fmt.Sprintf("target.arn is %s (%s); expected an arn", kind(v), describe(v))})
			continue
		}
		if lower := strings.ToLower(arn); strings.HasPrefix(lower, "arn:") && strings.HasSuffix(lower, computeStopInstancesTargetTail) {
			out = append(out, Finding{URN: sched.URN, Message: fmt.Sprintf("target.arn is %q: this schedule stops instances, and aws config's ec2-stopped-instance "+
				"flags instances that stay stopped; declare the schedule as intended", arn)})
		}
	}
	return out
}

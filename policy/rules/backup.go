package rules

import (
	"fmt"
	"strings"
)

// The AWS Backup rule on instances and volumes: an AWS Backup selection covers each, by arn, wildcard or tag,
// and its conditions and notResources do not leave it out. dynamodb.go judges tables the same way.

// computeTypeBackupSelection assigns resources to an AWS Backup plan. It carries a family prefix so that it
// cannot collide with the constants of other rule families in this package.
const computeTypeBackupSelection = "aws:backup/selection:Selection"

// hipaaRecovery are the paragraphs cdk-nag cites for backups and point-in-time recovery.
var hipaaRecovery = []string{hipaaContingency, hipaaBackup, "164.308(a)(7)(ii)(B)"}

// HIPAA citations of cdk-nag's mapping for the backup of instances and volumes.
var (
	computeHIPAABackup = []string{hipaaContingency, hipaaBackup, "164.308(a)(7)(ii)(B)", hipaaBackupStorage}
)

// backupRules returns the rule that AWS Backup covers every instance and EBS volume.
func backupRules() []Rule {
	return []Rule{
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
	}
}

// checkInBackupPlan reports the selections' own shape problems, and every instance and EBS volume no backup
// selection covers (undecided when a value that could cover it is unknown).
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

package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The AWS Backup rule on instances and volumes: an AWS Backup selection covers each, by arn, wildcard or tag,
// and its conditions and notResources do not leave it out. dynamodb.go judges tables the same way.

// typeBackupSelection assigns resources to an AWS Backup plan; the backup rules of instances and volumes
// (here) and of DynamoDB tables (dynamodb.go) follow it.
const typeBackupSelection = "aws:backup/selection:Selection"

// HIPAA citations of cdk-nag's mapping for the backup of instances and volumes.
var (
	computeHIPAABackup = []string{hipaaContingency, hipaaBackup, "164.308(a)(7)(ii)(B)", hipaaBackupStorage}
)

// backupRules returns the rule that AWS Backup covers every instance and EBS volume.
func backupRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "ec2-in-backup-plan",
			Description: "Every instance and EBS volume is covered by an AWS Backup selection: its resources list the resource's arn (or a wildcard), " +
				"or its selectionTags pick a tag the resource carries, and its conditions and notResources do not leave it out.",
			Level: engine.Advisory,
			HIPAA: computeHIPAABackup,
			Sources: engine.Sources{CdkNag: "HIPAA.Security-EC2EBSInBackupPlan", Config: "ebs-in-backup-plan, ec2-resources-protected-by-backup-plan",
				Checklist: []int{11, 21}},
			Types:      []string{typeInstance, typeEBSVolume, typeBackupSelection},
			CheckStack: checkInBackupPlan,
		},
	}
}

// checkInBackupPlan reports the selections' own shape problems, and every instance and EBS volume no backup
// selection covers (undecided when a value that could cover it is unknown).
func checkInBackupPlan(s *engine.Stack) []engine.Finding {
	selections := s.OfType(typeBackupSelection)
	var out []engine.Finding
	for _, sel := range selections {
		out = append(out, engine.WithURN(sel.URN, computeSelectionShape(sel))...)
	}
	for _, r := range s.OfType(typeInstance, typeEBSVolume) {
		covered, why := engine.AnyMatch(func(yield func(engine.Match3, string) bool) {
			for _, sel := range selections {
				if !yield(computeSelectionCovers(s, sel, r)) {
					return
				}
			}
		})
		switch covered {
		case engine.MatchNo:
			out = append(out, engine.Finding{URN: r.URN, Message: fmt.Sprintf("no aws:backup/selection:Selection covers this %s (by arn, wildcard or tag); add it to an aws backup plan",
				shortType(r.Type))})
		case engine.MatchMaybe:
			out = append(out, engine.Finding{URN: r.URN, Message: why + " is unknown until deployment, so the rule cannot judge it", Undecided: true})
		}
	}
	return out
}

// computeSelectionShape reports selection properties of the wrong shape.
func computeSelectionShape(sel *engine.Resource) []engine.Finding {
	var out []engine.Finding
	for _, prop := range []string{"resources", "notResources"} {
		if v, ok := sel.Get(prop); ok && !engine.IsUnknown(v) {
			if _, isList := v.([]any); !isList {
				out = append(out, engine.Fail("%s is %s (%s); expected a list of arns", prop, engine.Kind(v), engine.Describe(v))...)
			}
		}
	}
	_, fs := engine.ObjectsAt(sel.Props, "selectionTags", "selectionTags")
	out = append(out, fs...)
	_, fs = engine.ObjectsAt(sel.Props, "conditions", "conditions")
	return append(out, fs...)
}

// computeSelectionCovers reports whether a backup selection covers a resource: (resources or selectionTags
// pick it) and every condition holds and notResources does not exclude it.
func computeSelectionCovers(s *engine.Stack, sel, r *engine.Resource) (engine.Match3, string) {
	picked, why := computeArnsPick(s, sel, "resources", r)
	if picked != engine.MatchYes {
		p, w := computeTagsPick(sel, r)
		if p == engine.MatchYes || (p == engine.MatchMaybe && picked == engine.MatchNo) {
			picked, why = p, w
		}
	}
	if picked == engine.MatchNo {
		return engine.MatchNo, ""
	}
	cond, condWhy := computeConditionsHold(sel, r)
	if cond == engine.MatchNo {
		return engine.MatchNo, ""
	}
	excluded, exWhy := computeArnsPick(s, sel, "notResources", r)
	switch {
	case excluded == engine.MatchYes:
		return engine.MatchNo, ""
	case picked == engine.MatchMaybe:
		return engine.MatchMaybe, why
	case cond == engine.MatchMaybe:
		return engine.MatchMaybe, condWhy
	case excluded == engine.MatchMaybe:
		return engine.MatchMaybe, exWhy
	}
	return engine.MatchYes, ""
}

// computeArnsPick reports whether a list of arns (resources, notResources) picks a resource: through its
// dependencies (preview), its id or arn (plan), "*", or an arn wildcard over its kind.
func computeArnsPick(s *engine.Stack, sel *engine.Resource, prop string, r *engine.Resource) (engine.Match3, string) {
	v, ok := sel.Get(prop)
	if !ok {
		return engine.MatchNo, ""
	}
	for _, t := range s.Refs(sel, prop, r.Type) {
		if t.URN == r.URN {
			return engine.MatchYes, ""
		}
	}
	arn, _ := r.Outputs["arn"].(string)
	kindName := "instance"
	if r.Type == typeEBSVolume {
		kindName = "volume"
	}
	for _, pattern := range engine.StringsOf(v) {
		if pattern == "*" || (arn != "" && policydoc.GlobMatch(pattern, arn)) {
			return engine.MatchYes, ""
		}
		parts := strings.SplitN(pattern, ":", 6)
		if arn == "" && len(parts) == 6 && parts[0] == "arn" && policydoc.GlobMatch(parts[2], "ec2") &&
			(parts[5] == "*" || parts[5] == kindName+"/*" || (r.ID != "" && policydoc.GlobMatch(parts[5], kindName+"/"+r.ID))) {
			return engine.MatchYes, ""
		}
	}
	// Unknown arns that no dependency explains may be this resource's.
	if len(sel.PropertyDependencies[prop]) == 0 {
		if engine.IsUnknown(v) {
			return engine.MatchMaybe, prop + " of backup selection " + sel.Name
		}
		if list, isList := v.([]any); isList {
			for _, e := range list {
				if engine.IsUnknown(e) {
					return engine.MatchMaybe, prop + " of backup selection " + sel.Name
				}
			}
		}
	}
	return engine.MatchNo, ""
}

// computeTagTest compares a resource's tag to a value with an operator (equals or like, possibly negated).
func computeTagTest(r *engine.Resource, key string, value any, like, negate bool) (engine.Match3, string) {
	tag, has := r.Tags()[key]
	if engine.IsUnknown(tag) || engine.IsUnknown(value) {
		return engine.MatchMaybe, "tag " + key + " of " + r.Name
	}
	want, _ := value.(string)
	got, isString := tag.(string)
	matched := has && isString && strings.EqualFold(got, want)
	if like {
		matched = has && isString && policydoc.GlobMatch(want, got)
	}
	if matched != negate {
		return engine.MatchYes, ""
	}
	return engine.MatchNo, ""
}

// computeTagsPick reports whether a selection's selectionTags (ORed) pick a resource.
func computeTagsPick(sel, r *engine.Resource) (engine.Match3, string) {
	tags, _ := engine.ObjectsAt(sel.Props, "selectionTags", "selectionTags")
	return engine.AnyMatch(func(yield func(engine.Match3, string) bool) {
		for _, t := range tags {
			key, _ := t["key"].(string)
			if op, _ := t["type"].(string); key == "" || (op != "" && !strings.EqualFold(op, "STRINGEQUALS")) {
				continue
			}
			if !yield(computeTagTest(r, key, t["value"], false, false)) {
				return
			}
		}
	})
}

// computeConditionsHold reports whether every condition of a selection holds for a resource. Only tag
// conditions (aws:ResourceTag/<key>) can be judged before deployment; others leave the result open.
func computeConditionsHold(sel, r *engine.Resource) (engine.Match3, string) {
	conditions, _ := engine.ObjectsAt(sel.Props, "conditions", "conditions")
	ops := []struct {
		key          string
		like, negate bool
	}{{"stringEquals", false, false}, {"stringLikes", true, false}, {"stringNotEquals", false, true}, {"stringNotLikes", true, true}}
	return engine.AllMatch(func(yield func(engine.Match3, string) bool) {
		for _, c := range conditions {
			for _, op := range ops {
				entries, _ := engine.ObjectsAt(c, op.key, op.key)
				for _, e := range entries {
					key, _ := e["key"].(string)
					tagKey, isTag := strings.CutPrefix(key, "aws:ResourceTag/")
					m, w := engine.MatchMaybe, "condition "+key+" of backup selection "+sel.Name
					if isTag {
						m, w = computeTagTest(r, tagKey, e["value"], op.like, op.negate)
					}
					if !yield(m, w) {
						return
					}
				}
			}
		}
	})
}

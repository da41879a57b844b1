package rules

import (
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The DynamoDB rules: point-in-time recovery, encryption with the project key, and an AWS Backup selection
// that covers every table.

// typeDynamoDBTable is the DynamoDB table resource type token.
const typeDynamoDBTable = "aws:dynamodb/table:Table"

// dynamoDBRules returns the DynamoDB table rules.
func dynamoDBRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "dynamodb-pitr",
			Description: "Every DynamoDB table has point-in-time recovery enabled (pointInTimeRecovery.enabled).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaRecovery(),
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-DynamoDBPITREnabled", Config: "dynamodb-pitr-enabled", Checklist: []int{9}},
			Types:       []string{typeDynamoDBTable},
			Check: func(r *engine.Resource) []engine.Finding {
				return shapedBoolAt(r.Props, "pointInTimeRecovery.enabled", true, false)
			},
		},
		{
			ID: "dynamodb-encrypted-kms",
			Description: "Every DynamoDB table is encrypted with a customer managed KMS key: serverSideEncryption.enabled is true and " +
				"serverSideEncryption.kmsKeyArn names the key (the AWS owned default key is not enough).",
			Level:   engine.Mandatory,
			HIPAA:   hipaaEncryption(),
			Sources: engine.Sources{Config: "dynamodb-table-encrypted-kms", AWSGuard: "dynamodb-table-encryption-enabled", Checklist: []int{10}},
			Types:   []string{typeDynamoDBTable},
			Check:   checkDynamoDBEncrypted,
		},
		{
			ID: "dynamodb-in-backup-plan",
			Description: "Every DynamoDB table is covered by an AWS Backup selection: its resources list the table (or \"*\"), " +
				"or its selectionTags match a tag of the table.",
			Level:      engine.Advisory,
			HIPAA:      hipaaRecovery(),
			Sources:    engine.Sources{CdkNag: "HIPAA.Security-DynamoDBInBackupPlan", Config: "dynamodb-in-backup-plan", Checklist: []int{8}},
			Types:      []string{typeDynamoDBTable, typeBackupSelection},
			CheckStack: checkDynamoDBInBackupPlan,
		},
	}
}

// checkDynamoDBEncrypted requires server-side encryption enabled with a customer managed key.
func checkDynamoDBEncrypted(r *engine.Resource) []engine.Finding {
	if _, ok := r.Get("serverSideEncryption"); !ok {
		return engine.Fail("serverSideEncryption is not set, so the table is encrypted with an AWS owned key; " +
			"set serverSideEncryption.enabled to true and serverSideEncryption.kmsKeyArn to the project key")
	}
	if out := shapedBoolAt(r.Props, "serverSideEncryption.enabled", true, false); out != nil {
		return out
	}
	return requireCustomerKeyAt(r.Props, "serverSideEncryption.kmsKeyArn", "the table is encrypted with the AWS managed key; set the project key")
}

// checkDynamoDBInBackupPlan reports the selections' own shape problems, and every table no backup selection
// covers (undecided when one may).
func checkDynamoDBInBackupPlan(s *engine.Stack) []engine.Finding {
	selections := s.OfType(typeBackupSelection)
	var out []engine.Finding
	for _, sel := range selections {
		out = append(out, engine.WithURN(sel.URN, selectionShape(sel))...)
	}
	for _, table := range s.OfType(typeDynamoDBTable) {
		answer, _ := engine.AnyMatch(func(yield func(engine.Match3, string) bool) {
			for _, sel := range selections {
				if !yield(selectionCovers(s, sel, table), "") {
					return
				}
			}
		})
		switch answer {
		case engine.MatchMaybe:
			out = append(out, engine.Finding{URN: table.URN, Undecided: true,
				Message: "whether an AWS Backup selection covers the table is unknown until deployment, so the rule cannot judge it"})
		case engine.MatchNo:
			out = append(out, engine.Finding{URN: table.URN,
				Message: "no AWS Backup selection covers the table; list its arn in a selection's resources or give it a tag that a selection's selectionTags match"})
		}
	}
	return out
}

// selectionShape reports backup selection properties of the wrong shape, once per selection: those
// computeSelectionShape (backup.go) reports, less the undecided ones, as this rule reports a selection
// only for a value of the wrong shape.
func selectionShape(sel *engine.Resource) []engine.Finding {
	var out []engine.Finding
	for _, f := range computeSelectionShape(sel) {
		if !f.Undecided {
			out = append(out, f)
		}
	}
	return out
}

// tableTags returns a table's tags, its provider's default tags included, as AWS Backup sees them; unknown
// reports a tag whose value is not yet known ("*" when the whole map is unknown).
func tableTags(r *engine.Resource) (tags map[string]string, unknown map[string]bool) {
	tags, unknown = map[string]string{}, map[string]bool{}
	add := func(v any) {
		if engine.IsUnknown(v) {
			unknown["*"] = true
		}
		m, _ := v.(map[string]any)
		for k, val := range m {
			switch x := val.(type) {
			case string:
				tags[k] = x
				delete(unknown, k)
			default:
				if engine.IsUnknown(x) {
					unknown[k] = true
					delete(tags, k)
				}
			}
		}
	}
	if v, ok := engine.Lookup(r.Provider, "defaultTags.tags"); ok {
		add(v)
	}
	if v, ok := r.Get("tags"); ok {
		add(v)
	}
	return tags, unknown
}

// selectionCovers reports whether a backup selection assigns the table: listed in resources (by reference,
// by arn pattern, or "*") or matched by selectionTags, not excluded by notResources, and passing every
// condition.
func selectionCovers(s *engine.Stack, sel, table *engine.Resource) engine.Match3 {
	listed := arnsCover(s, sel, "resources", table)
	tagged := selectionTagsMatch(sel, table)
	picked, _ := engine.AnyMatch(engine.Answers(listed, tagged))
	if picked == engine.MatchNo {
		return engine.MatchNo
	}
	excluded := arnsCover(s, sel, "notResources", table)
	covered, _ := engine.AllMatch(engine.Answers(picked, engine.Not(excluded), conditionsHold(sel, table)))
	return covered
}

// arnsCover reports whether a list of arns (or arn patterns) of a selection names the table.
func arnsCover(s *engine.Stack, sel *engine.Resource, prop string, table *engine.Resource) engine.Match3 {
	v, ok := sel.Get(prop)
	for _, t := range s.Refs(sel, prop, typeDynamoDBTable) {
		if t.URN == table.URN {
			return engine.MatchYes
		}
	}
	if !ok {
		return engine.MatchNo
	}
	if engine.IsUnknown(v) {
		return engine.MatchMaybe
	}
	list, _ := v.([]any)
	arn := engine.StringAtOr(table.Outputs, "arn")
	if arn == "" {
		arn = engine.StringAtOr(table.Props, "arn")
	}
	answer := engine.MatchNo
	for _, e := range list {
		if engine.IsUnknown(e) {
			answer = engine.MatchMaybe
			continue
		}
		pattern, _ := e.(string)
		switch {
		case pattern == "*":
			return engine.MatchYes
		case strings.Contains(pattern, "*") && arn != "" && policydoc.GlobMatch(pattern, arn):
			return engine.MatchYes
		case strings.Contains(pattern, "*") && arn == "" && strings.Contains(pattern, "dynamodb"):
			answer = engine.MatchMaybe // a pattern that could match the table, whose arn is not known yet
		}
	}
	return answer
}

// selectionList returns the objects of a selection's list property that picks tables by their tags
// (selectionTags, conditions), with the table's tags as tableTags reads them; unknownList is true when the
// whole list is unknown until deployment.
func selectionList(sel, table *engine.Resource, prop string) (list []map[string]any, tags map[string]string, unknown map[string]bool, unknownList bool) {
	list, _ = engine.ObjectsAt(sel.Props, prop, prop)
	v, ok := sel.Get(prop)
	tags, unknown = tableTags(table)
	return list, tags, unknown, ok && engine.IsUnknown(v)
}

// tagUnknown reports whether a table's tag is unknown until deployment, as tableTags reports it: its value,
// or the whole map of tags.
func tagUnknown(tags map[string]string, unknown map[string]bool, key string) bool {
	_, known := tags[key]
	return unknown[key] || (!known && unknown["*"])
}

// selectionTagsMatch reports whether any of a selection's tag filters (STRINGEQUALS) matches a table tag.
func selectionTagsMatch(sel, table *engine.Resource) engine.Match3 {
	filters, tags, unknown, unknownList := selectionList(sel, table, "selectionTags")
	if unknownList {
		return engine.MatchMaybe
	}
	answer := engine.MatchNo
	for _, f := range filters {
		key, value := engine.StringAtOr(f, "key"), engine.StringAtOr(f, "value")
		if op := engine.StringAtOr(f, "type"); op != "" && !strings.EqualFold(op, "STRINGEQUALS") {
			continue
		}
		if kv, ok := engine.Lookup(f, "value"); ok && engine.IsUnknown(kv) {
			answer = engine.MatchMaybe
			continue
		}
		if got, ok := tags[key]; ok && got == value {
			return engine.MatchYes
		}
		if tagUnknown(tags, unknown, key) {
			answer = engine.MatchMaybe
		}
	}
	return answer
}

// conditionsHold reports whether a table passes every condition of a selection (keys aws:ResourceTag/...).
func conditionsHold(sel, table *engine.Resource) engine.Match3 {
	conditions, tags, unknown, unknownList := selectionList(sel, table, "conditions")
	if unknownList {
		return engine.MatchMaybe
	}
	answer := engine.MatchYes
	for _, c := range conditions {
		for op, test := range map[string]func(got, want string) bool{
			"stringEquals":    func(got, want string) bool { return got == want },
			"stringNotEquals": func(got, want string) bool { return got != want },
			"stringLikes":     func(got, want string) bool { return policydoc.GlobMatch(want, got) },
			"stringNotLikes":  func(got, want string) bool { return !policydoc.GlobMatch(want, got) },
		} {
			entries, _ := engine.ObjectsAt(c, op, op)
			for _, e := range entries {
				key := strings.TrimPrefix(engine.StringAtOr(e, "key"), "aws:ResourceTag/")
				if tagUnknown(tags, unknown, key) {
					answer = engine.MatchMaybe
					continue
				}
				if !test(tags[key], engine.StringAtOr(e, "value")) {
					return engine.MatchNo
				}
			}
		}
	}
	return answer
}

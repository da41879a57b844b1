package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The CloudTrail rules: every trail delivers to CloudWatch Logs, is encrypted and validated, records every
// region and S3 data events, and the stack has a trail that logs.

// trailType is the CloudTrail trail resource type token, named by suffix so that it cannot clash with the
// type constants of other families.
const trailType = "aws:cloudtrail/trail:Trail"

// trailHIPAA is the AWS Config HIPAA pack's mapping of its account-wide CloudTrail rules (cloudtrail-enabled,
// multi-region-cloudtrail-enabled, cloudtrail-s3-dataevents-enabled), with activity review added.
func trailHIPAA() []string {
	return []string{hipaaAuditControls, hipaaActivityReview, "164.308(a)(3)(ii)(A)"}
}

// cloudTrailRules returns the CloudTrail rules.
func cloudTrailRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "cloudtrail-cloudwatch-logs",
			Description: "Every trail delivers its events to a CloudWatch Logs group (cloudWatchLogsGroupArn and the cloudWatchLogsRoleArn CloudTrail writes with), where they can be searched and alarmed on.",
			Level:       engine.Mandatory,
			HIPAA:       []string{"164.308(a)(3)(ii)(A)", hipaaAuditControls},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-CloudTrailCloudWatchLogsEnabled", Config: "cloud-trail-cloud-watch-logs-enabled",
				Checklist: []int{1}},
			Types: []string{trailType},
			Check: func(r *engine.Resource) []engine.Finding {
				out := logArnAt(r.Props, "cloudWatchLogsGroupArn", "the trail must deliver its events to a CloudWatch Logs group")
				if len(out) == 0 {
					out = logArnAt(r.Props, "cloudWatchLogsRoleArn", "CloudTrail needs a role to write to the log group")
				}
				return out
			},
		},
		{
			ID:          "cloudtrail-encrypted",
			Description: "Every trail encrypts its log files with a KMS key (kmsKeyId).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaEncryption(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-CloudTrailEncryptionEnabled", Config: "cloud-trail-encryption-enabled",
				Checklist: []int{2}},
			Types: []string{trailType},
			Check: requireKMSKeyID("the trail's log files must be encrypted with a KMS key"),
		},
		{
			ID:          "cloudtrail-log-file-validation",
			Description: "Every trail has log file validation enabled, so that a modified or deleted log file can be detected.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaIntegrity, "164.312(c)(2)"},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-CloudTrailLogFileValidationEnabled", Config: "cloud-trail-log-file-validation-enabled",
				Checklist: []int{3}},
			Types: []string{trailType},
			Check: func(r *engine.Resource) []engine.Finding {
				return engine.BoolAt(r.Props, "enableLogFileValidation", "enableLogFileValidation", true, false)
			},
		},
		{
			ID:          "cloudtrail-multi-region",
			Description: "Every trail records all regions (isMultiRegionTrail) and the global services such as IAM (includeGlobalServiceEvents, on by default).",
			Level:       engine.Mandatory,
			HIPAA:       trailHIPAA(),
			Sources:     engine.Sources{Config: "multi-region-cloudtrail-enabled", Checklist: []int{35}},
			Types:       []string{trailType},
			Check: func(r *engine.Resource) []engine.Finding {
				out := engine.BoolAt(r.Props, "isMultiRegionTrail", "isMultiRegionTrail", true, false)
				return append(out, engine.BoolAt(r.Props, "includeGlobalServiceEvents", "includeGlobalServiceEvents", true, true)...)
			},
		},
		{
			ID:          "cloudtrail-s3-data-events",
			Description: "Every trail records S3 object data events (reads and writes of objects), through an event selector or an advanced event selector.",
			Level:       engine.Mandatory,
			HIPAA:       trailHIPAA(),
			Sources:     engine.Sources{Config: "cloudtrail-s3-dataevents-enabled", Checklist: []int{5}},
			Types:       []string{trailType},
			Check:       checkTrailS3DataEvents,
		},
		{
			ID: "cloudtrail-enabled",
			Description: "The stack has a trail that is logging (enableLogging not false); a stack without one relies on the account " +
				"baseline's trail, which this stack cannot see.",
			Level:      engine.Advisory,
			HIPAA:      trailHIPAA(),
			Sources:    engine.Sources{Config: "cloudtrail-enabled", Checklist: []int{4}},
			Types:      []string{trailType, typeVPC},
			CheckStack: checkTrailEnabled,
		},
	}
}

// trailStrings reads a list of strings (or one string) at key of an object; shape problems and unknown
// values come back as findings.
func trailStrings(node map[string]any, key, display string) ([]string, []engine.Finding) {
	v, ok := engine.Lookup(node, key)
	if !ok {
		return nil, nil
	}
	if engine.IsUnknown(v) {
		return nil, engine.Undecided(display)
	}
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []any:
		var out []string
		var findings []engine.Finding
		for i, e := range x {
			switch s := e.(type) {
			case string:
				out = append(out, s)
			default:
				if engine.IsUnknown(e) {
					findings = append(findings, engine.Undecided(fmt.Sprintf("%s[%d]", display, i))...)
					continue
				}
				findings = append(findings, engine.Fail("%s[%d] is %s; expected a string", display, i, engine.Kind(e))...)
			}
		}
		return out, findings
	}
	return nil, engine.Fail("%s is %s; expected a list of strings", display, engine.Kind(v))
}

// trailS3ObjectType is the data resource type of S3 object data events.
const trailS3ObjectType = "AWS::S3::Object"

// checkTrailS3DataEvents requires an event selector, basic or advanced, that records S3 object data events.
func checkTrailS3DataEvents(r *engine.Resource) []engine.Finding {
	var problems []engine.Finding
	selectors, fs := engine.ObjectsAt(r.Props, "eventSelectors", "eventSelectors")
	problems = append(problems, fs...)
	for i, sel := range selectors {
		path := fmt.Sprintf("eventSelectors[%d].dataResources", i)
		resources, fs := engine.ObjectsAt(sel, "dataResources", path)
		problems = append(problems, fs...)
		for j, dr := range resources {
			types, fs := trailStrings(dr, "type", fmt.Sprintf("%s[%d].type", path, j))
			problems = append(problems, fs...)
			if trailContainsFold(types, trailS3ObjectType) {
				return nil
			}
		}
	}
	advanced, fs := engine.ObjectsAt(r.Props, "advancedEventSelectors", "advancedEventSelectors")
	problems = append(problems, fs...)
	for i, sel := range advanced {
		path := fmt.Sprintf("advancedEventSelectors[%d].fieldSelectors", i)
		fields, fs := engine.ObjectsAt(sel, "fieldSelectors", path)
		problems = append(problems, fs...)
		dataEvents, s3Objects := false, false
		for j, f := range fields {
			name, fs := trailStrings(f, "field", fmt.Sprintf("%s[%d].field", path, j))
			problems = append(problems, fs...)
			equals, fs := trailStrings(f, "equals", fmt.Sprintf("%s[%d].equals", path, j))
			problems = append(problems, fs...)
			switch {
			case trailContainsFold(name, "eventCategory") && trailContainsFold(equals, "Data"):
				dataEvents = true
			case trailContainsFold(name, "resources.type") && trailContainsFold(equals, trailS3ObjectType):
				s3Objects = true
			}
		}
		if dataEvents && s3Objects {
			return nil
		}
	}
	// Nothing records S3 object events: say why, and whether an unknown or malformed value may hide one.
	for _, p := range problems {
		if p.Undecided {
			return problems
		}
	}
	return append(problems, engine.Fail("no event selector records S3 object data events: add an eventSelectors entry with a dataResources "+
		"type %s, or an advancedEventSelectors entry with eventCategory Data and resources.type %s", trailS3ObjectType, trailS3ObjectType)...)
}

// trailContainsFold reports whether list holds s, ignoring case.
func trailContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// checkTrailEnabled requires one logging trail in the stack. Without any trail, the finding goes on each
// VPC, the resource whose activity goes unrecorded; trails that exist but do not log carry it themselves.
func checkTrailEnabled(s *engine.Stack) []engine.Finding {
	trails := s.OfType(trailType)
	var out []engine.Finding
	for _, t := range trails {
		fs := engine.BoolAt(t.Props, "enableLogging", "enableLogging", true, true)
		if len(fs) == 0 {
			return nil // one logging trail is enough
		}
		out = append(out, engine.WithURN(t.URN, fs)...)
	}
	if len(trails) > 0 {
		var undecidedOnly []engine.Finding
		for i := range out {
			if out[i].Undecided {
				undecidedOnly = append(undecidedOnly, out[i])
			}
			out[i].Message += ", so the stack has no logging trail"
		}
		if len(undecidedOnly) > 0 {
			return undecidedOnly // a trail whose logging is unknown may be the one that logs
		}
		return out
	}
	for _, v := range s.OfType(typeVPC) {
		out = append(out, engine.Finding{URN: v.URN, Message: "the stack has no CloudTrail trail: the account's trail must come from the " +
			"account baseline or this stack, logging every region and this VPC's S3 data events"})
	}
	return out
}

package rules

import "github.com/sce-project/sce/policy/engine"

// The CloudWatch Logs rules: every log group is encrypted and keeps its events for an explicit period of at
// least six years.

// logGroupType is the CloudWatch Logs group resource type token, named by suffix so that it cannot clash
// with the type constants of other families.
const logGroupType = "aws:cloudwatch/logGroup:LogGroup"

// logGroupSixYears is six years in the retention periods CloudWatch Logs offers.
const logGroupSixYears = 2192

// cloudWatchRules returns the CloudWatch Logs rules.
func cloudWatchRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "cloudwatch-log-group-encrypted",
			Description: "Every CloudWatch Logs group is encrypted with a KMS key (kmsKeyId).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaEncryption(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-CloudWatchLogGroupEncrypted", Config: "cloudwatch-log-group-encrypted",
				Checklist: []int{6}},
			Types: []string{logGroupType},
			Check: requireKMSKeyID("the log group must be encrypted with a KMS key"),
		},
		{
			ID:          "cloudwatch-log-group-retention",
			Description: "Every CloudWatch Logs group sets an explicit retention period (retentionInDays, not 0).",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaAuditControls},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-CloudWatchLogGroupRetentionPeriod", Config: "cw-loggroup-retention-period-check",
				Checklist: []int{7}},
			Types: []string{logGroupType},
			Check: checkLogGroupRetention,
		},
		{
			ID:          "log-retention-six-years",
			Description: "Every CloudWatch Logs group with a retention period keeps its events at least six years (2192 days), the HIPAA documentation retention period.",
			Level:       engine.Advisory,
			HIPAA:       []string{hipaaRetention},
			Sources:     engine.Sources{Other: "HIPAA documentation retention, six years (45 CFR 164.316(b)(2)(i))"},
			Types:       []string{logGroupType},
			Check:       checkLogRetentionSixYears,
		},
	}
}

// retentionInDays reads a log group's retention period, which both retention rules judge: set is false when
// retentionInDays is absent; findings (an unknown value, or one that is not a whole number) end the
// judgement.
func retentionInDays(r *engine.Resource) (days int64, set bool, findings []engine.Finding) {
	v, ok := r.Get("retentionInDays")
	switch {
	case !ok:
		return 0, false, nil
	case engine.IsUnknown(v):
		return 0, true, engine.Undecided("retentionInDays")
	}
	n, isInt := engine.AsInt(v)
	if !isInt {
		return 0, true, engine.Fail("retentionInDays is %s (%s); expected a whole number of days", engine.Kind(v), engine.Describe(v))
	}
	return n, true, nil
}

// checkLogGroupRetention requires an explicit retention period: set, and neither 0 (forever) nor negative.
func checkLogGroupRetention(r *engine.Resource) []engine.Finding {
	n, set, out := retentionInDays(r)
	switch {
	case !set:
		return engine.Fail("retentionInDays is not set, so events are kept forever with no explicit retention period; set it (%d is six years)", logGroupSixYears)
	case out != nil:
		return out
	case n == 0:
		return engine.Fail("retentionInDays is 0, which keeps events forever with no explicit retention period; set it (%d is six years)", logGroupSixYears)
	case n < 0:
		return engine.Fail("retentionInDays is %d; it must be a positive number of days", n)
	}
	return nil
}

// checkLogRetentionSixYears requires a retention period, where one is set, of at least six years.
func checkLogRetentionSixYears(r *engine.Resource) []engine.Finding {
	n, set, out := retentionInDays(r)
	switch {
	case !set:
		return nil // cloudwatch-log-group-retention judges a missing retention
	case out != nil:
		return out
	case n == 0:
		return nil // never expires; cloudwatch-log-group-retention asks for an explicit period
	case n < logGroupSixYears:
		return engine.Fail("retentionInDays is %d; HIPAA documentation is kept six years, so it must be at least %d", n, logGroupSixYears)
	}
	return nil
}

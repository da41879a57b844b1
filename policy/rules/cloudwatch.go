package rules

// The CloudWatch Logs rules: every log group is encrypted and keeps its events for an explicit period of at
// least six years.

// logGroupType is the CloudWatch Logs group resource type token, named by suffix so that it cannot clash
// with the type constants of other families.
const logGroupType = "aws:cloudwatch/logGroup:LogGroup"

// logGroupSixYears is six years in the retention periods CloudWatch Logs offers.
const logGroupSixYears = 2192

// cloudWatchRules returns the CloudWatch Logs rules.
func cloudWatchRules() []Rule {
	return []Rule{
		{
			ID:          "cloudwatch-log-group-encrypted",
			Description: "Every CloudWatch Logs group is encrypted with a KMS key (kmsKeyId).",
			Level:       Mandatory,
			HIPAA:       []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt},
			Sources: Sources{CdkNag: "HIPAA.Security-CloudWatchLogGroupEncrypted", Config: "cloudwatch-log-group-encrypted",
				Checklist: []int{6}},
			Types: []string{logGroupType},
			Check: func(r *Resource) []Finding {
				return logArnAt(r.Props, "kmsKeyId", "the log group must be encrypted with a KMS key")
			},
		},
		{
			ID:          "cloudwatch-log-group-retention",
			Description: "Every CloudWatch Logs group sets an explicit retention period (retentionInDays, not 0).",
			Level:       Mandatory,
			HIPAA:       []string{hipaaAuditControls},
			Sources: Sources{CdkNag: "HIPAA.Security-CloudWatchLogGroupRetentionPeriod", Config: "cw-loggroup-retention-period-check",
				Checklist: []int{7}},
			Types: []string{logGroupType},
			Check: checkLogGroupRetention,
		},
		{
			ID:          "log-retention-six-years",
			Description: "Every CloudWatch Logs group with a retention period keeps its events at least six years (2192 days), the HIPAA documentation retention period.",
			Level:       Advisory,
			HIPAA:       []string{hipaaRetention},
			Sources:     Sources{Other: "HIPAA documentation retention, six years (45 CFR 164.316(b)(2)(i))"},
			Types:       []string{logGroupType},
			Check:       checkLogRetentionSixYears,
		},
	}
}

func checkLogGroupRetention(r *Resource) []Finding {
	v, ok := r.Get("retentionInDays")
	switch {
	case !ok:
		return fail("retentionInDays is not set, so events are kept forever with no explicit retention period; set it (%d is six years)", logGroupSixYears)
	case IsUnknown(v):
		return undecided("retentionInDays")
	}
	n, isInt := asInt(v)
	switch {
	case !isInt:
		return fail("retentionInDays is %s (%s); expected a whole number of days", kind(v), describe(v))
	case n == 0:
		return fail("retentionInDays is 0, which keeps events forever with no explicit retention period; set it (%d is six years)", logGroupSixYears)
	case n < 0:
		return fail("retentionInDays is %d; it must be a positive number of days", n)
	}
	return nil
}

func checkLogRetentionSixYears(r *Resource) []Finding {
	v, ok := r.Get("retentionInDays")
	switch {
	case !ok:
		return nil // cloudwatch-log-group-retention judges a missing retention
	case IsUnknown(v):
		return undecided("retentionInDays")
	}
	n, isInt := asInt(v)
	switch {
	case !isInt:
		return fail("retentionInDays is %s (%s); expected a whole number of days", kind(v), describe(v))
	case n == 0:
		return nil // never expires; cloudwatch-log-group-retention asks for an explicit period
	case n < logGroupSixYears:
		return fail("retentionInDays is %d; HIPAA documentation is kept six years, so it must be at least %d", n, logGroupSixYears)
	}
	return nil
}

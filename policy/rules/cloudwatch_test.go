package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestCloudWatchLogGroupEncrypted(t *testing.T) {
	checkRule(t, "cloudwatch-log-group-encrypted", []ruleCase{
		{name: "a group with a key is compliant", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"kmsKeyId":"`+trailKeyARN+`"}`)}},
		{name: "a group without a key violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":2192}`)},
			want: "kmsKeyId is not set: the log group must be encrypted with a KMS key"},
		{name: "an empty key violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"kmsKeyId":""}`)}, want: "kmsKeyId is empty"},
		{name: "a key of the wrong shape violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"kmsKeyId":12}`)}, want: "kmsKeyId is a number (12); expected an ARN"},
		{name: "a key unknown until deployment counts as set (the project key's ARN in preview)", rs: []*engine.Resource{logUnknown(t, logGroupType, `{}`, "kmsKeyId")}},
	})
}

func TestCloudWatchLogGroupRetention(t *testing.T) {
	checkRule(t, "cloudwatch-log-group-retention", []ruleCase{
		{name: "six years is compliant", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":2192}`)}},
		{name: "a short explicit retention is compliant here", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":"30"}`)}},
		{name: "a group without a retention violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"kmsKeyId":"k"}`)},
			want: "retentionInDays is not set, so events are kept forever with no explicit retention period"},
		{name: "a zero retention violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":0}`)},
			want: "retentionInDays is 0, which keeps events forever"},
		{name: "a negative retention violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":-1}`)},
			want: "retentionInDays is -1; it must be a positive number of days"},
		{name: "a retention of the wrong shape violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":"six years"}`)},
			want: `retentionInDays is a string ("six years"); expected a whole number of days`},
	})
	checkRule(t, "cloudwatch-log-group-retention", []ruleCase{
		{name: "an unknown retention is undecided", rs: []*engine.Resource{logUnknown(t, logGroupType, `{}`, "retentionInDays")},
			want: "retentionInDays is unknown until deployment", undecided: true},
	})
}

func TestLogRetentionSixYears(t *testing.T) {
	checkRule(t, "log-retention-six-years", []ruleCase{
		{name: "six years is compliant", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":2192}`)}},
		{name: "ten years is compliant", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":3653}`)}},
		{name: "one year violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":365}`)},
			want: "retentionInDays is 365; HIPAA documentation is kept six years, so it must be at least 2192"},
		{name: "five years in the string form violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":"1827"}`)}, want: "retentionInDays is 1827"},
		{name: "a missing retention is left to the explicit-retention rule", rs: []*engine.Resource{res(t, logGroupType, "lg", `{}`)}},
		{name: "a zero retention never expires and is left to the explicit-retention rule", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":0}`)}},
		{name: "a retention of the wrong shape violates", rs: []*engine.Resource{res(t, logGroupType, "lg", `{"retentionInDays":[2192]}`)},
			want: "retentionInDays is a list ([2192]); expected a whole number of days"},
	})
	checkRule(t, "log-retention-six-years", []ruleCase{
		{name: "an unknown retention is undecided", rs: []*engine.Resource{logUnknown(t, logGroupType, `{}`, "retentionInDays")},
			want: "retentionInDays is unknown until deployment", undecided: true},
	})
}

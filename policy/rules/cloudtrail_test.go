package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/require"
)

// logUnknown builds a resource whose prop is unknown until deployment, over the given props.
func logUnknown(t *testing.T, typ, props, prop string) *engine.Resource {
	t.Helper()
	r := res(t, typ, "u", props)
	r.Props[prop] = engine.Unknown
	return r
}

const (
	trailGroupARN = "arn:aws:logs:us-east-1:111122223333:log-group:/sce/hipaa/cloudtrail:*"
	trailRoleARN  = "arn:aws:iam::111122223333:role/hipaa-trail-logs"
	trailKeyARN   = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

func TestCloudTrailCloudWatchLogs(t *testing.T) {
	checkRule(t, "cloudtrail-cloudwatch-logs", []ruleCase{
		{name: "a trail delivering to a log group through a role is compliant", rs: []*engine.Resource{res(t, trailType, "t",
			`{"cloudWatchLogsGroupArn":"`+trailGroupARN+`","cloudWatchLogsRoleArn":"`+trailRoleARN+`"}`)}},
		{name: "a trail without a log group violates", rs: []*engine.Resource{res(t, trailType, "t", `{"cloudWatchLogsRoleArn":"`+trailRoleARN+`"}`)},
			want: "cloudWatchLogsGroupArn is not set: the trail must deliver its events to a CloudWatch Logs group"},
		{name: "a trail with a log group but no role violates", rs: []*engine.Resource{res(t, trailType, "t", `{"cloudWatchLogsGroupArn":"`+trailGroupARN+`"}`)},
			want: "cloudWatchLogsRoleArn is not set: CloudTrail needs a role"},
		{name: "an empty log group ARN violates", rs: []*engine.Resource{res(t, trailType, "t", `{"cloudWatchLogsGroupArn":" ","cloudWatchLogsRoleArn":"`+trailRoleARN+`"}`)},
			want: "cloudWatchLogsGroupArn is empty"},
		{name: "a log group ARN of the wrong shape violates", rs: []*engine.Resource{res(t, trailType, "t", `{"cloudWatchLogsGroupArn":{"arn":"x"},"cloudWatchLogsRoleArn":"`+trailRoleARN+`"}`)},
			want: "cloudWatchLogsGroupArn is an object (map[arn:x]); expected an ARN"},
	})
	unknownBoth := logUnknown(t, trailType, `{}`, "cloudWatchLogsGroupArn")
	unknownBoth.Props["cloudWatchLogsRoleArn"] = engine.Unknown
	checkRule(t, "cloudtrail-cloudwatch-logs", []ruleCase{
		{name: "ARNs unknown until deployment count as set", rs: []*engine.Resource{unknownBoth}},
	})
}

func TestCloudTrailEncrypted(t *testing.T) {
	checkRule(t, "cloudtrail-encrypted", []ruleCase{
		{name: "a trail with a key is compliant", rs: []*engine.Resource{res(t, trailType, "t", `{"kmsKeyId":"`+trailKeyARN+`"}`)}},
		{name: "a trail without a key violates", rs: []*engine.Resource{res(t, trailType, "t", `{"enableLogFileValidation":true}`)},
			want: "kmsKeyId is not set: the trail's log files must be encrypted with a KMS key"},
		{name: "an empty key violates", rs: []*engine.Resource{res(t, trailType, "t", `{"kmsKeyId":""}`)}, want: "kmsKeyId is empty"},
		{name: "a key of the wrong shape violates", rs: []*engine.Resource{res(t, trailType, "t", `{"kmsKeyId":true}`)}, want: "kmsKeyId is a boolean (true); expected an ARN"},
		{name: "a key unknown until deployment counts as set", rs: []*engine.Resource{logUnknown(t, trailType, `{}`, "kmsKeyId")}},
	})
}

func TestCloudTrailLogFileValidation(t *testing.T) {
	checkRule(t, "cloudtrail-log-file-validation", []ruleCase{
		{name: "validation on is compliant", rs: []*engine.Resource{res(t, trailType, "t", `{"enableLogFileValidation":true}`)}},
		{name: "validation in the string form is compliant", rs: []*engine.Resource{res(t, trailType, "t", `{"enableLogFileValidation":"true"}`)}},
		{name: "validation off violates", rs: []*engine.Resource{res(t, trailType, "t", `{"enableLogFileValidation":false}`)},
			want: "enableLogFileValidation is false; it must be true"},
		{name: "a trail without the setting violates, since AWS leaves it off", rs: []*engine.Resource{res(t, trailType, "t", `{}`)},
			want: "enableLogFileValidation is not set; it must be true"},
		{name: "a setting of the wrong shape violates", rs: []*engine.Resource{res(t, trailType, "t", `{"enableLogFileValidation":1}`)},
			want: "enableLogFileValidation is a number (1); expected the boolean true"},
	})
	checkRule(t, "cloudtrail-log-file-validation", []ruleCase{
		{name: "an unknown setting is undecided", rs: []*engine.Resource{logUnknown(t, trailType, `{}`, "enableLogFileValidation")},
			want: "enableLogFileValidation is unknown until deployment", undecided: true},
	})
}

func TestCloudTrailMultiRegion(t *testing.T) {
	checkRule(t, "cloudtrail-multi-region", []ruleCase{
		{name: "a multi-region trail is compliant", rs: []*engine.Resource{res(t, trailType, "t", `{"isMultiRegionTrail":true}`)}},
		{name: "a multi-region trail with global events explicit is compliant", rs: []*engine.Resource{res(t, trailType, "t",
			`{"isMultiRegionTrail":true,"includeGlobalServiceEvents":true}`)}},
		{name: "a single-region trail violates", rs: []*engine.Resource{res(t, trailType, "t", `{"isMultiRegionTrail":false}`)},
			want: "isMultiRegionTrail is false; it must be true"},
		{name: "a trail without the setting violates, since AWS records one region", rs: []*engine.Resource{res(t, trailType, "t", `{}`)},
			want: "isMultiRegionTrail is not set; it must be true"},
		{name: "a multi-region trail without global service events violates", rs: []*engine.Resource{res(t, trailType, "t",
			`{"isMultiRegionTrail":true,"includeGlobalServiceEvents":false}`)}, want: "includeGlobalServiceEvents is false; it must be true"},
		{name: "a setting of the wrong shape violates", rs: []*engine.Resource{res(t, trailType, "t", `{"isMultiRegionTrail":["us-east-1"]}`)},
			want: "isMultiRegionTrail is a list"},
	})
	checkRule(t, "cloudtrail-multi-region", []ruleCase{
		{name: "an unknown setting is undecided", rs: []*engine.Resource{logUnknown(t, trailType, `{}`, "isMultiRegionTrail")},
			want: "isMultiRegionTrail is unknown until deployment", undecided: true},
	})
}

func TestCloudTrailS3DataEvents(t *testing.T) {
	unknownType := res(t, trailType, "t", `{"eventSelectors":[{"dataResources":[{"values":["arn:aws:s3"]}]}]}`)
	unknownType.Props["eventSelectors"].([]any)[0].(map[string]any)["dataResources"].([]any)[0].(map[string]any)["type"] = engine.Unknown
	unknownButAdvanced := res(t, trailType, "t", `{"advancedEventSelectors":[{"fieldSelectors":[`+
		`{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::S3::Object"]}]}]}`)
	unknownButAdvanced.Props["eventSelectors"] = engine.Unknown
	checkRule(t, "cloudtrail-s3-data-events", []ruleCase{
		{name: "an event selector for every bucket's objects is compliant", rs: []*engine.Resource{res(t, trailType, "t",
			`{"eventSelectors":[{"readWriteType":"All","includeManagementEvents":true,"dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3"]}]}]}`)}},
		{name: "an S3 data resource in a later selector is compliant", rs: []*engine.Resource{res(t, trailType, "t",
			`{"eventSelectors":[{"dataResources":[{"type":"AWS::Lambda::Function","values":["arn:aws:lambda"]}]},`+
				`{"dataResources":[{"type":"AWS::DynamoDB::Table","values":["arn:aws:dynamodb"]},{"type":"AWS::S3::Object","values":["arn:aws:s3:::phi/"]}]}]}`)}},
		{name: "an advanced selector for S3 object data events is compliant", rs: []*engine.Resource{res(t, trailType, "t",
			`{"advancedEventSelectors":[{"name":"S3","fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::S3::Object"]}]}]}`)}},
		{name: "an event selector for Lambda data only violates", rs: []*engine.Resource{res(t, trailType, "t",
			`{"eventSelectors":[{"dataResources":[{"type":"AWS::Lambda::Function","values":["arn:aws:lambda"]}]}]}`)},
			want: "no event selector records S3 object data events"},
		{name: "a trail without selectors violates, since AWS records management events only", rs: []*engine.Resource{res(t, trailType, "t", `{"isMultiRegionTrail":true}`)},
			want: "no event selector records S3 object data events: add an eventSelectors entry with a dataResources type AWS::S3::Object"},
		{name: "an advanced selector for management events only violates", rs: []*engine.Resource{res(t, trailType, "t",
			`{"advancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":["Management"]}]}]}`)},
			want: "no event selector records S3 object data events"},
		{name: "the two advanced fields in different selectors violate", rs: []*engine.Resource{res(t, trailType, "t",
			`{"advancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::DynamoDB::Table"]}]},`+
				`{"fieldSelectors":[{"field":"eventCategory","equals":["Management"]},{"field":"resources.type","equals":["AWS::S3::Object"]}]}]}`)},
			want: "no event selector records S3 object data events"},
		{name: "S3 objects excluded by notEquals violate", rs: []*engine.Resource{res(t, trailType, "t",
			`{"advancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","notEquals":["AWS::S3::Object"]}]}]}`)},
			want: "no event selector records S3 object data events"},
		{name: "selectors of the wrong shape violate", rs: []*engine.Resource{res(t, trailType, "t", `{"eventSelectors":"all"}`)},
			want: "eventSelectors is a string; expected a list of objects"},
		{name: "a data resource type of the wrong shape violates", rs: []*engine.Resource{res(t, trailType, "t", `{"eventSelectors":[{"dataResources":[{"type":7}]}]}`)},
			want: "eventSelectors[0].dataResources[0].type is a number; expected a list of strings"},
		{name: "advanced equals of the wrong shape violate", rs: []*engine.Resource{res(t, trailType, "t",
			`{"advancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":[{"v":"Data"}]}]}]}`)},
			want: "advancedEventSelectors[0].fieldSelectors[0].equals[0] is an object; expected a string"},
		{name: "an unknown selector list beside a compliant advanced selector is compliant", rs: []*engine.Resource{unknownButAdvanced}},
	})
	checkRule(t, "cloudtrail-s3-data-events", []ruleCase{
		{name: "an unknown selector list is undecided", rs: []*engine.Resource{logUnknown(t, trailType, `{}`, "eventSelectors")},
			want: "eventSelectors is unknown until deployment", undecided: true},
		{name: "an unknown data resource type is undecided", rs: []*engine.Resource{unknownType},
			want: "eventSelectors[0].dataResources[0].type is unknown until deployment", undecided: true},
	})
}

func TestCloudTrailEnabled(t *testing.T) {
	const id = "cloudtrail-enabled"
	vpc := func(name string) *engine.Resource { return res(t, typeVPC, name, `{"cidrBlock":"10.0.0.0/16"}`) }
	trail := func(name, props string) *engine.Resource { return res(t, trailType, name, props) }
	checkRule(t, id, []ruleCase{
		{name: "a stack with a trail that logs by default is compliant", rs: []*engine.Resource{vpc("v"), trail("t", `{"isMultiRegionTrail":true}`)}},
		{name: "a stack with a trail that logs explicitly is compliant", rs: []*engine.Resource{vpc("v"), trail("t", `{"enableLogging":true}`)}},
		{name: "one logging trail beside a stopped one is enough", rs: []*engine.Resource{vpc("v"), trail("off", `{"enableLogging":false}`), trail("on", `{"enableLogging":"true"}`)}},
		{name: "a stack without a trail is reported on its VPC", rs: []*engine.Resource{vpc("v")},
			want: "the stack has no CloudTrail trail: the account's trail must come from the account baseline or this stack"},
		{name: "a stack without a trail or a VPC has nothing to report on", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{}`)}},
		{name: "a stack whose only trail is stopped is reported on the trail", rs: []*engine.Resource{vpc("v"), trail("t", `{"enableLogging":false}`)},
			want: "enableLogging is false; it must be true, so the stack has no logging trail"},
		{name: "a logging setting of the wrong shape violates", rs: []*engine.Resource{trail("t", `{"enableLogging":"paused"}`)},
			want: `enableLogging is a string ("paused"); expected the boolean true, so the stack has no logging trail`},
	})
	unknown := logUnknown(t, trailType, `{}`, "enableLogging")
	checkRule(t, id, []ruleCase{
		{name: "a trail whose logging is unknown is undecided", rs: []*engine.Resource{vpc("v"), unknown},
			want: "enableLogging is unknown until deployment", undecided: true},
		{name: "a stopped trail beside an unknown one leaves the stack undecided", rs: []*engine.Resource{trail("off", `{"enableLogging":false}`), unknown},
			want: "enableLogging is unknown until deployment", undecided: true},
	})
	t.Run("without a trail, every VPC carries the finding", func(t *testing.T) {
		a, b := vpc("a"), vpc("b")
		fs := findingsOf(t, id, a, b, res(t, logGroupType, "lg", `{}`))
		require.Len(t, fs, 2)
		require.Equal(t, []string{a.URN, b.URN}, []string{fs[0].URN, fs[1].URN})
	})
	t.Run("a stopped trail carries the finding itself", func(t *testing.T) {
		off := trail("off", `{"enableLogging":false}`)
		fs := findingsOf(t, id, vpc("v"), off)
		require.Len(t, fs, 1)
		require.Equal(t, off.URN, fs[0].URN)
	})
}

package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/require"
)

func TestS3ServerAccessLogging(t *testing.T) {
	const id = "s3-server-access-logging"
	data := bucketNamed(t, "data", "sce-data", `{}`)
	logs := bucketNamed(t, "logs", "sce-logs", `{}`)
	toLogs := `{"targetBucket":"sce-logs","targetPrefix":"data/"}`
	unknownTarget := linked(t, typeS3Logging, "log", "sce-data", `{}`)
	unknownTarget.Props["targetBucket"] = engine.Unknown
	checkRule(t, id, []ruleCase{
		{name: "a bucket logging to a target bucket is compliant", rs: []*engine.Resource{data, linked(t, typeS3Logging, "log", "sce-data", toLogs)}},
		{name: "a logging configuration linked through property dependencies is found", rs: []*engine.Resource{data, previewLinked(t, typeS3Logging, "log", data, toLogs)}},
		{name: "an unknown target bucket counts as set", rs: []*engine.Resource{data, unknownTarget}},
		{name: "a legacy bucket with inline loggings is compliant", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"loggings":[{"targetBucket":"sce-logs"}]}`)}},
		{name: "a legacy bucket with an inline logging object is compliant", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"logging":{"targetBucket":"sce-logs"}}`)}},
		{name: "a bucket without logging violates", rs: []*engine.Resource{data}, want: "no BucketLoggingV2 refers to this bucket; server access logging must deliver to a target bucket"},
		{name: "the log bucket that logs nowhere violates and says it is the destination", rs: []*engine.Resource{data, logs, linked(t, typeS3Logging, "log", "sce-data", toLogs)},
			want: "this bucket receives other buckets' access logs"},
		{name: "a logging configuration without a target violates", rs: []*engine.Resource{data, linked(t, typeS3Logging, "log", "sce-data", `{"targetPrefix":"x/"}`)}, want: "targetBucket is not set"},
		{name: "an inline logging without a target violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"loggings":[{"targetPrefix":"x/"}]}`)}, want: "loggings[0].targetBucket is not set"},
		{name: "inline loggings of the wrong shape violate", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"loggings":"sce-logs"}`)}, want: "loggings is a string"},
		{name: "a logging configuration naming an unknown bucket makes it undecided", rs: []*engine.Resource{data, unlinked(t, typeS3Logging, "log", toLogs)}, want: "unknown until deployment", undecided: true},
	})
	t.Run("the log bucket is reported on its own URN", func(t *testing.T) {
		requireFindingOn(t, id, logs, "receives other buckets' access logs", data, logs, linked(t, typeS3Logging, "log", "sce-data", toLogs))
		fs := findingsOf(t, id, data, logs, linked(t, typeS3Logging, "log", "sce-data", toLogs))
		require.Len(t, fs, 1, "only the log bucket lacks logging: %s", messages(fs))
	})
}

func TestS3EventNotifications(t *testing.T) {
	const id = "s3-event-notifications"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	unknownTopics := linked(t, typeS3Notification, "n", "sce-data", `{}`)
	unknownTopics.Props["topics"] = engine.Unknown
	unknownBridge := linked(t, typeS3Notification, "n", "sce-data", `{}`)
	unknownBridge.Props["eventbridge"] = engine.Unknown
	checkRule(t, id, []ruleCase{
		{name: "notifications to a topic are compliant", rs: []*engine.Resource{b, linked(t, typeS3Notification, "n", "sce-data",
			`{"topics":[{"topicArn":"arn:aws:sns:us-east-1:111122223333:t","events":["s3:ObjectCreated:*"]}]}`)}},
		{name: "notifications to EventBridge are compliant", rs: []*engine.Resource{b, linked(t, typeS3Notification, "n", "sce-data", `{"eventbridge":true}`)}},
		{name: "notifications linked through property dependencies are found", rs: []*engine.Resource{b, previewLinked(t, typeS3Notification, "n", b, `{"eventbridge":true}`)}},
		{name: "unknown topics count as a destination", rs: []*engine.Resource{b, unknownTopics}},
		{name: "a bucket without notifications violates", rs: []*engine.Resource{b}, want: "no BucketNotification refers to this bucket"},
		{name: "notifications without a destination violate", rs: []*engine.Resource{b, linked(t, typeS3Notification, "n", "sce-data", `{"topics":[],"eventbridge":false}`)}, want: "no destination"},
		{name: "an unknown eventbridge flag is undecided", rs: []*engine.Resource{b, unknownBridge}, want: "eventbridge is unknown", undecided: true},
		{name: "notifications naming an unknown bucket make it undecided", rs: []*engine.Resource{b, unlinked(t, typeS3Notification, "n", `{"eventbridge":true}`)}, want: "unknown until deployment", undecided: true},
	})
}

package stack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/stack"
)

const trailType = "aws:cloudtrail/trail:Trail"

// selectorsOf returns the trail's advanced event selectors as field -> values, one map per selector.
func selectorsOf(t *testing.T, trail map[string]any) []map[string][]string {
	t.Helper()
	var out []map[string][]string
	for _, s := range trail["advancedEventSelectors"].([]any) {
		fields := map[string][]string{}
		for _, f := range s.(map[string]any)["fieldSelectors"].([]any) {
			fm := f.(map[string]any)
			var values []string
			for _, key := range []string{"equals", "startsWiths"} {
				if list, ok := fm[key].([]any); ok {
					for _, v := range list {
						values = append(values, key+":"+v.(string))
					}
				}
			}
			fields[fm["field"].(string)] = values
		}
		out = append(out, fields)
	}
	return out
}

func TestTrailIsMultiRegionValidatedEncryptedAndRecordsPHIObjectAccess(t *testing.T) {
	p := planWith(t, nil)
	trails := p.Find(trailType)
	require.Len(t, trails, 1)
	trail := trails[0]
	key := p.Find("aws:kms/key:Key")[0]
	group := one(t, p, "aws:cloudwatch/logGroup:LogGroup", "study-audit-log-group")

	assert.Equal(t, "study-trail", in(trail, "name"))
	assert.Equal(t, "true", in(trail, "isMultiRegionTrail"))
	assert.Equal(t, "true", in(trail, "includeGlobalServiceEvents"))
	assert.Equal(t, "true", in(trail, "enableLogFileValidation"))
	assert.Equal(t, out(key, "arn"), in(trail, "kmsKeyId"))
	assert.Equal(t, bucketOf(t, p, "logs").ID, in(trail, "s3BucketName"))
	assert.Equal(t, "cloudtrail", in(trail, "s3KeyPrefix"))
	assert.Equal(t, out(group, "arn")+":*", in(trail, "cloudWatchLogsGroupArn"))
	assert.Equal(t, "/sce/study/cloudtrail", in(group, "name"))
	assert.Equal(t, out(key, "arn"), in(group, "kmsKeyId"))
	assert.Equal(t, "2192", in(group, "retentionInDays"))
	assert.True(t, group.RetainOnDelete)

	selectors := selectorsOf(t, trail.Inputs)
	require.Len(t, selectors, 2, "management events (baseline stack) and PHI data events")
	assert.Equal(t, []string{"equals:Management"}, selectors[0]["eventCategory"])
	data := selectors[1]
	assert.Equal(t, []string{"equals:Data"}, data["eventCategory"])
	assert.Equal(t, []string{"equals:AWS::S3::Object"}, data["resources.type"])
	var want []string
	for _, purpose := range []string{"data-in", "output", "ancillary"} {
		want = append(want, "startsWiths:"+out(bucketOf(t, p, purpose), "arn")+"/")
	}
	assert.ElementsMatch(t, want, data["resources.ARN"], "every object read and write of the PHI buckets, and not of the log bucket")
	assert.NotContains(t, trail.Inputs, "eventSelectors", "read and write both: no readWriteType filter")

	role := one(t, p, "aws:iam/role:Role", "study-audit-logs-role")
	assert.Equal(t, out(role, "arn"), in(trail, "cloudWatchLogsRoleArn"))
	trust := policyOf(t, role, "assumeRolePolicy")
	assert.Equal(t, []string{trail.ID}, trust.Statement[0].Condition["StringEquals"]["aws:SourceArn"])
	perms := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-audit-logs-policy"), "policy")
	assert.Equal(t, []string{out(group, "arn") + ":log-stream:111122223333_CloudTrail_us-west-2*"}, perms.Statement[0].Resource)

	logPolicy := configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "logs"))
	assert.Contains(t, trail.DependsOn, logPolicy.URN, "the trail waits for the bucket policy that lets it write")
}

func TestKeyPolicyLetsTheTrailConfigAndAlarmsUseTheKey(t *testing.T) {
	p := planWith(t, nil)
	doc := policyOf(t, p.Find("aws:kms/key:Key")[0], "policy")
	trailARN := p.Find(trailType)[0].ID
	encrypt := statement(t, doc, "CloudTrailEncryptsProjectTrailLogs")
	assert.Equal(t, []string{"kms:GenerateDataKey*"}, encrypt.Action)
	assert.Equal(t, []string{trailARN}, encrypt.Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, []string{"arn:aws:cloudtrail:*:111122223333:trail/*"}, encrypt.Condition["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"])
	describe := statement(t, doc, "CloudTrailDescribesKeyAndReadsBucketKey")
	assert.Equal(t, []string{trailARN}, describe.Condition["StringEquals"]["aws:SourceArn"])
	config := statement(t, doc, "ConfigDeliversEncryptedHistory")
	assert.Equal(t, []string{"config.amazonaws.com"}, config.Principal.Service)
	alarms := statement(t, doc, "CloudWatchAlarmsPublishToEncryptedTopic")
	assert.Equal(t, []string{"cloudwatch.amazonaws.com"}, alarms.Principal.Service)

	p = planWith(t, map[string]string{"sce:accountBaseline": "false"})
	doc = policyOf(t, p.Find("aws:kms/key:Key")[0], "policy")
	assert.NotContains(t, sids(doc), "ConfigDeliversEncryptedHistory", "no Config delivery without the baseline")
}

func TestAlertTopicIsEncryptedTLSOnlyAndSubscribed(t *testing.T) {
	p := planWith(t, map[string]string{"sce:notificationEmails": `["a@example.org","b@example.org"]`})
	topics := p.Find("aws:sns/topic:Topic")
	require.Len(t, topics, 1)
	topic := topics[0]
	assert.Equal(t, out(p.Find("aws:kms/key:Key")[0], "arn"), in(topic, "kmsMasterKeyId"))
	policies := p.Find("aws:sns/topicPolicy:TopicPolicy")
	require.Len(t, policies, 1)
	assert.Equal(t, topic.ID, in(policies[0], "arn"))
	doc := policyOf(t, policies[0], "policy")
	tls := statement(t, doc, "DenyRequestsWithoutTLS")
	assert.Equal(t, components.Deny, tls.Effect)
	assert.Equal(t, []string{"false"}, tls.Condition["Bool"]["aws:SecureTransport"])
	assert.Equal(t, []string{topic.ID}, tls.Resource)
	var endpoints []string
	for _, s := range p.Find("aws:sns/topicSubscription:TopicSubscription") {
		assert.Equal(t, "email", in(s, "protocol"))
		assert.Equal(t, topic.ID, in(s, "topic"))
		endpoints = append(endpoints, in(s, "endpoint"))
	}
	assert.ElementsMatch(t, []string{"a@example.org", "b@example.org"}, endpoints)
}

func TestCISAlarmsWatchTheTrailLogGroupAndNotifyTheTopic(t *testing.T) {
	p := planWith(t, nil)
	group := one(t, p, "aws:cloudwatch/logGroup:LogGroup", "study-audit-log-group")
	topic := p.Find("aws:sns/topic:Topic")[0]
	filters := p.Find("aws:cloudwatch/logMetricFilter:LogMetricFilter")
	alarms := p.Find("aws:cloudwatch/metricAlarm:MetricAlarm")
	require.Len(t, filters, len(components.CISAlarms()))
	require.Len(t, alarms, len(components.CISAlarms()))
	patterns := ""
	for _, f := range filters {
		assert.Equal(t, group.ID, in(f, "logGroupName"))
		patterns += in(f, "pattern") + "\n"
	}
	for _, needle := range []string{`$.userIdentity.type="Root"`, "UnauthorizedOperation", "MFAUsed", "PutRolePolicy", "StopLogging",
		"PutBucketPolicy", "AuthorizeSecurityGroupIngress", "CreateNetworkAclEntry", "CreateRoute", "CreateVpc", "ScheduleKeyDeletion"} {
		assert.Contains(t, patterns, needle)
	}
	for _, a := range alarms {
		assert.Equal(t, []any{topic.ID}, a.Inputs["alarmActions"], a.Name)
	}
}

func TestBaselineStackOwnsTheConfigRecorderAndAccountSettings(t *testing.T) {
	p := planWith(t, nil)
	recorders := p.Find("aws:cfg/recorder:Recorder")
	require.Len(t, recorders, 1)
	group := recorders[0].Inputs["recordingGroup"].(map[string]any)
	assert.Equal(t, true, group["allSupported"])
	assert.Equal(t, true, group["includeGlobalResourceTypes"])
	channel := p.Find("aws:cfg/deliveryChannel:DeliveryChannel")[0]
	assert.Equal(t, bucketOf(t, p, "logs").ID, in(channel, "s3BucketName"))
	assert.Equal(t, "config", in(channel, "s3KeyPrefix"))
	assert.Equal(t, out(p.Find("aws:kms/key:Key")[0], "arn"), in(channel, "s3KmsKeyArn"))
	status := p.Find("aws:cfg/recorderStatus:RecorderStatus")[0]
	assert.Equal(t, "true", in(status, "isEnabled"))
	assert.Equal(t, recorders[0].ID, in(status, "name"))

	pab := p.Find("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
	require.Len(t, pab, 1)
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, "true", in(pab[0], k), k)
	}
	assert.True(t, pab[0].RetainOnDelete, "closing a project does not weaken the account")
	ebs := p.Find("aws:ebs/encryptionByDefault:EncryptionByDefault")
	require.Len(t, ebs, 1)
	assert.Equal(t, "true", in(ebs[0], "enabled"))
	assert.True(t, ebs[0].RetainOnDelete)

	rules := p.Find("aws:cfg/rule:Rule")
	require.NotEmpty(t, rules)
	for _, r := range rules {
		assert.True(t, strings.HasPrefix(in(r, "name"), "study-"), "rule names are unique per project: %s", in(r, "name"))
		assert.Contains(t, r.DependsOn, status.URN, "%s waits for the recorder", r.Name)
	}
}

func TestSharedAccountStackLeavesAccountPartsToTheBaseline(t *testing.T) {
	p := planWith(t, map[string]string{"sce:accountBaseline": "false"})
	for _, typ := range []string{"aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus",
		"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "aws:ebs/encryptionByDefault:EncryptionByDefault"} {
		assert.Empty(t, p.Find(typ), typ)
	}
	selectors := selectorsOf(t, p.Find(trailType)[0].Inputs)
	require.Len(t, selectors, 1, "only the project's data events: management events come from the baseline trail")
	assert.Equal(t, []string{"equals:Data"}, selectors[0]["eventCategory"])
	assert.NotEmpty(t, p.Find("aws:cfg/rule:Rule"), "the project's Config rules, scoped to its resources, exist in every stack")
	doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "logs")), "policy")
	assert.NotContains(t, sids(doc), "ConfigBucketDelivery")
}

// TestCISAlarmsOnlyWhereTheTrailDeliversTheirEvents: a trail delivers to its log group only the events its
// selectors match, so a stack whose trail records only the PHI buckets' data events gets only the filters
// those can match (root use, refused calls), and the baseline stack, whose trail records management events,
// gets all fourteen and exports its topic for the other stacks' builders.
func TestCISAlarmsOnlyWhereTheTrailDeliversTheirEvents(t *testing.T) {
	cases := []struct {
		name       string
		changes    map[string]string
		management bool
		filters    []string
	}{
		{"the baseline stack", nil, true, nil},
		{"a stack without the baseline", map[string]string{"sce:accountBaseline": "false"}, false,
			[]string{"study-audit-cis-root-account-usage-filter", "study-audit-cis-unauthorized-api-calls-filter"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planWith(t, tc.changes)
			trail := p.Find(trailType)[0]
			group := one(t, p, "aws:cloudwatch/logGroup:LogGroup", "study-audit-log-group")
			require.Equal(t, out(group, "arn")+":*", in(trail, "cloudWatchLogsGroupArn"), "the trail feeds the group the filters read")
			management := false
			for _, s := range selectorsOf(t, trail.Inputs) {
				if len(s["eventCategory"]) == 1 && s["eventCategory"][0] == "equals:Management" {
					management = true
				}
			}
			require.Equal(t, tc.management, management, "the trail records management events only on the baseline stack")

			byPattern := map[string]components.AlarmSpec{}
			for _, s := range components.CISAlarms() {
				byPattern[s.Pattern] = s
			}
			var names []string
			for _, f := range p.Find("aws:cloudwatch/logMetricFilter:LogMetricFilter") {
				if in(f, "logGroupName") != group.ID {
					continue
				}
				names = append(names, f.Name)
				spec, ok := byPattern[in(f, "pattern")]
				require.True(t, ok, "%s is a CIS filter", f.Name)
				assert.True(t, management || spec.DataEvents, "%s (%s) matches only management events, which this trail does not record", f.Name, spec.Control)
			}
			if tc.filters == nil {
				assert.Len(t, names, len(components.CISAlarms()))
			} else {
				assert.ElementsMatch(t, tc.filters, names)
			}

			topicARN, exported := p.Outputs[stack.OutputAccountAlarmTopicARN]
			assert.Equal(t, tc.management, exported, "only the stack whose trail records management events exports the account's alarm topic")
			if exported {
				assert.Equal(t, p.Find("aws:sns/topic:Topic")[0].ID, topicARN)
			}
		})
	}
}

// TestAStackWithoutEmailsWarnsThatAlertsReachNobody: without sce:notificationEmails the project's topic
// has no subscriber; the plan says so (advisory), naming the key.
func TestAStackWithoutEmailsWarnsThatAlertsReachNobody(t *testing.T) {
	p := planWith(t, nil)
	found := false
	for _, v := range p.Violations {
		if v.Policy == "sns-topic-has-a-subscriber" {
			found = true
			assert.Equal(t, "advisory", v.Level)
			assert.Contains(t, v.Message, "sce:notificationEmails")
		}
	}
	assert.True(t, found)
	p = planWith(t, map[string]string{"sce:notificationEmails": `["builder@example.org"]`})
	for _, v := range p.Violations {
		assert.NotEqual(t, "sns-topic-has-a-subscriber", v.Policy)
	}
}

package stack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/rules"
)

const (
	recorderType       = "aws:cfg/recorder:Recorder"
	deliveryType       = "aws:cfg/deliveryChannel:DeliveryChannel"
	recorderStatusType = "aws:cfg/recorderStatus:RecorderStatus"
)

// TestConfigDeliversAsTheRecordersRole: in its own account AWS Config writes to the bucket and uses the key
// as the recorder's role, so that role is allowed the delivery prefix, the bucket's ACL and the key; and
// the channel is created only once the role's policy and the bucket policy exist, the recorder started
// only once the channel exists.
func TestConfigDeliversAsTheRecordersRole(t *testing.T) {
	p := planWith(t, nil)
	role := one(t, p, "aws:iam/role:Role", "study-account-config-role")
	recorder := one(t, p, recorderType, "study-account-recorder")
	assert.Equal(t, out(role, "arn"), in(recorder, "roleArn"))

	logs := bucketOf(t, p, "logs")
	key := p.Find("aws:kms/key:Key")[0]
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-account-config-delivery-policy"), "policy")
	write := statement(t, doc, "ConfigDeliversUnderItsPrefix")
	assert.Equal(t, []string{out(logs, "arn") + "/config/AWSLogs/111122223333/*"}, write.Resource)
	assert.Contains(t, write.Action, "s3:PutObject")
	assert.Equal(t, []string{"bucket-owner-full-control"}, write.Condition["StringEquals"]["s3:x-amz-acl"])
	check := statement(t, doc, "ConfigChecksTheBucket")
	assert.Equal(t, []string{out(logs, "arn")}, check.Resource)
	assert.ElementsMatch(t, []string{"s3:GetBucketAcl", "s3:ListBucket"}, check.Action, "the ACL check, and HeadBucket without an AccessDenied")
	useKey := statement(t, doc, "ConfigEncryptsWithTheProjectKey")
	assert.Equal(t, []string{out(key, "arn")}, useKey.Resource)
	assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey"}, useKey.Action)

	attachment := one(t, p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "study-account-config-delivery-policy-attachment")
	assert.Equal(t, role.ID, in(attachment, "role"), "the delivery policy is the recorder role's")
	channel := one(t, p, deliveryType, "study-account-delivery-channel")
	logPolicy := configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", logs)
	for what, urn := range map[string]string{"the recorder": recorder.URN, "the role's delivery policy": attachment.URN, "the log bucket's policy": logPolicy.URN} {
		assert.Contains(t, channel.DependsOn, urn, "the delivery channel waits for %s", what)
	}
	status := one(t, p, recorderStatusType, "study-account-recorder-status")
	assert.Contains(t, status.DependsOn, channel.URN, "the recorder starts once its delivery channel exists")

	rule, ok := rules.ByID("config-recorder-role-can-deliver")
	require.True(t, ok)
	assert.Empty(t, rules.Evaluate(p.RulesStack(), []engine.Rule{rule}).Violations)
}

// TestConfigDeliveryRulesFollowTheRecordedPlansLinks proves that the Config delivery rules find the
// channel's recorder, role, policies, key and bucket in a real plan: broken there, they fire.
func TestConfigDeliveryRulesFollowTheRecordedPlansLinks(t *testing.T) {
	cases := []struct {
		name, rule, want string
		breakIt          func(s *engine.Stack) *engine.Stack
	}{
		{"the recorder's role with AWS_ConfigRole only", "config-recorder-role-can-deliver", "is not allowed s3:PutObject", func(s *engine.Stack) *engine.Stack {
			var kept []*engine.Resource
			for _, r := range s.Resources {
				if r.Name != "study-account-config-delivery-policy-attachment" {
					kept = append(kept, r)
				}
			}
			return engine.NewStack(kept)
		}},
		{"a delivery policy without the key", "config-recorder-role-can-deliver", "kms:GenerateDataKey on arn:aws:kms:", func(s *engine.Stack) *engine.Stack {
			for _, r := range s.OfType("aws:iam/policy:Policy") {
				if r.Name == "study-account-config-delivery-policy" {
					r.Props["policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":"*"}]}`
				}
			}
			return s
		}},
		{"a key policy that does not let IAM decide", "config-recorder-role-can-deliver", "does not allow kms:Decrypt to account 111122223333", func(s *engine.Stack) *engine.Stack {
			for _, r := range s.OfType("aws:kms/key:Key") {
				r.Props["policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"kms:*","Resource":"*"}]}`
			}
			return s
		}},
		{"the log bucket locked with a default retention", "config-delivery-bucket-without-retention-lock", "object lock with a default retention", func(s *engine.Stack) *engine.Stack {
			var logs *engine.Resource
			for _, r := range s.OfType("aws:s3/bucketV2:BucketV2") {
				if r.Name == "study-logs-bucket" {
					logs = r
				}
			}
			require.NotNil(t, logs)
			lock := &engine.Resource{URN: "urn:pulumi:test::sce::lock", Type: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
				Name: "study-logs-object-lock", Props: map[string]any{"bucket": logs.ID,
					"rule": map[string]any{"defaultRetention": map[string]any{"mode": "GOVERNANCE", "days": 2192}}}}
			return engine.NewStack(append(s.Resources, lock))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planWith(t, nil)
			rule, ok := rules.ByID(tc.rule)
			require.True(t, ok)
			s := p.RulesStack()
			require.Empty(t, rules.Evaluate(s, []engine.Rule{rule}).Violations, "the program complies")
			v := rules.Evaluate(tc.breakIt(s), []engine.Rule{rule}).Violations
			require.NotEmpty(t, v, "the broken form is caught")
			assert.Contains(t, v[0].Message, tc.want)
			assert.Equal(t, engine.Mandatory, v[0].Level)
		})
	}
}

// TestOnlyTheStackThatCreatesTheRecorderOwnsOne: AWS Config allows one recorder and one delivery channel
// per account and region. A stack that leaves them to the account (another stack's baseline, Control
// Tower) creates none, grants Config nothing in its bucket and key policies, and its Config rules depend on
// no recorder resource; the stack that creates them makes its rules wait for the recorder to run.
func TestOnlyTheStackThatCreatesTheRecorderOwnsOne(t *testing.T) {
	cases := []struct {
		name     string
		changes  map[string]string
		creates  bool
		baseline bool
	}{
		{"the baseline stack creates them", nil, true, true},
		{"a baseline stack in an account that already has them", map[string]string{"sce:configRecorder": "existing"}, false, true},
		{"a stack without the baseline", map[string]string{"sce:accountBaseline": "false"}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planWith(t, tc.changes)
			want := 0
			if tc.creates {
				want = 1
			}
			for _, typ := range []string{recorderType, deliveryType, recorderStatusType} {
				assert.Len(t, p.Find(typ), want, typ)
			}
			assert.Len(t, p.Find("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"), map[bool]int{true: 1, false: 0}[tc.baseline],
				"the account settings follow accountBaseline, not the recorder")

			rs := p.Find(configRuleType)
			require.NotEmpty(t, rs, "the project's Config rules exist in every stack")
			var status plan.Resource
			if tc.creates {
				status = p.Find(recorderStatusType)[0]
			}
			for _, r := range rs {
				if tc.creates {
					assert.Contains(t, r.DependsOn, status.URN, "%s waits for the recorder this stack starts", r.Name)
					continue
				}
				for _, dep := range r.DependsOn {
					assert.NotContains(t, dep, "aws:cfg/", "%s depends on no Config resource this stack does not own", r.Name)
				}
			}

			keyDoc := policyOf(t, p.Find("aws:kms/key:Key")[0], "policy")
			logDoc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "logs")), "policy")
			var grantsConfig []string
			for _, sid := range append(sids(keyDoc), sids(logDoc)...) {
				if strings.HasPrefix(sid, "Config") {
					grantsConfig = append(grantsConfig, sid)
				}
			}
			if tc.creates {
				assert.NotEmpty(t, grantsConfig, "the key and bucket policies keep Config's documented fallback")
			} else {
				assert.Empty(t, grantsConfig, "no grant to AWS Config where it delivers elsewhere")
			}
		})
	}
}

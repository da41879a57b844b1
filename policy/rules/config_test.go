package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestConfigRecorderRoleCanDeliver(t *testing.T) {
	const (
		key     = "arn:aws:kms:us-west-2:111122223333:key/k1"
		roleARN = "arn:aws:iam::111122223333:role/cfg"
		bucket  = "arn:aws:s3:::study-logs"
		put     = `{"Effect":"Allow","Action":["s3:PutObject","s3:PutObjectAcl"],"Resource":"` + bucket + `/config/AWSLogs/111122223333/*",` +
			`"Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}`
		acl  = `{"Effect":"Allow","Action":["s3:GetBucketAcl","s3:ListBucket"],"Resource":"` + bucket + `"}`
		kms  = `{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"` + key + `"}`
		root = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`
	)
	channel := func(props string) *engine.Resource { return res(t, typeConfigDeliveryChannel, "ch", props) }
	defaultChannel := channel(`{"s3BucketName":"study-logs","s3KeyPrefix":"config","s3KmsKeyArn":"` + key + `"}`)
	recorder := res(t, typeConfigRecorder, "rec", `{"roleArn":"`+roleARN+`"}`)
	role := func(props string) *engine.Resource {
		r := res(t, iamRoleType, "cfg", props)
		r.Outputs = map[string]any{"arn": roleARN, "name": "cfg"}
		return r
	}
	policy := func(statements ...string) []*engine.Resource {
		p := res(t, iamPolicyType, "cfg-delivery", `{}`)
		p.Props["policy"] = `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
		p.Outputs = map[string]any{"arn": "arn:aws:iam::111122223333:policy/cfg-delivery"}
		att := res(t, iamRolePolicyAttachmentType, "cfg-att", `{"role":"cfg","policyArn":"arn:aws:iam::111122223333:policy/cfg-delivery"}`)
		return []*engine.Resource{p, att}
	}
	keyWith := func(statements string) *engine.Resource {
		k := res(t, kmsKeyType, "k", `{}`)
		k.Props["policy"] = `{"Version":"2012-10-17","Statement":[` + statements + `]}`
		k.Outputs = map[string]any{"arn": key}
		return k
	}
	stack := func(ch *engine.Resource, extra ...*engine.Resource) []*engine.Resource {
		return append([]*engine.Resource{ch, recorder, role(`{}`), keyWith(root)}, extra...)
	}
	unknownBucket := channel(`{}`)
	unknownBucket.Props["s3BucketName"] = engine.Unknown
	unknownRole := res(t, typeConfigRecorder, "rec", `{}`)
	unknownRole.Props["roleArn"] = engine.Unknown
	checkRule(t, "config-recorder-role-can-deliver", []ruleCase{
		{name: "a role allowed the prefix, the bucket ACL and the key is compliant", rs: stack(defaultChannel, policy(put, acl, kms)...)},
		{name: "the seed's form, a role with AWS_ConfigRole only, violates", rs: stack(defaultChannel),
			want: "is not allowed s3:PutObject on arn:aws:s3:::study-logs/config/AWSLogs/111122223333/Config/*, s3:GetBucketAcl on arn:aws:s3:::study-logs, kms:Decrypt on " + key},
		{name: "a role without the key actions violates", rs: stack(defaultChannel, policy(put, acl)...), want: "kms:GenerateDataKey on " + key},
		{name: "a write under another prefix violates", rs: stack(defaultChannel, policy(strings.Replace(put, "/config/", "/cloudtrail/", 1), acl, kms)...),
			want: "s3:PutObject on"},
		{name: "a write conditioned on a key Config does not send violates",
			rs:   stack(defaultChannel, policy(strings.Replace(put, `"s3:x-amz-acl":"bucket-owner-full-control"`, `"aws:SourceVpce":"vpce-1"`, 1), acl, kms)...),
			want: "s3:PutObject on"},
		{name: "a write that demands another ACL violates",
			rs: stack(defaultChannel, policy(strings.Replace(put, "bucket-owner-full-control", "private", 1), acl, kms)...), want: "s3:PutObject on"},
		{name: "a channel without a prefix writes at the bucket's AWSLogs", rs: stack(channel(`{"s3BucketName":"study-logs","s3KmsKeyArn":"`+key+`"}`),
			policy(strings.Replace(put, "/config/", "/", 1), acl, kms)...)},
		{name: "a channel without a key asks for no KMS action", rs: stack(channel(`{"s3BucketName":"study-logs","s3KeyPrefix":"config"}`), policy(put, acl)...)},
		{name: "an inline policy of the role counts", rs: []*engine.Resource{defaultChannel, recorder, keyWith(root),
			role(`{"inlinePolicies":[{"name":"d","policy":` + quoteJSON(`{"Version":"2012-10-17","Statement":[`+put+","+acl+","+kms+`]}`) + `}]}`)}},
		{name: "a key policy that leaves the account out violates", rs: append([]*engine.Resource{defaultChannel, recorder, role(`{}`),
			keyWith(`{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"kms:*","Resource":"*"}`)}, policy(put, acl, kms)...),
			want: "does not allow kms:Decrypt to account 111122223333"},
		{name: "a channel without a bucket violates", rs: stack(channel(`{"s3KeyPrefix":"config"}`), policy(put, acl, kms)...), want: "s3BucketName is not set"},
		{name: "a recorder without a role violates", rs: []*engine.Resource{defaultChannel, res(t, typeConfigRecorder, "rec", `{}`)}, want: "roleArn is not set"},
		{name: "a bucket known only at deployment is undecided", rs: stack(unknownBucket, policy(put, acl, kms)...), want: "unknown until deployment", undecided: true},
		{name: "a role known only at deployment is undecided", rs: []*engine.Resource{defaultChannel, unknownRole}, want: "unknown until deployment", undecided: true},
		{name: "a role from outside the program is undecided", rs: []*engine.Resource{defaultChannel, recorder}, want: "not a role of this program", undecided: true},
		{name: "a channel without a recorder in the program is undecided", rs: []*engine.Resource{defaultChannel}, want: "no configuration recorder", undecided: true},
	})
}

func TestConfigDeliveryBucketWithoutRetentionLock(t *testing.T) {
	channel := res(t, typeConfigDeliveryChannel, "ch", `{"s3BucketName":"study-logs-id"}`)
	bucket := func(props string) *engine.Resource { return res(t, typeS3BucketV2, "study-logs", props) }
	lock := func(props string) *engine.Resource { return res(t, typeS3ObjectLock, "study-logs-lock", props) }
	unknown := res(t, typeConfigDeliveryChannel, "ch", `{}`)
	unknown.Props["s3BucketName"] = engine.Unknown
	checkRule(t, "config-delivery-bucket-without-retention-lock", []ruleCase{
		{name: "a bucket without object lock is compliant", rs: []*engine.Resource{channel, bucket(`{}`)}},
		{name: "a bucket with a default retention violates", rs: []*engine.Resource{channel, bucket(`{"objectLockEnabled":true}`),
			lock(`{"bucket":"study-logs-id","rule":{"defaultRetention":{"mode":"GOVERNANCE","days":2192}}}`)}, want: "object lock with a default retention"},
		{name: "an inline default retention violates", rs: []*engine.Resource{channel,
			bucket(`{"objectLockConfiguration":{"objectLockEnabled":"Enabled","rule":{"defaultRetention":{"mode":"COMPLIANCE","days":1}}}}`)},
			want: "its objectLockConfiguration"},
		{name: "object lock without a default retention is accepted", rs: []*engine.Resource{channel, bucket(`{"objectLockEnabled":true}`),
			lock(`{"bucket":"study-logs-id"}`)}},
		{name: "a lock on another bucket is not this channel's", rs: []*engine.Resource{channel, bucket(`{}`),
			lock(`{"bucket":"other-id","rule":{"defaultRetention":{"mode":"GOVERNANCE","days":1}}}`)}},
		{name: "a bucket from outside the program is not judged", rs: []*engine.Resource{channel}},
		{name: "a bucket known only at deployment is undecided", rs: []*engine.Resource{unknown, bucket(`{}`)}, want: "unknown until deployment", undecided: true},
	})
}

// quoteJSON writes s as a JSON string literal, for a policy held inside another document.
func quoteJSON(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a Go string always marshals
	}
	return string(b)
}

package rules

import (
	"encoding/json"
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

// msgJSON renders a value as a JSON string property, as a policy or redrive policy is held.
func msgJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// msgSet sets one property of a resource to a value (a JSON string or any plain value) and returns it.
func msgSet(r *engine.Resource, key string, v any) *engine.Resource {
	r.Props[key] = v
	return r
}

// msgTLSDeny is a policy document that denies the action to everyone without TLS, plus an allow.
func msgTLSDeny(action any) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": action, "Resource": "*"},
		map[string]any{"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*",
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
	}}
}

// msgAllowOnly is a policy document without a TLS deny.
func msgAllowOnly(action string) map[string]any {
	return map[string]any{"Statement": []any{
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "111122223333"}, "Action": action, "Resource": "*"},
	}}
}

func TestSNSEncryptedKMS(t *testing.T) {
	topic := func(props string) []*engine.Resource { return []*engine.Resource{res(t, typeSNSTopic, "topic", props)} }
	unknown := msgSet(res(t, typeSNSTopic, "topic", `{}`), "kmsMasterKeyId", engine.Unknown)
	checkRule(t, "sns-encrypted-kms", []ruleCase{
		{name: "a topic with the project key is compliant", rs: topic(`{"kmsMasterKeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`)},
		{name: "a topic with a customer alias is compliant", rs: topic(`{"kmsMasterKeyId":"alias/sce-hipaa"}`)},
		{name: "a topic without a key violates", rs: topic(`{"name":"alerts"}`), want: "kmsMasterKeyId is not set"},
		{name: "a topic with an empty key violates", rs: topic(`{"kmsMasterKeyId":""}`), want: "kmsMasterKeyId is empty"},
		{name: "a topic with the AWS managed key violates", rs: topic(`{"kmsMasterKeyId":"alias/aws/sns"}`), want: `"alias/aws/sns", an AWS managed key`},
		{name: "a key of the wrong shape violates", rs: topic(`{"kmsMasterKeyId":true}`), want: "kmsMasterKeyId is a boolean"},
		{name: "an unknown key (preview) counts as set", rs: []*engine.Resource{unknown}},
	})
}

func TestSNSTLSOnly(t *testing.T) {
	const arn = "arn:aws:sns:us-east-1:111122223333:alerts"
	topic := func() *engine.Resource {
		r := res(t, typeSNSTopic, "topic", `{}`)
		r.ID = arn
		return r
	}
	topicPolicy := func(target string, doc any) *engine.Resource {
		return msgSet(msgSet(res(t, typeSNSTopicPolicy, "tp", `{}`), "arn", target), "policy", doc)
	}
	inline := msgSet(topic(), "policy", msgJSON(t, msgTLSDeny("sns:Publish")))
	inlineObject := msgSet(topic(), "policy", msgTLSDeny([]any{"sns:Publish", "sns:Subscribe"}))
	denyAll := msgSet(topic(), "policy", msgJSON(t, msgTLSDeny("sns:*")))
	denyIfExists := msgSet(topic(), "policy", map[string]any{"Statement": map[string]any{"Effect": "Deny", "Principal": map[string]any{"AWS": "*"},
		"Action": "*", "Condition": map[string]any{"BoolIfExists": map[string]any{"aws:SecureTransport": false}}}})
	wrongAction := msgSet(topic(), "policy", msgJSON(t, msgTLSDeny("sns:Subscribe")))
	narrowed := msgSet(topic(), "policy", map[string]any{"Statement": []any{map[string]any{"Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}, "StringEquals": map[string]any{"aws:SourceVpce": "vpce-1"}}}}})
	oneAccount := msgSet(topic(), "policy", map[string]any{"Statement": []any{map[string]any{"Effect": "Deny", "Principal": map[string]any{"AWS": "111122223333"},
		"Action": "sns:Publish", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}}})
	invalid := msgSet(topic(), "policy", `{"Statement": [`)

	byValue := topic()
	separateByValue := topicPolicy(arn, msgJSON(t, msgTLSDeny("sns:Publish")))

	byDependency := topic()
	byDependency.ID = ""
	separateByDependency := topicPolicy("", msgJSON(t, msgTLSDeny("sns:Publish")))
	separateByDependency.Props["arn"] = engine.Unknown
	separateByDependency.PropertyDependencies = map[string][]string{"arn": {byDependency.URN}}

	pendingTopic := topic()
	pendingPolicy := topicPolicy(arn, nil)
	pendingPolicy.Props["policy"] = engine.Unknown

	otherTopic := topic()
	unrelated := topicPolicy("arn:aws:sns:us-east-1:111122223333:other", msgJSON(t, msgTLSDeny("sns:Publish")))

	brokenTopic := topic()
	brokenSeparate := topicPolicy(arn, "not json")

	checkRule(t, "sns-tls-only", []ruleCase{
		{name: "an inline policy with the TLS deny is compliant", rs: []*engine.Resource{inline}},
		{name: "an inline policy held as an object is compliant", rs: []*engine.Resource{inlineObject}},
		{name: "a deny of sns:* covers publishing", rs: []*engine.Resource{denyAll}},
		{name: "a BoolIfExists deny for AWS * with a boolean false is compliant", rs: []*engine.Resource{denyIfExists}},
		{name: "a topic policy linked by the topic's arn (offline plan) is compliant", rs: []*engine.Resource{byValue, separateByValue}},
		{name: "a topic policy linked through its dependencies (preview) is compliant", rs: []*engine.Resource{byDependency, separateByDependency}},
		{name: "a topic without any policy violates", rs: []*engine.Resource{topic()}, want: `no policy of the topic denies sns:Publish to principal "*" when aws:SecureTransport is false`},
		{name: "a policy that only allows violates", rs: []*engine.Resource{msgSet(topic(), "policy", msgJSON(t, msgAllowOnly("sns:Publish")))}, want: "no policy of the topic denies"},
		{name: "a deny of another action violates", rs: []*engine.Resource{wrongAction}, want: "no policy of the topic denies sns:Publish"},
		{name: "a deny narrowed by a further condition violates", rs: []*engine.Resource{narrowed}, want: "no policy of the topic denies"},
		{name: "a deny for one account only violates", rs: []*engine.Resource{oneAccount}, want: "no policy of the topic denies"},
		{name: "a topic policy of another topic does not count", rs: []*engine.Resource{otherTopic, unrelated}, want: "no policy of the topic denies"},
		{name: "an inline policy that is not valid JSON violates", rs: []*engine.Resource{invalid}, want: "policy: policy is not valid JSON"},
		{name: "a separate policy that is not valid JSON violates", rs: []*engine.Resource{brokenTopic, brokenSeparate}, want: "policy: policy is not valid JSON"},
		{name: "an unknown topic policy is undecided", rs: []*engine.Resource{pendingTopic, pendingPolicy}, want: "policy is unknown until deployment", undecided: true},
	})
	fs := findingsOf(t, "sns-tls-only", brokenTopic, brokenSeparate)
	if len(fs) != 1 || fs[0].URN != brokenSeparate.URN {
		t.Errorf("a malformed topic policy is reported once, on the topic policy: %+v", fs)
	}
}

func TestTopicHasASubscriber(t *testing.T) {
	topic := func() *engine.Resource {
		r := res(t, typeSNSTopic, "alerts", `{"name":"p-alerts"}`)
		r.Outputs = map[string]any{"arn": "arn:aws:sns:us-west-2:111122223333:p-alerts"}
		return r
	}
	sub := res(t, typeSNSSubscription, "email-0", `{"protocol":"email","endpoint":"a@example.org","topic":"arn:aws:sns:us-west-2:111122223333:p-alerts"}`)
	elsewhere := res(t, typeSNSSubscription, "email-0", `{"protocol":"email","endpoint":"a@example.org","topic":"arn:aws:sns:us-west-2:111122223333:other"}`)
	checkRule(t, "sns-topic-has-a-subscriber", []ruleCase{
		{name: "a subscribed topic is compliant", rs: []*engine.Resource{topic(), sub}},
		{name: "a topic without subscription warns, naming the key", rs: []*engine.Resource{topic()}, want: "set sce:notificationEmails"},
		{name: "a subscription of another topic does not count", rs: []*engine.Resource{topic(), elsewhere}, want: "no subscription"},
	})
}

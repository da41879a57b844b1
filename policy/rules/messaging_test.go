package rules

import (
	"encoding/json"
	"testing"
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
func msgSet(r *Resource, key string, v any) *Resource {
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
	topic := func(props string) []*Resource { return []*Resource{res(t, typeSNSTopic, "topic", props)} }
	unknown := msgSet(res(t, typeSNSTopic, "topic", `{}`), "kmsMasterKeyId", Unknown)
	checkRule(t, "sns-encrypted-kms", []ruleCase{
		{name: "a topic with the project key is compliant", rs: topic(`{"kmsMasterKeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`)},
		{name: "a topic with a customer alias is compliant", rs: topic(`{"kmsMasterKeyId":"alias/sce-hipaa"}`)},
		{name: "a topic without a key violates", rs: topic(`{"name":"alerts"}`), want: "kmsMasterKeyId is not set"},
		{name: "a topic with an empty key violates", rs: topic(`{"kmsMasterKeyId":""}`), want: "kmsMasterKeyId is empty"},
		{name: "a topic with the AWS managed key violates", rs: topic(`{"kmsMasterKeyId":"alias/aws/sns"}`), want: `"alias/aws/sns", an AWS managed key`},
		{name: "a key of the wrong shape violates", rs: topic(`{"kmsMasterKeyId":true}`), want: "kmsMasterKeyId is a boolean"},
		{name: "an unknown key (preview) counts as set", rs: []*Resource{unknown}},
	})
}

func TestSNSTLSOnly(t *testing.T) {
	const arn = "arn:aws:sns:us-east-1:111122223333:alerts"
	topic := func() *Resource {
		r := res(t, typeSNSTopic, "topic", `{}`)
		r.ID = arn
		return r
	}
	topicPolicy := func(target string, doc any) *Resource {
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
	separateByDependency.Props["arn"] = Unknown
	separateByDependency.PropertyDependencies = map[string][]string{"arn": {byDependency.URN}}

	pendingTopic := topic()
	pendingPolicy := topicPolicy(arn, nil)
	pendingPolicy.Props["policy"] = Unknown

	otherTopic := topic()
	unrelated := topicPolicy("arn:aws:sns:us-east-1:111122223333:other", msgJSON(t, msgTLSDeny("sns:Publish")))

	brokenTopic := topic()
	brokenSeparate := topicPolicy(arn, "not json")

	checkRule(t, "sns-tls-only", []ruleCase{
		{name: "an inline policy with the TLS deny is compliant", rs: []*Resource{inline}},
		{name: "an inline policy held as an object is compliant", rs: []*Resource{inlineObject}},
		{name: "a deny of sns:* covers publishing", rs: []*Resource{denyAll}},
		{name: "a BoolIfExists deny for AWS * with a boolean false is compliant", rs: []*Resource{denyIfExists}},
		{name: "a topic policy linked by the topic's arn (offline plan) is compliant", rs: []*Resource{byValue, separateByValue}},
		{name: "a topic policy linked through its dependencies (preview) is compliant", rs: []*Resource{byDependency, separateByDependency}},
		{name: "a topic without any policy violates", rs: []*Resource{topic()}, want: `no policy of the topic denies sns:Publish to principal "*" when aws:SecureTransport is false`},
		{name: "a policy that only allows violates", rs: []*Resource{msgSet(topic(), "policy", msgJSON(t, msgAllowOnly("sns:Publish")))}, want: "no policy of the topic denies"},
		{name: "a deny of another action violates", rs: []*Resource{wrongAction}, want: "no policy of the topic denies sns:Publish"},
		{name: "a deny narrowed by a further condition violates", rs: []*Resource{narrowed}, want: "no policy of the topic denies"},
		{name: "a deny for one account only violates", rs: []*Resource{oneAccount}, want: "no policy of the topic denies"},
		{name: "a topic policy of another topic does not count", rs: []*Resource{otherTopic, unrelated}, want: "no policy of the topic denies"},
		{name: "an inline policy that is not valid JSON violates", rs: []*Resource{invalid}, want: "policy: policy is not valid JSON"},
		{name: "a separate policy that is not valid JSON violates", rs: []*Resource{brokenTopic, brokenSeparate}, want: "policy: policy is not valid JSON"},
		{name: "an unknown topic policy is undecided", rs: []*Resource{pendingTopic, pendingPolicy}, want: "policy is unknown until deployment", undecided: true},
	})
	fs := findingsOf(t, "sns-tls-only", brokenTopic, brokenSeparate)
	if len(fs) != 1 || fs[0].URN != brokenSeparate.URN {
		t.Errorf("a malformed topic policy is reported once, on the topic policy: %+v", fs)
	}
}

func TestSQSEncryptedKMS(t *testing.T) {
	queue := func(props string) []*Resource { return []*Resource{res(t, typeSQSQueue, "q", props)} }
	unknown := msgSet(res(t, typeSQSQueue, "q", `{}`), "kmsMasterKeyId", Unknown)
	checkRule(t, "sqs-encrypted-kms", []ruleCase{
		{name: "a queue with the project key is compliant", rs: queue(`{"kmsMasterKeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`)},
		{name: "a queue without a key violates", rs: queue(`{}`), want: "kmsMasterKeyId is not set"},
		{name: "SQS-managed encryption alone violates", rs: queue(`{"sqsManagedSseEnabled":true}`), want: "sqsManagedSseEnabled encrypts with a key SQS owns"},
		{name: "SQS-managed encryption turned off and no key violates", rs: queue(`{"sqsManagedSseEnabled":false}`), want: "kmsMasterKeyId is not set"},
		{name: "the AWS managed SQS key violates", rs: queue(`{"kmsMasterKeyId":"alias/aws/sqs"}`), want: "an AWS managed key"},
		{name: "a key of the wrong shape violates", rs: queue(`{"kmsMasterKeyId":["k"]}`), want: "kmsMasterKeyId is a list"},
		{name: "an unknown key (preview) counts as set", rs: []*Resource{unknown}},
	})
}

func TestSQSTLSOnly(t *testing.T) {
	const url = "https://sqs.us-east-1.amazonaws.com/111122223333/jobs"
	queue := func() *Resource {
		r := res(t, typeSQSQueue, "q", `{}`)
		r.ID = url
		return r
	}
	queuePolicy := func(target string, doc any) *Resource {
		return msgSet(msgSet(res(t, typeSQSQueuePolicy, "qp", `{}`), "queueUrl", target), "policy", doc)
	}
	inline := msgSet(queue(), "policy", msgJSON(t, msgTLSDeny("sqs:*")))
	publishOnly := msgSet(queue(), "policy", msgJSON(t, msgTLSDeny("sqs:SendMessage")))
	notAction := msgSet(queue(), "policy", map[string]any{"Statement": map[string]any{"Effect": "Deny", "Principal": "*", "NotAction": "sqs:GetQueueUrl",
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}})

	byID := queue()
	separateByID := queuePolicy(url, msgJSON(t, msgTLSDeny([]any{"sqs:SendMessage", "sqs:ReceiveMessage"})))

	byURLOutput := queue()
	byURLOutput.ID = "q-abc"
	byURLOutput.Outputs = map[string]any{"url": url, "arn": "arn:aws:sqs:us-east-1:111122223333:jobs"}
	separateByURL := queuePolicy(url, msgJSON(t, msgTLSDeny("*")))

	byDependency := queue()
	byDependency.ID = ""
	separateByDependency := queuePolicy("", msgJSON(t, msgTLSDeny("sqs:*")))
	separateByDependency.Props["queueUrl"] = Unknown
	separateByDependency.PropertyDependencies = map[string][]string{"queueUrl": {byDependency.URN}}

	otherQueue := queue()
	unrelated := queuePolicy("https://sqs.us-east-1.amazonaws.com/111122223333/other", msgJSON(t, msgTLSDeny("sqs:*")))

	pendingQueue := queue()
	pendingPolicy := queuePolicy(url, nil)
	pendingPolicy.Props["policy"] = Unknown

	wrongShape := msgSet(queue(), "policy", 17.0)

	checkRule(t, "sqs-tls-only", []ruleCase{
		{name: "an inline deny of sqs:* without TLS is compliant", rs: []*Resource{inline}},
		{name: "a NotAction deny that leaves sending and receiving in is compliant", rs: []*Resource{notAction}},
		{name: "a queue policy linked by the queue's id, its url (offline plan), is compliant", rs: []*Resource{byID, separateByID}},
		{name: "a queue policy linked by the queue's url output is compliant", rs: []*Resource{byURLOutput, separateByURL}},
		{name: "a queue policy linked through its dependencies (preview) is compliant", rs: []*Resource{byDependency, separateByDependency}},
		{name: "a queue without any policy violates", rs: []*Resource{queue()},
			want: `no policy of the queue denies sqs:SendMessage and sqs:ReceiveMessage to principal "*" when aws:SecureTransport is false`},
		{name: "a deny of sending only violates", rs: []*Resource{publishOnly}, want: "no policy of the queue denies"},
		{name: "an allow-only policy violates", rs: []*Resource{msgSet(queue(), "policy", msgAllowOnly("sqs:*"))}, want: "no policy of the queue denies"},
		{name: "a queue policy of another queue does not count", rs: []*Resource{otherQueue, unrelated}, want: "no policy of the queue denies"},
		{name: "a policy of the wrong shape violates", rs: []*Resource{wrongShape}, want: "policy: policy is a number"},
		{name: "an unknown queue policy is undecided", rs: []*Resource{pendingQueue, pendingPolicy}, want: "policy is unknown until deployment", undecided: true},
	})
}

func TestSQSDeadLetterQueue(t *testing.T) {
	const dlqARN = "arn:aws:sqs:us-east-1:111122223333:jobs-dlq"
	dlq := func() *Resource {
		r := res(t, typeSQSQueue, "dlq", `{}`)
		r.Outputs = map[string]any{"arn": dlqARN, "url": "https://sqs.us-east-1.amazonaws.com/111122223333/jobs-dlq"}
		return r
	}
	queue := func(redrive any) *Resource {
		r := res(t, typeSQSQueue, "jobs", `{}`)
		r.ID = "https://sqs.us-east-1.amazonaws.com/111122223333/jobs"
		if redrive != nil {
			r.Props["redrivePolicy"] = redrive
		}
		return r
	}
	asString := queue(msgJSON(t, map[string]any{"deadLetterTargetArn": dlqARN, "maxReceiveCount": 5}))
	asObject := queue(map[string]any{"deadLetterTargetArn": dlqARN, "maxReceiveCount": 5.0})

	preview := queue(Unknown)
	previewDLQ := dlq()
	preview.PropertyDependencies = map[string][]string{"redrivePolicy": {previewDLQ.URN}}

	separate := queue(nil)
	separatePolicy := msgSet(msgSet(res(t, typeSQSRedrivePolicy, "redrive", `{}`), "queueUrl", separate.ID),
		"redrivePolicy", msgJSON(t, map[string]any{"deadLetterTargetArn": dlqARN, "maxReceiveCount": 3}))

	allowDLQ := msgSet(res(t, typeSQSQueue, "dlq", `{}`), "redriveAllowPolicy", `{"redrivePermission":"allowAll"}`)

	unknownTarget := queue(map[string]any{"maxReceiveCount": 5.0})
	unknownTarget.Props["redrivePolicy"].(map[string]any)["deadLetterTargetArn"] = Unknown

	checkRule(t, "sqs-dead-letter-queue", []ruleCase{
		{name: "a queue with a redrive policy as a JSON string, and its dead-letter queue, are compliant", rs: []*Resource{asString, dlq()}},
		{name: "a redrive policy held as an object is compliant", rs: []*Resource{asObject, dlq()}},
		{name: "an unknown redrive policy that depends on a queue (preview) is compliant", rs: []*Resource{preview, previewDLQ}},
		{name: "an unknown dead-letter target counts as set", rs: []*Resource{unknownTarget}},
		{name: "a separate RedrivePolicy linked by the queue's url is compliant", rs: []*Resource{separate, separatePolicy, dlq()}},
		{name: "a queue that lets others use it as a dead-letter queue is not judged", rs: []*Resource{allowDLQ}},
		{name: "a queue without a redrive policy violates", rs: []*Resource{queue(nil)}, want: "redrivePolicy is not set"},
		{name: "an empty redrive policy string violates as missing", rs: []*Resource{queue("")}, want: "redrivePolicy is not set"},
		{name: "a redrive policy without a target violates", rs: []*Resource{queue(`{"maxReceiveCount":5}`)}, want: "redrivePolicy has no deadLetterTargetArn"},
		{name: "a redrive policy that is not valid JSON violates", rs: []*Resource{queue(`{"deadLetterTargetArn":`)}, want: "redrivePolicy is not valid JSON"},
		{name: "a redrive policy that is a JSON list violates", rs: []*Resource{queue(`["arn"]`)}, want: "redrivePolicy is a list in JSON"},
		{name: "a redrive policy of the wrong shape violates", rs: []*Resource{queue(true)}, want: "redrivePolicy is a boolean"},
		{name: "a target of the wrong shape violates", rs: []*Resource{queue(`{"deadLetterTargetArn":5}`)}, want: "redrivePolicy.deadLetterTargetArn is a number"},
		{name: "an unknown redrive policy without dependencies is undecided", rs: []*Resource{queue(Unknown)}, want: "redrivePolicy is unknown until deployment", undecided: true},
	})
	// The dead-letter queue itself has no redrive policy and is not reported.
	fs := findingsOf(t, "sqs-dead-letter-queue", asString, dlq())
	if len(fs) != 0 {
		t.Errorf("the target of a redrive policy is a dead-letter queue and needs none: %s", messages(fs))
	}
}

package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestSQSEncryptedKMS(t *testing.T) {
	queue := func(props string) []*engine.Resource { return []*engine.Resource{res(t, typeSQSQueue, "q", props)} }
	unknown := msgSet(res(t, typeSQSQueue, "q", `{}`), "kmsMasterKeyId", engine.Unknown)
	checkRule(t, "sqs-encrypted-kms", []ruleCase{
		{name: "a queue with the project key is compliant", rs: queue(`{"kmsMasterKeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`)},
		{name: "a queue without a key violates", rs: queue(`{}`), want: "kmsMasterKeyId is not set"},
		{name: "SQS-managed encryption alone violates", rs: queue(`{"sqsManagedSseEnabled":true}`), want: "sqsManagedSseEnabled encrypts with a key SQS owns"},
		{name: "SQS-managed encryption turned off and no key violates", rs: queue(`{"sqsManagedSseEnabled":false}`), want: "kmsMasterKeyId is not set"},
		{name: "the AWS managed SQS key violates", rs: queue(`{"kmsMasterKeyId":"alias/aws/sqs"}`), want: "an AWS managed key"},
		{name: "a key of the wrong shape violates", rs: queue(`{"kmsMasterKeyId":["k"]}`), want: "kmsMasterKeyId is a list"},
		{name: "an unknown key (preview) counts as set", rs: []*engine.Resource{unknown}},
	})
}

func TestSQSTLSOnly(t *testing.T) {
	const url = "https://sqs.us-east-1.amazonaws.com/111122223333/jobs"
	queue := func() *engine.Resource {
		r := res(t, typeSQSQueue, "q", `{}`)
		r.ID = url
		return r
	}
	queuePolicy := func(target string, doc any) *engine.Resource {
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
	separateByDependency.Props["queueUrl"] = engine.Unknown
	separateByDependency.PropertyDependencies = map[string][]string{"queueUrl": {byDependency.URN}}

	otherQueue := queue()
	unrelated := queuePolicy("https://sqs.us-east-1.amazonaws.com/111122223333/other", msgJSON(t, msgTLSDeny("sqs:*")))

	pendingQueue := queue()
	pendingPolicy := queuePolicy(url, nil)
	pendingPolicy.Props["policy"] = engine.Unknown

	wrongShape := msgSet(queue(), "policy", 17.0)

	checkRule(t, "sqs-tls-only", []ruleCase{
		{name: "an inline deny of sqs:* without TLS is compliant", rs: []*engine.Resource{inline}},
		{name: "a NotAction deny that leaves sending and receiving in is compliant", rs: []*engine.Resource{notAction}},
		{name: "a queue policy linked by the queue's id, its url (offline plan), is compliant", rs: []*engine.Resource{byID, separateByID}},
		{name: "a queue policy linked by the queue's url output is compliant", rs: []*engine.Resource{byURLOutput, separateByURL}},
		{name: "a queue policy linked through its dependencies (preview) is compliant", rs: []*engine.Resource{byDependency, separateByDependency}},
		{name: "a queue without any policy violates", rs: []*engine.Resource{queue()},
			want: `no policy of the queue denies sqs:SendMessage and sqs:ReceiveMessage to principal "*" when aws:SecureTransport is false`},
		{name: "a deny of sending only violates", rs: []*engine.Resource{publishOnly}, want: "no policy of the queue denies"},
		{name: "an allow-only policy violates", rs: []*engine.Resource{msgSet(queue(), "policy", msgAllowOnly("sqs:*"))}, want: "no policy of the queue denies"},
		{name: "a queue policy of another queue does not count", rs: []*engine.Resource{otherQueue, unrelated}, want: "no policy of the queue denies"},
		{name: "a policy of the wrong shape violates", rs: []*engine.Resource{wrongShape}, want: "policy: policy is a number"},
		{name: "an unknown queue policy is undecided", rs: []*engine.Resource{pendingQueue, pendingPolicy}, want: "policy is unknown until deployment", undecided: true},
	})
}

func TestSQSDeadLetterQueue(t *testing.T) {
	const dlqARN = "arn:aws:sqs:us-east-1:111122223333:jobs-dlq"
	dlq := func() *engine.Resource {
		r := res(t, typeSQSQueue, "dlq", `{}`)
		r.Outputs = map[string]any{"arn": dlqARN, "url": "https://sqs.us-east-1.amazonaws.com/111122223333/jobs-dlq"}
		return r
	}
	queue := func(redrive any) *engine.Resource {
		r := res(t, typeSQSQueue, "jobs", `{}`)
		r.ID = "https://sqs.us-east-1.amazonaws.com/111122223333/jobs"
		if redrive != nil {
			r.Props["redrivePolicy"] = redrive
		}
		return r
	}
	asString := queue(msgJSON(t, map[string]any{"deadLetterTargetArn": dlqARN, "maxReceiveCount": 5}))
	asObject := queue(map[string]any{"deadLetterTargetArn": dlqARN, "maxReceiveCount": 5.0})

	preview := queue(engine.Unknown)
	previewDLQ := dlq()
	preview.PropertyDependencies = map[string][]string{"redrivePolicy": {previewDLQ.URN}}

	separate := queue(nil)
	separatePolicy := msgSet(msgSet(res(t, typeSQSRedrivePolicy, "redrive", `{}`), "queueUrl", separate.ID),
		"redrivePolicy", msgJSON(t, map[string]any{"deadLetterTargetArn": dlqARN, "maxReceiveCount": 3}))

	allowDLQ := msgSet(res(t, typeSQSQueue, "dlq", `{}`), "redriveAllowPolicy", `{"redrivePermission":"allowAll"}`)

	unknownTarget := queue(map[string]any{"maxReceiveCount": 5.0})
	unknownTarget.Props["redrivePolicy"].(map[string]any)["deadLetterTargetArn"] = engine.Unknown

	checkRule(t, "sqs-dead-letter-queue", []ruleCase{
		{name: "a queue with a redrive policy as a JSON string, and its dead-letter queue, are compliant", rs: []*engine.Resource{asString, dlq()}},
		{name: "a redrive policy held as an object is compliant", rs: []*engine.Resource{asObject, dlq()}},
		{name: "an unknown redrive policy that depends on a queue (preview) is compliant", rs: []*engine.Resource{preview, previewDLQ}},
		{name: "an unknown dead-letter target counts as set", rs: []*engine.Resource{unknownTarget}},
		{name: "a separate RedrivePolicy linked by the queue's url is compliant", rs: []*engine.Resource{separate, separatePolicy, dlq()}},
		{name: "a queue that lets others use it as a dead-letter queue is not judged", rs: []*engine.Resource{allowDLQ}},
		{name: "a queue without a redrive policy violates", rs: []*engine.Resource{queue(nil)}, want: "redrivePolicy is not set"},
		{name: "an empty redrive policy string violates as missing", rs: []*engine.Resource{queue("")}, want: "redrivePolicy is not set"},
		{name: "a redrive policy without a target violates", rs: []*engine.Resource{queue(`{"maxReceiveCount":5}`)}, want: "redrivePolicy has no deadLetterTargetArn"},
		{name: "a redrive policy that is not valid JSON violates", rs: []*engine.Resource{queue(`{"deadLetterTargetArn":`)}, want: "redrivePolicy is not valid JSON"},
		{name: "a redrive policy that is a JSON list violates", rs: []*engine.Resource{queue(`["arn"]`)}, want: "redrivePolicy is a list in JSON"},
		{name: "a redrive policy of the wrong shape violates", rs: []*engine.Resource{queue(true)}, want: "redrivePolicy is a boolean"},
		{name: "a target of the wrong shape violates", rs: []*engine.Resource{queue(`{"deadLetterTargetArn":5}`)}, want: "redrivePolicy.deadLetterTargetArn is a number"},
		{name: "an unknown redrive policy without dependencies is undecided", rs: []*engine.Resource{queue(engine.Unknown)}, want: "redrivePolicy is unknown until deployment", undecided: true},
	})
	// The dead-letter queue itself has no redrive policy and is not reported.
	fs := findingsOf(t, "sqs-dead-letter-queue", asString, dlq())
	if len(fs) != 0 {
		t.Errorf("the target of a redrive policy is a dead-letter queue and needs none: %s", messages(fs))
	}
}

func TestDLQRetentionExceedsSource(t *testing.T) {
	dlq := func(retention string) *engine.Resource {
		props := `{"name":"dlq"}`
		if retention != "" {
			props = `{"name":"dlq","messageRetentionSeconds":` + retention + `}`
		}
		r := res(t, typeSQSQueue, "dlq", props)
		r.Outputs = map[string]any{"arn": "arn:aws:sqs:us-west-2:111122223333:dlq"}
		return r
	}
	source := func(retention string) *engine.Resource {
		props := `{"redrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-west-2:111122223333:dlq\",\"maxReceiveCount\":5}"`
		if retention != "" {
			props += `,"messageRetentionSeconds":` + retention
		}
		return res(t, typeSQSQueue, "uploads", props+`}`)
	}
	checkRule(t, "sqs-dlq-retention-exceeds-source", []ruleCase{
		{name: "a longer dead-letter retention is compliant", rs: []*engine.Resource{source("604800"), dlq("1209600")}},
		{name: "equal retentions violate", rs: []*engine.Resource{source("1209600"), dlq("1209600")}, want: "no longer than uploads"},
		{name: "a shorter dead-letter retention violates", rs: []*engine.Resource{source("1209600"), dlq("345600")}, want: "keeps messages 345600 s"},
		{name: "an unset dead-letter retention is SQS's four days", rs: []*engine.Resource{source("604800"), dlq("")}, want: "keeps messages 345600 s"},
		{name: "an unset source retention is four days too", rs: []*engine.Resource{source(""), dlq("604800")}},
		{name: "a queue without redrive is not judged", rs: []*engine.Resource{dlq("60")}},
	})
}

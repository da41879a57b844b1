package rules

import "testing"

func TestDLQRetentionExceedsSource(t *testing.T) {
	dlq := func(retention string) *Resource {
		props := `{"name":"dlq"}`
		if retention != "" {
			props = `{"name":"dlq","messageRetentionSeconds":` + retention + `}`
		}
		r := res(t, typeSQSQueue, "dlq", props)
		r.Outputs = map[string]any{"arn": "arn:aws:sqs:us-west-2:111122223333:dlq"}
		return r
	}
	source := func(retention string) *Resource {
		props := `{"redrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-west-2:111122223333:dlq\",\"maxReceiveCount\":5}"`
		if retention != "" {
			props += `,"messageRetentionSeconds":` + retention
		}
		return res(t, typeSQSQueue, "uploads", props+`}`)
	}
	checkRule(t, "sqs-dlq-retention-exceeds-source", []ruleCase{
		{name: "a longer dead-letter retention is compliant", rs: []*Resource{source("604800"), dlq("1209600")}},
		{name: "equal retentions violate", rs: []*Resource{source("1209600"), dlq("1209600")}, want: "no longer than uploads"},
		{name: "a shorter dead-letter retention violates", rs: []*Resource{source("1209600"), dlq("345600")}, want: "keeps messages 345600 s"},
		{name: "an unset dead-letter retention is SQS's four days", rs: []*Resource{source("604800"), dlq("")}, want: "keeps messages 345600 s"},
		{name: "an unset source retention is four days too", rs: []*Resource{source(""), dlq("604800")}},
		{name: "a queue without redrive is not judged", rs: []*Resource{dlq("60")}},
	})
}

package rules

import "testing"

func TestTopicHasASubscriber(t *testing.T) {
	topic := func() *Resource {
		r := res(t, typeSNSTopic, "alerts", `{"name":"p-alerts"}`)
		r.Outputs = map[string]any{"arn": "arn:aws:sns:us-west-2:111122223333:p-alerts"}
		return r
	}
	sub := res(t, typeSNSSubscription, "email-0", `{"protocol":"email","endpoint":"a@example.org","topic":"arn:aws:sns:us-west-2:111122223333:p-alerts"}`)
	elsewhere := res(t, typeSNSSubscription, "email-0", `{"protocol":"email","endpoint":"a@example.org","topic":"arn:aws:sns:us-west-2:111122223333:other"}`)
	checkRule(t, "sns-topic-has-a-subscriber", []ruleCase{
		{name: "a subscribed topic is compliant", rs: []*Resource{topic(), sub}},
		{name: "a topic without subscription warns, naming the key", rs: []*Resource{topic()}, want: "set sce:notificationEmails"},
		{name: "a subscription of another topic does not count", rs: []*Resource{topic(), elsewhere}, want: "no subscription"},
	})
}

package rules

const typeSNSSubscription = "aws:sns/topicSubscription:TopicSubscription"

func alertRules() []Rule {
	return []Rule{{
		ID: "sns-topic-has-a-subscriber",
		Description: "Every SNS topic of the stack has at least one subscription: the CIS alarms, the upload ledger's quarantine alerts and the " +
			"budget alerts go to the project's topic, and a topic nobody subscribes to delivers them to no one, silently (sce:notificationEmails).",
		Level:      Advisory,
		HIPAA:      []string{hipaaActivityReview, "164.308(a)(6)(ii)"},
		Sources:    Sources{Other: "SCE design; Amazon SNS Developer Guide (a message is delivered only to the topic's confirmed subscriptions)"},
		Types:      []string{typeSNSTopic, typeSNSSubscription},
		CheckStack: checkTopicSubscribers,
	}}
}

func checkTopicSubscribers(s *Stack) []Finding {
	var out []Finding
	for _, t := range s.OfType(typeSNSTopic) {
		if len(s.ReferringTo(t, "topic", typeSNSSubscription)) > 0 {
			continue
		}
		out = append(out, Finding{URN: t.URN, Message: "no subscription: the alarms and alerts published to this topic reach nobody; " +
			"set sce:notificationEmails (each address confirms the e-mail AWS sends it)"})
	}
	return out
}

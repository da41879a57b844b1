package rules

import "github.com/sce-project/sce/policy/engine"

// The SNS rules: every topic is encrypted with the project key, accepts publishing only over TLS, and has a
// subscriber.

// Resource types of the SNS rules.
const (
	typeSNSTopic        = "aws:sns/topic:Topic"
	typeSNSTopicPolicy  = "aws:sns/topicPolicy:TopicPolicy"
	typeSNSSubscription = "aws:sns/topicSubscription:TopicSubscription"
)

// snsRules returns the SNS topic rules.
func snsRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "sns-encrypted-kms",
			Description: "Every SNS topic encrypts messages at rest with a customer managed KMS key (kmsMasterKeyId, the project key).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaEncryption(),
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-SNSEncryptedKMS", Config: "sns-encrypted-kms", Checklist: []int{60}},
			Types:       []string{typeSNSTopic},
			Check: func(r *engine.Resource) []engine.Finding {
				return requireCustomerKeyAt(r.Props, "kmsMasterKeyId", "published messages are stored unencrypted; set the project key")
			},
		},
		{
			ID: "sns-tls-only",
			Description: "Every SNS topic's policy (its own policy or a TopicPolicy) denies sns:Publish to any principal when " +
				"aws:SecureTransport is false, so that messages only travel over TLS.",
			Level:      engine.Mandatory,
			HIPAA:      []string{hipaaTransmission, "164.312(e)(2)(i)", hipaaTransmissionCrypt},
			Sources:    engine.Sources{Other: "cdk-nag AwsSolutions-SNS3"},
			Types:      []string{typeSNSTopic, typeSNSTopicPolicy},
			CheckStack: checkSNSTLSOnly,
		},
		{
			ID: "sns-topic-has-a-subscriber",
			Description: "Every SNS topic of the stack has at least one subscription: the CIS alarms, the upload ledger's quarantine alerts and the " +
				"budget alerts go to the project's topic, and a topic nobody subscribes to delivers them to no one, silently (sce:notificationEmails).",
			Level:      engine.Advisory,
			HIPAA:      []string{hipaaActivityReview, "164.308(a)(6)(ii)"},
			Sources:    engine.Sources{Other: "SCE design; Amazon SNS Developer Guide (a message is delivered only to the topic's confirmed subscriptions)"},
			Types:      []string{typeSNSTopic, typeSNSSubscription},
			CheckStack: checkTopicSubscribers,
		},
	}
}

// checkSNSTLSOnly requires, of every topic, a policy (its own or a TopicPolicy) that denies sns:Publish
// without TLS.
func checkSNSTLSOnly(s *engine.Stack) []engine.Finding {
	return checkTransportDeny(s.OfType(typeSNSTopic), func(topic *engine.Resource) []policyHolder {
		out := []policyHolder{{topic, "policy"}}
		for _, p := range s.ReferringTo(topic, "arn", typeSNSTopicPolicy) {
			out = append(out, policyHolder{p, "policy"})
		}
		return out
	}, "topic", "sns:Publish")
}

// checkTopicSubscribers reports every topic no subscription refers to.
func checkTopicSubscribers(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, t := range s.OfType(typeSNSTopic) {
		if len(s.ReferringTo(t, "topic", typeSNSSubscription)) > 0 {
			continue
		}
		out = append(out, engine.Finding{URN: t.URN, Message: "no subscription: the alarms and alerts published to this topic reach nobody; " +
			"set sce:notificationEmails (each address confirms the e-mail AWS sends it)"})
	}
	return out
}

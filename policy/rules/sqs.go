package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The SQS rules: every queue is encrypted with the project key, accepts messages only over TLS, and has a
// dead-letter queue that keeps messages longer than the queue itself.

// Resource types of the SQS rules.
const (
	typeSQSQueue              = "aws:sqs/queue:Queue"
	typeSQSQueuePolicy        = "aws:sqs/queuePolicy:QueuePolicy"
	typeSQSRedrivePolicy      = "aws:sqs/redrivePolicy:RedrivePolicy"
	typeSQSRedriveAllowPolicy = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"
)

// sqsDefaultRetention is SQS's MessageRetentionPeriod when a queue sets none: four days.
const sqsDefaultRetention = 345600

// sqsRules returns the SQS queue rules.
func sqsRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "sqs-encrypted-kms",
			Description: "Every SQS queue encrypts messages at rest with a customer managed KMS key (kmsMasterKeyId, the project key); " +
				"SQS-managed encryption (sqsManagedSseEnabled) is not enough for PHI.",
			Level:   engine.Mandatory,
			HIPAA:   hipaaEncryption(),
			Sources: engine.Sources{Other: "cdk-nag AwsSolutions-SQS2; SCE design"},
			Types:   []string{typeSQSQueue},
			Check:   checkSQSEncrypted,
		},
		{
			ID: "sqs-tls-only",
			Description: "Every SQS queue's policy (its own policy or a QueuePolicy) denies sending and receiving to any principal when " +
				"aws:SecureTransport is false, so that messages only travel over TLS.",
			Level:      engine.Mandatory,
			HIPAA:      []string{hipaaTransmission, "164.312(e)(2)(i)", hipaaTransmissionCrypt},
			Sources:    engine.Sources{Other: "cdk-nag AwsSolutions-SQS4"},
			Types:      []string{typeSQSQueue, typeSQSQueuePolicy},
			CheckStack: checkSQSTLSOnly,
		},
		{
			ID: "sqs-dead-letter-queue",
			Description: "Every SQS queue that is not itself a dead-letter queue has a redrivePolicy with a deadLetterTargetArn, so that " +
				"a message that keeps failing is set aside and seen, not retried until it expires.",
			Level:      engine.Advisory,
			HIPAA:      []string{hipaaAuditControls, hipaaIntegrity},
			Sources:    engine.Sources{Other: "SCE design"},
			Types:      []string{typeSQSQueue, typeSQSRedrivePolicy, typeSQSRedriveAllowPolicy},
			CheckStack: checkSQSDeadLetterQueue,
		},
		{
			ID: "sqs-dlq-retention-exceeds-source",
			Description: "A dead-letter queue keeps messages longer than each queue that redrives into it: SQS keeps a message's original " +
				"enqueue time when it moves it to the dead-letter queue, so with an equal or shorter retention a message that failed late " +
				"expires there almost at once and is lost unseen.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaAuditControls, hipaaIntegrity},
			Sources: engine.Sources{Other: "Amazon SQS Developer Guide, \"Using dead-letter queues\": the expiration of a message is based on its " +
				"original enqueue timestamp; set the dead-letter queue's retention longer than the source queue's"},
			Types:      []string{typeSQSQueue},
			CheckStack: checkDLQRetention,
		},
	}
}

// checkSQSEncrypted requires a customer managed key (kmsMasterKeyId), and says so by name when the queue
// relies on SQS-managed encryption instead.
func checkSQSEncrypted(r *engine.Resource) []engine.Finding {
	if _, set := r.Get("kmsMasterKeyId"); !set {
		if managed, ok := engine.AsBool(r.Props["sqsManagedSseEnabled"]); ok && managed {
			return engine.Fail("kmsMasterKeyId is not set and sqsManagedSseEnabled encrypts with a key SQS owns; set kmsMasterKeyId to the project key")
		}
	}
	return requireCustomerKeyAt(r.Props, "kmsMasterKeyId", "messages are stored without a customer managed key; set the project key")
}

// checkSQSTLSOnly requires, of every queue, a policy (its own or a QueuePolicy) that denies sending and
// receiving without TLS.
func checkSQSTLSOnly(s *engine.Stack) []engine.Finding {
	return checkTransportDeny(s.OfType(typeSQSQueue), func(queue *engine.Resource) []policyHolder {
		out := []policyHolder{{queue, "policy"}}
		for _, p := range referringByKeys(s, queue, "queueUrl", []string{"url"}, typeSQSQueuePolicy) {
			out = append(out, policyHolder{p, "policy"})
		}
		return out
	}, "queue", "sqs:SendMessage", "sqs:ReceiveMessage")
}

// jsonObjectProp reads a property that holds a JSON object either as a string or as an object (redrive
// policies). The bool is false when the property is absent or an empty string.
func jsonObjectProp(r *engine.Resource, prop string) (map[string]any, bool, []engine.Finding) {
	v, ok := r.Get(prop)
	if !ok {
		return nil, false, nil
	}
	if engine.IsUnknown(v) {
		return nil, true, engine.Undecided(prop)
	}
	switch x := v.(type) {
	case map[string]any:
		return x, true, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, false, nil
		}
		var parsed any
		if err := json.Unmarshal([]byte(x), &parsed); err != nil {
			return nil, true, engine.Fail("%s is not valid JSON: %v", prop, err)
		}
		m, isObject := parsed.(map[string]any)
		if !isObject {
			return nil, true, engine.Fail("%s is %s in JSON; expected an object", prop, engine.Kind(parsed))
		}
		return m, true, nil
	}
	return nil, true, engine.Fail("%s is %s (%s); expected a JSON object", prop, engine.Kind(v), engine.Describe(v))
}

// deadLetterQueues returns the URNs of the queues that serve as another queue's dead-letter queue: the
// target of a redrive policy (through its property dependencies or its deadLetterTargetArn), or a queue
// whose redrive allow policy lets other queues use it.
func deadLetterQueues(s *engine.Stack) map[string]bool {
	dlq := map[string]bool{}
	for _, r := range s.OfType(typeSQSQueue, typeSQSRedrivePolicy) {
		for _, urn := range r.PropertyDependencies["redrivePolicy"] {
			if t, ok := s.ByURN(urn); ok && t.Type == typeSQSQueue {
				dlq[urn] = true
			}
		}
		if m, ok, _ := jsonObjectProp(r, "redrivePolicy"); ok && m != nil {
			if arn, isString := m["deadLetterTargetArn"].(string); isString {
				for _, q := range s.OfType(typeSQSQueue) {
					if q.IdentifiedBy(arn) {
						dlq[q.URN] = true
					}
				}
			}
		}
	}
	allows := func(r *engine.Resource) bool {
		m, ok, _ := jsonObjectProp(r, "redriveAllowPolicy")
		if !ok || m == nil {
			return false
		}
		p, _ := m["redrivePermission"].(string)
		return strings.EqualFold(p, "allowAll") || strings.EqualFold(p, "byQueue")
	}
	for _, q := range s.OfType(typeSQSQueue) {
		if allows(q) {
			dlq[q.URN] = true
		}
		for _, p := range referringByKeys(s, q, "queueUrl", []string{"url"}, typeSQSRedriveAllowPolicy) {
			if allows(p) {
				dlq[q.URN] = true
			}
		}
	}
	return dlq
}

// checkSQSDeadLetterQueue requires a redrive policy with a dead-letter target of every queue that is not
// itself a dead-letter queue; its own or a RedrivePolicy resource's counts.
func checkSQSDeadLetterQueue(s *engine.Stack) []engine.Finding {
	dlq := deadLetterQueues(s)
	var out []engine.Finding
	for _, q := range s.OfType(typeSQSQueue) {
		if dlq[q.URN] {
			continue
		}
		sources := append([]*engine.Resource{q}, referringByKeys(s, q, "queueUrl", []string{"url"}, typeSQSRedrivePolicy)...)
		var problems, pending []engine.Finding
		compliant, seen := false, false
		for _, src := range sources {
			ok, set, fs := redriveHasTarget(src)
			seen = seen || set
			compliant = compliant || ok
			for _, f := range engine.WithURN(src.URN, fs) {
				if f.Undecided {
					pending = append(pending, f)
				} else {
					problems = append(problems, f)
				}
			}
		}
		switch {
		case compliant:
		case len(problems) > 0:
			out = append(out, problems...)
		case len(pending) > 0:
			out = append(out, pending...)
		case !seen:
			out = append(out, engine.Finding{URN: q.URN, Message: "redrivePolicy is not set, so a message that keeps failing is retried until it expires; " +
				"send it to a dead-letter queue (redrivePolicy.deadLetterTargetArn)"})
		}
	}
	return out
}

// redriveHasTarget judges one redrive policy (a queue's own or a RedrivePolicy resource's): ok when it names
// a dead-letter target, set when a redrive policy is there at all.
func redriveHasTarget(r *engine.Resource) (ok, set bool, findings []engine.Finding) {
	m, set, fs := jsonObjectProp(r, "redrivePolicy")
	if !set {
		return false, false, nil
	}
	if fs != nil {
		// A policy built from another queue's arn is unknown during preview; its dependency names the target.
		if fs[0].Undecided && len(r.PropertyDependencies["redrivePolicy"]) > 0 {
			return true, true, nil
		}
		return false, true, fs
	}
	v, present := m["deadLetterTargetArn"]
	switch {
	case !present || v == nil:
		return false, true, engine.Fail("redrivePolicy has no deadLetterTargetArn; name the dead-letter queue's arn")
	case engine.IsUnknown(v):
		return true, true, nil
	}
	arn, isString := v.(string)
	if !isString {
		return false, true, engine.Fail("redrivePolicy.deadLetterTargetArn is %s (%s); expected the dead-letter queue's arn", engine.Kind(v), engine.Describe(v))
	}
	if strings.TrimSpace(arn) == "" {
		return false, true, engine.Fail("redrivePolicy.deadLetterTargetArn is empty; name the dead-letter queue's arn")
	}
	return true, true, nil
}

// retentionOf returns a queue's message retention in seconds, SQS's default when unset; false when it is
// unknown or not a whole number.
func retentionOf(q *engine.Resource) (int64, bool) {
	v, ok := q.Get("messageRetentionSeconds")
	if !ok {
		return sqsDefaultRetention, true
	}
	if engine.IsUnknown(v) {
		return 0, false
	}
	n, isInt := engine.AsInt(v)
	return n, isInt
}

// checkDLQRetention requires every dead-letter queue a queue redrives into to keep messages longer than that
// queue.
func checkDLQRetention(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, src := range s.OfType(typeSQSQueue) {
		m, ok, _ := jsonObjectProp(src, "redrivePolicy")
		if !ok || m == nil {
			continue
		}
		arn, _ := m["deadLetterTargetArn"].(string)
		var targets []*engine.Resource
		for _, q := range s.OfType(typeSQSQueue) {
			if q.IdentifiedBy(arn) {
				targets = append(targets, q)
			}
		}
		for _, urn := range src.PropertyDependencies["redrivePolicy"] {
			if t, found := s.ByURN(urn); found && t.Type == typeSQSQueue && !containsURN(targets, urn) {
				targets = append(targets, t)
			}
		}
		srcKeep, srcKnown := retentionOf(src)
		for _, dlq := range targets {
			dlqKeep, dlqKnown := retentionOf(dlq)
			switch {
			case !srcKnown || !dlqKnown:
				out = append(out, engine.Finding{URN: dlq.URN, Undecided: true, Message: "messageRetentionSeconds is unknown until deployment, so the rule cannot judge it"})
			case dlqKeep <= srcKeep:
				out = append(out, engine.Finding{URN: dlq.URN, Message: fmt.Sprintf("keeps messages %d s, no longer than %s (%d s) which redrives into it; "+
					"a message moved late keeps its first enqueue time and expires here almost at once: give the dead-letter queue the longer retention", dlqKeep, src.Name, srcKeep)})
			}
		}
	}
	return out
}

// containsURN reports whether one of the resources has the URN.
func containsURN(rs []*engine.Resource, urn string) bool {
	for _, r := range rs {
		if r.URN == urn {
			return true
		}
	}
	return false
}

package rules

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Resource types of the messaging rules.
const (
	typeSNSTopic              = "aws:sns/topic:Topic"
	typeSNSTopicPolicy        = "aws:sns/topicPolicy:TopicPolicy"
	typeSQSQueue              = "aws:sqs/queue:Queue"
	typeSQSQueuePolicy        = "aws:sqs/queuePolicy:QueuePolicy"
	typeSQSRedrivePolicy      = "aws:sqs/redrivePolicy:RedrivePolicy"
	typeSQSRedriveAllowPolicy = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"
)

// messagingRules returns the messaging rules.
func messagingRules() []Rule {
	return []Rule{
		{
			ID:          "sns-encrypted-kms",
			Description: "Every SNS topic encrypts messages at rest with a customer managed KMS key (kmsMasterKeyId, the project key).",
			Level:       Mandatory,
			HIPAA:       []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt},
			Sources:     Sources{CdkNag: "HIPAA.Security-SNSEncryptedKMS", Config: "sns-encrypted-kms", Checklist: []int{60}},
			Types:       []string{typeSNSTopic},
			Check: func(r *Resource) []Finding {
				return requireCustomerKeyAt(r.Props, "kmsMasterKeyId", "published messages are stored unencrypted; set the project key")
			},
		},
		{
			ID: "sns-tls-only",
			Description: "Every SNS topic's policy (its own policy or a TopicPolicy) denies sns:Publish to any principal when " +
				"aws:SecureTransport is false, so that messages only travel over TLS.",
			Level:      Mandatory,
			HIPAA:      []string{hipaaTransmission, "164.312(e)(2)(i)", hipaaTransmissionCrypt},
			Sources:    Sources{Other: "cdk-nag AwsSolutions-SNS3"},
			Types:      []string{typeSNSTopic, typeSNSTopicPolicy},
			CheckStack: checkSNSTLSOnly,
		},
		{
			ID: "sqs-encrypted-kms",
			Description: "Every SQS queue encrypts messages at rest with a customer managed KMS key (kmsMasterKeyId, the project key); " +
				"SQS-managed encryption (sqsManagedSseEnabled) is not enough for PHI.",
			Level:   Mandatory,
			HIPAA:   []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt},
			Sources: Sources{Other: "cdk-nag AwsSolutions-SQS2; SCE design"},
			Types:   []string{typeSQSQueue},
			Check:   checkSQSEncrypted,
		},
		{
			ID: "sqs-tls-only",
			Description: "Every SQS queue's policy (its own policy or a QueuePolicy) denies sending and receiving to any principal when " +
				"aws:SecureTransport is false, so that messages only travel over TLS.",
			Level:      Mandatory,
			HIPAA:      []string{hipaaTransmission, "164.312(e)(2)(i)", hipaaTransmissionCrypt},
			Sources:    Sources{Other: "cdk-nag AwsSolutions-SQS4"},
			Types:      []string{typeSQSQueue, typeSQSQueuePolicy},
			CheckStack: checkSQSTLSOnly,
		},
		{
			ID: "sqs-dead-letter-queue",
			Description: "Every SQS queue that is not itself a dead-letter queue has a redrivePolicy with a deadLetterTargetArn, so that " +
				"a message that keeps failing is set aside and seen, not retried until it expires.",
			Level:      Advisory,
			HIPAA:      []string{hipaaAuditControls, hipaaIntegrity},
			Sources:    Sources{Other: "SCE design"},
			Types:      []string{typeSQSQueue, typeSQSRedrivePolicy, typeSQSRedriveAllowPolicy},
			CheckStack: checkSQSDeadLetterQueue,
		},
	}
}

func checkSQSEncrypted(r *Resource) []Finding {
	if _, set := r.Get("kmsMasterKeyId"); !set {
		if managed, ok := asBool(r.Props["sqsManagedSseEnabled"]); ok && managed {
			return fail("kmsMasterKeyId is not set and sqsManagedSseEnabled encrypts with a key SQS owns; set kmsMasterKeyId to the project key")
		}
	}
	return requireCustomerKeyAt(r.Props, "kmsMasterKeyId", "messages are stored without a customer managed key; set the project key")
}

// policyHolder is a policy document that applies to a resource: its own inline policy or a separate policy
// resource's.
type policyHolder struct {
	owner *Resource
	prop  string
}

// checkTransportDeny judges, for each resource of a type, the policies that apply to it: one of them must deny
// the actions to any principal without TLS.
func checkTransportDeny(targets []*Resource, sources func(*Resource) []policyHolder, noun string, actions ...string) []Finding {
	var out []Finding
	for _, t := range targets {
		var problems, pending []Finding
		denied := false
		for _, src := range sources(t) {
			doc, fs := policyAt(src.owner, src.prop)
			for _, f := range withURN(src.owner.URN, fs) {
				if f.Undecided {
					pending = append(pending, f)
				} else {
					problems = append(problems, f)
				}
			}
			if doc != nil && policyDeniesPlainTransport(doc, actions...) {
				denied = true
			}
		}
		switch {
		case denied || len(problems) > 0:
			out = append(out, problems...)
		case len(pending) > 0:
			out = append(out, pending...)
		default:
			out = append(out, Finding{URN: t.URN, Message: fmt.Sprintf(
				"no policy of the %s denies %s to principal \"*\" when aws:SecureTransport is false; add a Deny statement with the condition Bool aws:SecureTransport \"false\"",
				noun, strings.Join(actions, " and "))})
		}
	}
	return out
}

// policyDeniesPlainTransport reports whether a statement of the policy denies every one of the actions to any
// principal on the sole condition that the request did not use TLS.
func policyDeniesPlainTransport(doc *PolicyDoc, actions ...string) bool {
	for _, st := range doc.Statements {
		if st.Effect != "Deny" || !st.AnyPrincipal || !onlyPlainTransportCondition(st) {
			continue
		}
		covered := true
		for _, a := range actions {
			covered = covered && stmtCoversAction(st, a)
		}
		if covered {
			return true
		}
	}
	return false
}

// onlyPlainTransportCondition reports whether the statement's conditions are exactly "aws:SecureTransport
// is false" (a further condition would narrow the deny).
func onlyPlainTransportCondition(st PolicyStatement) bool {
	found := false
	for op, keys := range st.Conditions {
		for key, values := range keys {
			if !strings.EqualFold(key, "aws:SecureTransport") || (op != "Bool" && op != "BoolIfExists") {
				return false
			}
			for _, v := range values {
				if !strings.EqualFold(v, "false") {
					return false
				}
				found = true
			}
		}
	}
	return found
}

// stmtCoversAction reports whether the statement's Action matches the action, or its NotAction leaves it in.
func stmtCoversAction(st PolicyStatement, action string) bool {
	if len(st.NotActions) > 0 {
		for _, a := range st.NotActions {
			if globMatch(a, action) {
				return false
			}
		}
		return true
	}
	for _, a := range st.Actions {
		if globMatch(a, action) {
			return true
		}
	}
	return false
}

func checkSNSTLSOnly(s *Stack) []Finding {
	return checkTransportDeny(s.OfType(typeSNSTopic), func(topic *Resource) []policyHolder {
		out := []policyHolder{{topic, "policy"}}
		for _, p := range s.ReferringTo(topic, "arn", typeSNSTopicPolicy) {
			out = append(out, policyHolder{p, "policy"})
		}
		return out
	}, "topic", "sns:Publish")
}

func checkSQSTLSOnly(s *Stack) []Finding {
	return checkTransportDeny(s.OfType(typeSQSQueue), func(queue *Resource) []policyHolder {
		out := []policyHolder{{queue, "policy"}}
		for _, p := range referringByKeys(s, queue, "queueUrl", []string{"url"}, typeSQSQueuePolicy) {
			out = append(out, policyHolder{p, "policy"})
		}
		return out
	}, "queue", "sqs:SendMessage", "sqs:ReceiveMessage")
}

// refsByKeys is Stack.Refs that also matches the value against the given outputs or inputs of the targets (a
// queue's url, a cluster's clusterIdentifier), for references that use an identifier Refs does not know.
func refsByKeys(s *Stack, r *Resource, prop string, keys []string, types ...string) []*Resource {
	out := s.Refs(r, prop, types...)
	seen := map[string]bool{}
	for _, t := range out {
		seen[t.URN] = true
	}
	v, ok := r.Get(prop)
	if !ok {
		return out
	}
	for _, want := range stringsOf(v) {
		if want == "" {
			continue
		}
		for _, t := range s.OfType(types...) {
			if seen[t.URN] {
				continue
			}
			for _, k := range keys {
				if stringAtOr(t.Outputs, k) == want || stringAtOr(t.Props, k) == want {
					seen[t.URN] = true
					out = append(out, t)
					break
				}
			}
		}
	}
	return out
}

// referringByKeys returns the resources of the given types whose input prop refers to target, as refsByKeys links.
func referringByKeys(s *Stack, target *Resource, prop string, keys []string, types ...string) []*Resource {
	var out []*Resource
	for _, r := range s.OfType(types...) {
		for _, t := range refsByKeys(s, r, prop, keys, target.Type) {
			if t.URN == target.URN {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// jsonObjectProp reads a property that holds a JSON object either as a string or as an object (redrive
// policies). The bool is false when the property is absent or an empty string.
func jsonObjectProp(r *Resource, prop string) (map[string]any, bool, []Finding) {
	v, ok := r.Get(prop)
	if !ok {
		return nil, false, nil
	}
	if IsUnknown(v) {
		return nil, true, undecided(prop)
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
			return nil, true, fail("%s is not valid JSON: %v", prop, err)
		}
		m, isObject := parsed.(map[string]any)
		if !isObject {
			return nil, true, fail("%s is %s in JSON; expected an object", prop, kind(parsed))
		}
		return m, true, nil
	}
	return nil, true, fail("%s is %s (%s); expected a JSON object", prop, kind(v), describe(v))
}

// deadLetterQueues returns the URNs of the queues that serve as another queue's dead-letter queue: the
// target of a redrive policy (through its property dependencies or its deadLetterTargetArn), or a queue
// whose redrive allow policy lets other queues use it.
func deadLetterQueues(s *Stack) map[string]bool {
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
					if q.identifiedBy(arn) {
						dlq[q.URN] = true
					}
				}
			}
		}
	}
	allows := func(r *Resource) bool {
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

func checkSQSDeadLetterQueue(s *Stack) []Finding {
	dlq := deadLetterQueues(s)
	var out []Finding
	for _, q := range s.OfType(typeSQSQueue) {
		if dlq[q.URN] {
			continue
		}
		sources := append([]*Resource{q}, referringByKeys(s, q, "queueUrl", []string{"url"}, typeSQSRedrivePolicy)...)
		var problems, pending []Finding
		compliant, seen := false, false
		for _, src := range sources {
			ok, set, fs := redriveHasTarget(src)
			seen = seen || set
			compliant = compliant || ok
			for _, f := range withURN(src.URN, fs) {
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
			out = append(out, Finding{URN: q.URN, Message: "redrivePolicy is not set, so a message that keeps failing is retried until it expires; " +
				"send it to a dead-letter queue (redrivePolicy.deadLetterTargetArn)"})
		}
	}
	return out
}

// redriveHasTarget judges one redrive policy (a queue's own or a RedrivePolicy resource's): ok when it names
// a dead-letter target, set when a redrive policy is there at all.
func redriveHasTarget(r *Resource) (ok, set bool, findings []Finding) {
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
		return false, true, fail("redrivePolicy has no deadLetterTargetArn; name the dead-letter queue's arn")
	case IsUnknown(v):
		return true, true, nil
	}
	arn, isString := v.(string)
	if !isString {
		return false, true, fail("redrivePolicy.deadLetterTargetArn is %s (%s); expected the dead-letter queue's arn", kind(v), describe(v))
	}
	if strings.TrimSpace(arn) == "" {
		return false, true, fail("redrivePolicy.deadLetterTargetArn is empty; name the dead-letter queue's arn")
	}
	return true, true, nil
}

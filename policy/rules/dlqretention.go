package rules

import "fmt"

// sqsDefaultRetention is SQS's MessageRetentionPeriod when a queue sets none: four days.
const sqsDefaultRetention = 345600

func dlqRetentionRules() []Rule {
	return []Rule{{
		ID: "sqs-dlq-retention-exceeds-source",
		Description: "A dead-letter queue keeps messages longer than each queue that redrives into it: SQS keeps a message's original " +
			"enqueue time when it moves it to the dead-letter queue, so with an equal or shorter retention a message that failed late " +
			"expires there almost at once and is lost unseen.",
		Level:    Mandatory,
		Category: CategoryDeployability,
		HIPAA:    []string{hipaaAuditControls, hipaaIntegrity},
		Sources: Sources{Other: "Amazon SQS Developer Guide, \"Using dead-letter queues\": the expiration of a message is based on its " +
			"original enqueue timestamp; set the dead-letter queue's retention longer than the source queue's"},
		Types:      []string{typeSQSQueue},
		CheckStack: checkDLQRetention,
	}}
}

func retentionOf(q *Resource) (int64, bool) {
	v, ok := q.Get("messageRetentionSeconds")
	if !ok {
		return sqsDefaultRetention, true
	}
	if IsUnknown(v) {
		return 0, false
	}
	n, isInt := asInt(v)
	return n, isInt
}

func checkDLQRetention(s *Stack) []Finding {
	var out []Finding
	for _, src := range s.OfType(typeSQSQueue) {
		m, ok, _ := jsonObjectProp(src, "redrivePolicy")
		if !ok || m == nil {
			continue
		}
		arn, _ := m["deadLetterTargetArn"].(string)
		var targets []*Resource
		for _, q := range s.OfType(typeSQSQueue) {
			if q.identifiedBy(arn) {
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
				out = append(out, Finding{URN: dlq.URN, Undecided: true, Message: "messageRetentionSeconds is unknown until deployment, so the rule cannot judge it"})
			case dlqKeep <= srcKeep:
				out = append(out, Finding{URN: dlq.URN, Message: fmt.Sprintf("keeps messages %d s, no longer than %s (%d s) which redrives into it; "+
					"a message moved late keeps its first enqueue time and expires here almost at once: give the dead-letter queue the longer retention", dlqKeep, src.Name, srcKeep)})
			}
		}
	}
	return out
}

func containsURN(rs []*Resource, urn string) bool {
	for _, r := range rs {
		if r.URN == urn {
			return true
		}
	}
	return false
}

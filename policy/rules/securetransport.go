package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The TLS-only check the SNS and SQS rules share: a policy that applies to the topic or queue denies its
// actions to any principal when aws:SecureTransport is false.

// policyHolder is a policy document that applies to a resource: its own inline policy or a separate policy
// resource's.
type policyHolder struct {
	owner *engine.Resource
	prop  string
}

// checkTransportDeny judges, for each resource of a type, the policies that apply to it: one of them must deny
// the actions to any principal without TLS.
func checkTransportDeny(targets []*engine.Resource, sources func(*engine.Resource) []policyHolder, noun string, actions ...string) []engine.Finding {
	var out []engine.Finding
	for _, t := range targets {
		var problems, pending []engine.Finding
		denied := false
		for _, src := range sources(t) {
			doc, fs := policydoc.PolicyAt(src.owner, src.prop)
			for _, f := range engine.WithURN(src.owner.URN, fs) {
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
			out = append(out, engine.Finding{URN: t.URN, Message: fmt.Sprintf(
				"no policy of the %s denies %s to principal \"*\" when aws:SecureTransport is false; add a Deny statement with the condition Bool aws:SecureTransport \"false\"",
				noun, strings.Join(actions, " and "))})
		}
	}
	return out
}

// policyDeniesPlainTransport reports whether a statement of the policy denies every one of the actions to any
// principal on the sole condition that the request did not use TLS.
func policyDeniesPlainTransport(doc *policydoc.PolicyDoc, actions ...string) bool {
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
func onlyPlainTransportCondition(st policydoc.PolicyStatement) bool {
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

// stmtCoversAction reports whether the statement's Action matches the action, or its NotAction leaves it in,
// whatever its effect: PolicyStatement.Allows (policydoc.go) answers that for an Allow, so the statement is
// asked as one (st is a copy).
func stmtCoversAction(st policydoc.PolicyStatement, action string) bool {
	st.Effect = "Allow"
	return st.Allows(action)
}

package rules

import (
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The statement checks of the IAM identity-policy rules (iam.go): decryption on every key, administrator
// access, and every action of a service.

// iamResourceScope says how a statement covers every resource, for messages.
func iamResourceScope(st policydoc.PolicyStatement) string {
	if len(st.NotResources) > 0 {
		return "every resource but its NotResource"
	}
	return `every resource (Resource "*")`
}

// iamBlockedKMSActions flags an Allow of kms:Decrypt or kms:ReEncryptFrom on every resource, which would let
// the identity decrypt with any key whose key policy defers to IAM.
func iamBlockedKMSActions(where string, st policydoc.PolicyStatement) []engine.Finding {
	if !st.OnAllResources() {
		return nil
	}
	var granted []string
	for _, a := range []string{"kms:Decrypt", "kms:ReEncryptFrom"} {
		if st.Allows(a) {
			granted = append(granted, a)
		}
	}
	if len(granted) == 0 {
		return nil
	}
	return engine.Fail("%s allows %s on %s; name the key ARNs it may use", where, strings.Join(granted, " and "), iamResourceScope(st))
}

// iamAdminAccess flags an Allow of every action on every resource. An Allow with NotAction on every
// resource counts: it grants every action but those listed.
func iamAdminAccess(where string, st policydoc.PolicyStatement) []engine.Finding {
	if st.Effect != "Allow" || !st.OnAllResources() {
		return nil
	}
	if len(st.NotActions) > 0 {
		if !st.Allows("*") {
			return nil
		}
		return engine.Fail("%s allows every action except %s (NotAction) on %s: administrator access; list the actions it needs",
			where, strings.Join(st.NotActions, ", "), iamResourceScope(st))
	}
	for _, a := range st.Actions {
		if service, full := iamFullAccessAction(a); full && service == iamEveryService {
			return engine.Fail("%s allows every action (Action %q) on %s: administrator access; list the actions and resources it needs",
				where, a, iamResourceScope(st))
		}
	}
	return nil
}

// iamFullServiceAccess flags an Allow of every action of a service ("s3:*"), of every service ("*"), or of
// every action but a few (NotAction), on any resource.
func iamFullServiceAccess(where string, st policydoc.PolicyStatement) []engine.Finding {
	if st.Effect != "Allow" {
		return nil
	}
	if len(st.NotActions) > 0 {
		return engine.Fail("%s allows every action except %s (NotAction): full access to every other service; list the actions it needs",
			where, strings.Join(st.NotActions, ", "))
	}
	var out []engine.Finding
	for _, a := range st.Actions {
		if service, full := iamFullAccessAction(a); full {
			out = append(out, engine.Fail("%s allows %q, every action of %s; list the actions it needs", where, a, service)...)
		}
	}
	return out
}

// iamEveryService is what iamFullAccessAction names for "*" and "*:*".
const iamEveryService = "every service"

// iamFullAccessAction reports whether an action pattern grants every action of a service ("s3:*"), or of
// every service ("*", "*:*"), and names the service.
func iamFullAccessAction(action string) (string, bool) {
	a := strings.TrimSpace(action)
	if a != "" && strings.Trim(a, "*") == "" {
		return iamEveryService, true
	}
	service, name, ok := strings.Cut(a, ":")
	if !ok || name == "" || strings.Trim(name, "*") != "" {
		return "", false
	}
	if service == "" || strings.Trim(service, "*") == "" {
		return iamEveryService, true
	}
	return "service " + service, true
}

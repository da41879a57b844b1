package iameval

import "strings"

// trustActions are the STS actions a role's trust policy authorises: assuming the role, and the session
// attributes set while assuming it (IAM User Guide, "Permissions required to set source identity",
// id_credentials_temp_control-access_monitor.html; "Passing session tags in AWS STS").
var trustActions = []string{"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
	"sts:setsourceidentity", "sts:tagsession", "sts:setcontext"}

// isTrustAction reports whether an action is judged against a role's trust policy.
func isTrustAction(action string) bool {
	a := strings.ToLower(action)
	for _, t := range trustActions {
		if a == t {
			return true
		}
	}
	return false
}

// trustGrant decides a role-trust action once no deny applies, the trust policy being the resource
// policy: the trust policy must allow it, whatever the caller's own policies say ("Without a trust
// policy that allows it, no one can assume the role": AWS Security Blog, "How to use trust policies
// with IAM roles"; IAM User Guide, "Policy evaluation logic", role trust policies). A trust statement that
// names the caller's account delegates to the caller's identity policies, which must then allow it too;
// one that names the caller itself suffices within the account, and across accounts the identity
// policies must allow it as well ("Cross-account policy evaluation logic").
func trustGrant(sameAccount bool, identity, onResource *judged) Decision {
	allowed := onResource != nil && onResource.res.Effect == Allowed
	switch {
	case !allowed:
		return Decision{Reason: "the role's trust policy allows no statement for it (implicit deny): a role is assumed only by whom its trust policy admits, whatever the caller's own policies allow", Policy: "trust policy"}
	case onResource.res.ByAccount && identity == nil:
		return Decision{Reason: "the trust policy's statement " + quote(onResource.res.Sid) + " delegates it to the account's identity policies, but none allows it (implicit deny)", Policy: "trust policy"}
	case !sameAccount && identity == nil:
		return Decision{Reason: "across accounts both the caller's identity policies and the role's trust policy must allow it"}
	}
	return Decision{Allowed: true, Reason: "allowed by the role's trust policy (statement " + quote(onResource.res.Sid) + ")", Policy: onResource.name, Sid: onResource.res.Sid}
}

func quote(s string) string { return "\"" + s + "\"" }

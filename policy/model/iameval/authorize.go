package iameval

import (
	"fmt"
	"strings"
)

// Policies are the documents AWS consults for one request. Any may be nil.
type Policies struct {
	// Identity are the caller's identity policies (a role's attached and inline policies, the AWS managed
	// ones among them: see ManagedPolicy).
	Identity []*Document
	// Resource is the resource's own policy (a bucket, queue, topic or secret policy). For a kms: action
	// it is taken as the key policy when KeyPolicy is nil.
	Resource *Document
	// KeyPolicy is the policy of the KMS key a kms: action uses. It applies to kms: actions only.
	KeyPolicy *Document
	// Endpoint is the policy of the VPC endpoint the request passes through, if it does.
	Endpoint *Document
	// ResourceAccount is the account that owns the resource. It is also the request's aws:ResourceAccount
	// when the context does not give one. Empty means unknown, and the request is judged as one across
	// accounts.
	ResourceAccount string
}

// Decision is the outcome of Authorize, with why and, where one statement decides, which.
type Decision struct {
	Allowed bool
	Reason  string
	// Policy names the policy that decides ("identity policy 0", "resource policy", "key policy",
	// "endpoint policy"); empty for an implicit deny no single policy decides.
	Policy string
	// Sid is the deciding statement's Sid.
	Sid string
}

type judged struct {
	name string
	res  Result
}

// Authorize decides a request as AWS's policy evaluation logic does for the documents given (IAM User
// Guide, "Policy evaluation logic",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html, and
// "Cross-account policy evaluation logic",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):
//
//   - an explicit deny in any policy refuses the request;
//   - a request through a VPC endpoint must be allowed by the endpoint's policy, which grants nothing
//     itself (Amazon VPC, "Control access to VPC endpoints using endpoint policies");
//   - within one account, an allow in either the identity policies or the resource policy suffices,
//     but a resource-policy allow that names only the caller's account is a delegation to the identity
//     policies ("AWS JSON policy elements: Principal", "AWS account principals"); the account's root user
//     has full access to its own account's resources unless denied;
//   - across accounts, the resource policy (naming the caller or its account) and the identity policies
//     must both allow;
//   - a service principal or an anonymous caller has no identity policies: the resource policy must
//     name it (or "*");
//   - for a role-trust action (sts:AssumeRole, sts:SetSourceIdentity, ...) with the role's trust policy as
//     the resource policy, the trust policy must allow it (trustGrant);
//   - for a kms: action the key policy must allow the call directly, or delegate it to IAM by allowing
//     the account principal, in which case an identity policy must allow it too: "Unless the key policy
//     explicitly allows it, you cannot use IAM policies to allow access to a KMS key" (KMS Developer
//     Guide, "Key policies in AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html,
//     and "Default key policy", https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
//     Grants are not modelled.
//
// Permissions boundaries, session policies, SCPs and RCPs are not modelled: pass none.
func Authorize(r Request, p Policies) (Decision, error) {
	if r.Context == nil {
		r.Context = map[string][]string{}
	}
	if p.ResourceAccount != "" {
		if _, ok := lookup(r.Context, "aws:ResourceAccount"); !ok {
			ctx := make(map[string][]string, len(r.Context)+1)
			for k, v := range r.Context {
				ctx[k] = v
			}
			ctx["aws:ResourceAccount"] = []string{p.ResourceAccount}
			r.Context = ctx
		}
	}
	kms := strings.HasPrefix(strings.ToLower(r.Action), "kms:")
	resource, resourceName := p.Resource, "resource policy"
	if kms {
		resourceName = "key policy"
		if p.KeyPolicy != nil {
			resource = p.KeyPolicy
		}
		if resource == nil {
			return Decision{}, fmt.Errorf("%s on %s: a kms: request needs the key's policy (Policies.KeyPolicy): every KMS key has one", r.Action, r.Resource)
		}
	}
	var identity []judged
	for i, d := range p.Identity {
		res, err := d.Evaluate(r, false)
		if err != nil {
			return Decision{}, fmt.Errorf("identity policy %d: %w", i, err)
		}
		identity = append(identity, judged{fmt.Sprintf("identity policy %d", i), res})
	}
	all := identity
	var onResource, onEndpoint *judged
	for _, x := range []struct {
		name string
		doc  *Document
		dst  **judged
	}{{resourceName, resource, &onResource}, {"endpoint policy", p.Endpoint, &onEndpoint}} {
		if x.doc == nil {
			continue
		}
		res, err := x.doc.Evaluate(r, true)
		if err != nil {
			return Decision{}, fmt.Errorf("%s: %w", x.name, err)
		}
		j := judged{x.name, res}
		*x.dst = &j
		all = append(all, j)
	}
	for _, j := range all {
		if j.res.Effect == Denied {
			return Decision{Reason: fmt.Sprintf("explicitly denied by the %s (statement %q)", j.name, j.res.Sid), Policy: j.name, Sid: j.res.Sid}, nil
		}
	}
	if onEndpoint != nil && onEndpoint.res.Effect != Allowed {
		return Decision{Reason: "the endpoint policy allows no statement for it (implicit deny)", Policy: "endpoint policy"}, nil
	}
	return grant(r, p, kms, identity, onResource), nil
}

// grant decides between the allows once no deny applies.
func grant(r Request, p Policies, kms bool, identity []judged, onResource *judged) Decision {
	c := parseCaller(r.Principal, r.Context)
	var byIdentity *judged
	for i := range identity {
		if identity[i].res.Effect == Allowed {
			byIdentity = &identity[i]
			break
		}
	}
	direct := onResource != nil && onResource.res.Effect == Allowed && !onResource.res.ByAccount
	delegated := onResource != nil && onResource.res.Effect == Allowed && onResource.res.ByAccount
	allowedBy := func(j *judged, reason string) Decision {
		return Decision{Allowed: true, Reason: reason, Policy: j.name, Sid: j.res.Sid}
	}
	if !c.iam() {
		if direct {
			return allowedBy(onResource, fmt.Sprintf("allowed by the %s, which names the caller", onResource.name))
		}
		return Decision{Reason: fmt.Sprintf("no statement of the %s names the caller (implicit deny): a service principal or an anonymous caller has no identity policies", resourceLabel(onResource))}
	}
	sameAccount := p.ResourceAccount != "" && c.account == p.ResourceAccount
	if isTrustAction(r.Action) && p.Resource != nil {
		return trustGrant(sameAccount, byIdentity, onResource)
	}
	root := c.kind == rootCaller
	switch {
	case sameAccount && direct:
		return allowedBy(onResource, "allowed within the account by the "+onResource.name)
	case sameAccount && root && !kms:
		return Decision{Allowed: true, Reason: "allowed within the account: the account root user has full access to its own resources"}
	case sameAccount && kms && byIdentity != nil && delegated:
		return allowedBy(byIdentity, fmt.Sprintf("allowed within the account by the %s, which the key policy's statement %q delegates to IAM", byIdentity.name, onResource.res.Sid))
	case sameAccount && kms && delegated:
		return Decision{Reason: fmt.Sprintf("the key policy's statement %q delegates it to IAM policies, but no identity policy allows it (implicit deny)", onResource.res.Sid), Policy: "key policy"}
	case sameAccount && kms && byIdentity != nil:
		return Decision{Reason: "the key policy neither allows it nor delegates it to IAM policies (no statement allows the account principal): identity policies alone cannot grant access to a KMS key", Policy: "key policy"}
	case sameAccount && byIdentity != nil:
		return allowedBy(byIdentity, "allowed within the account by the "+byIdentity.name)
	case !sameAccount && (direct || delegated) && (byIdentity != nil || root):
		return Decision{Allowed: true, Reason: "allowed by both the identity and the " + onResource.name, Policy: onResource.name, Sid: onResource.res.Sid}
	case !sameAccount && (direct || delegated || byIdentity != nil):
		return Decision{Reason: "across accounts both the identity and the resource policy must allow it"}
	}
	return Decision{Reason: "no policy allows it (implicit deny)"}
}

func resourceLabel(j *judged) string {
	if j == nil {
		return "resource policy"
	}
	return j.name
}

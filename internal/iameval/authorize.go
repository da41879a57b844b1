package iameval

import (
	"fmt"
	"strings"
)

// Policies are the documents AWS consults for one request. Any may be nil.
type Policies struct {
	// Identity are the caller's identity policies (a role's attached and inline policies).
	Identity []*Document
	// Resource is the resource's own policy (a bucket policy, a key policy).
	Resource *Document
	// Endpoint is the policy of the VPC endpoint the request passes through, if it does.
	Endpoint *Document
	// ResourceAccount is the account that owns the resource.
	ResourceAccount string
}

// Decision is the outcome of Authorize, with why.
type Decision struct {
	Allowed bool
	Reason  string
}

// Authorize decides a request as AWS's policy evaluation logic does for the documents given (IAM User
// Guide, "Policy evaluation logic"): an explicit deny in any of them refuses the request; a request
// through a VPC endpoint must be allowed by the endpoint's policy; within one account an allow in either
// the identity or the resource policy suffices, across accounts both must allow. A key policy that does
// not delegate to IAM is not modelled: pass it as Resource and no identity policy.
func Authorize(r Request, p Policies) (Decision, error) {
	type judged struct {
		name     string
		res      Result
		resource bool
	}
	var all []judged
	for i, d := range p.Identity {
		res, err := d.Evaluate(r, false)
		if err != nil {
			return Decision{}, fmt.Errorf("identity policy %d: %w", i, err)
		}
		all = append(all, judged{fmt.Sprintf("identity policy %d", i), res, false})
	}
	for _, x := range []struct {
		name string
		doc  *Document
	}{{"resource policy", p.Resource}, {"endpoint policy", p.Endpoint}} {
		if x.doc == nil {
			continue
		}
		res, err := x.doc.Evaluate(r, true)
		if err != nil {
			return Decision{}, fmt.Errorf("%s: %w", x.name, err)
		}
		all = append(all, judged{x.name, res, true})
	}
	for _, j := range all {
		if j.res.Effect == Denied {
			return Decision{Reason: fmt.Sprintf("explicitly denied by the %s (statement %q)", j.name, j.res.Sid)}, nil
		}
	}
	if p.Endpoint != nil {
		if res, _ := p.Endpoint.Evaluate(r, true); res.Effect != Allowed {
			return Decision{Reason: "the endpoint policy allows no statement for it (implicit deny)"}, nil
		}
	}
	identity, resource := false, false
	for _, j := range all {
		if j.res.Effect != Allowed || j.name == "endpoint policy" {
			continue
		}
		if j.resource {
			resource = true
		} else {
			identity = true
		}
	}
	sameAccount := p.ResourceAccount != "" && strings.Contains(r.Principal, ":"+p.ResourceAccount+":")
	switch {
	case sameAccount && (identity || resource):
		return Decision{Allowed: true, Reason: "allowed within the account"}, nil
	case identity && resource:
		return Decision{Allowed: true, Reason: "allowed by both the identity and the resource policy"}, nil
	case !sameAccount && (identity || resource):
		return Decision{Reason: "across accounts both the identity and the resource policy must allow it"}, nil
	}
	return Decision{Reason: "no policy allows it (implicit deny)"}, nil
}

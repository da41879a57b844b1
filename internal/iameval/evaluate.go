package iameval

import (
	"fmt"
	"strings"
)

// Request is one API request as AWS authorises it: who, which action on which resource, and the request
// context. Context keys absent from the map are absent from the request (a multipart part carries no
// s3:x-amz-server-side-encryption; a request from outside a VPC endpoint carries no aws:SourceVpce).
type Request struct {
	// Principal is the caller's ARN as aws:PrincipalArn gives it (a role's ARN for its sessions), or a
	// service principal ("cloudtrail.amazonaws.com").
	Principal string
	// Action is the IAM action the request is authorised as ("s3:PutObject" for UploadPart too).
	Action string
	// Resource is the ARN the action acts on.
	Resource string
	// Context holds the request's condition keys and their values.
	Context map[string][]string
}

// Effect is what one policy says about a request.
type Effect int

// Effects.
const (
	// NotApplicable: no statement of the policy matches.
	NotApplicable Effect = iota
	// Allowed: an Allow statement matches and no Deny does.
	Allowed
	// Denied: a Deny statement matches.
	Denied
)

func (e Effect) String() string {
	return [...]string{"not applicable", "allowed", "denied"}[e]
}

// Result is one policy's answer, with the statement that decided it.
type Result struct {
	Effect Effect
	Sid    string
}

// Evaluate applies one document to a request. A resource-based document's statements must name the
// principal; an identity document's (isResource false) have none.
func (d *Document) Evaluate(r Request, isResource bool) (Result, error) {
	res := Result{Effect: NotApplicable}
	for _, st := range d.Statements {
		match, err := st.matches(r, isResource)
		if err != nil {
			return Result{}, fmt.Errorf("statement %q: %w", st.Sid, err)
		}
		if !match {
			continue
		}
		if st.Effect == "Deny" {
			return Result{Effect: Denied, Sid: st.Sid}, nil
		}
		if res.Effect == NotApplicable {
			res = Result{Effect: Allowed, Sid: st.Sid}
		}
	}
	return res, nil
}

func (st Statement) matches(r Request, isResource bool) (bool, error) {
	if isResource {
		if st.Principal == nil || !st.Principal.matches(r.Principal) {
			return false, nil
		}
	}
	if !anyMatch(st.Actions, r.Action, true) {
		return false, nil
	}
	if len(st.Resources) > 0 && !anyMatch(st.Resources, r.Resource, false) {
		return false, nil
	}
	return conditionsHold(st.Conditions, r.Context)
}

func (p *Principal) matches(who string) bool {
	if p.Anyone {
		return true
	}
	for _, s := range p.Services {
		if s == who {
			return true
		}
	}
	for _, a := range p.AWS {
		if a == who {
			return true
		}
		// An account (its id or root ARN) names every principal of that account.
		if account, ok := accountOf(a); ok && strings.Contains(who, ":iam::"+account+":") {
			return true
		}
	}
	return false
}

func accountOf(principal string) (string, bool) {
	if len(principal) == 12 && strings.Trim(principal, "0123456789") == "" {
		return principal, true
	}
	if strings.HasPrefix(principal, "arn:") && strings.HasSuffix(principal, ":root") {
		parts := strings.Split(principal, ":")
		if len(parts) == 6 {
			return parts[4], true
		}
	}
	return "", false
}

// anyMatch reports whether value matches one of the patterns (* and ? wildcards); actions compare
// case-insensitively, as IAM does.
func anyMatch(patterns []string, value string, foldCase bool) bool {
	for _, p := range patterns {
		if wildcard(p, value, foldCase) {
			return true
		}
	}
	return false
}

// wildcard matches IAM's * (any run of characters, "/" included, unlike path.Match) and ? (one
// character).
func wildcard(pattern, value string, foldCase bool) bool {
	if foldCase {
		pattern, value = strings.ToLower(pattern), strings.ToLower(value)
	}
	return globMatch(pattern, value)
}

func globMatch(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if globMatch(p, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if s == "" || p[0] != s[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return s == ""
}

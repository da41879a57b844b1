package iameval

import (
	"fmt"
	"strings"
)

// Request is one API request as AWS authorises it: who, which action on which resource, and the request
// context. Context keys absent from the map are absent from the request (a multipart part carries no
// s3:x-amz-server-side-encryption; a request from outside a VPC endpoint carries no aws:SourceVpce). The
// keys AWS derives from the principal (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
// aws:username, aws:PrincipalIsAWSService, aws:PrincipalServiceName) are added when the context lacks
// them; see DerivedContext.
type Request struct {
	// Principal is the caller: a role, user or root ARN, a role session
	// ("arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION", whose aws:PrincipalArn is the role's ARN), a
	// service principal ("cloudtrail.amazonaws.com"), or "" for an anonymous request.
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

// String names the effect.
func (e Effect) String() string {
	return [...]string{"not applicable", "allowed", "denied"}[e]
}

// Result is one policy's answer, with the statement that decided it.
type Result struct {
	Effect Effect
	Sid    string
	// ByAccount is set when the policy allows the caller only through statements naming its account (an
	// account id or root ARN): a delegation to the account's identity policies, which must allow the
	// request too (IAM User Guide, "AWS JSON policy elements: Principal", "AWS account principals").
	ByAccount bool
}

// Evaluate applies one document to a request. A resource-based document's statements (bucket, key,
// queue, topic, secret, endpoint and trust policies; isResource true) must each name a Principal or a
// NotPrincipal; an identity document's (isResource false) may name neither.
//
// It follows the IAM User Guide, "Policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): a
// matching Deny decides ("An explicit deny in any of these policies overrides the allow"); otherwise a
// matching Allow allows; otherwise the policy does not apply.
func (d *Document) Evaluate(r Request, isResource bool) (Result, error) {
	c := parseCaller(r.Principal, r.Context)
	ctx := DerivedContext(r)
	res := Result{Effect: NotApplicable}
	for _, st := range d.Statements {
		match, err := st.matches(r, ctx, c, isResource, d.Version == VariablesVersion)
		if err != nil {
			return Result{}, fmt.Errorf("statement %q: %w", st.Sid, err)
		}
		switch {
		case match == noMatch:
			continue
		case st.Effect == "Deny":
			return Result{Effect: Denied, Sid: st.Sid}, nil
		case res.Effect == NotApplicable:
			res = Result{Effect: Allowed, Sid: st.Sid, ByAccount: match == accountMatch}
		case res.ByAccount && match == directMatch:
			res = Result{Effect: Allowed, Sid: st.Sid}
		}
	}
	return res, nil
}

// matches reports whether (and how) a statement applies to the request: its action, its resource, its
// principal, then its conditions, so that what cannot be evaluated is refused only for statements that
// could otherwise apply. For identity policies a match is always direct.
func (st Statement) matches(r Request, ctx map[string][]string, c caller, isResource, variables bool) (matchKind, error) {
	if !st.actionMatches(r.Action) {
		return noMatch, nil
	}
	ok, err := st.resourceMatches(r.Resource, ctx, variables)
	if err != nil || !ok {
		return noMatch, err
	}
	kind := directMatch
	if isResource {
		if kind, err = st.principalMatches(c); err != nil || kind == noMatch {
			return noMatch, err
		}
	} else if st.Principal != nil || st.NotPrincipal != nil {
		return noMatch, fmt.Errorf("an identity-based policy cannot name a Principal or NotPrincipal (IAM User Guide, \"AWS JSON policy elements: Principal\")")
	}
	var vars map[string][]string
	if variables {
		vars = ctx
	}
	holds, err := conditionsHold(st.Conditions, ctx, vars)
	if err != nil || !holds {
		return noMatch, err
	}
	return kind, nil
}

// principalMatches applies Principal, or NotPrincipal, which "uses "Effect":"Deny" to deny access to all
// principals except the principal specified in the NotPrincipal element" (IAM User Guide, "AWS JSON
// policy elements: NotPrincipal").
func (st Statement) principalMatches(c caller) (matchKind, error) {
	switch {
	case st.Principal != nil:
		kind, undecided := st.Principal.match(c)
		if kind == noMatch && undecided && st.Effect == "Deny" {
			return noMatch, fmt.Errorf("the Deny names a CanonicalUser: the evaluator cannot tell whether it is the account of %s", c.raw)
		}
		return kind, nil
	case st.NotPrincipal != nil:
		excepted, err := st.NotPrincipal.excepts(c)
		if err != nil || excepted {
			return noMatch, err
		}
		return directMatch, nil
	}
	return noMatch, fmt.Errorf("a resource-based policy statement must name a Principal or a NotPrincipal")
}

// actionMatches applies Action or NotAction. Action names compare without case and take the * and ?
// wildcards (IAM User Guide, "IAM JSON policy elements: Action",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html). "NotAction
// is an advanced policy element that explicitly matches everything except the specified list of actions"
// ("IAM JSON policy elements: NotAction",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html).
func (st Statement) actionMatches(action string) bool {
	if len(st.NotActions) > 0 {
		return !anyMatch(st.NotActions, action, true)
	}
	return anyMatch(st.Actions, action, true)
}

// resourceMatches applies Resource or NotResource: wildcards "within any ARN segment (the parts
// separated by colons)" and policy variables "only in the resource portion of the ARN" (IAM User Guide,
// "IAM JSON policy elements: Resource",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html);
// "NotResource ... explicitly matches every resource except those specified" ("IAM JSON policy elements:
// NotResource", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html).
// A statement with neither (a role trust policy) applies to the resource the policy is attached to.
func (st Statement) resourceMatches(resource string, ctx map[string][]string, variables bool) (bool, error) {
	patterns, negated := st.Resources, false
	if len(st.NotResources) > 0 {
		patterns, negated = st.NotResources, true
	}
	if len(patterns) == 0 {
		return true, nil
	}
	var vars map[string][]string
	if variables {
		vars = ctx
	}
	for _, p := range patterns {
		ok, err := resourceMatch(p, resource, vars)
		if err != nil {
			return false, fmt.Errorf("resource %s: %w", p, err)
		}
		if ok {
			return !negated, nil
		}
	}
	return negated, nil
}

// resourceMatch matches one Resource pattern against an ARN segment by segment; policy variables (when
// vars is not nil) are replaced in the resource segment only. A pattern or value that is not an ARN is
// matched as a whole.
func resourceMatch(pattern, value string, vars map[string][]string) (bool, error) {
	if pattern == "*" {
		return true, nil
	}
	pp, vp := strings.SplitN(pattern, ":", 6), strings.SplitN(value, ":", 6)
	if len(pp) != 6 || len(vp) != 6 {
		g, err := compileGlob(pattern, vars)
		if err != nil {
			return false, err
		}
		return globMatch(g, []rune(value)), nil
	}
	for i := range pp {
		v := vars
		if i < 5 {
			if strings.Contains(pp[i], "${") && vars != nil {
				return false, fmt.Errorf("a policy variable may appear only in the resource part of an ARN (after the fifth colon)")
			}
			v = nil
		}
		g, err := compileGlob(pp[i], v)
		if err != nil {
			return false, err
		}
		if !globMatch(g, []rune(vp[i])) {
			return false, nil
		}
	}
	return true, nil
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
	g, _ := compileGlob(pattern, nil)
	return globMatch(g, []rune(value))
}

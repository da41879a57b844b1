package rules

import (
	"fmt"
	"strings"
)

// Request is one request as a policy's statements see it: the IAM action, the resource's ARN and the
// request context, the condition keys present in the request with their values. A key that is not in
// Context is absent from the request (aws:SourceVpce for a request that does not come through a VPC
// endpoint).
type Request struct {
	Action   string
	Resource string
	Context  map[string]string
}

// DenyingStatement returns the first Deny statement of the document that applies to the request: it names
// the request's principal (aws:PrincipalArn) or every principal, its Action (or NotAction) covers the
// action, its Resource (or NotResource) covers the resource, and its conditions hold. A condition this
// evaluator cannot decide (an operator it does not know) makes the statement count as denying, with the
// error: a deny that cannot be read is not assumed away.
func (d *PolicyDoc) DenyingStatement(req Request) (PolicyStatement, bool, error) {
	for _, st := range d.Statements {
		if st.Effect != "Deny" || !st.namesPrincipal(req.Context["aws:PrincipalArn"]) || !st.coversAction(req.Action) || !st.coversResource(req.Resource) {
			continue
		}
		holds, err := st.ConditionsHold(req.Context)
		if err != nil {
			return st, true, err
		}
		if holds {
			return st, true, nil
		}
	}
	return PolicyStatement{}, false, nil
}

func (st PolicyStatement) namesPrincipal(arn string) bool {
	if st.AnyPrincipal {
		return true
	}
	for _, p := range st.Principals["AWS"] {
		if arnMatch(p, arn) {
			return true
		}
	}
	return false
}

func (st PolicyStatement) coversAction(action string) bool {
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

func (st PolicyStatement) coversResource(arn string) bool {
	if len(st.NotResources) > 0 {
		for _, r := range st.NotResources {
			if wildcardMatch(r, arn) {
				return false
			}
		}
		return true
	}
	for _, r := range st.Resources {
		if wildcardMatch(r, arn) {
			return true
		}
	}
	return false
}

// ConditionsHold reports whether every condition of the statement holds in the request context, as the
// IAM User Guide evaluates them ("IAM JSON policy elements: Condition operators" and "Conditions with
// multiple context keys or values"):
//   - operators, and the keys under one operator, are ANDed; the values of one key are ORed, and NORed for
//     a negated operator (StringNotEquals, StringNotLike, ArnNotEquals, ArnNotLike);
//   - a key absent from the request makes a condition false, and a negated one true;
//   - ...IfExists holds when the key is absent, and is the operator's check when it is present;
//   - Null {key: "true"} holds when the key is absent, Null {key: "false"} when it is present.
//
// Supported: String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool, Null and
// their IfExists forms. Anything else is an error.
func (st PolicyStatement) ConditionsHold(ctx map[string]string) (bool, error) {
	for op, keys := range st.Conditions {
		for key, values := range keys {
			holds, err := conditionHolds(op, key, values, ctx)
			if err != nil {
				return false, fmt.Errorf("condition %s %s: %w", op, key, err)
			}
			if !holds {
				return false, nil
			}
		}
	}
	return true, nil
}

func conditionHolds(op, key string, values []string, ctx map[string]string) (bool, error) {
	v, present := contextValue(ctx, key)
	if op == "Null" {
		if len(values) != 1 || (values[0] != "true" && values[0] != "false") {
			return false, fmt.Errorf("the Null operator takes \"true\" or \"false\"")
		}
		return (values[0] == "true") == !present, nil
	}
	base, ifExists := strings.CutSuffix(op, "IfExists")
	match, negated, ok := matcher(base)
	if !ok {
		return false, fmt.Errorf("operator %s is not supported here", op)
	}
	if !present {
		return ifExists || negated, nil
	}
	matched := false
	for _, want := range values {
		if match(want, v) {
			matched = true
			break
		}
	}
	return matched != negated, nil
}

// contextValue looks a condition key up; condition key names are not case-sensitive.
func contextValue(ctx map[string]string, key string) (string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// matcher returns how an operator compares a policy value with the request's, and whether it is negated.
func matcher(op string) (match func(policy, request string) bool, negated, ok bool) {
	switch op {
	case "StringEquals", "StringNotEquals":
		return func(p, r string) bool { return p == r }, op == "StringNotEquals", true
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		return strings.EqualFold, op == "StringNotEqualsIgnoreCase", true
	case "StringLike", "StringNotLike":
		return func(p, r string) bool { return wildcardMatch(p, r) }, op == "StringNotLike", true
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		return arnMatch, strings.Contains(op, "Not"), true
	case "Bool":
		return strings.EqualFold, false, true
	}
	return nil, false, false
}

// arnMatch compares ARNs as ArnLike does: each of the six colon-delimited parts separately, case-sensitively,
// with * and ? wildcards ("IAM JSON policy elements: Condition operators", ARN condition operators).
func arnMatch(pattern, arn string) bool {
	p, a := strings.SplitN(pattern, ":", 6), strings.SplitN(arn, ":", 6)
	if len(p) != len(a) {
		return pattern == "*"
	}
	for i := range p {
		if !wildcardMatch(p[i], a[i]) {
			return false
		}
	}
	return true
}

// wildcardMatch matches * and ? wildcards, case-sensitively (globMatch folds case, as action names need).
func wildcardMatch(pattern, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(pattern) && (pattern[pi] == '?' || pattern[pi] == s[si]):
			pi++
			si++
		case pi < len(pattern) && pattern[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

// Package policydoc reads IAM policy documents (identity, resource, trust, key and endpoint policies)
// leniently, for rules that judge a document's shape: which actions an Allow grants, on which
// resources, under which condition keys. It never decides whether AWS would allow a request: that is
// policy/model/iameval's work, which refuses what it cannot evaluate.
package policydoc

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// PolicyDoc is a parsed IAM policy document (identity, resource, trust, key or endpoint policy).
type PolicyDoc struct {
	Statements []PolicyStatement
}

// PolicyStatement is one statement, with every string-or-list element normalized to a list.
type PolicyStatement struct {
	Sid          string
	Effect       string
	AnyPrincipal bool
	Principals   map[string][]string
	Actions      []string
	NotActions   []string
	Resources    []string
	NotResources []string
	// Conditions maps an operator to its keys and their values, rendered as strings.
	Conditions map[string]map[string][]string
}

// ParsePolicy parses a policy held as a JSON string or as an object. A document that is not valid JSON or
// not shaped like a policy is an error, which rules report as a violation.
func ParsePolicy(v any) (*PolicyDoc, error) {
	var raw any
	switch x := v.(type) {
	case string:
		if err := json.Unmarshal([]byte(x), &raw); err != nil {
			return nil, fmt.Errorf("policy is not valid JSON: %w", err)
		}
	case map[string]any:
		raw = x
	default:
		return nil, fmt.Errorf("policy is %s; expected a JSON document", engine.Kind(v))
	}
	doc, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("policy is %s; expected a JSON object", engine.Kind(raw))
	}
	var stmts []any
	switch s := doc["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	case nil:
		return nil, fmt.Errorf("policy has no Statement")
	default:
		return nil, fmt.Errorf("policy Statement is %s; expected a list of statements", engine.Kind(s))
	}
	out := &PolicyDoc{}
	for i, e := range stmts {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("policy statement %d is %s; expected an object", i, engine.Kind(e))
		}
		st, err := parseStatement(m)
		if err != nil {
			return nil, fmt.Errorf("policy statement %d: %w", i, err)
		}
		out.Statements = append(out.Statements, st)
	}
	return out, nil
}

// parseStatement reads one statement: its Effect, the string-or-list elements, the principal and the
// conditions, each value rendered as a string.
func parseStatement(m map[string]any) (PolicyStatement, error) {
	st := PolicyStatement{Principals: map[string][]string{}, Conditions: map[string]map[string][]string{}}
	var err error
	st.Sid, _ = m["Sid"].(string)
	st.Effect, _ = m["Effect"].(string)
	if st.Effect != "Allow" && st.Effect != "Deny" {
		return st, fmt.Errorf("effect %s is neither Allow nor Deny", engine.Describe(m["Effect"]))
	}
	for key, dst := range map[string]*[]string{"Action": &st.Actions, "NotAction": &st.NotActions, "Resource": &st.Resources, "NotResource": &st.NotResources} {
		if v, ok := m[key]; ok {
			if *dst, err = stringList(v); err != nil {
				return st, fmt.Errorf("%s: %w", key, err)
			}
		}
	}
	switch p := m["Principal"].(type) {
	case nil:
	case string:
		if p != "*" {
			return st, fmt.Errorf("principal %q: a string principal must be \"*\"", p)
		}
		st.AnyPrincipal = true
	case map[string]any:
		for kind, v := range p {
			list, err := stringList(v)
			if err != nil {
				return st, fmt.Errorf("principal %s: %w", kind, err)
			}
			st.Principals[kind] = list
			if kind == "AWS" && slices.Contains(list, "*") {
				st.AnyPrincipal = true
			}
		}
	default:
		return st, fmt.Errorf("principal is %s", engine.Kind(p))
	}
	if c, ok := m["Condition"]; ok {
		cm, ok := c.(map[string]any)
		if !ok {
			return st, fmt.Errorf("condition is %s; expected an object", engine.Kind(c))
		}
		for op, body := range cm {
			bm, ok := body.(map[string]any)
			if !ok {
				return st, fmt.Errorf("condition %s is %s; expected an object", op, engine.Kind(body))
			}
			st.Conditions[op] = map[string][]string{}
			for key, v := range bm {
				list, err := stringList(v)
				if err != nil {
					return st, fmt.Errorf("condition %s %s: %w", op, key, err)
				}
				st.Conditions[op][key] = list
			}
		}
	}
	return st, nil
}

// stringList reads a string or a list of scalars, rendering booleans and numbers as strings.
func stringList(v any) ([]string, error) {
	scalar := func(e any) (string, error) {
		switch x := e.(type) {
		case string:
			return x, nil
		case bool, float64, int64:
			return fmt.Sprint(x), nil
		}
		return "", fmt.Errorf("%s is not a string", engine.Kind(e))
	}
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, e := range list {
			s, err := scalar(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// GlobMatch matches IAM's wildcards (* and ?), case-insensitively as IAM matches actions.
func GlobMatch(pattern, s string) bool {
	p, str := strings.ToLower(pattern), strings.ToLower(s)
	// Iterative matching with backtracking to the last star.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == str[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
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
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// Allows reports whether an Allow statement grants the action (its Action matches it, or NotAction does
// not exclude it).
func (st PolicyStatement) Allows(action string) bool {
	if st.Effect != "Allow" {
		return false
	}
	if len(st.NotActions) > 0 {
		for _, a := range st.NotActions {
			if GlobMatch(a, action) {
				return false
			}
		}
		return true
	}
	for _, a := range st.Actions {
		if GlobMatch(a, action) {
			return true
		}
	}
	return false
}

// OnAllResources reports whether the statement applies to every resource.
func (st PolicyStatement) OnAllResources() bool {
	return slices.Contains(st.Resources, "*") || len(st.NotResources) > 0
}

// ConditionValues returns the values of a condition key under any of the operators.
func (st PolicyStatement) ConditionValues(key string, operators ...string) []string {
	var out []string
	for _, op := range operators {
		for k, v := range st.Conditions[op] {
			if strings.EqualFold(k, key) {
				out = append(out, v...)
			}
		}
	}
	return out
}

// PolicyAt parses the policy at a property; absent policies return nil without findings.
func PolicyAt(r *engine.Resource, prop string) (*PolicyDoc, []engine.Finding) {
	v, ok := r.Get(prop)
	if !ok {
		return nil, nil
	}
	if engine.IsUnknown(v) {
		return nil, engine.Undecided(prop)
	}
	doc, err := ParsePolicy(v)
	if err != nil {
		return nil, engine.Fail("%s: %v", prop, err)
	}
	return doc, nil
}

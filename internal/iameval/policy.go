// Package iameval evaluates AWS policy documents against a request the way AWS documents it: statements
// match on principal, action and resource; conditions follow the IAM condition operators, including what
// each does when the request does not carry the key; an explicit deny wins; and a request that crosses
// several policies (identity, bucket, VPC endpoint) must be allowed where each applies. It is a pure
// package: the tests that judge the stack's policies feed it the documents from the recorded plan.
//
// It implements what this project's policies use, and refuses (as an error, never a silent pass) an
// operator or element it does not know.
package iameval

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Document is a parsed policy document.
type Document struct {
	Statements []Statement
}

// Statement is one parsed statement. Principal is nil for identity policies.
type Statement struct {
	Sid       string
	Effect    string
	Principal *Principal
	Actions   []string
	Resources []string
	// Conditions maps an operator ("StringNotEqualsIfExists") to context keys and their values.
	Conditions map[string]map[string][]string
}

// Principal is a statement's Principal element.
type Principal struct {
	Anyone   bool
	AWS      []string
	Services []string
}

// Parse reads a policy document. NotAction, NotResource and NotPrincipal are refused: the project uses
// none, and evaluating them wrongly would be worse than not at all.
func Parse(text string) (*Document, error) {
	var raw struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("parse policy: %w", err)
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw.Statement, &list); err != nil {
		var one map[string]json.RawMessage
		if err2 := json.Unmarshal(raw.Statement, &one); err2 != nil {
			return nil, fmt.Errorf("parse policy statements: %w", err)
		}
		list = []map[string]json.RawMessage{one}
	}
	doc := &Document{}
	for i, m := range list {
		st, err := parseStatement(m)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i, err)
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

// MustParse parses a document known to be valid; it panics otherwise (tests only).
func MustParse(text string) *Document {
	d, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return d
}

func parseStatement(m map[string]json.RawMessage) (Statement, error) {
	var st Statement
	for k := range m {
		switch k {
		case "Sid", "Effect", "Principal", "Action", "Resource", "Condition":
		default:
			return st, fmt.Errorf("element %s is not supported by this evaluator", k)
		}
	}
	if v, ok := m["Sid"]; ok {
		if err := json.Unmarshal(v, &st.Sid); err != nil {
			return st, fmt.Errorf("sid: %w", err)
		}
	}
	if err := json.Unmarshal(m["Effect"], &st.Effect); err != nil || (st.Effect != "Allow" && st.Effect != "Deny") {
		return st, fmt.Errorf("effect %s is neither Allow nor Deny", string(m["Effect"]))
	}
	var err error
	if st.Actions, err = stringOrList(m["Action"]); err != nil {
		return st, fmt.Errorf("action: %w", err)
	}
	if v, ok := m["Resource"]; ok {
		if st.Resources, err = stringOrList(v); err != nil {
			return st, fmt.Errorf("resource: %w", err)
		}
	}
	if v, ok := m["Principal"]; ok {
		if st.Principal, err = parsePrincipal(v); err != nil {
			return st, fmt.Errorf("principal: %w", err)
		}
	}
	if v, ok := m["Condition"]; ok {
		var raw map[string]map[string]json.RawMessage
		if err := json.Unmarshal(v, &raw); err != nil {
			return st, fmt.Errorf("condition: %w", err)
		}
		st.Conditions = map[string]map[string][]string{}
		for op, keys := range raw {
			st.Conditions[op] = map[string][]string{}
			for key, val := range keys {
				vals, err := stringOrList(val)
				if err != nil {
					return st, fmt.Errorf("condition %s %s: %w", op, key, err)
				}
				st.Conditions[op][key] = vals
			}
		}
	}
	return st, nil
}

func parsePrincipal(v json.RawMessage) (*Principal, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		if s != "*" {
			return nil, fmt.Errorf("principal %q: only \"*\" may be a bare string", s)
		}
		return &Principal{Anyone: true}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, err
	}
	p := &Principal{}
	for k, raw := range m {
		vals, err := stringOrList(raw)
		if err != nil {
			return nil, err
		}
		switch k {
		case "AWS":
			for _, a := range vals {
				if a == "*" {
					p.Anyone = true
				}
			}
			p.AWS = vals
		case "Service":
			p.Services = vals
		default:
			return nil, fmt.Errorf("principal type %s is not supported by this evaluator", k)
		}
	}
	return p, nil
}

// stringOrList reads a string or a list of strings; booleans and numbers become their JSON text, as
// condition values may be written.
func stringOrList(v json.RawMessage) ([]string, error) {
	if len(v) == 0 {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return []string{s}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err != nil {
		var scalar any
		if err := json.Unmarshal(v, &scalar); err != nil {
			return nil, fmt.Errorf("expected a string or a list of strings: %w", err)
		}
		return []string{strings.Trim(string(v), `"`)}, nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		var s string
		if err := json.Unmarshal(e, &s); err != nil {
			out = append(out, string(e))
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

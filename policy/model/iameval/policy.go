// Package iameval evaluates AWS policy documents against a request the way AWS documents it for one
// account: statements match on principal, action and resource (or their Not forms); conditions follow the
// IAM condition operators, including what each does when the request does not carry the key; an explicit
// deny wins; and a request that crosses several policies (identity, resource, VPC endpoint, KMS key) must
// be allowed where each applies. It is a pure package: the tests and analyses that judge the stack's
// policies feed it the documents from the recorded plan, and ManagedPolicy gives the AWS managed policies
// the stack attaches.
//
// Each rule cites, in its doc comment, the documentation page it follows. What the evaluator cannot decide
// it refuses, as an error, never as a silent pass: an unknown element or operator, a wildcard inside a
// principal, a policy variable without a value, a NotPrincipal exception it cannot settle.
package iameval

import (
	"encoding/json"
	"fmt"
	"strings"
)

// VariablesVersion is the policy language version that introduced policy variables; in documents of an
// earlier version (or none) "${...}" is literal text (IAM User Guide, "IAM JSON policy elements: Version",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
const VariablesVersion = "2012-10-17"

// Document is a parsed policy document.
type Document struct {
	// Version is the policy language version ("2012-10-17"); empty when the document has none.
	Version string
	// ID is the document's optional Id element.
	ID         string
	Statements []Statement
}

// Statement is one parsed statement. Principal and NotPrincipal are nil for identity policies; exactly
// one of Actions and NotActions is set; Resources and NotResources are both empty only in a role trust
// policy, whose resource is the role itself.
type Statement struct {
	Sid          string
	Effect       string
	Principal    *Principal
	NotPrincipal *Principal
	Actions      []string
	NotActions   []string
	Resources    []string
	NotResources []string
	// Conditions maps an operator ("StringNotEqualsIfExists", "ForAnyValue:StringLike") to context keys
	// and their values.
	Conditions map[string]map[string][]string
}

// Principal is a statement's Principal (or NotPrincipal) element (IAM User Guide, "AWS JSON policy
// elements: Principal", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
type Principal struct {
	// Anyone is "*" or {"AWS": "*"}: every principal, anonymous ones included.
	Anyone bool
	// AWS holds account ids, account root ARNs, role, user and session ARNs.
	AWS []string
	// Services holds service principals ("cloudtrail.amazonaws.com").
	Services []string
	// CanonicalUsers holds S3 canonical user ids.
	CanonicalUsers []string
	// Federated holds identity providers (web identity or SAML), as role trust policies name them.
	Federated []string
}

// Parse reads a policy document and checks what the evaluator can evaluate: the elements of each
// statement, the Effect, the principal forms (no wildcard inside a principal ARN, as the Principal page
// says) and the condition operators. A NotPrincipal must come with "Effect": "Deny" (IAM User Guide, "AWS
// JSON policy elements: NotPrincipal").
func Parse(text string) (*Document, error) {
	var raw struct {
		Version   string
		ID        string `json:"Id"`
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
	doc := &Document{Version: raw.Version, ID: raw.ID}
	for i, m := range list {
		st, err := parseStatement(m)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i, err)
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

// MustParse parses a document known to be valid; it panics otherwise (tests and embedded data only).
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
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition":
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
	if err := parseActionsAndResources(m, &st); err != nil {
		return st, err
	}
	if err := parsePrincipals(m, &st); err != nil {
		return st, err
	}
	if v, ok := m["Condition"]; ok {
		conds, err := parseConditions(v)
		if err != nil {
			return st, err
		}
		st.Conditions = conds
	}
	return st, nil
}

// parseActionsAndResources reads Action or NotAction (exactly one, IAM User Guide, "IAM JSON policy
// elements: NotAction") and Resource or NotResource (at most one, "IAM JSON policy elements:
// NotResource").
func parseActionsAndResources(m map[string]json.RawMessage, st *Statement) error {
	_, hasAction := m["Action"]
	_, hasNotAction := m["NotAction"]
	if hasAction == hasNotAction {
		return fmt.Errorf("a statement has exactly one of Action and NotAction")
	}
	if _, hasResource := m["Resource"]; hasResource {
		if _, hasNot := m["NotResource"]; hasNot {
			return fmt.Errorf("a statement has at most one of Resource and NotResource")
		}
	}
	for key, dst := range map[string]*[]string{"Action": &st.Actions, "NotAction": &st.NotActions, "Resource": &st.Resources, "NotResource": &st.NotResources} {
		v, ok := m[key]
		if !ok {
			continue
		}
		list, err := stringOrList(v)
		if err != nil {
			return fmt.Errorf("%s: %w", strings.ToLower(key), err)
		}
		if len(list) == 0 {
			return fmt.Errorf("%s is empty", key)
		}
		*dst = list
	}
	return nil
}

func parsePrincipals(m map[string]json.RawMessage, st *Statement) error {
	_, hasPrincipal := m["Principal"]
	_, hasNot := m["NotPrincipal"]
	if hasPrincipal && hasNot {
		return fmt.Errorf("a statement has at most one of Principal and NotPrincipal")
	}
	var err error
	if hasPrincipal {
		if st.Principal, err = parsePrincipal(m["Principal"]); err != nil {
			return fmt.Errorf("principal: %w", err)
		}
	}
	if hasNot {
		if st.Effect != "Deny" {
			return fmt.Errorf("NotPrincipal must be used with \"Effect\": \"Deny\" (IAM User Guide, \"AWS JSON policy elements: NotPrincipal\")")
		}
		if st.NotPrincipal, err = parsePrincipal(m["NotPrincipal"]); err != nil {
			return fmt.Errorf("not principal: %w", err)
		}
	}
	return nil
}

func parseConditions(v json.RawMessage) (map[string]map[string][]string, error) {
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(v, &raw); err != nil {
		return nil, fmt.Errorf("condition: %w", err)
	}
	conds := map[string]map[string][]string{}
	for op, keys := range raw {
		if _, err := parseOperator(op); err != nil {
			return nil, err
		}
		conds[op] = map[string][]string{}
		for key, val := range keys {
			vals, err := stringOrList(val)
			if err != nil {
				return nil, fmt.Errorf("condition %s %s: %w", op, key, err)
			}
			conds[op][key] = vals
		}
	}
	return conds, nil
}

// parsePrincipal reads the forms the Principal page lists: "*", {"AWS": ...} (account ids, root, role,
// user and session ARNs, "*"), {"Service": ...}, {"CanonicalUser": ...} and {"Federated": ...}. A
// wildcard inside a principal name is refused: "You cannot use a wildcard to match part of a principal
// name or ARN."
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
		for _, val := range vals {
			if val != "*" && strings.ContainsAny(val, "*?") {
				return nil, fmt.Errorf("principal %q: a wildcard cannot match part of a principal name or ARN", val)
			}
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
		case "CanonicalUser":
			p.CanonicalUsers = vals
		case "Federated":
			p.Federated = vals
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

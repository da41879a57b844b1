package rules

import (
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// Shape-aware property readers the rule families share: each reads a value at a dotted path, says what is
// wrong when a value on the way has the wrong shape (a string where an object was expected), and counts an
// unknown value as the rule needs (set, or undecided).

// objectShape reports the first step of a dotted path below node that holds something other than an object
// (a string where metadataOptions was expected), which lookup would report as merely missing: propAt's
// shape findings, without the value.
func objectShape(node any, path string) []engine.Finding {
	_, _, problems := propAt(node, path)
	return problems
}

// shapedBoolAt is boolAt with the path as its display, reporting an intermediate value of the wrong shape.
func shapedBoolAt(node any, path string, want, missingOK bool) []engine.Finding {
	if f := objectShape(node, path); f != nil {
		return f
	}
	return engine.BoolAt(node, path, path, want, missingOK)
}

// shapedStringAt is stringAt with the path as its display, reporting an intermediate value of the wrong shape.
func shapedStringAt(node any, path string, missingOK bool, accepted ...string) []engine.Finding {
	if f := objectShape(node, path); f != nil {
		return f
	}
	return engine.StringAt(node, path, path, missingOK, accepted...)
}

// presentRef reports whether a reference-like string property (a name, an id, an arn) is set: an Unknown
// value is set (it will hold the reference); an empty string is not; another kind is a shape finding.
func presentRef(node any, path string) (bool, []engine.Finding) {
	if f := objectShape(node, path); f != nil {
		return false, f
	}
	v, ok := engine.Lookup(node, path)
	switch {
	case !ok:
		return false, nil
	case engine.IsUnknown(v):
		return true, nil
	}
	s, isString := v.(string)
	if !isString {
		return false, engine.Fail("%s is %s (%s); expected a string", path, engine.Kind(v), engine.Describe(v))
	}
	return strings.TrimSpace(s) != "", nil
}

// propAt returns the value at a dotted path below node, like lookup, and says what is wrong when the path
// crosses a value that is neither an object nor absent. An Unknown on the way is returned as Unknown.
func propAt(node any, path string) (any, bool, []engine.Finding) {
	cur := node
	parts := strings.Split(path, ".")
	for i, part := range parts {
		if engine.IsUnknown(cur) {
			return engine.Unknown, true, nil
		}
		m, ok := cur.(map[string]any)
		if !ok {
			if cur == nil {
				return nil, false, nil
			}
			where := strings.Join(parts[:i], ".")
			if where == "" {
				where = "the value"
			}
			return nil, false, engine.Fail("%s is %s (%s); expected an object", where, engine.Kind(cur), engine.Describe(cur))
		}
		if cur, ok = m[part]; !ok {
			return nil, false, nil
		}
	}
	return cur, cur != nil, nil
}

// hasStringAt reports whether a non-empty string (or an Unknown, which will hold one) is at path; a
// value of another shape comes back as a finding.
func hasStringAt(node any, path string) (bool, []engine.Finding) {
	v, ok, problems := propAt(node, path)
	if problems != nil || !ok {
		return false, problems
	}
	if engine.IsUnknown(v) {
		return true, nil
	}
	s, isString := v.(string)
	if !isString {
		return false, engine.Fail("%s is %s (%s); expected a string", path, engine.Kind(v), engine.Describe(v))
	}
	return strings.TrimSpace(s) != "", nil
}

// requiredAt reads the value at path that requireStringAt or requireStringListAt judges. judged is true
// when the answer is already known without the value's kind: a path that crosses a value of the wrong
// shape, or a missing value (why says what goes wrong without it), or an Unknown, which counts as set since
// it will hold a reference.
func requiredAt(node any, path, why string) (v any, judged bool, out []engine.Finding) {
	v, ok, problems := propAt(node, path)
	switch {
	case problems != nil:
		return nil, true, problems
	case !ok:
		return nil, true, engine.Fail("%s is not set: %s", path, why)
	case engine.IsUnknown(v):
		return nil, true, nil
	}
	return v, false, nil
}

// requireStringAt requires a non-empty string at path; an Unknown counts as set (it will hold a reference).
// why says what goes wrong without it.
func requireStringAt(node any, path, why string) []engine.Finding {
	v, judged, out := requiredAt(node, path, why)
	if judged {
		return out
	}
	s, isString := v.(string)
	if !isString {
		return engine.Fail("%s is %s (%s); expected a string", path, engine.Kind(v), engine.Describe(v))
	}
	if strings.TrimSpace(s) == "" {
		return engine.Fail("%s is empty: %s", path, why)
	}
	return nil
}

// requireStringListAt requires a non-empty list of strings at path; an Unknown list or element counts as set.
func requireStringListAt(node any, path, why string) []engine.Finding {
	v, judged, out := requiredAt(node, path, why)
	if judged {
		return out
	}
	list, isList := v.([]any)
	if !isList {
		return engine.Fail("%s is %s (%s); expected a list of strings", path, engine.Kind(v), engine.Describe(v))
	}
	if len(list) == 0 {
		return engine.Fail("%s is empty: %s", path, why)
	}
	for i, e := range list {
		if _, isString := e.(string); !isString && !engine.IsUnknown(e) {
			return engine.Fail("%s[%d] is %s (%s); expected a string", path, i, engine.Kind(e), engine.Describe(e))
		}
	}
	return nil
}

// requireCustomerKeyAt requires a KMS key at path that is not an AWS managed key (alias/aws/...): PHI is
// encrypted with the project's key, whose key policy this project controls.
func requireCustomerKeyAt(node any, path, why string) []engine.Finding {
	if out := requireStringAt(node, path, why); out != nil {
		return out
	}
	s := engine.StringAtOr(node, path)
	if strings.Contains(strings.ToLower(s), "alias/aws/") {
		return engine.Fail("%s is %q, an AWS managed key; it must be a customer managed key (the project key)", path, s)
	}
	return nil
}

// logArnAt requires an ARN (or id) string at path; an unknown value counts as set, since it will hold the
// referenced resource's ARN.
func logArnAt(node any, path, why string) []engine.Finding {
	if out := engine.SetAt(node, path, path, why); len(out) > 0 {
		return out
	}
	v, _ := engine.Lookup(node, path)
	if _, isString := v.(string); !isString && !engine.IsUnknown(v) {
		return engine.Fail("%s is %s (%s); expected an ARN: %s", path, engine.Kind(v), engine.Describe(v), why)
	}
	return nil
}

// requireKMSKeyID returns the check of a resource that names its KMS key in kmsKeyId, as trails and log
// groups do: the key's ARN or id must be set; why says what goes wrong without one.
func requireKMSKeyID(why string) func(r *engine.Resource) []engine.Finding {
	return func(r *engine.Resource) []engine.Finding {
		return logArnAt(r.Props, "kmsKeyId", why)
	}
}

// netEmptyList requires the list at prop to be absent or empty.
func netEmptyList(r *engine.Resource, prop, noun, why string) []engine.Finding {
	v, ok := r.Get(prop)
	if !ok {
		return nil
	}
	if engine.IsUnknown(v) {
		return engine.Undecided(prop)
	}
	list, isList := v.([]any)
	if !isList {
		return engine.Fail("%s is %s (%s); expected an empty list", prop, engine.Kind(v), engine.Describe(v))
	}
	if len(list) > 0 {
		return engine.Fail("%s has %d %s; %s", prop, len(list), noun, why)
	}
	return nil
}

// isString reports whether v is a string.
func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// shortType renders a type token for messages: "aws:ec2/eip:Eip" becomes "eip".
func shortType(typ string) string {
	if i := strings.LastIndex(typ, ":"); i >= 0 {
		typ = typ[i+1:]
	}
	return strings.ToLower(typ)
}

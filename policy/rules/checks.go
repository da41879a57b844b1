package rules

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// lookup returns the value at a dotted path below node; the bool is false when the path is absent or
// crosses a value that is not an object. An Unknown on the way is returned as Unknown.
func lookup(node any, path string) (any, bool) {
	cur := node
	for _, part := range strings.Split(path, ".") {
		if IsUnknown(cur) {
			return Unknown, true
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

// fail returns one finding.
func fail(format string, args ...any) []Finding {
	return []Finding{{Message: fmt.Sprintf(format, args...)}}
}

// undecided returns one finding the rule cannot decide before deployment.
func undecided(path string) []Finding {
	return []Finding{{Message: path + " is unknown until deployment, so the rule cannot judge it", Undecided: true}}
}

// asBool reads a boolean, also in the string form some AWS properties use ("true").
func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(x)
		return b, err == nil
	}
	return false, false
}

// asInt reads an integral number, also from its string form.
func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return int64(x), true
		}
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// boolAt requires the boolean at path below node (shown as display) to equal want. missingOK accepts an
// absent value (when the provider's default is the compliant one).
func boolAt(node any, path, display string, want, missingOK bool) []Finding {
	v, ok := lookup(node, path)
	switch {
	case !ok && missingOK:
		return nil
	case !ok:
		return fail("%s is not set; it must be %v", display, want)
	case IsUnknown(v):
		return undecided(display)
	}
	b, isBool := asBool(v)
	if !isBool {
		return fail("%s is %s (%s); expected the boolean %v", display, kind(v), describe(v), want)
	}
	if b != want {
		return fail("%s is %v; it must be %v", display, b, want)
	}
	return nil
}

// stringAt requires the string at path to be one of accepted.
func stringAt(node any, path, display string, missingOK bool, accepted ...string) []Finding {
	v, ok := lookup(node, path)
	switch {
	case !ok && missingOK:
		return nil
	case !ok:
		return fail("%s is not set; it must be %s", display, strings.Join(accepted, " or "))
	case IsUnknown(v):
		return undecided(display)
	}
	s, isString := v.(string)
	if !isString {
		return fail("%s is %s (%s); expected a string: %s", display, kind(v), describe(v), strings.Join(accepted, " or "))
	}
	for _, a := range accepted {
		if strings.EqualFold(s, a) {
			return nil
		}
	}
	return fail("%s is %q; it must be %s", display, s, strings.Join(accepted, " or "))
}

// setAt requires a non-empty value at path. An unknown value is set (it will hold a reference).
func setAt(node any, path, display, why string) []Finding {
	v, ok := lookup(node, path)
	if !ok {
		return fail("%s is not set: %s", display, why)
	}
	switch x := v.(type) {
	case string:
		if strings.TrimSpace(x) == "" {
			return fail("%s is empty: %s", display, why)
		}
	case []any:
		if len(x) == 0 {
			return fail("%s is empty: %s", display, why)
		}
	case map[string]any:
		if len(x) == 0 {
			return fail("%s is empty: %s", display, why)
		}
	}
	return nil
}

// intAt requires an integer at path within [lo, hi].
func intAt(node any, path, display string, missingOK bool, lo, hi int64) []Finding {
	v, ok := lookup(node, path)
	switch {
	case !ok && missingOK:
		return nil
	case !ok:
		return fail("%s is not set; it must be between %d and %d", display, lo, hi)
	case IsUnknown(v):
		return undecided(display)
	}
	n, isInt := asInt(v)
	if !isInt {
		return fail("%s is %s (%s); expected a whole number", display, kind(v), describe(v))
	}
	if n < lo || n > hi {
		return fail("%s is %d; it must be between %d and %d", display, n, lo, hi)
	}
	return nil
}

// objectsAt returns the objects of a list at path (a single object counts as a list of one). Shape
// problems come back as findings; an absent path is an empty list.
func objectsAt(node any, path, display string) ([]map[string]any, []Finding) {
	v, ok := lookup(node, path)
	if !ok {
		return nil, nil
	}
	if IsUnknown(v) {
		return nil, undecided(display)
	}
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}, nil
	case []any:
		out := make([]map[string]any, 0, len(x))
		var findings []Finding
		for i, e := range x {
			switch m := e.(type) {
			case map[string]any:
				out = append(out, m)
			default:
				if IsUnknown(e) {
					findings = append(findings, undecided(fmt.Sprintf("%s[%d]", display, i))...)
					continue
				}
				findings = append(findings, fail("%s[%d] is %s; expected an object", display, i, kind(e))...)
			}
		}
		return out, findings
	}
	return nil, fail("%s is %s; expected a list of objects", display, kind(v))
}

// stringAtOr returns the string at path, or "" when it is absent, unknown or not a string.
func stringAtOr(node any, path string) string {
	v, _ := lookup(node, path)
	s, _ := v.(string)
	return s
}

// withURN sets the URN of findings that have none.
func withURN(urn string, fs []Finding) []Finding {
	for i := range fs {
		if fs[i].URN == "" {
			fs[i].URN = urn
		}
	}
	return fs
}

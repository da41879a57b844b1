package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Lookup returns the value at a dotted path below node; the bool is false when the path is absent or
// crosses a value that is not an object. An Unknown on the way is returned as Unknown.
func Lookup(node any, path string) (any, bool) {
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

// Fail returns one finding.
func Fail(format string, args ...any) []Finding {
	return []Finding{{Message: fmt.Sprintf(format, args...)}}
}

// Undecided returns one finding the rule cannot decide before deployment.
func Undecided(path string) []Finding {
	return []Finding{{Message: path + " is unknown until deployment, so the rule cannot judge it", Undecided: true}}
}

// AsBool reads a boolean, also in the string form some AWS properties use ("true").
func AsBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(x)
		return b, err == nil
	}
	return false, false
}

// AsInt reads an integral number, also from its string form.
func AsInt(v any) (int64, bool) {
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

// BoolAt requires the boolean at path below node (shown as display) to equal want. missingOK accepts an
// absent value (when the provider's default is the compliant one).
func BoolAt(node any, path, display string, want, missingOK bool) []Finding {
	v, ok := Lookup(node, path)
	switch {
	case !ok && missingOK:
		return nil
	case !ok:
		return Fail("%s is not set; it must be %v", display, want)
	case IsUnknown(v):
		return Undecided(display)
	}
	b, isBool := AsBool(v)
	if !isBool {
		return Fail("%s is %s (%s); expected the boolean %v", display, Kind(v), Describe(v), want)
	}
	if b != want {
		return Fail("%s is %v; it must be %v", display, b, want)
	}
	return nil
}

// StringAt requires the string at path to be one of accepted.
func StringAt(node any, path, display string, missingOK bool, accepted ...string) []Finding {
	v, ok := Lookup(node, path)
	switch {
	case !ok && missingOK:
		return nil
	case !ok:
		return Fail("%s is not set; it must be %s", display, strings.Join(accepted, " or "))
	case IsUnknown(v):
		return Undecided(display)
	}
	s, isString := v.(string)
	if !isString {
		return Fail("%s is %s (%s); expected a string: %s", display, Kind(v), Describe(v), strings.Join(accepted, " or "))
	}
	for _, a := range accepted {
		if strings.EqualFold(s, a) {
			return nil
		}
	}
	return Fail("%s is %q; it must be %s", display, s, strings.Join(accepted, " or "))
}

// SetAt requires a non-empty value at path. An unknown value is set (it will hold a reference).
func SetAt(node any, path, display, why string) []Finding {
	v, ok := Lookup(node, path)
	if !ok {
		return Fail("%s is not set: %s", display, why)
	}
	switch x := v.(type) {
	case string:
		if strings.TrimSpace(x) == "" {
			return Fail("%s is empty: %s", display, why)
		}
	case []any:
		if len(x) == 0 {
			return Fail("%s is empty: %s", display, why)
		}
	case map[string]any:
		if len(x) == 0 {
			return Fail("%s is empty: %s", display, why)
		}
	}
	return nil
}

// IntAt requires an integer at path within [lo, hi].
func IntAt(node any, path, display string, missingOK bool, lo, hi int64) []Finding {
	v, ok := Lookup(node, path)
	switch {
	case !ok && missingOK:
		return nil
	case !ok:
		return Fail("%s is not set; it must be between %d and %d", display, lo, hi)
	case IsUnknown(v):
		return Undecided(display)
	}
	n, isInt := AsInt(v)
	if !isInt {
		return Fail("%s is %s (%s); expected a whole number", display, Kind(v), Describe(v))
	}
	if n < lo || n > hi {
		return Fail("%s is %d; it must be between %d and %d", display, n, lo, hi)
	}
	return nil
}

// ObjectsAt returns the objects of a list at path (a single object counts as a list of one). Shape
// problems come back as findings; an absent path is an empty list.
func ObjectsAt(node any, path, display string) ([]map[string]any, []Finding) {
	v, ok := Lookup(node, path)
	if !ok {
		return nil, nil
	}
	if IsUnknown(v) {
		return nil, Undecided(display)
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
					findings = append(findings, Undecided(fmt.Sprintf("%s[%d]", display, i))...)
					continue
				}
				findings = append(findings, Fail("%s[%d] is %s; expected an object", display, i, Kind(e))...)
			}
		}
		return out, findings
	}
	return nil, Fail("%s is %s; expected a list of objects", display, Kind(v))
}

// StringAtOr returns the string at path, or "" when it is absent, unknown or not a string.
func StringAtOr(node any, path string) string {
	v, _ := Lookup(node, path)
	s, _ := v.(string)
	return s
}

// WithURN sets the URN of findings that have none.
func WithURN(urn string, fs []Finding) []Finding {
	for i := range fs {
		if fs[i].URN == "" {
			fs[i].URN = urn
		}
	}
	return fs
}

package netflow

// Readers of the property values the evaluator needs beyond the shared network model: address
// blocks, id lists, numbers and booleans, in the forms JSON and the recording mock give them.

import (
	"net/netip"

	"github.com/sce-project/sce/policy/engine"
)

// prefixAt parses a block or an address (as a /32 or /128) held at a property.
func prefixAt(r *engine.Resource, prop string) (netip.Prefix, bool) {
	v, _ := r.Props[prop].(string)
	if v == "" {
		return netip.Prefix{}, false
	}
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(v); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// stringsOf returns the strings in a string or a list of strings.
func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// intOf reads an integral number as JSON or the mock gives it.
func intOf(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		return int64(x), x == float64(int64(x))
	case int64:
		return x, true
	case int:
		return int64(x), true
	}
	return 0, false
}

// asBool reads a boolean, also in the string form launch templates use ("true").
func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		return x == "true", x == "true" || x == "false"
	}
	return false, false
}

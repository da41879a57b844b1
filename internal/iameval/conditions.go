package iameval

import (
	"fmt"
	"strings"
)

// conditionsHold reports whether every condition of a statement holds for the request context: the
// operators of one statement are ANDed, and so are the keys of one operator; the values of one key are
// ORed (IAM User Guide, "Creating a condition with multiple keys or values").
func conditionsHold(conds map[string]map[string][]string, ctx map[string][]string) (bool, error) {
	for op, keys := range conds {
		for key, want := range keys {
			ok, err := holds(op, key, want, ctx)
			if err != nil {
				return false, err
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
}

// holds evaluates one operator on one key. When the request does not carry the key (IAM User Guide,
// "Condition operators"): an ...IfExists operator holds; Null holds if it asks for "true"; a negated
// operator (StringNotEquals, ArnNotLike, ...) holds, because no value of the request equals a policy
// value; every other operator fails.
func holds(op, key string, want []string, ctx map[string][]string) (bool, error) {
	if strings.HasPrefix(op, "ForAnyValue:") || strings.HasPrefix(op, "ForAllValues:") {
		return false, fmt.Errorf("operator %s: set operators are not supported by this evaluator", op)
	}
	got, present := lookup(ctx, key)
	if op == "Null" {
		if len(want) != 1 || (want[0] != "true" && want[0] != "false") {
			return false, fmt.Errorf("operator Null on %s: the value must be true or false", key)
		}
		return (want[0] == "true") == !present, nil
	}
	base, ifExists := strings.CutSuffix(op, "IfExists")
	cmp, negated, err := comparator(base)
	if err != nil {
		return false, err
	}
	if !present {
		return ifExists || negated, nil
	}
	for _, g := range got {
		for _, w := range want {
			if cmp(w, g) {
				return !negated, nil
			}
		}
	}
	return negated, nil
}

// lookup finds a context key; key names compare case-insensitively, as IAM does.
func lookup(ctx map[string][]string, key string) ([]string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// comparator returns the positive comparison of an operator and whether the operator negates it.
func comparator(op string) (func(want, got string) bool, bool, error) {
	switch op {
	case "StringEquals", "ArnEquals":
		return func(w, g string) bool { return w == g }, false, nil
	case "StringNotEquals", "ArnNotEquals":
		return func(w, g string) bool { return w == g }, true, nil
	case "StringEqualsIgnoreCase":
		return strings.EqualFold, false, nil
	case "StringNotEqualsIgnoreCase":
		return strings.EqualFold, true, nil
	case "StringLike", "ArnLike":
		return func(w, g string) bool { return globMatch(w, g) }, false, nil
	case "StringNotLike", "ArnNotLike":
		return func(w, g string) bool { return globMatch(w, g) }, true, nil
	case "Bool":
		return strings.EqualFold, false, nil
	}
	return nil, false, fmt.Errorf("operator %s is not supported by this evaluator", op)
}

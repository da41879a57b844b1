package iameval

import (
	"fmt"
	"sort"
	"strings"
)

// conditionsHold reports whether every condition of a statement holds for the request context (IAM
// User Guide, "Conditions with multiple context keys or values",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
// "the condition operators are evaluated using a logical AND", so are the context keys of one operator;
// the values of one key "are evaluated using a logical OR", and for "a single negated matching condition
// operator ... using a logical NOR".
// vars is the context policy variables resolve from, nil when the document does not support them.
func conditionsHold(conds map[string]map[string][]string, ctx, vars map[string][]string) (bool, error) {
	ops := make([]string, 0, len(conds))
	for op := range conds {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		keys := make([]string, 0, len(conds[op]))
		for k := range conds[op] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			ok, err := holdsWith(op, key, conds[op][key], ctx, vars)
			if err != nil {
				return false, fmt.Errorf("condition %s %s: %w", op, key, err)
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
}

// holds evaluates one operator on one key, without policy variables.
func holds(op, key string, want []string, ctx map[string][]string) (bool, error) {
	return holdsWith(op, key, want, ctx, nil)
}

// holdsWith evaluates one operator on one key (IAM User Guide, "IAM JSON policy elements: Condition
// operators", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
//
//   - "If the key that you specify in a policy condition is not present in the request context, the
//     values do not match and the condition is false. If the policy condition requires that the key is
//     not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition
//     is true."
//   - ...IfExists: "If the key is not present, evaluate the condition element as true."
//   - Null: true means the key is absent, false that it is present.
//   - ForAnyValue: and ForAllValues: test each value of a multivalued key ("Single-valued vs.
//     multivalued context keys",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html):
//     ForAnyValue holds when at least one request value satisfies the operator, ForAllValues when every
//     one does; "If the key values in the request resolve to an empty data set ..., a condition operator
//     modified by ForAllValues returns true, and a condition operator modified by ForAnyValue returns
//     false" (IAM User Guide, "Creating a condition that tests multiple key values"), an absent key
//     included; with IfExists an absent key makes either hold. For a negated operator a request value
//     satisfies it when it matches none of the policy values.
//   - Without a set operator, a key with several values in the request satisfies a positive operator
//     when one of them matches one policy value, and a negated operator when none does.
func holdsWith(op, key string, want []string, ctx, vars map[string][]string) (bool, error) {
	o, err := parseOperator(op)
	if err != nil {
		return false, err
	}
	got, present := lookup(ctx, key)
	if o.kind == nullOp {
		if len(want) != 1 || (want[0] != "true" && want[0] != "false") {
			return false, fmt.Errorf("operator Null on %s: the value must be true or false", key)
		}
		return (want[0] == "true") == !present, nil
	}
	if !o.variables {
		vars = nil
	}
	m, err := o.matcher(want, vars)
	if err != nil {
		return false, err
	}
	switch o.set {
	case forAnyValue, forAllValues:
		if !present && o.ifExists {
			return true, nil
		}
		if len(got) == 0 {
			return o.set == forAllValues, nil
		}
		for _, g := range got {
			hit, err := m(g)
			if err != nil {
				return false, err
			}
			satisfied := hit != o.negated
			if o.set == forAnyValue && satisfied {
				return true, nil
			}
			if o.set == forAllValues && !satisfied {
				return false, nil
			}
		}
		return o.set == forAllValues, nil
	}
	if !present {
		return o.ifExists || o.negated, nil
	}
	for _, g := range got {
		hit, err := m(g)
		if err != nil {
			return false, err
		}
		if hit {
			return !o.negated, nil
		}
	}
	return o.negated, nil
}

// lookup finds a context key; key names compare case-insensitively, as IAM does ("Key names are
// case-insensitive", IAM User Guide, "IAM policy elements: Variables and tags").
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

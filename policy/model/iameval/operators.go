package iameval

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// opKind is the family of a condition operator.
type opKind int

const (
	stringOp opKind = iota
	stringIgnoreCaseOp
	stringLikeOp
	numericOp
	dateOp
	boolOp
	binaryOp
	ipOp
	arnOp
	nullOp
)

// relation is the comparison of a numeric or date operator.
type relation int

const (
	equal relation = iota
	less
	lessOrEqual
	greater
	greaterOrEqual
)

type setOp int

const (
	noSet setOp = iota
	forAnyValue
	forAllValues
)

// operator is a parsed condition operator name such as "ForAllValues:StringNotLikeIfExists".
type operator struct {
	kind      opKind
	rel       relation
	negated   bool
	ifExists  bool
	set       setOp
	variables bool // whether its values may hold policy variables
}

// baseOperator gives the meaning of the operator names of IAM User Guide, "IAM JSON policy elements:
// Condition operators"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
// Policy variables are allowed with the string, ARN and Boolean operators, as that page says.
func baseOperator(name string) (operator, bool) {
	switch name {
	case "StringEquals":
		return operator{kind: stringOp, variables: true}, true
	case "StringNotEquals":
		return operator{kind: stringOp, negated: true, variables: true}, true
	case "StringEqualsIgnoreCase":
		return operator{kind: stringIgnoreCaseOp, variables: true}, true
	case "StringNotEqualsIgnoreCase":
		return operator{kind: stringIgnoreCaseOp, negated: true, variables: true}, true
	case "StringLike":
		return operator{kind: stringLikeOp, variables: true}, true
	case "StringNotLike":
		return operator{kind: stringLikeOp, negated: true, variables: true}, true
	case "NumericEquals":
		return operator{kind: numericOp, rel: equal}, true
	case "NumericNotEquals":
		return operator{kind: numericOp, rel: equal, negated: true}, true
	case "NumericLessThan":
		return operator{kind: numericOp, rel: less}, true
	case "NumericLessThanEquals":
		return operator{kind: numericOp, rel: lessOrEqual}, true
	case "NumericGreaterThan":
		return operator{kind: numericOp, rel: greater}, true
	case "NumericGreaterThanEquals":
		return operator{kind: numericOp, rel: greaterOrEqual}, true
	case "DateEquals":
		return operator{kind: dateOp, rel: equal}, true
	case "DateNotEquals":
		return operator{kind: dateOp, rel: equal, negated: true}, true
	case "DateLessThan":
		return operator{kind: dateOp, rel: less}, true
	case "DateLessThanEquals":
		return operator{kind: dateOp, rel: lessOrEqual}, true
	case "DateGreaterThan":
		return operator{kind: dateOp, rel: greater}, true
	case "DateGreaterThanEquals":
		return operator{kind: dateOp, rel: greaterOrEqual}, true
	case "Bool":
		return operator{kind: boolOp, variables: true}, true
	case "BinaryEquals":
		return operator{kind: binaryOp}, true
	case "IpAddress":
		return operator{kind: ipOp}, true
	case "NotIpAddress":
		return operator{kind: ipOp, negated: true}, true
	case "ArnEquals":
		return operator{kind: arnOp, variables: true}, true
	case "ArnLike":
		return operator{kind: arnOp, variables: true}, true
	case "ArnNotEquals":
		return operator{kind: arnOp, negated: true, variables: true}, true
	case "ArnNotLike":
		return operator{kind: arnOp, negated: true, variables: true}, true
	case "Null":
		return operator{kind: nullOp}, true
	}
	return operator{}, false
}

// parseOperator reads an operator name: an optional ForAnyValue: or ForAllValues: qualifier, the base
// operator, and an optional IfExists suffix ("You can add IfExists to the end of any condition operator
// name except the Null condition"). Anything else is refused.
func parseOperator(name string) (operator, error) {
	rest, set := name, noSet
	if r, ok := strings.CutPrefix(rest, "ForAnyValue:"); ok {
		rest, set = r, forAnyValue
	} else if r, ok := strings.CutPrefix(rest, "ForAllValues:"); ok {
		rest, set = r, forAllValues
	}
	base, ifExists := strings.CutSuffix(rest, "IfExists")
	o, ok := baseOperator(base)
	if !ok {
		return operator{}, fmt.Errorf("operator %s is not supported by this evaluator", name)
	}
	if o.kind == nullOp && (ifExists || set != noSet) {
		return operator{}, fmt.Errorf("operator %s: Null takes neither IfExists nor a set operator", name)
	}
	o.ifExists, o.set = ifExists, set
	return o, nil
}

// matcher compiles the policy values of one key into a test of one request value: whether the value
// matches one of them (before negation).
func (o operator) matcher(want []string, vars map[string][]string) (func(got string) (bool, error), error) {
	switch o.kind {
	case numericOp:
		return numericMatcher(o.rel, want)
	case dateOp:
		return dateMatcher(o.rel, want)
	case binaryOp:
		return binaryMatcher(want)
	case ipOp:
		return ipMatcher(want)
	case arnOp:
		return arnMatcher(want, vars)
	case stringLikeOp:
		globs := make([][]rune, len(want))
		for i, w := range want {
			g, err := compileGlob(w, vars)
			if err != nil {
				return nil, err
			}
			globs[i] = g
		}
		return func(got string) (bool, error) {
			for _, g := range globs {
				if globMatch(g, []rune(got)) {
					return true, nil
				}
			}
			return false, nil
		}, nil
	}
	values := make([]string, len(want))
	for i, w := range want {
		v, err := substitute(w, vars)
		if err != nil {
			return nil, err
		}
		values[i] = v
	}
	fold := o.kind == stringIgnoreCaseOp || o.kind == boolOp
	return func(got string) (bool, error) {
		for _, v := range values {
			if v == got || (fold && strings.EqualFold(v, got)) {
				return true, nil
			}
		}
		return false, nil
	}, nil
}

// numericMatcher compares "an integer or decimal value" (Numeric condition operators).
func numericMatcher(rel relation, want []string) (func(string) (bool, error), error) {
	nums := make([]float64, len(want))
	for i, w := range want {
		n, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
		if err != nil || math.IsNaN(n) {
			return nil, fmt.Errorf("numeric operator: policy value %q is not a number", w)
		}
		nums[i] = n
	}
	return func(got string) (bool, error) {
		g, err := strconv.ParseFloat(strings.TrimSpace(got), 64)
		if err != nil || math.IsNaN(g) {
			return false, fmt.Errorf("numeric operator: request value %q is not a number", got)
		}
		for _, n := range nums {
			if compare(rel, compareFloat(g, n)) {
				return true, nil
			}
		}
		return false, nil
	}, nil
}

// dateMatcher compares date/time values given "with one of the W3C implementations of the ISO 8601 date
// formats or in epoch (UNIX) time" (Date condition operators).
func dateMatcher(rel relation, want []string) (func(string) (bool, error), error) {
	times := make([]time.Time, len(want))
	for i, w := range want {
		t, err := parseDate(w)
		if err != nil {
			return nil, fmt.Errorf("date operator: policy value: %w", err)
		}
		times[i] = t
	}
	return func(got string) (bool, error) {
		g, err := parseDate(got)
		if err != nil {
			return false, fmt.Errorf("date operator: request value: %w", err)
		}
		for _, t := range times {
			if compare(rel, g.Compare(t)) {
				return true, nil
			}
		}
		return false, nil
	}, nil
}

// parseDate reads the W3C profile of ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD, with hh:mm, hh:mm:ss and
// fractions of a second and a time zone) or epoch seconds.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) > 4 {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{"2006", "2006-01", "2006-01-02", "2006-01-02T15:04Z07:00", time.RFC3339, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither an ISO 8601 (W3C) date nor epoch seconds", s)
}

// binaryMatcher compares "the value of the specified key byte for byte against a base-64 encoded
// representation of the binary value in the policy" (Binary condition operators); the request value is
// given base-64 encoded too.
func binaryMatcher(want []string) (func(string) (bool, error), error) {
	blobs := make([][]byte, len(want))
	for i, w := range want {
		b, err := base64.StdEncoding.DecodeString(w)
		if err != nil {
			return nil, fmt.Errorf("BinaryEquals: policy value %q is not base-64: %w", w, err)
		}
		blobs[i] = b
	}
	return func(got string) (bool, error) {
		g, err := base64.StdEncoding.DecodeString(got)
		if err != nil {
			return false, fmt.Errorf("BinaryEquals: request value %q is not base-64: %w", got, err)
		}
		for _, b := range blobs {
			if bytes.Equal(b, g) {
				return true, nil
			}
		}
		return false, nil
	}, nil
}

// ipMatcher tests an address against "an IPv4 or IPv6 address or range of IP addresses" in CIDR form;
// "If you specify an IP address without the associated routing prefix, IAM uses the default prefix value
// of /32" (/128 for IPv6) (IP address condition operators).
func ipMatcher(want []string) (func(string) (bool, error), error) {
	prefixes := make([]netip.Prefix, len(want))
	for i, w := range want {
		p, err := netip.ParsePrefix(w)
		if err != nil {
			a, err2 := netip.ParseAddr(w)
			if err2 != nil {
				return nil, fmt.Errorf("IP address operator: policy value %q is neither an address nor a CIDR block", w)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		prefixes[i] = p.Masked()
	}
	return func(got string) (bool, error) {
		a, err := netip.ParseAddr(got)
		if err != nil {
			return false, fmt.Errorf("IP address operator: request value %q is not an IP address", got)
		}
		for _, p := range prefixes {
			if p.Contains(a.Unmap()) {
				return true, nil
			}
		}
		return false, nil
	}, nil
}

// arnMatcher implements ArnEquals and ArnLike, which behave identically: "Each of the six
// colon-delimited components of the ARN is checked separately and each can include multi-character match
// wildcards (*) or single-character match wildcards (?)" (ARN condition operators). A request value that
// is not an ARN does not match.
func arnMatcher(want []string, vars map[string][]string) (func(string) (bool, error), error) {
	type compiled struct {
		all   bool
		parts [][]rune
	}
	pats := make([]compiled, len(want))
	for i, w := range want {
		if w == "*" {
			pats[i] = compiled{all: true}
			continue
		}
		segs := strings.SplitN(w, ":", 6)
		if len(segs) != 6 {
			return nil, fmt.Errorf("ARN operator: policy value %q is not an ARN", w)
		}
		for _, s := range segs {
			g, err := compileGlob(s, vars)
			if err != nil {
				return nil, err
			}
			pats[i].parts = append(pats[i].parts, g)
		}
	}
	return func(got string) (bool, error) {
		segs := strings.SplitN(got, ":", 6)
	next:
		for _, p := range pats {
			if p.all {
				return true, nil
			}
			if len(segs) != 6 {
				continue
			}
			for j, g := range p.parts {
				if !globMatch(g, []rune(segs[j])) {
					continue next
				}
			}
			return true, nil
		}
		return false, nil
	}, nil
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compare reports whether request value (left) and policy value (right), compared as cmp, satisfy rel.
func compare(rel relation, cmp int) bool {
	switch rel {
	case less:
		return cmp < 0
	case lessOrEqual:
		return cmp <= 0
	case greater:
		return cmp > 0
	case greaterOrEqual:
		return cmp >= 0
	}
	return cmp == 0
}

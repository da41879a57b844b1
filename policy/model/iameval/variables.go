package iameval

import (
	"fmt"
	"strings"
)

// Wildcards of a compiled pattern are runes of the Unicode private use area, so that a "*" or "?" that a
// policy variable inserts ("${*}", "${?}", or a context value) is matched literally.
const (
	anyRun  = '\uE000'
	anyRune = '\uE001'
)

// compileGlob turns a policy pattern into runes with * and ? as wildcards, replacing policy variables
// when vars is not nil (see substitute).
func compileGlob(pattern string, vars map[string][]string) ([]rune, error) {
	var out []rune
	err := walkVariables(pattern, vars, func(text string, literal bool) {
		for _, r := range text {
			switch {
			case literal:
				out = append(out, r)
			case r == '*':
				out = append(out, anyRun)
			case r == '?':
				out = append(out, anyRune)
			default:
				out = append(out, r)
			}
		}
	})
	return out, err
}

// substitute replaces the policy variables of a condition value or resource (IAM User Guide, "IAM
// policy elements: Variables and tags",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html): "${key}" takes the
// single value of that context key; "${key, 'default'}" its default when the request lacks the key; "${*}",
// "${?}" and "${$}" stand for those characters. A variable whose key is absent and has no default, or has
// several values, is refused: "If AWS cannot resolve a variable, this might cause the entire statement
// to be invalid." With vars nil (a document without "Version": "2012-10-17", or an operator that takes
// no variables) the text is returned unchanged.
func substitute(text string, vars map[string][]string) (string, error) {
	var b strings.Builder
	err := walkVariables(text, vars, func(s string, _ bool) { b.WriteString(s) })
	return b.String(), err
}

// walkVariables splits text into plain runs (literal false) and the values of its variables (literal
// true) and hands them to emit in order.
func walkVariables(text string, vars map[string][]string, emit func(s string, literal bool)) error {
	if vars == nil {
		emit(text, false)
		return nil
	}
	for {
		start := strings.Index(text, "${")
		if start < 0 {
			emit(text, false)
			return nil
		}
		end := strings.Index(text[start:], "}")
		if end < 0 {
			emit(text, false)
			return nil
		}
		emit(text[:start], false)
		value, err := resolveVariable(text[start+2:start+end], vars)
		if err != nil {
			return err
		}
		emit(value, true)
		text = text[start+end+1:]
	}
}

func resolveVariable(body string, vars map[string][]string) (string, error) {
	switch body {
	case "*", "?", "$":
		return body, nil
	}
	key, def, hasDefault := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	if hasDefault {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return "", fmt.Errorf("policy variable ${%s}: the default must be quoted as 'value'", body)
		}
		def = def[1 : len(def)-1]
	}
	v, ok := lookup(vars, key)
	switch {
	case ok && len(v) == 1:
		return v[0], nil
	case ok && len(v) > 1:
		return "", fmt.Errorf("policy variable ${%s}: key %s has several values; a multivalued key cannot be a policy variable", body, key)
	case hasDefault:
		return def, nil
	}
	return "", fmt.Errorf("policy variable ${%s}: the request has no %s and the variable no default, so AWS may treat the statement as invalid; give the key in the request context", body, key)
}

// globMatch matches compiled pattern runes against s: anyRun is any run of characters, "/" and ":"
// included (unlike path.Match); anyRune is exactly one character.
func globMatch(p, s []rune) bool {
	for len(p) > 0 {
		switch p[0] {
		case anyRun:
			for len(p) > 0 && p[0] == anyRun {
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if globMatch(p, s[i:]) {
					return true
				}
			}
			return false
		case anyRune:
			if len(s) == 0 {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if len(s) == 0 || p[0] != s[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return len(s) == 0
}

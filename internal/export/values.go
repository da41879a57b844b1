package export

// This file writes the Terraform expression of each input value: literals, variables for secrets and
// values unknown before deployment, jsonencode() of JSON documents, and references to other resources.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/sce-project/sce/internal/plan"
)

// value returns the HCL expression of one input value. Secrets and values unknown before deployment become
// variables (secrets marked sensitive, so no value is ever written); JSON documents become jsonencode() of
// the parsed document; strings equal to another resource's id, ARN or name become references to it.
func (c *converter) value(v any, r *plan.Resource, depKey, varName string) hclwrite.Tokens {
	switch val := v.(type) {
	case string:
		return c.stringValue(val, r, depKey, varName)
	case bool:
		return hclwrite.TokensForValue(cty.BoolVal(val))
	case int:
		return hclwrite.TokensForValue(cty.NumberIntVal(int64(val)))
	case int64:
		return hclwrite.TokensForValue(cty.NumberIntVal(val))
	case float64:
		if val == math.Trunc(val) && math.Abs(val) < 1<<53 {
			return hclwrite.TokensForValue(cty.NumberIntVal(int64(val)))
		}
		return hclwrite.TokensForValue(cty.NumberFloatVal(val))
	case json.Number:
		n, err := cty.ParseNumberVal(val.String())
		if err != nil {
			return hclwrite.TokensForValue(cty.StringVal(val.String()))
		}
		return hclwrite.TokensForValue(n)
	case []any:
		elems := make([]hclwrite.Tokens, len(val))
		for i, e := range val {
			elems[i] = c.value(e, r, depKey, fmt.Sprintf("%s_%d", varName, i))
		}
		return hclwrite.TokensForTuple(elems)
	case map[string]any:
		keys := slices.Sorted(maps.Keys(val))
		attrs := make([]hclwrite.ObjectAttrTokens, 0, len(keys))
		for _, k := range keys {
			name := hclwrite.TokensForValue(cty.StringVal(k))
			if hclsyntax.ValidIdentifier(k) {
				name = hclwrite.TokensForIdentifier(k)
			}
			attrs = append(attrs, hclwrite.ObjectAttrTokens{Name: name, Value: c.value(val[k], r, depKey, varName+"_"+identifier(k))})
		}
		return hclwrite.TokensForObject(attrs)
	case nil:
		return hclwrite.TokensForIdentifier("null")
	}
	return hclwrite.TokensForValue(cty.StringVal(fmt.Sprint(v)))
}

// stringValue handles the string cases of value.
func (c *converter) stringValue(s string, r *plan.Resource, depKey, varName string) hclwrite.Tokens {
	switch s {
	case plan.SecretPlaceholder:
		return c.variable(varName, fmt.Sprintf("secret input of %s (%s): never written into the export", r.Name, r.Type), true)
	case plan.UnknownPlaceholder:
		return c.variable(varName, fmt.Sprintf("input of %s (%s) known only at deployment", r.Name, r.Type), false)
	}
	if doc, ok := jsonDocument(s); ok {
		return hclwrite.TokensForFunctionCall("jsonencode", c.value(doc, r, depKey, varName))
	}
	if toks, ok := c.reference(s, r.PropertyDependencies[depKey]); ok {
		return toks
	}
	return hclwrite.TokensForValue(cty.StringVal(s))
}

// jsonDocument parses a string holding a JSON object (an IAM or resource policy, rule parameters).
func jsonDocument(s string) (map[string]any, bool) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") || !json.Valid([]byte(t)) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(t)))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil || len(doc) == 0 {
		return nil, false
	}
	return doc, true
}

// variable declares (once) an input variable and returns a reference to it.
func (c *converter) variable(name, description string, sensitive bool) hclwrite.Tokens {
	name = identifier(name)
	if !c.varNames[name] {
		c.varNames[name] = true
		c.vars = append(c.vars, variable{Name: name, Description: description, Sensitive: sensitive})
	}
	return hclwrite.TokensForTraversal(traversal("var", name))
}

// candidate is one attribute of a referenced resource that an input may hold.
type candidate struct {
	attr  string
	value string
}

// candidates lists the values of a resource that other resources read: its ARN, id, name and other
// computed outputs, in that order of preference.
func (c *converter) candidates(r *plan.Resource, spec tfType) []candidate {
	var out []candidate
	for _, k := range spec.RefAttrs {
		if v, ok := r.Outputs[k].(string); ok && v != "" {
			out = append(out, candidate{spec.terraformName(k), v})
		}
	}
	if arn, ok := r.Outputs["arn"].(string); ok && arn != "" {
		out = append(out, candidate{"arn", arn})
	}
	if r.ID != "" {
		out = append(out, candidate{"id", r.ID})
	}
	if name, ok := r.Outputs["name"].(string); ok && name != "" {
		out = append(out, candidate{spec.terraformName("name"), name})
	}
	keys := make([]string, 0, len(r.Outputs))
	for k := range r.Outputs {
		if k != "arn" && k != "name" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if s, ok := r.Outputs[k].(string); ok && s != "" {
			out = append(out, candidate{spec.terraformName(k), s})
		}
	}
	return out
}

// minAffix is the shortest value matched as part of a longer string: shorter ones (a region, an account)
// would match by accident.
const minAffix = 8

// reference returns a reference to the resource an input's value came from: the input's property
// dependencies name the candidates; an exact match becomes `type.name.attr`, a value that extends an ARN
// (`<arn>/*`, `<arn>:*`) or ends with a generated suffix becomes a template around the reference.
func (c *converter) reference(s string, deps []string) (hclwrite.Tokens, bool) {
	type match struct {
		a    address
		cand candidate
	}
	var all []match
	for _, dep := range deps {
		a, ok := c.addr[dep]
		if !ok {
			continue
		}
		for _, cand := range c.candidates(c.byURN[dep], a.spec) {
			all = append(all, match{a, cand})
		}
	}
	for _, m := range all {
		if s == m.cand.value {
			return hclwrite.TokensForTraversal(traversal(m.a.Type, m.a.Name, m.cand.attr)), true
		}
	}
	for _, m := range all {
		v := m.cand.value
		if len(v) < minAffix || len(s) <= len(v) {
			continue
		}
		switch {
		case strings.HasPrefix(v, "arn:") && strings.HasPrefix(s, v):
			return templateTokens("", traversal(m.a.Type, m.a.Name, m.cand.attr), s[len(v):]), true
		case strings.HasSuffix(s, v):
			return templateTokens(s[:len(s)-len(v)], traversal(m.a.Type, m.a.Name, m.cand.attr), ""), true
		}
	}
	return nil, false
}

// templateTokens writes "prefix${ref}suffix" as a quoted template.
func templateTokens(prefix string, ref hcl.Traversal, suffix string) hclwrite.Tokens {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)}}
	toks = append(toks, quotedLiteral(prefix)...)
	toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
	toks = append(toks, hclwrite.TokensForTraversal(ref)...)
	toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")})
	toks = append(toks, quotedLiteral(suffix)...)
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)})
}

// quotedLiteral returns the escaped literal part of a quoted string, without its quotes.
func quotedLiteral(s string) hclwrite.Tokens {
	if s == "" {
		return nil
	}
	toks := hclwrite.TokensForValue(cty.StringVal(s))
	return toks[1 : len(toks)-1]
}

// traversal builds a reference such as aws_vpc.hipaa_vpc.id.
func traversal(root string, attrs ...string) hcl.Traversal {
	t := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, a := range attrs {
		t = append(t, hcl.TraverseAttr{Name: a})
	}
	return t
}

// ctyString is the cty value of a string, as hclwrite sets attribute values.
func ctyString(s string) cty.Value { return cty.StringVal(s) }

// ctyBool is the cty value of a bool, as hclwrite sets attribute values.
func ctyBool(b bool) cty.Value { return cty.BoolVal(b) }

// commentTokens returns full-line comments, one per line; each line is written as given (it starts with
// "#"), with line breaks inside it replaced by spaces.
func commentTokens(lines ...string) hclwrite.Tokens {
	var toks hclwrite.Tokens
	for _, l := range lines {
		text := strings.ReplaceAll(l, "\n", " ") + "\n"
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(text)})
	}
	return toks
}

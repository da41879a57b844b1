package engine

import (
	"fmt"
)

// unknown is the type of Unknown.
type unknown struct{}

// String renders Unknown in messages.
func (unknown) String() string { return "<unknown until deployment>" }

// Unknown stands for a property value that is not known until deployment, as during `pulumi preview`.
var Unknown any = unknown{}

// IsUnknown reports whether a value is Unknown.
func IsUnknown(v any) bool {
	_, ok := v.(unknown)
	return ok
}

// Resource is the view a rule has of one resource.
type Resource struct {
	// URN, Type and Name identify the resource.
	URN, Type, Name string
	// ID is the resource's id when known (offline plan, state), else "".
	ID string
	// Props are the resource's inputs as plain JSON values (map[string]any, []any, string, float64 or
	// int64, bool, nil), with Unknown for values not yet known.
	Props map[string]any
	// Outputs are computed outputs when known (arn, name, ...); nil during preview.
	Outputs map[string]any
	// Provider holds the inputs of the provider resource that manages this one, when known.
	Provider map[string]any
	// PropertyDependencies maps an input to the URNs of the resources its value came from.
	PropertyDependencies map[string][]string
}

// Get returns the value at a dotted path of maps ("metadataOptions.httpTokens"). A path that crosses a
// value that is not a map is reported as missing with the shape problem in the second result.
func (r *Resource) Get(path string) (any, bool) { return Lookup(r.Props, path) }

// Stack is every resource of one stack, for rules that judge resources together.
type Stack struct {
	Resources []*Resource
	byURN     map[string]*Resource
}

// NewStack indexes resources.
func NewStack(resources []*Resource) *Stack {
	s := &Stack{Resources: resources, byURN: map[string]*Resource{}}
	for _, r := range resources {
		s.byURN[r.URN] = r
	}
	return s
}

// ByURN returns the resource with that URN.
func (s *Stack) ByURN(urn string) (*Resource, bool) {
	r, ok := s.byURN[urn]
	return r, ok
}

// OfType returns the resources of any of the types, in stack order.
func (s *Stack) OfType(types ...string) []*Resource {
	var out []*Resource
	for _, r := range s.Resources {
		for _, t := range types {
			if r.Type == t {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Refs returns the resources of the given types that input prop of r refers to: through the input's
// property dependencies when they are known (preview, state), else by value, matching the target's id or
// its arn, name or bucket output (offline plan).
func (s *Stack) Refs(r *Resource, prop string, types ...string) []*Resource {
	seen := map[string]bool{}
	var out []*Resource
	add := func(t *Resource) {
		if !seen[t.URN] && TypeIn(t.Type, types) {
			seen[t.URN] = true
			out = append(out, t)
		}
	}
	for _, urn := range r.PropertyDependencies[prop] {
		if t, ok := s.byURN[urn]; ok {
			add(t)
		}
	}
	if v, ok := r.Get(prop); ok {
		for _, want := range StringsOf(v) {
			for _, t := range s.OfType(types...) {
				if t.IdentifiedBy(want) {
					add(t)
				}
			}
		}
	}
	return out
}

// Named returns the resources of the given types that a value names: their id, or their arn, name,
// bucket or keyId (offline plan). It resolves ids found where Refs cannot look, inside lists of objects.
func (s *Stack) Named(v string, types ...string) []*Resource {
	var out []*Resource
	for _, t := range s.OfType(types...) {
		if t.IdentifiedBy(v) {
			out = append(out, t)
		}
	}
	return out
}

// ReferringTo returns the resources of the given types whose input prop refers to target.
func (s *Stack) ReferringTo(target *Resource, prop string, types ...string) []*Resource {
	var out []*Resource
	for _, r := range s.OfType(types...) {
		for _, t := range s.Refs(r, prop, target.Type) {
			if t.URN == target.URN {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Tags returns the tags AWS gives the resource: its own tags over its provider's defaultTags (the PIT's
// Project tag comes from the provider), as a condition on aws:ResourceTag/<key> sees them.
func (r *Resource) Tags() map[string]any {
	tags := map[string]any{}
	if d, ok := Lookup(r.Provider, "defaultTags.tags"); ok {
		if m, isMap := d.(map[string]any); isMap {
			for k, v := range m {
				tags[k] = v
			}
		}
	}
	if own, ok := r.Props["tags"].(map[string]any); ok {
		for k, v := range own {
			tags[k] = v
		}
	}
	return tags
}

// IdentifiedBy reports whether a value names this resource: its id, or its arn, name, bucket or keyId.
func (r *Resource) IdentifiedBy(v string) bool {
	if v == "" {
		return false
	}
	if r.ID == v {
		return true
	}
	for _, k := range []string{"arn", "name", "bucket", "keyId"} {
		if s, ok := r.Outputs[k].(string); ok && s == v {
			return true
		}
		if s, ok := r.Props[k].(string); ok && s == v {
			return true
		}
	}
	return false
}

// TypeIn reports whether t is one of types; no types at all admit every type.
func TypeIn(t string, types []string) bool {
	if len(types) == 0 {
		return true
	}
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// StringsOf returns the strings in a string or a list of strings.
func StringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Describe renders a value for a message: its JSON-ish form, shortened.
func Describe(v any) string {
	s := fmt.Sprintf("%v", v)
	if str, ok := v.(string); ok {
		s = fmt.Sprintf("%q", str)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// Kind names the JSON kind of a value, for shape errors.
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case float64, int64, int:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	if IsUnknown(v) {
		return "unknown until deployment"
	}
	return fmt.Sprintf("a %T", v)
}

package export

// This file writes one resource block: the provider alias, the auto-name Pulumi chose, and the inputs as
// attributes and nested blocks in Terraform's order (attributes first, keys sorted).

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/sce-project/sce/internal/plan"
)

// resource converts one plan resource into its block and the comments that go above it.
func (c *converter) resource(r *plan.Resource) (hclwrite.Tokens, *hclwrite.Block) {
	a := c.addr[r.URN]
	block := hclwrite.NewBlock("resource", []string{a.Type, a.Name})
	body := block.Body()

	above, inside := c.ignoreComments(c.anchored[r.URN])
	if len(inside) > 0 {
		body.AppendUnstructuredTokens(inside)
	}
	if alias, ok := c.providers[r.Provider]; ok && alias != "" {
		body.SetAttributeTraversal("provider", traversal("aws", alias))
	}
	inputs := r.Inputs
	if a.spec.AutoName != "" && !hasTerraformAttr(a.spec, inputs, a.spec.AutoName) {
		if name := autoName(a.spec, r); name != "" {
			inputs = withValue(inputs, autoNameKey, name)
		}
	}
	c.body(body, a.spec, r, inputs, "", "")
	return above, block
}

// autoNameKey is the placeholder input key under which the auto-name is passed to body; it cannot collide
// with a Pulumi input name, and body writes it as the type's AutoName attribute.
const autoNameKey = "\x00autoName"

// autoName returns the name Pulumi chose for a resource, from its computed name or its id.
func autoName(spec tfType, r *plan.Resource) string {
	if spec.AutoNameFromID {
		return r.ID
	}
	if s, ok := r.Outputs["name"].(string); ok {
		return s
	}
	return ""
}

// hasTerraformAttr reports whether one of the inputs becomes the Terraform attribute name.
func hasTerraformAttr(spec tfType, inputs map[string]any, name string) bool {
	for k := range inputs {
		if spec.terraformName(k) == name {
			return true
		}
	}
	return false
}

// withValue returns a copy of m with one more key.
func withValue(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

// body writes a resource's (or nested block's) inputs into an HCL body: objects as nested blocks, lists of
// objects as repeated blocks, everything else as attributes. depKey is the top-level input the body belongs
// to ("" at the top level), whose property dependencies resolve references; path names variables.
func (c *converter) body(b *hclwrite.Body, spec tfType, r *plan.Resource, inputs map[string]any, depKey, path string) {
	keys := slices.Sorted(maps.Keys(inputs))
	// Attributes first, then nested blocks, as Terraform's style has it.
	sort.SliceStable(keys, func(i, j int) bool {
		return !c.isBlock(spec, keys[i], inputs[keys[i]]) && c.isBlock(spec, keys[j], inputs[keys[j]])
	})
	for _, k := range keys {
		v := inputs[k]
		if v == nil {
			continue
		}
		name := spec.terraformName(k)
		key := depKey
		if key == "" {
			key = k
		}
		if k == autoNameKey {
			name = spec.AutoName
		}
		p := name
		if path != "" {
			p = path + "_" + name
		}
		if c.isBlock(spec, k, v) {
			if obj, ok := v.(map[string]any); ok {
				c.body(b.AppendNewBlock(name, nil).Body(), spec, r, obj, key, p)
				continue
			}
			objects, _ := allObjects(v.([]any))
			for i, o := range objects {
				c.body(b.AppendNewBlock(name, nil).Body(), spec, r, o, key, fmt.Sprintf("%s_%d", p, i))
			}
			continue
		}
		b.SetAttributeRaw(name, c.value(v, r, key, identifier(r.Name)+"_"+p))
	}
}

// isBlock reports whether an input becomes one or more nested blocks.
func (c *converter) isBlock(spec tfType, k string, v any) bool {
	switch val := v.(type) {
	case map[string]any:
		return !spec.isMap(k)
	case []any:
		// A list of objects is always blocks (an Auto Scaling group's tags are tag blocks), never a map.
		_, ok := allObjects(val)
		return ok
	}
	return false
}

// allObjects reports whether a non-empty list holds only objects, and returns them.
func allObjects(list []any) ([]map[string]any, bool) {
	if len(list) == 0 {
		return nil, false
	}
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		out = append(out, m)
	}
	return out, true
}

package export

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/rules"
)

// awsProviderType is the Pulumi type token of an AWS provider resource.
const awsProviderType = "pulumi:providers:aws"

// WriteTerraform writes the plan as Terraform HCL: one resource block per custom resource of the plan
// (components are not resources), the AWS provider with its default tags, sensitive variables for secrets,
// references between resources as Terraform references, and the policy pack's exemptions as the inline
// ignore comments of Trivy, Checkov and KICS. The file is meant for IaC scanners, not for `terraform apply`.
func WriteTerraform(w io.Writer, p *plan.Plan) error {
	f, err := Terraform(p)
	if err != nil {
		return err
	}
	if _, err := w.Write(f.Bytes()); err != nil {
		return fmt.Errorf("write terraform: %w", err)
	}
	return nil
}

// Terraform converts the plan into an HCL file. It fails, naming the resource, when a custom resource's
// type has no Terraform equivalent in the type table.
func Terraform(p *plan.Plan) (*hclwrite.File, error) {
	c, err := newConverter(p)
	if err != nil {
		return nil, err
	}
	return c.file(), nil
}

// converter holds what converting one plan needs: the resources by URN, their Terraform addresses, the
// exemptions anchored to each resource block and the variables collected on the way.
type converter struct {
	p         *plan.Plan
	byURN     map[string]*plan.Resource
	addr      map[string]address
	providers map[string]string // provider URN → alias ("" for the default provider)
	anchored  map[string][]anchoredExemption
	vars      []variable
	varNames  map[string]bool
}

// address is the Terraform type and name of an exported resource.
type address struct {
	Type string
	Name string
	spec tfType
}

// variable is an input variable standing for a value the plan does not print (a secret) or does not know.
type variable struct {
	Name        string
	Description string
	Sensitive   bool
}

func newConverter(p *plan.Plan) (*converter, error) {
	c := &converter{
		p:         p,
		byURN:     map[string]*plan.Resource{},
		addr:      map[string]address{},
		providers: map[string]string{},
		anchored:  map[string][]anchoredExemption{},
		varNames:  map[string]bool{},
	}
	used := map[string]bool{}
	var awsProviders []string
	for i := range p.Resources {
		r := &p.Resources[i]
		c.byURN[r.URN] = r
		if r.Type == awsProviderType {
			awsProviders = append(awsProviders, r.URN)
			continue
		}
		if !exported(r) {
			continue
		}
		spec, ok := tfTypes[r.Type]
		if !ok {
			return nil, fmt.Errorf("terraform export: resource %q has type %s, which has no Terraform equivalent: add it to tfTypes in internal/export/types.go", r.Name, r.Type)
		}
		name := identifier(r.Name)
		for n := 2; used[spec.Name+"."+name]; n++ {
			name = fmt.Sprintf("%s_%d", identifier(r.Name), n)
		}
		used[spec.Name+"."+name] = true
		c.addr[r.URN] = address{Type: spec.Name, Name: name, spec: spec}
	}
	for _, urn := range awsProviders {
		alias := ""
		if len(awsProviders) > 1 {
			alias = identifier(c.byURN[urn].Name)
		}
		c.providers[urn] = alias
	}
	seen := map[string]bool{}
	for _, e := range p.Exemptions {
		c.anchorExemption(e)
		seen[e.Policy+" "+e.URN] = true
	}
	// A declared exemption also covers a resource that our rule passes but a scanner's looser check flags
	// (a keyword match): the decision is the same, so the scanner carries it too.
	for i := range p.Resources {
		r := &p.Resources[i]
		for _, d := range rules.Exemptions() {
			ex, ok := rules.ExemptionFor(d.Rule, &rules.Resource{Type: r.Type, Name: r.Name})
			if !ok || seen[d.Rule+" "+r.URN] || !exported(r) {
				continue
			}
			seen[d.Rule+" "+r.URN] = true
			c.anchorExemption(plan.Exemption{Policy: d.Rule, URN: r.URN, Reason: ex.Reason})
		}
	}
	return c, nil
}

// exported reports whether a plan resource becomes a Terraform resource: custom resources do, components
// and providers do not.
func exported(r *plan.Resource) bool {
	return r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:")
}

// anchoredExemption is an exemption as written above one resource block: the scanner ids whose findings
// land on that block. The exempted resource always carries the exemption, with or without ids.
type anchoredExemption struct {
	plan.Exemption
	trivy, checkov, kics []string
}

// anchorExemption places an exemption's scanner ignores on the resources the scanners report them on.
func (c *converter) anchorExemption(e plan.Exemption) {
	checks, _ := checksFor(e.Policy)
	entry := func(urn string) *anchoredExemption {
		list := c.anchored[urn]
		for i := range list {
			if list[i].Policy == e.Policy && list[i].URN == e.URN {
				return &list[i]
			}
		}
		c.anchored[urn] = append(list, anchoredExemption{Exemption: e})
		return &c.anchored[urn][len(c.anchored[urn])-1]
	}
	entry(e.URN)
	if ids := checks.Trivy; len(ids) > 0 {
		x := entry(c.anchor(e.URN, checks.TrivyOn))
		x.trivy = append(x.trivy, ids...)
	}
	if ids := checks.Checkov; len(ids) > 0 {
		x := entry(c.anchor(e.URN, checks.CheckovOn))
		x.checkov = append(x.checkov, ids...)
	}
	if ids := checks.KICS; len(ids) > 0 {
		x := entry(c.anchor(e.URN, checks.KICSOn))
		x.kics = append(x.kics, ids...)
	}
}

// anchor returns the URN of the resource block a scanner reports on: the exempted resource, or the bucket
// it configures.
func (c *converter) anchor(urn string, on Anchor) string {
	r := c.byURN[urn]
	if on != OnBucket || r == nil {
		return urn
	}
	if a, ok := c.addr[urn]; ok && a.Type == "aws_s3_bucket" {
		return urn
	}
	for _, dep := range r.PropertyDependencies["bucket"] {
		if a, ok := c.addr[dep]; ok && a.Type == "aws_s3_bucket" {
			return dep
		}
	}
	return urn
}

// file assembles the HCL file: header, terraform and provider blocks, variables, then resources in plan
// order.
func (c *converter) file() *hclwrite.File {
	var blocks []*hclwrite.Block
	var before []hclwrite.Tokens
	for i := range c.p.Resources {
		r := &c.p.Resources[i]
		if _, ok := c.addr[r.URN]; !ok {
			continue
		}
		comments, block := c.resource(r)
		before = append(before, comments)
		blocks = append(blocks, block)
	}

	f := hclwrite.NewEmptyFile()
	root := f.Body()
	root.AppendUnstructuredTokens(commentTokens(
		fmt.Sprintf("# Stack %q of project %s, written by `sce plan --stack %s --format terraform` from the offline plan.", c.p.Stack, c.p.Project, c.p.Stack),
		"# For IaC scanners (Trivy, Checkov, KICS): the resources, attributes and references the Pulumi program creates.",
		"# Not for `terraform apply`: Pulumi deploys this stack. Exemptions of the SCE policy pack are carried as inline ignores.",
	))
	root.AppendNewline()
	c.terraformBlock(root)
	c.providerBlocks(root)
	for _, v := range c.vars {
		b := root.AppendNewBlock("variable", []string{v.Name})
		b.Body().SetAttributeRaw("type", hclwrite.TokensForIdentifier("string"))
		b.Body().SetAttributeValue("description", ctyString(v.Description))
		if v.Sensitive {
			b.Body().SetAttributeValue("sensitive", ctyBool(true))
		}
		root.AppendNewline()
	}
	for i, b := range blocks {
		if len(before[i]) > 0 {
			root.AppendUnstructuredTokens(before[i])
		}
		root.AppendBlock(b)
		root.AppendNewline()
	}
	return f
}

// terraformBlock writes the required providers.
func (c *converter) terraformBlock(root *hclwrite.Body) {
	tf := root.AppendNewBlock("terraform", nil)
	req := tf.Body().AppendNewBlock("required_providers", nil)
	sources := map[string]string{"aws": "hashicorp/aws", "random": "hashicorp/random"}
	for _, name := range []string{"aws", "random"} {
		if !c.usesProvider(name) {
			continue
		}
		req.Body().SetAttributeRaw(name, hclwrite.TokensForObject([]hclwrite.ObjectAttrTokens{
			{Name: hclwrite.TokensForIdentifier("source"), Value: hclwrite.TokensForValue(ctyString(sources[name]))},
		}))
	}
	root.AppendNewline()
}

// usesProvider reports whether any exported resource belongs to a Terraform provider ("aws", "random").
func (c *converter) usesProvider(name string) bool {
	for _, a := range c.addr {
		if strings.HasPrefix(a.Type, name+"_") {
			return true
		}
	}
	return false
}

// providerBlocks writes one provider "aws" block per AWS provider of the plan, with its region and default
// tags; with several, each gets an alias named after the Pulumi provider.
func (c *converter) providerBlocks(root *hclwrite.Body) {
	urns := slices.Sorted(maps.Keys(c.providers))
	for _, urn := range urns {
		r := c.byURN[urn]
		b := root.AppendNewBlock("provider", []string{"aws"})
		if alias := c.providers[urn]; alias != "" {
			b.Body().SetAttributeValue("alias", ctyString(alias))
		}
		inputs := map[string]any{}
		for k, v := range r.Inputs {
			if k == "version" || k == "pluginDownloadURL" {
				continue // Pulumi plugin settings, not provider arguments
			}
			inputs[k] = v
		}
		c.body(b.Body(), tfType{Name: "aws"}, r, inputs, "", "")
		root.AppendNewline()
	}
}

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

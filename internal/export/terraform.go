package export

// This file holds the Terraform writer: its entry points, the converter that indexes a plan (addresses,
// providers, anchored exemptions) and the assembly of the HCL file (header, terraform and provider blocks,
// variables, resources). Resource blocks are written by blocks.go, their values by values.go, and the
// exemptions' scanner ignores by ignores.go.

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/sce-project/sce/internal/plan"
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

// newConverter indexes a plan for conversion: the resources by URN, the Terraform address of each exported
// resource (a name made unique by a counter), the alias of each AWS provider and the anchored exemptions.
// It fails, naming the resource, when an exported resource's type is not in tfTypes.
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
	c.anchorExemptions()
	return c, nil
}

// exported reports whether a plan resource becomes a Terraform resource: custom resources do, components
// and providers do not.
func exported(r *plan.Resource) bool {
	return r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:")
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

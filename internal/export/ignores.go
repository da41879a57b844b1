package export

// This file carries the policy pack's exemptions into the Terraform export: which resource block each
// scanner reports an exempted finding on (the anchor), and the inline ignore comments of Trivy, Checkov
// and KICS written on that block.

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/rules"
)

// anchorExemptions anchors the plan's exemptions, then the policy pack's declared exemptions that apply to
// an exported resource the plan does not list as exempt.
func (c *converter) anchorExemptions() {
	p := c.p
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
			ex, ok := rules.ExemptionFor(d.Rule, &engine.Resource{Type: r.Type, Name: r.Name})
			if !ok || seen[d.Rule+" "+r.URN] || !exported(r) {
				continue
			}
			seen[d.Rule+" "+r.URN] = true
			c.anchorExemption(plan.Exemption{Policy: d.Rule, URN: r.URN, Reason: ex.Reason})
		}
	}
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

// ignoreComments writes the exemptions anchored to one resource block as each scanner's inline ignore:
//
//   - above the block, one explanatory line per exemption (rule and reason), then Trivy's ignores on the
//     line right above `resource` (Trivy applies an ignore to the block that starts on the next line, and
//     chains adjacent ignore lines), and KICS's query-scoped `kics-scan ignore-line=<query id>`, which must
//     also be the comment right before `resource` (KICS ignores the line after the comment's next token).
//     So when KICS ids exist, the last line is `# kics-scan ignore-line=<id> trivy:ignore:<id> ...`, which
//     both parse: KICS takes the first command, Trivy every `trivy:` word;
//   - inside the block, Checkov's `#checkov:skip=<id>:<reason>` (Checkov reads suppressions inside the
//     resource's scope).
func (c *converter) ignoreComments(exemptions []anchoredExemption) (above, inside hclwrite.Tokens) {
	if len(exemptions) == 0 {
		return nil, nil
	}
	var explain, trivy, kics, checkov []string
	for _, e := range exemptions {
		ids := append(append(append([]string{}, e.trivy...), e.checkov...), e.kics...)
		scanners := "no equivalent scanner check here"
		if len(ids) > 0 {
			scanners = "scanner checks " + strings.Join(ids, ", ")
		}
		subject := ""
		if a, ok := c.addr[e.URN]; ok {
			subject = " on " + a.Type + "." + a.Name
		}
		explain = append(explain, fmt.Sprintf("# SCE policy exemption %s%s (%s): %s", e.Policy, subject, scanners, oneLine(e.Reason)))
		for _, id := range e.trivy {
			trivy = appendOnce(trivy, "trivy:ignore:"+id)
		}
		for _, id := range e.kics {
			kics = appendOnce(kics, "kics-scan ignore-line="+id)
		}
		for _, id := range e.checkov {
			checkov = append(checkov, fmt.Sprintf("#checkov:skip=%s:SCE policy exemption %s: %s", id, e.Policy, oneLine(e.Reason)))
		}
	}
	lines := explain
	switch {
	case len(kics) > 0:
		for _, k := range kics[:len(kics)-1] {
			lines = append(lines, "# "+k)
		}
		last := append([]string{kics[len(kics)-1]}, trivy...)
		lines = append(lines, "# "+strings.Join(last, " "))
	default:
		for _, t := range trivy {
			lines = append(lines, "#"+t)
		}
	}
	return commentTokens(lines...), commentTokens(checkov...)
}

// oneLine flattens a reason onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// appendOnce appends s unless the list holds it.
func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

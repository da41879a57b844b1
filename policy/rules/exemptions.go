package rules

import "strings"

// Exemption is a rule the design breaks on purpose, for specific resources, with the reason. Exemptions
// match one rule on resources of one type whose logical name ends with a suffix (names are derived from the
// PIT, so the suffix names the resource in every stack); never a whole rule.
type Exemption struct {
	Rule       string
	Type       string
	NameSuffix string
	Reason     string
}

// Exemptions returns every declared exemption. This is the one place they are declared; the plan, the
// Pulumi policy pack, `sce policy check` and the IaC export all read it.
func Exemptions() []Exemption {
	return []Exemption{
		{
			Rule:       "vpc-no-unrestricted-route-to-igw",
			Type:       "aws:ec2/route:Route",
			NameSuffix: "-public-default-route",
			Reason: "the public subnet must reach the internet: it holds the bastion, the only way in, and the NAT " +
				"gateway, the private subnet's only way out; the private route table has no route to the internet gateway",
		},
	}
}

// ExemptionFor returns the exemption covering a rule on a resource.
func ExemptionFor(rule string, r *Resource) (Exemption, bool) {
	if r == nil {
		return Exemption{}, false
	}
	for _, e := range Exemptions() {
		if e.Rule == rule && e.Type == r.Type && strings.HasSuffix(r.Name, e.NameSuffix) {
			return e, true
		}
	}
	return Exemption{}, false
}

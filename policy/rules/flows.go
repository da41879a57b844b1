package rules

import (
	"fmt"
	"net/netip"
	"strings"
)

const (
	typeSecurityGroup     = "aws:ec2/securityGroup:SecurityGroup"
	typeSecurityGroupRule = "aws:ec2/securityGroupRule:SecurityGroupRule"
)

// flowRules judge flows between security groups: a rule that admits one group into another is only half a
// flow. Security groups are stateful, so answers come back on their own, but the connection has to leave
// its source first, and Pulumi removes a new group's default allow-all egress rule.
func flowRules() []Rule {
	return []Rule{{
		ID: "sg-ingress-source-may-egress",
		Description: "Every ingress rule that admits a security group of the stack is matched by an egress rule of that source group " +
			"(to the target group, or to an address block covering the target's VPC) for the same protocol and ports: " +
			"otherwise the connection never leaves its source, although each group looks right on its own.",
		Level:    Mandatory,
		Category: CategoryDeployability,
		HIPAA:    []string{hipaaRiskManagement},
		Sources: Sources{Other: "Amazon VPC User Guide, \"Security group rules\" (security-group-rules.html): a security group allows only the traffic its rules admit, " +
			"outbound as well as inbound; Pulumi's aws.ec2.SecurityGroup removes the default egress rule"},
		Types:      []string{typeSecurityGroupRule, typeSecurityGroup, typeVPC},
		CheckStack: checkIngressSourcesMayEgress,
	}}
}

// portRange is a rule's protocol and ports; protocol "-1" is every protocol and port.
type portRange struct {
	protocol string
	from, to int64
}

func rangeOf(r *Resource) (portRange, bool) {
	p := strings.ToLower(stringAtOr(r.Props, "protocol"))
	if p == "all" {
		p = "-1"
	}
	from, okFrom := lookup(r.Props, "fromPort")
	to, okTo := lookup(r.Props, "toPort")
	f, fOK := asInt(from)
	t, tOK := asInt(to)
	if p == "" || (p != "-1" && (!okFrom || !okTo || !fOK || !tOK)) {
		return portRange{}, false
	}
	return portRange{protocol: p, from: f, to: t}, true
}

// covers reports whether egress range e lets out every connection of ingress range i.
func (e portRange) covers(i portRange) bool {
	if e.protocol == "-1" {
		return true
	}
	return e.protocol == i.protocol && e.from <= i.from && i.to <= e.to
}

func checkIngressSourcesMayEgress(s *Stack) []Finding {
	var out []Finding
	for _, in := range s.OfType(typeSecurityGroupRule) {
		if stringAtOr(in.Props, "type") != "ingress" {
			continue
		}
		sources := s.Refs(in, "sourceSecurityGroupId", typeSecurityGroup)
		targets := s.Refs(in, "securityGroupId", typeSecurityGroup)
		want, ok := rangeOf(in)
		if len(sources) != 1 || len(targets) != 1 || !ok {
			continue // a group of another stack, or a rule whose ports another rule judges
		}
		source, target := sources[0], targets[0]
		if source.URN == target.URN {
			continue
		}
		if !egressReaches(s, source, target, want) {
			out = append(out, Finding{URN: in.URN, Message: fmt.Sprintf("admits security group %s on %s, but %s has no egress rule "+
				"to %s (or to its VPC's addresses) for it, so the connection never leaves", source.Name, rangeText(want), source.Name, target.Name)})
		}
	}
	return out
}

// egressReaches reports whether source has an egress rule letting want out to target.
func egressReaches(s *Stack, source, target *Resource, want portRange) bool {
	vpcBlocks := vpcCIDRs(s, target)
	for _, e := range s.ReferringTo(source, "securityGroupId", typeSecurityGroupRule) {
		if stringAtOr(e.Props, "type") != "egress" {
			continue
		}
		got, ok := rangeOf(e)
		if !ok || !got.covers(want) {
			continue
		}
		for _, t := range s.Refs(e, "sourceSecurityGroupId", typeSecurityGroup) {
			if t.URN == target.URN {
				return true
			}
		}
		if v, ok := e.Get("cidrBlocks"); ok {
			for _, c := range stringsOf(v) {
				if coversAny(c, vpcBlocks) {
					return true
				}
			}
		}
	}
	return false
}

// vpcCIDRs returns the address blocks of a security group's VPC.
func vpcCIDRs(s *Stack, group *Resource) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range s.Refs(group, "vpcId", typeVPC) {
		if p, err := netip.ParsePrefix(stringAtOr(v.Props, "cidrBlock")); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// coversAny reports whether block contains one of the prefixes entirely.
func coversAny(block string, prefixes []netip.Prefix) bool {
	b, err := netip.ParsePrefix(block)
	if err != nil {
		return false
	}
	for _, p := range prefixes {
		if b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func rangeText(r portRange) string {
	switch {
	case r.protocol == "-1":
		return "all traffic"
	case r.from == r.to:
		return fmt.Sprintf("%s %d", r.protocol, r.from)
	}
	return fmt.Sprintf("%s %d-%d", r.protocol, r.from, r.to)
}

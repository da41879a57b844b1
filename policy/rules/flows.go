package rules

import (
	"fmt"
	"net/netip"
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

func checkIngressSourcesMayEgress(s *Stack) []Finding {
	var out []Finding
	all := SecurityGroupRules(s)
	for _, in := range all {
		if in.Holder.Type != typeSecurityGroupRule || in.Egress || in.Unknown != "" || len(in.Problems) > 0 {
			continue // an egress rule, or a rule another rule judges
		}
		if len(in.Peers) != 1 || in.Group == nil {
			continue // a group of another stack, or an ingress from an address block
		}
		source, target := in.Peers[0], in.Group
		if source.URN == target.URN {
			continue
		}
		if !egressReaches(s, all, source, target, in) {
			out = append(out, Finding{URN: in.Holder.URN, Message: fmt.Sprintf("admits security group %s on %s, but %s has no egress rule "+
				"to %s (or to its VPC's addresses) for it, so the connection never leaves", source.Name, rangeText(in), source.Name, target.Name)})
		}
	}
	return out
}

// egressReaches reports whether one egress rule of source lets out everything ingress rule in admits, to
// target (by group) or to an address block holding target's VPC.
func egressReaches(s *Stack, all []SGRule, source, target *Resource, in SGRule) bool {
	peer := NetPeer{Groups: []*Resource{target}, Block: vpcCIDR(s, target)}
	for _, e := range all {
		if !e.Egress || e.Group == nil || e.Group.URN != source.URN || e.Unknown != "" {
			continue
		}
		ports, ok := e.Admits(in.Protocol)
		if ok && ports.Contains(in.Ports) && e.Reaches(peer) == MatchYes {
			return true
		}
	}
	return false
}

// vpcCIDR returns the address block of a security group's VPC; the zero Prefix when unknown.
func vpcCIDR(s *Stack, group *Resource) netip.Prefix {
	for _, v := range s.Refs(group, "vpcId", typeVPC) {
		if p, err := netip.ParsePrefix(stringAtOr(v.Props, "cidrBlock")); err == nil {
			return p.Masked()
		}
	}
	return netip.Prefix{}
}

func rangeText(r SGRule) string {
	switch {
	case r.Protocol == ProtoAll:
		return "all traffic"
	case r.Ports.From == r.Ports.To:
		return fmt.Sprintf("%s %d", r.Protocol, r.Ports.From)
	}
	return fmt.Sprintf("%s %d-%d", r.Protocol, r.Ports.From, r.Ports.To)
}

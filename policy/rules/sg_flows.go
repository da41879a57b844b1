package rules

import (
	"fmt"
	"net/netip"

	"github.com/sce-project/sce/internal/addrspace"
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// The rules on flows through security groups: a rule that admits one group into another is only half a flow,
// and an ssh source no connection from the internet comes from admits no one it was meant for.

// sgFlowRules judge flows between security groups and from the internet. Security groups are stateful, so
// answers come back on their own, but the connection has to leave its source first (Pulumi removes a new
// group's default allow-all egress rule), and it has to come from an address the rule admits.
func sgFlowRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "sg-ingress-source-may-egress",
			Description: "Every ingress rule that admits a security group of the stack is matched by an egress rule of that source group " +
				"(to the target group, or to an address block covering the target's VPC) for the same protocol and ports: " +
				"otherwise the connection never leaves its source, although each group looks right on its own.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaRiskManagement},
			Sources: engine.Sources{Other: "Amazon VPC User Guide, \"Security group rules\" (security-group-rules.html): a security group allows only the traffic its rules admit, " +
				"outbound as well as inbound; Pulumi's aws.ec2.SecurityGroup removes the default egress rule"},
			Types:      []string{netmodel.TypeSGRule, netmodel.TypeSG, typeVPC},
			CheckStack: checkIngressSourcesMayEgress,
		},
		{
			ID: "ssh-source-reachable-from-internet",
			Description: "Every address block a security group admits to TCP port 22 of an internet-facing instance (one with an Elastic IP or a " +
				"public address) is one that connections from the internet can come from: a private, shared (carrier-grade NAT), link-local or " +
				"otherwise special-purpose block never matches the public source address a connection arrives with, so the people it was meant " +
				"for are locked out, and what it admits instead are the VPC's own hosts (sce:allowedSshCidrs).",
			Level:      engine.Advisory,
			HIPAA:      []string{hipaaAccessControl},
			Sources:    engine.Sources{Other: "SCE design; IANA IPv4 Special-Purpose Address Registry (blocks not globally reachable)"},
			Types:      []string{netmodel.TypeSG, netmodel.TypeSGRule, netmodel.TypeSGIngressRule, computeTypeEIP, typeInstance},
			CheckStack: checkSSHSources,
		},
	}
}

// checkIngressSourcesMayEgress reports every ingress rule resource that admits another group of the stack
// which has no egress rule to let that traffic out.
func checkIngressSourcesMayEgress(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	all := netmodel.SecurityGroupRules(s)
	for _, in := range all {
		if in.Holder.Type != netmodel.TypeSGRule || in.Egress || in.Unknown != "" || len(in.Problems) > 0 {
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
			out = append(out, engine.Finding{URN: in.Holder.URN, Message: fmt.Sprintf("admits security group %s on %s, but %s has no egress rule "+
				"to %s (or to its VPC's addresses) for it, so the connection never leaves", source.Name, rangeText(in), source.Name, target.Name)})
		}
	}
	return out
}

// egressReaches reports whether one egress rule of source lets out everything ingress rule in admits, to
// target (by group) or to an address block holding target's VPC.
func egressReaches(s *engine.Stack, all []netmodel.SGRule, source, target *engine.Resource, in netmodel.SGRule) bool {
	peer := netmodel.NetPeer{Groups: []*engine.Resource{target}, Block: vpcCIDR(s, target)}
	for _, e := range all {
		if !e.Egress || e.Group == nil || e.Group.URN != source.URN || e.Unknown != "" {
			continue
		}
		ports, ok := e.Admits(in.Protocol)
		if ok && ports.Contains(in.Ports) && e.Reaches(peer) == engine.MatchYes {
			return true
		}
	}
	return false
}

// vpcCIDR returns the address block of a security group's VPC; the zero Prefix when unknown.
func vpcCIDR(s *engine.Stack, group *engine.Resource) netip.Prefix {
	for _, v := range s.Refs(group, "vpcId", typeVPC) {
		if p, err := netip.ParsePrefix(engine.StringAtOr(v.Props, "cidrBlock")); err == nil {
			return p.Masked()
		}
	}
	return netip.Prefix{}
}

// rangeText renders a rule's protocol and ports for messages: "all traffic", "tcp 22", "tcp 1024-65535".
func rangeText(r netmodel.SGRule) string {
	switch {
	case r.Protocol == netmodel.ProtoAll:
		return "all traffic"
	case r.Ports.From == r.Ports.To:
		return fmt.Sprintf("%s %d", r.Protocol, r.Ports.From)
	}
	return fmt.Sprintf("%s %d-%d", r.Protocol, r.Ports.From, r.Ports.To)
}

// checkSSHSources reports the ssh ingress blocks of internet-facing instances' security groups that no
// packet from the internet comes from.
func checkSSHSources(s *engine.Stack) []engine.Finding {
	facing := map[string]string{} // security group URN -> the internet-facing instance it guards
	for _, inst := range s.OfType(typeInstance) {
		public, _ := inst.Get("associatePublicIpAddress")
		if b, ok := public.(bool); (!ok || !b) && len(s.ReferringTo(inst, "instance", computeTypeEIP)) == 0 {
			continue
		}
		for _, g := range s.Refs(inst, "vpcSecurityGroupIds", netmodel.SGGroupTypes()...) {
			facing[g.URN] = inst.Name
		}
	}
	var out []engine.Finding
	for _, rule := range netmodel.SecurityGroupRules(s) {
		if rule.Egress || rule.Group == nil || facing[rule.Group.URN] == "" {
			continue
		}
		ports, ok := rule.Admits(netmodel.ProtoTCP)
		if !ok || !ports.Contains(netmodel.PortRange{From: netmodel.PortSSH, To: netmodel.PortSSH}) {
			continue
		}
		for _, b := range rule.Blocks {
			special, ok := addrspace.Unroutable(b)
			if !ok {
				continue
			}
			out = append(out, engine.Finding{URN: rule.Holder.URN, Message: fmt.Sprintf(
				"%s admits ssh to %s, which is reached from the internet, from %s: %s (%s) that no connection from the internet comes from, "+
					"so it never matches; give the public block the builder's office or VPN connects from (sce:allowedSshCidrs)",
				rule.Name(), facing[rule.Group.URN], b, special.Name, special.RFC)})
		}
	}
	return out
}

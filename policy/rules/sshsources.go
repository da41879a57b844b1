package rules

import (
	"fmt"

	"github.com/sce-project/sce/internal/addrspace"
)

func sshSourceRules() []Rule {
	return []Rule{{
		ID: "ssh-source-reachable-from-internet",
		Description: "Every address block a security group admits to TCP port 22 of an internet-facing instance (one with an Elastic IP or a " +
			"public address) is one that connections from the internet can come from: a private, shared (carrier-grade NAT), link-local or " +
			"otherwise special-purpose block never matches the public source address a connection arrives with, so the people it was meant " +
			"for are locked out, and what it admits instead are the VPC's own hosts (sce:allowedSshCidrs).",
		Level:      Advisory,
		HIPAA:      []string{hipaaAccessControl},
		Sources:    Sources{Other: "SCE design; IANA IPv4 Special-Purpose Address Registry (blocks not globally reachable)"},
		Types:      []string{netTypeSG, netTypeSGRule, netTypeSGIngressRule, computeTypeEIP, typeInstance},
		CheckStack: checkSSHSources,
	}}
}

// checkSSHSources reports the ssh ingress blocks of internet-facing instances' security groups that no
// packet from the internet comes from.
func checkSSHSources(s *Stack) []Finding {
	facing := map[string]string{} // security group URN -> the internet-facing instance it guards
	for _, inst := range s.OfType(typeInstance) {
		public, _ := inst.Get("associatePublicIpAddress")
		if b, ok := public.(bool); (!ok || !b) && len(s.ReferringTo(inst, "instance", computeTypeEIP)) == 0 {
			continue
		}
		for _, g := range s.Refs(inst, "vpcSecurityGroupIds", sgGroupTypes()...) {
			facing[g.URN] = inst.Name
		}
	}
	var out []Finding
	for _, rule := range SecurityGroupRules(s) {
		if rule.Egress || rule.Group == nil || facing[rule.Group.URN] == "" {
			continue
		}
		ports, ok := rule.Admits(ProtoTCP)
		if !ok || !ports.Contains(PortRange{From: netPortSSH, To: netPortSSH}) {
			continue
		}
		for _, b := range rule.Blocks {
			special, ok := addrspace.Unroutable(b)
			if !ok {
				continue
			}
			out = append(out, Finding{URN: rule.Holder.URN, Message: fmt.Sprintf(
				"%s admits ssh to %s, which is reached from the internet, from %s: %s (%s) that no connection from the internet comes from, "+
					"so it never matches; give the public block the builder's office or VPN connects from (sce:allowedSshCidrs)",
				rule.Name(), facing[rule.Group.URN], b, special.Name, special.RFC)})
		}
	}
	return out
}

package netflow

import (
	"fmt"

	"github.com/sce-project/sce/policy/rules"
)

// emrManagedRules returns the inbound rules Amazon EMR adds to the managed security groups of each
// cluster when it starts (Amazon EMR Management Guide, "Working with Amazon EMR-managed security
// groups", emr-man-sec-groups.html: "Amazon EMR checks the rules in the managed security groups that you
// specify, and then creates any missing inbound rules that the new cluster needs"; each rule of the
// default groups is added to custom managed groups too). For a cluster in a private subnet (one with a
// service access group):
//
//   - primary (ElasticMapReduce-Master-Private): all ICMP, TCP and UDP from the primary and the core
//     groups; TCP 8443 from the service access group;
//   - core and task (ElasticMapReduce-Slave-Private): the same;
//   - service access (ElasticMapReduce-ServiceAccess): TCP 9443 from the primary group.
//
// In a public subnet the primary and core groups get the rules between themselves; the rules for AWS's
// own address ranges are not modelled. EMR adds no outbound rules: those the stack must declare.
func emrManagedRules(s *rules.Stack) []rules.SGRule {
	var out []rules.SGRule
	for _, c := range s.OfType(typeEMR) {
		attrs, _ := c.Props["ec2Attributes"].(map[string]any)
		group := func(key string) *rules.Resource {
			for _, id := range stringsOf(attrs[key]) {
				if gs := s.Named(id, typeSG, typeDefaultSG); len(gs) > 0 {
					return gs[0]
				}
			}
			return nil
		}
		primary, core, service := group("emrManagedMasterSecurityGroup"), group("emrManagedSlaveSecurityGroup"), group("serviceAccessSecurityGroup")
		if primary == nil || core == nil {
			continue
		}
		add := func(target, source *rules.Resource, proto string, ports rules.PortRange, what string) {
			out = append(out, rules.SGRule{
				Holder:   c,
				Implicit: fmt.Sprintf("Amazon EMR adds for cluster %s (%s from %s)", c.Name, what, source.Name),
				Group:    target, GroupRef: target.ID,
				Protocol: proto, Ports: ports,
				Peers: []*rules.Resource{source},
			})
		}
		for _, target := range []*rules.Resource{primary, core} {
			for _, source := range []*rules.Resource{primary, core} {
				add(target, source, rules.ProtoTCP, rules.AllPorts(), "all TCP")
				add(target, source, rules.ProtoUDP, rules.AllPorts(), "all UDP")
				add(target, source, rules.ProtoICMP, rules.AllPorts(), "all ICMP")
			}
			if service != nil {
				add(target, service, rules.ProtoTCP, rules.PortRange{From: 8443, To: 8443}, "TCP 8443")
			}
		}
		if service != nil {
			add(service, primary, rules.ProtoTCP, rules.PortRange{From: 9443, To: 9443}, "TCP 9443")
		}
	}
	return out
}

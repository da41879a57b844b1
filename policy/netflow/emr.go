package netflow

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
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
func emrManagedRules(s *engine.Stack) []netmodel.SGRule {
	var out []netmodel.SGRule
	for _, c := range s.OfType(typeEMR) {
		attrs, _ := c.Props["ec2Attributes"].(map[string]any)
		group := func(key string) *engine.Resource {
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
		add := func(target, source *engine.Resource, proto string, ports netmodel.PortRange, what string) {
			out = append(out, netmodel.SGRule{
				Holder:   c,
				Implicit: fmt.Sprintf("Amazon EMR adds for cluster %s (%s from %s)", c.Name, what, source.Name),
				Group:    target, GroupRef: target.ID,
				Protocol: proto, Ports: ports,
				Peers: []*engine.Resource{source},
			})
		}
		for _, target := range []*engine.Resource{primary, core} {
			for _, source := range []*engine.Resource{primary, core} {
				add(target, source, netmodel.ProtoTCP, netmodel.AllPorts(), "all TCP")
				add(target, source, netmodel.ProtoUDP, netmodel.AllPorts(), "all UDP")
				add(target, source, netmodel.ProtoICMP, netmodel.AllPorts(), "all ICMP")
			}
			if service != nil {
				add(target, service, netmodel.ProtoTCP, netmodel.PortRange{From: 8443, To: 8443}, "TCP 8443")
			}
		}
		if service != nil {
			add(service, primary, netmodel.ProtoTCP, netmodel.PortRange{From: 9443, To: 9443}, "TCP 9443")
		}
	}
	return out
}

// emrGroupKeys are the ec2Attributes of an EMR cluster that name each role's managed and additional
// security groups.
func emrGroupKeys(role Role) (managed, additional string) {
	switch role {
	case RolePrimary:
		return "emrManagedMasterSecurityGroup", "additionalMasterSecurityGroups"
	case RoleCore:
		return "emrManagedSlaveSecurityGroup", "additionalSlaveSecurityGroups"
	case RoleServiceAccess:
		return "serviceAccessSecurityGroup", ""
	}
	return "", ""
}

// placeEMR places the nodes of one role of an EMR cluster: the role's managed and additional groups
// and the cluster's subnets (ec2Attributes).
func (n *Network) placeEMR(r *engine.Resource, role Role) ([]place, engine.Match3, string) {
	managed, additional := emrGroupKeys(role)
	if managed == "" {
		return nil, engine.MatchNo, fmt.Sprintf("an EMR cluster's endpoint needs a role (%s, %s or %s)", RolePrimary, RoleCore, RoleServiceAccess)
	}
	attrs, _ := r.Props["ec2Attributes"].(map[string]any)
	ids := stringsOf(attrs[managed])
	if list, ok := attrs[additional].(string); ok && additional != "" {
		for _, id := range strings.Split(list, ",") { // a comma-separated list, as the provider takes it
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	groups, missing := n.named(ids, typeSG, typeDefaultSG)
	if len(groups) == 0 || len(missing) > 0 {
		return nil, engine.MatchMaybe, fmt.Sprintf("ec2Attributes.%s of %s names no security group of the stack", managed, r.Name)
	}
	subnets, _ := n.named(append(stringsOf(attrs["subnetId"]), stringsOf(attrs["subnetIds"])...), typeSubnet)
	if len(subnets) == 0 {
		return nil, engine.MatchNo, fmt.Sprintf("ec2Attributes of %s name no subnet of the stack", r.Name)
	}
	out := n.inSubnets(fmt.Sprintf("the %s nodes of %s", role, r.Name), r, subnets, groups, linuxEphemeral())
	for i := range out {
		// EMR gives its nodes public addresses in a subnet that routes to an internet gateway.
		out[i].public, out[i].publicWhy = engine.MatchNo, "EMR nodes in a private subnet get no public address"
		if n.subnetRoutesToIGW(out[i].subnet) {
			out[i].public, out[i].publicWhy = engine.MatchYes, "EMR nodes in a public subnet get public addresses"
		}
	}
	return out, engine.MatchYes, ""
}

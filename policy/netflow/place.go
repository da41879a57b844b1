package netflow

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// Ephemeral port ranges of the clients ("Ephemeral ports", nacl-ephemeral-ports.html): the Amazon Linux
// kernel uses 32768-61000; a NAT gateway, Elastic Load Balancing and Lambda use 1024-65535, which is also
// the range to assume for a client of unknown kind.
func linuxEphemeral() netmodel.PortRange { return netmodel.PortRange{From: 32768, To: 61000} }

// anyEphemeral is the range of a NAT gateway, Elastic Load Balancing, Lambda or a client of unknown kind.
func anyEphemeral() netmodel.PortRange { return netmodel.PortRange{From: 1024, To: 65535} }

// place is one placement of an endpoint: a resource in one subnet with its groups, an address block on
// the internet, or a prefix list.
type place struct {
	name   string
	res    *engine.Resource
	vpc    *engine.Resource
	subnet *engine.Resource
	// block holds every address the endpoint may use in that subnet.
	block  netip.Prefix
	groups []*engine.Resource
	// client is the endpoint's ephemeral port range when it opens a connection.
	client netmodel.PortRange
	// public says whether the endpoint has a public IPv4 address, and how.
	public    engine.Match3
	publicWhy string
	internet  bool
	isPL      bool
	pl        netmodel.NetPeer
}

// peer is the place as a rule sees it.
func (p place) peer() netmodel.NetPeer {
	switch {
	case p.isPL:
		return p.pl
	case p.internet:
		return netmodel.NetPeer{Block: p.block, Public: true}
	}
	return netmodel.NetPeer{Groups: p.groups, Block: p.block}
}

// places returns the placements of an endpoint; the Match3 is not MatchYes (and the string says why)
// when it cannot be placed.
func (n *Network) places(e Endpoint) ([]place, engine.Match3, string) {
	switch {
	case e.Resource == nil && e.Block.IsValid():
		return []place{{name: e.Block.String(), block: e.Block, internet: true, client: anyEphemeral()}}, engine.MatchYes, ""
	case e.Resource == nil && e.PrefixList != "":
		p := place{name: "prefix list " + e.PrefixList, isPL: true, pl: netmodel.NetPeer{PrefixList: e.PrefixList}}
		for _, ep := range n.s.OfType(typeVPCEndpoint) {
			if netmodel.PrefixListOf(ep) == e.PrefixList {
				p.pl.Endpoint = ep
			}
		}
		return []place{p}, engine.MatchYes, ""
	case e.Resource == nil:
		return nil, engine.MatchNo, "the endpoint names no resource, address block or prefix list"
	}
	r := e.Resource
	if e.Role != "" && r.Type != typeEMR {
		return nil, engine.MatchNo, fmt.Sprintf("%s is not an EMR cluster: only an EMR cluster has node roles", r.Name)
	}
	switch r.Type {
	case typeVPCEndpoint:
		p := place{name: "the prefix list of " + r.Name, isPL: true, pl: netmodel.NetPeer{PrefixList: netmodel.PrefixListOf(r), Endpoint: r}}
		return []place{p}, engine.MatchYes, ""
	case typeInstance:
		return n.placeInstance(r)
	case typeLaunchTemplate:
		return n.placeLaunchTemplate(r)
	case typeRedshift:
		return n.placeRedshift(r)
	case typeEMR:
		return n.placeEMR(r, e.Role)
	}
	return nil, engine.MatchNo, fmt.Sprintf("%s is a %s, which the evaluator cannot place in a subnet", r.Name, r.Type)
}

// inSubnets places a resource in each of its subnets.
func (n *Network) inSubnets(name string, r *engine.Resource, subnets []*engine.Resource, groups []*engine.Resource, client netmodel.PortRange) []place {
	out := make([]place, 0, len(subnets))
	for _, sn := range subnets {
		block, _ := prefixAt(sn, "cidrBlock")
		out = append(out, place{name: name, res: r, vpc: n.vpcOf(sn), subnet: sn, block: block, groups: groups, client: client})
	}
	return out
}

// refsOrUnknown resolves a reference; when it resolves to nothing it says why, as unknown until
// deployment or as naming nothing of the stack.
func (n *Network) refsOrUnknown(r *engine.Resource, prop, what string, types ...string) ([]*engine.Resource, engine.Match3, string) {
	found := n.s.Refs(r, prop, types...)
	if len(found) > 0 {
		return found, engine.MatchYes, ""
	}
	v, ok := r.Get(prop)
	switch {
	case ok && engine.IsUnknown(v):
		return nil, engine.MatchMaybe, fmt.Sprintf("%s of %s is unknown until deployment", prop, r.Name)
	case !ok:
		return nil, engine.MatchNo, fmt.Sprintf("%s names no %s (%s is not set)", r.Name, what, prop)
	}
	return nil, engine.MatchNo, fmt.Sprintf("%s of %s (%v) names no %s of the stack", prop, r.Name, v, what)
}

// placeByIDs places a resource in the subnets a property of holder names (the resource itself, or its
// Redshift subnet group), with the security groups of its vpcSecurityGroupIds; the Match3 is not
// MatchYes (and the string says why) when either does not resolve.
func (n *Network) placeByIDs(r, holder *engine.Resource, subnetProp string, client netmodel.PortRange) ([]place, engine.Match3, string) {
	subnets, m, why := n.refsOrUnknown(holder, subnetProp, "subnet", typeSubnet)
	if m != engine.MatchYes {
		return nil, m, why
	}
	groups, m, why := n.groupsAt(r, "vpcSecurityGroupIds")
	if m != engine.MatchYes {
		return nil, m, why
	}
	return n.inSubnets(r.Name, r, subnets, groups, client), engine.MatchYes, ""
}

// placeInstance places an instance in its subnet (subnetId) with its groups; its address is its
// privateIp when the plan gives one, else its subnet's block.
func (n *Network) placeInstance(r *engine.Resource) ([]place, engine.Match3, string) {
	out, m, why := n.placeByIDs(r, r, "subnetId", linuxEphemeral())
	if m != engine.MatchYes {
		return nil, m, why
	}
	for i := range out {
		if a, ok := prefixAt(r, "privateIp"); ok {
			out[i].block = a
		}
		out[i].public, out[i].publicWhy = n.instancePublic(r, out[i].subnet)
	}
	return out, engine.MatchYes, ""
}

// groupsAt returns the security groups a list of ids names; a resource that names none gets the VPC's
// default security group, which the stack must manage for its rules to be known.
func (n *Network) groupsAt(r *engine.Resource, prop string) ([]*engine.Resource, engine.Match3, string) {
	v, ok := r.Get(prop)
	if ok && engine.IsUnknown(v) && len(r.PropertyDependencies[prop]) == 0 {
		return nil, engine.MatchMaybe, fmt.Sprintf("%s of %s is unknown until deployment", prop, r.Name)
	}
	groups := n.s.Refs(r, prop, typeSG, typeDefaultSG)
	if len(groups) > 0 {
		return groups, engine.MatchYes, ""
	}
	if ids := stringsOf(v); len(ids) > 0 {
		return nil, engine.MatchMaybe, fmt.Sprintf("%s of %s names security groups %s, which the stack does not hold: their rules are unknown", prop, r.Name, strings.Join(ids, ", "))
	}
	return nil, engine.MatchMaybe, fmt.Sprintf("%s of %s names no security group, so it gets its VPC's default security group, whose rules the evaluator does not model", prop, r.Name)
}

// named resolves ids to resources of the stack; unresolved ids are returned too.
func (n *Network) named(ids []string, types ...string) ([]*engine.Resource, []string) {
	var found []*engine.Resource
	var missing []string
	for _, id := range ids {
		rs := n.s.Named(id, types...)
		if len(rs) == 0 {
			missing = append(missing, id)
		}
		found = append(found, rs...)
	}
	return found, missing
}

// placeLaunchTemplate places a launch template's instances: the groups and subnet of its primary
// network interface and its vpcSecurityGroupIds, else the subnets of the auto scaling groups that use it.
func (n *Network) placeLaunchTemplate(r *engine.Resource) ([]place, engine.Match3, string) {
	var groupIDs, subnetIDs []string
	public := engine.MatchNo
	if nics, ok := r.Props["networkInterfaces"].([]any); ok {
		for _, nic := range nics {
			m, _ := nic.(map[string]any)
			if idx, ok := intOf(m["deviceIndex"]); ok && idx != 0 {
				continue // the primary interface decides where the instance sits
			}
			groupIDs = append(groupIDs, stringsOf(m["securityGroups"])...)
			subnetIDs = append(subnetIDs, stringsOf(m["subnetId"])...)
			if b, _ := asBool(m["associatePublicIpAddress"]); b {
				public = engine.MatchYes
			}
		}
	}
	groupIDs = append(groupIDs, stringsOf(r.Props["vpcSecurityGroupIds"])...)
	groups, missing := n.named(groupIDs, typeSG, typeDefaultSG)
	switch {
	case len(missing) > 0:
		return nil, engine.MatchMaybe, fmt.Sprintf("launch template %s names security groups %s, which the stack does not hold: their rules are unknown",
			r.Name, strings.Join(missing, ", "))
	case len(groups) == 0:
		return nil, engine.MatchMaybe, fmt.Sprintf("launch template %s names no security group, so its instances get their VPC's default security group, "+
			"whose rules the evaluator does not model", r.Name)
	}
	subnets, _ := n.named(subnetIDs, typeSubnet)
	if len(subnets) == 0 {
		for _, g := range n.s.OfType(typeAutoScaling) {
			if !n.usesTemplate(g, r) {
				continue
			}
			s, _ := n.named(stringsOf(g.Props["vpcZoneIdentifiers"]), typeSubnet)
			subnets = append(subnets, s...)
		}
	}
	if len(subnets) == 0 {
		return nil, engine.MatchNo, fmt.Sprintf("launch template %s names no subnet, and no auto scaling group of the stack that uses it does", r.Name)
	}
	out := n.inSubnets("instances of "+r.Name, r, subnets, groups, linuxEphemeral())
	for i := range out {
		out[i].public, out[i].publicWhy = public, "associatePublicIpAddress of its primary network interface"
		if public == engine.MatchNo {
			out[i].publicWhy = "its network interface asks for no public address"
		}
	}
	return out, engine.MatchYes, ""
}

// usesTemplate reports whether an auto scaling group launches from a template: launchTemplate, or the
// launch template of its mixed instances policy.
func (n *Network) usesTemplate(g, tmpl *engine.Resource) bool {
	for _, path := range []string{"launchTemplate.id", "launchTemplate.name",
		"mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId",
		"mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateName"} {
		v, _ := g.Get(path)
		for _, id := range stringsOf(v) {
			for _, t := range n.s.Named(id, typeLaunchTemplate) {
				if t.URN == tmpl.URN {
					return true
				}
			}
		}
	}
	for _, urn := range g.PropertyDependencies["launchTemplate"] {
		if urn == tmpl.URN {
			return true
		}
	}
	return false
}

// placeRedshift places a Redshift cluster in the subnets of its subnet group, with its groups.
func (n *Network) placeRedshift(r *engine.Resource) ([]place, engine.Match3, string) {
	groupsOf, m, why := n.refsOrUnknown(r, "clusterSubnetGroupName", "cluster subnet group", typeRedshiftSubnets)
	if m != engine.MatchYes {
		return nil, m, why
	}
	out, m, why := n.placeByIDs(r, groupsOf[0], "subnetIds", anyEphemeral())
	if m != engine.MatchYes {
		return nil, m, why
	}
	for i := range out {
		out[i].public, out[i].publicWhy = engine.MatchNo, "publiclyAccessible is not true"
		if b, _ := asBool(r.Props["publiclyAccessible"]); b {
			out[i].public, out[i].publicWhy = engine.MatchYes, "publiclyAccessible"
		}
	}
	return out, engine.MatchYes, ""
}

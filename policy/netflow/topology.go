package netflow

import (
	"fmt"
	"net/netip"

	"github.com/sce-project/sce/policy/engine"
)

// vpcOf returns a subnet's VPC, nil when the stack does not hold it.
func (n *Network) vpcOf(subnet *engine.Resource) *engine.Resource {
	if vpcs := n.s.Refs(subnet, "vpcId", typeVPC); len(vpcs) > 0 {
		return vpcs[0]
	}
	return nil
}

// vpcBlock returns a VPC's IPv4 block.
func vpcBlock(vpc *engine.Resource) (netip.Prefix, bool) {
	if vpc == nil {
		return netip.Prefix{}, false
	}
	return prefixAt(vpc, "cidrBlock")
}

// managesDefault reports whether a Default* resource manages a VPC's default object: its id property
// equals the VPC's output of that name, or refers to the VPC.
func (n *Network) managesDefault(r *engine.Resource, prop string, vpc *engine.Resource) bool {
	if want, _ := vpc.Outputs[prop].(string); want != "" {
		if got, _ := r.Props[prop].(string); got == want {
			return true
		}
	}
	for _, v := range n.s.Refs(r, prop, typeVPC) {
		if v.URN == vpc.URN {
			return true
		}
	}
	return false
}

// routeTable is the table a subnet uses: how it was chosen, and whether the stack holds it (else only
// the local route is known).
type routeTable struct {
	table *engine.Resource
	how   string
}

// routeTableOf returns a subnet's route table: its explicit association, else the VPC's main table (a
// MainRouteTableAssociation, else the DefaultRouteTable that manages the VPC's original main table).
// "Subnet route tables": a subnet not explicitly associated uses the main route table.
func (n *Network) routeTableOf(subnet *engine.Resource) routeTable {
	for _, a := range n.s.ReferringTo(subnet, "subnetId", typeRouteTableAssoc) {
		if ts := n.s.Refs(a, "routeTableId", typeRouteTable, typeDefaultRouteTbl); len(ts) > 0 {
			return routeTable{table: ts[0], how: "associated by " + a.Name}
		}
	}
	vpc := n.vpcOf(subnet)
	if vpc == nil {
		return routeTable{how: "the subnet's VPC is not in the stack"}
	}
	for _, a := range n.s.ReferringTo(vpc, "vpcId", typeMainRouteAssoc) {
		if ts := n.s.Refs(a, "routeTableId", typeRouteTable, typeDefaultRouteTbl); len(ts) > 0 {
			return routeTable{table: ts[0], how: fmt.Sprintf("the VPC's main route table (%s), as the subnet has no association of its own", a.Name)}
		}
	}
	for _, t := range n.s.OfType(typeDefaultRouteTbl) {
		if n.managesDefault(t, "defaultRouteTableId", vpc) {
			return routeTable{table: t, how: "the VPC's main route table, as the subnet has no association of its own"}
		}
	}
	return routeTable{how: "the VPC's main route table, which the stack does not manage (only its local route is known)"}
}

// name renders the table for messages.
func (rt routeTable) name() string {
	if rt.table == nil {
		return "the VPC's main route table"
	}
	return "route table " + displayName(rt.table)
}

// networkACL is the ACL a subnet uses. allowAll marks a VPC's default ACL the stack does not manage:
// AWS's default ACL allows all inbound and outbound traffic ("Default network ACL").
type networkACL struct {
	acl      *engine.Resource
	allowAll bool
	how      string
}

func (a networkACL) name() string {
	if a.acl == nil {
		return "the VPC's default network ACL"
	}
	return "network ACL " + displayName(a.acl)
}

// aclOf returns a subnet's network ACL: a NetworkAclAssociation, a network ACL that lists the subnet in
// subnetIds, else the VPC's default network ACL ("each subnet must be associated with a network ACL; a
// subnet not explicitly associated is associated with the default network ACL").
func (n *Network) aclOf(subnet *engine.Resource) networkACL {
	for _, a := range n.s.ReferringTo(subnet, "subnetId", typeNACLAssociation) {
		if acls := n.s.Refs(a, "networkAclId", typeNACL, typeDefaultNACL); len(acls) > 0 {
			return networkACL{acl: acls[0], how: "associated by " + a.Name}
		}
	}
	for _, acl := range n.s.OfType(typeNACL, typeDefaultNACL) {
		for _, sn := range n.s.Refs(acl, "subnetIds", typeSubnet) {
			if sn.URN == subnet.URN {
				return networkACL{acl: acl, how: "its subnetIds"}
			}
		}
	}
	if vpc := n.vpcOf(subnet); vpc != nil {
		for _, acl := range n.s.OfType(typeDefaultNACL) {
			if n.managesDefault(acl, "defaultNetworkAclId", vpc) {
				return networkACL{acl: acl, how: "the VPC's default network ACL, as the subnet has no association"}
			}
		}
	}
	return networkACL{allowAll: true, how: "the VPC's default network ACL, which the stack does not manage: AWS's default rules allow all traffic"}
}

// displayName names a resource in messages: its name, with its id when the id differs.
func displayName(r *engine.Resource) string {
	if r.ID != "" && r.ID != r.Name {
		return fmt.Sprintf("%s (%s)", r.Name, r.ID)
	}
	return r.Name
}

// igwAttached reports whether an internet gateway is attached to a VPC: its vpcId, or an
// InternetGatewayAttachment.
func (n *Network) igwAttached(igw, vpc *engine.Resource) bool {
	if vpc == nil {
		return false
	}
	for _, v := range n.s.Refs(igw, "vpcId", typeVPC) {
		if v.URN == vpc.URN {
			return true
		}
	}
	for _, a := range n.s.ReferringTo(igw, "internetGatewayId", typeIGWAttachment) {
		for _, v := range n.s.Refs(a, "vpcId", typeVPC) {
			if v.URN == vpc.URN {
				return true
			}
		}
	}
	return false
}

// subnetRoutesToIGW reports whether a subnet's table routes 0.0.0.0/0 to an internet gateway.
func (n *Network) subnetRoutesToIGW(subnet *engine.Resource) bool {
	rt := n.routeTableOf(subnet)
	hop := n.lookup(rt, n.vpcOf(subnet), dest{block: netip.PrefixFrom(netip.IPv4Unspecified(), 0), public: true})
	return hop.result == engine.MatchYes && hop.route != nil && hop.route.Target != nil && hop.route.Target.Type == typeIGW
}

// instancePublic reports whether an instance has a public IPv4 address: an Elastic IP (an Eip naming the
// instance, or an EipAssociation), associatePublicIpAddress, or a subnet that maps public addresses on
// launch when the instance does not say.
func (n *Network) instancePublic(r, subnet *engine.Resource) (engine.Match3, string) {
	for _, eip := range n.s.ReferringTo(r, "instance", typeEIP) {
		return engine.MatchYes, "Elastic IP " + displayName(eip)
	}
	for _, a := range n.s.ReferringTo(r, "instanceId", typeEIPAssociation) {
		return engine.MatchYes, "Elastic IP association " + a.Name
	}
	if v, ok := r.Get("associatePublicIpAddress"); ok {
		if engine.IsUnknown(v) {
			return engine.MatchMaybe, "associatePublicIpAddress of " + r.Name + " is unknown until deployment"
		}
		if b, _ := asBool(v); b {
			return engine.MatchYes, "associatePublicIpAddress"
		}
		return engine.MatchNo, "no Elastic IP, and associatePublicIpAddress is false"
	}
	if subnet != nil {
		if b, _ := asBool(subnet.Props["mapPublicIpOnLaunch"]); b {
			return engine.MatchYes, "mapPublicIpOnLaunch of subnet " + subnet.Name
		}
	}
	return engine.MatchNo, "no Elastic IP, and neither it nor its subnet asks for a public address"
}

package export

// This file derives the dot graph's network flows from the routes and security group rules: ssh from
// the internet and between groups, egress through the NAT gateway, and S3 through the gateway endpoint.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// routing indexes the network's routes: the route table of each subnet, the routes and gateway endpoints
// of each table, the subnet of each instance and NAT gateway, and the instances of each subnet.
type routing struct {
	subnetTable map[string]string           // subnet URN → route table URN
	routes      map[string][]*plan.Resource // route table URN → routes
	endpoints   map[string][]*plan.Resource // route table URN → gateway endpoints
	subnetOf    map[string]string           // instance or NAT URN → subnet URN
	members     map[string][]*plan.Resource // subnet URN → instances
}

// routing builds the route index from the route table associations, routes and endpoint associations.
func (f *facts) routing() routing {
	rt := routing{subnetTable: map[string]string{}, routes: map[string][]*plan.Resource{}, endpoints: map[string][]*plan.Resource{},
		subnetOf: map[string]string{}, members: map[string][]*plan.Resource{}}
	for _, a := range f.p.Find(typRTAssoc) {
		s, t := f.dep(&a, "subnetId", typSubnet), f.dep(&a, "routeTableId", "")
		if s != nil && t != nil {
			rt.subnetTable[s.URN] = t.URN
		}
	}
	for i := range f.p.Resources {
		r := &f.p.Resources[i]
		switch r.Type {
		case typRoute:
			if t := f.dep(r, "routeTableId", ""); t != nil {
				rt.routes[t.URN] = append(rt.routes[t.URN], r)
			}
		case typEndpointRT:
			t, e := f.dep(r, "routeTableId", ""), f.dep(r, "vpcEndpointId", typEndpoint)
			if t != nil && e != nil {
				rt.endpoints[t.URN] = append(rt.endpoints[t.URN], e)
			}
		case typInstance, typNat:
			if s := f.dep(r, "subnetId", typSubnet); s != nil {
				rt.subnetOf[r.URN] = s.URN
				if r.Type == typInstance {
					rt.members[s.URN] = append(rt.members[s.URN], r)
				}
			}
		}
	}
	return rt
}

// defaultRoute returns the target of a subnet's 0.0.0.0/0 route: an internet or NAT gateway.
func (f *facts) defaultRoute(rt routing, subnet string) *plan.Resource {
	for _, route := range rt.routes[rt.subnetTable[subnet]] {
		if str(route.Inputs["destinationCidrBlock"]) != "0.0.0.0/0" {
			continue
		}
		if g := f.dep(route, "gatewayId", typIgw); g != nil {
			return g
		}
		if n := f.dep(route, "natGatewayId", typNat); n != nil {
			return n
		}
	}
	return nil
}

// networkFlows adds the flows the network allows: ssh from the internet through the internet gateway,
// ssh between security groups, egress through the NAT gateway, and S3 through the gateway endpoint, along
// the routes rt indexes.
func (g *graph) networkFlows(f *facts, rt routing) {
	sgMembers := map[string][]*plan.Resource{} // security group URN → instances
	for _, inst := range f.p.Find(typInstance) {
		inst := inst
		for _, sg := range f.deps(&inst, "vpcSecurityGroupIds") {
			sgMembers[sg.URN] = append(sgMembers[sg.URN], f.byURN[inst.URN])
		}
	}
	// Ingress rules: from the internet (CIDR blocks) or from another group.
	type ingress struct{ cidrs []string }
	fromInternet := map[string]*ingress{} // instance URN → allowed blocks
	var instanceOrder []string
	for _, rule := range f.p.Find(typSGRule) {
		rule := rule
		if str(rule.Inputs["type"]) != "ingress" {
			continue
		}
		sg := f.dep(&rule, "securityGroupId", "")
		if sg == nil {
			continue
		}
		port := portLabel(rule.Inputs)
		if src := f.dep(&rule, "sourceSecurityGroupId", ""); src != nil {
			for _, from := range sgMembers[src.URN] {
				for _, to := range sgMembers[sg.URN] {
					g.addEdge(nodeID(from), nodeID(to), port, "bold")
				}
			}
			continue
		}
		for _, to := range sgMembers[sg.URN] {
			in, ok := fromInternet[to.URN]
			if !ok {
				in = &ingress{}
				fromInternet[to.URN] = in
				instanceOrder = append(instanceOrder, to.URN)
			}
			for _, c := range strs(rule.Inputs["cidrBlocks"]) {
				in.cidrs = append(in.cidrs, port+" from "+c)
			}
		}
	}
	for _, urn := range instanceOrder {
		inst := f.byURN[urn]
		label := strings.Join(fromInternet[urn].cidrs, "\n")
		if gw := f.defaultRoute(rt, rt.subnetOf[urn]); gw != nil && gw.Type == typIgw {
			g.addEdge(internetNode, nodeID(gw), label, "bold")
			g.addEdge(nodeID(gw), nodeID(inst), "to the Elastic IP", "bold")
			continue
		}
		g.addEdge(internetNode, nodeID(inst), label, "bold")
	}

	// Egress: instances → their subnet's default route target; a NAT gateway → its own subnet's gateway.
	subnets := slices.Sorted(maps.Keys(rt.members))
	for _, s := range subnets {
		gw := f.defaultRoute(rt, s)
		if gw == nil || gw.Type != typNat {
			continue
		}
		for _, inst := range rt.members[s] {
			g.addEdge(nodeID(inst), nodeID(gw), "0.0.0.0/0: updates, packages", "")
		}
		if out := f.defaultRoute(rt, rt.subnetOf[gw.URN]); out != nil && out.Type == typIgw {
			g.addEdge(nodeID(gw), nodeID(out), "egress", "")
			g.addEdge(nodeID(out), internetNode, "egress", "")
		}
	}

	// S3 through the gateway endpoint: instances whose subnet's route table has the endpoint.
	for _, s := range subnets {
		for _, ep := range rt.endpoints[rt.subnetTable[s]] {
			for _, inst := range rt.members[s] {
				g.addEdge(nodeID(inst), nodeID(ep), "S3 prefix list route", "")
			}
		}
	}
}

// portLabel describes a security group rule's protocol and ports ("ssh :22", "tcp :443").
func portLabel(in map[string]any) string {
	from, to := fmt.Sprint(in["fromPort"]), fmt.Sprint(in["toPort"])
	proto := str(in["protocol"])
	if from == "22" && to == "22" && proto == "tcp" {
		return "ssh :22"
	}
	if from == to {
		return fmt.Sprintf("%s :%s", proto, from)
	}
	return fmt.Sprintf("%s :%s-%s", proto, from, to)
}

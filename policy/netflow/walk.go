package netflow

import (
	"fmt"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// Notes and path elements the walks add.
const (
	// statefulAnswers: security groups are stateful ("Security group rules"), so the answers to an
	// admitted connection pass both ends' groups whatever their rules say.
	statefulAnswers = "the answers pass both security groups without a rule: security groups are stateful"
	// endpointPolicies: which requests pass a gateway endpoint is its policy's and the buckets' to say.
	endpointPolicies = "the endpoint's policy and the resource policies decide which requests succeed (the IAM evaluator's part)"
)

func hopCheck(h hop) check {
	if h.result != engine.MatchYes {
		return check{result: h.result, why: h.why}
	}
	return pass(h.path)
}

// blockPeer is a place as a network ACL sees it: its addresses only.
func blockPeer(p place) netmodel.NetPeer {
	peer := p.peer()
	peer.Groups = nil
	return peer
}

// withinVPC follows a flow between two resources of the stack: the source's outbound rules, the
// source subnet's ACL outbound, the local route, the destination subnet's ACL inbound, the destination's
// inbound rules, then the answers back through both ACLs (stateless) to the source's ephemeral ports.
// Two resources in one subnet exchange traffic without crossing its ACL.
func (n *Network) withinVPC(t *trace, src, dst place, wants []traffic) {
	switch {
	case src.vpc == nil || dst.vpc == nil:
		t.fail(engine.MatchMaybe, "the VPC of a subnet is not in the stack")
		return
	case src.vpc.URN != dst.vpc.URN:
		t.fail(engine.MatchNo, fmt.Sprintf("%s is in VPC %s and %s in VPC %s: flows between VPCs (peering, transit gateways) are not modelled, so none is allowed",
			src.name, src.vpc.Name, dst.name, dst.vpc.Name))
		return
	}
	for _, w := range wants {
		if !t.step(n.sgCheck(src.groups, true, w, dst.peer(), peerName(dst))) {
			return
		}
	}
	same := src.subnet.URN == dst.subnet.URN
	srcACL, dstACL := n.aclOf(src.subnet), n.aclOf(dst.subnet)
	if !same {
		for _, w := range wants {
			if !t.step(n.aclCheck(crossing{acl: srcACL, egress: true, w: w, remote: blockPeer(dst)})) {
				return
			}
		}
	}
	if !t.step(n.localRoute(src, dst)) {
		return
	}
	if same {
		t.note(fmt.Sprintf("%s and %s are both in subnet %s: traffic within a subnet crosses no network ACL, which filters only what enters and leaves "+
			"its subnet (Amazon VPC User Guide, \"Control subnet traffic with network access control lists\")", src.name, dst.name, displayName(src.subnet)))
	} else {
		for _, w := range wants {
			if !t.step(n.aclCheck(crossing{acl: dstACL, w: w, remote: blockPeer(src)})) {
				return
			}
		}
	}
	for _, w := range wants {
		if !t.step(n.sgCheck(dst.groups, false, w, src.peer(), peerName(src))) {
			return
		}
	}
	t.v.Path = append(t.v.Path, statefulAnswers)
	if same {
		return
	}
	for _, w := range answers(wants, src.client) {
		if !t.step(n.aclCheck(crossing{acl: dstACL, egress: true, w: w, remote: blockPeer(src), answers: true})) {
			return
		}
		if !t.step(n.aclCheck(crossing{acl: srcACL, w: w, remote: blockPeer(dst), answers: true})) {
			return
		}
	}
}

// localRoute checks that the source subnet's table carries traffic for the destination on the local
// route ("every route table contains a local route for communication within the VPC"); a more specific
// route (to a firewall, an appliance) is not modelled.
func (n *Network) localRoute(src, dst place) check {
	rt := n.routeTableOf(src.subnet)
	h := n.lookup(rt, src.vpc, dest{block: dst.block})
	switch {
	case h.result != engine.MatchYes:
		return hopCheck(h)
	case !h.local:
		return check{result: engine.MatchMaybe, why: fmt.Sprintf("%s sends traffic for %s to %s instead of the local route: middlebox routes are not modelled",
			rt.name(), dst.block, targetName(h.route))}
	}
	return pass(h.path)
}

// leaveOutbound checks the first leg of a flow that leaves the VPC's subnets: the source's security groups
// and its subnet's network ACL must let every wanted traffic out to peer. It reports whether the trace may
// go on.
func (n *Network) leaveOutbound(t *trace, src, dst place, peer netmodel.NetPeer, wants []traffic) bool {
	for _, w := range wants {
		if !t.step(n.sgCheck(src.groups, true, w, peer, dst.name)) {
			return false
		}
	}
	srcACL := n.aclOf(src.subnet)
	for _, w := range wants {
		if !t.step(n.aclCheck(crossing{acl: srcACL, egress: true, w: w, remote: peer})) {
			return false
		}
	}
	return true
}

// toInternet follows a flow from a resource to an address block on the internet: the source's outbound
// rules and subnet ACL, then its route: an internet gateway (the source needs a public address) or a NAT
// gateway (see viaNAT); then the answers back to the source's ephemeral ports.
func (n *Network) toInternet(t *trace, src, dst place, wants []traffic) {
	peer := dst.peer()
	if !n.leaveOutbound(t, src, dst, peer, wants) {
		return
	}
	rt := n.routeTableOf(src.subnet)
	h := n.lookup(rt, src.vpc, dest{block: dst.block, public: true})
	if !t.step(hopCheck(h)) {
		return
	}
	target := (*engine.Resource)(nil)
	if h.route != nil {
		target = h.route.Target
	}
	switch {
	case h.local:
		t.fail(engine.MatchNo, fmt.Sprintf("%s lies in the VPC's block: name the resource there as the destination", dst.block))
		return
	case target != nil && target.Type == typeIGW:
		if !n.igwAttached(target, src.vpc) {
			t.fail(engine.MatchNo, fmt.Sprintf("internet gateway %s is not attached to VPC %s", displayName(target), src.vpc.Name))
			return
		}
		if src.public != engine.MatchYes {
			t.fail(max(src.public, engine.MatchNo), fmt.Sprintf("no public IPv4 address on %s (%s): an internet gateway carries traffic only for addresses "+
				"with a public or Elastic IP address", src.name, src.publicWhy))
			return
		}
		t.v.Path = append(t.v.Path, fmt.Sprintf("internet gateway %s, for the public address of %s (%s)", displayName(target), src.name, src.publicWhy),
			statefulAnswers)
	case target != nil && target.Type == typeNATGateway:
		if !n.viaNAT(t, src, dst, wants, target) {
			return
		}
	default:
		t.fail(engine.MatchMaybe, fmt.Sprintf("%s: the evaluator does not model that target", h.path))
		return
	}
	for _, w := range answers(wants, src.client) {
		if !t.step(n.aclCheck(crossing{acl: n.aclOf(src.subnet), w: w, remote: peer, answers: true})) {
			return
		}
	}
}

// viaNAT follows the NAT gateway's part of a flow to the internet ("NAT gateways"): a public NAT gateway
// with an Elastic IP, in a subnet whose table routes the destination to an attached internet gateway;
// when that subnet is not the source's, the traffic crosses its ACL inbound and outbound; the answers
// arrive on the NAT gateway's ports (1024-65535) and, in another subnet, cross its ACL back to the source.
// It reports whether the flow goes on.
func (n *Network) viaNAT(t *trace, src, dst place, wants []traffic, nat *engine.Resource) bool {
	if ct, _ := nat.Props["connectivityType"].(string); ct == "private" {
		t.fail(engine.MatchNo, fmt.Sprintf("NAT gateway %s is private (connectivityType private): it cannot reach the internet", displayName(nat)))
		return false
	}
	if v, ok := nat.Get("allocationId"); !ok && v == nil {
		t.fail(engine.MatchNo, fmt.Sprintf("NAT gateway %s has no Elastic IP (allocationId): a public NAT gateway needs one", displayName(nat)))
		return false
	}
	subnets, m, why := n.refsOrUnknown(nat, "subnetId", "subnet", typeSubnet)
	if m != engine.MatchYes {
		t.fail(m, why)
		return false
	}
	natSubnet := subnets[0]
	natACL := n.aclOf(natSubnet)
	peer := dst.peer()
	other := natSubnet.URN != src.subnet.URN
	if other {
		for _, w := range wants {
			if !t.step(n.aclCheck(crossing{acl: natACL, w: w, remote: blockPeer(src)})) {
				return false
			}
		}
	}
	natRT := n.routeTableOf(natSubnet)
	h := n.lookup(natRT, n.vpcOf(natSubnet), dest{block: dst.block, public: true})
	if h.result != engine.MatchYes {
		t.fail(h.result, fmt.Sprintf("NAT gateway %s sits in subnet %s: %s", displayName(nat), natSubnet.Name, h.why))
		return false
	}
	t.v.Path = append(t.v.Path, h.path)
	if h.route == nil || h.route.Target == nil || h.route.Target.Type != typeIGW || !n.igwAttached(h.route.Target, n.vpcOf(natSubnet)) {
		t.fail(engine.MatchNo, fmt.Sprintf("NAT gateway %s sits in subnet %s, whose %s routes %s to %s, not to an internet gateway attached to its VPC",
			displayName(nat), natSubnet.Name, natRT.name(), dst.block, describeHop(h)))
		return false
	}
	t.v.Path = append(t.v.Path, fmt.Sprintf("NAT gateway %s in subnet %s, which sends the traffic from its Elastic IP", displayName(nat), natSubnet.Name))
	if other {
		for _, w := range wants {
			if !t.step(n.aclCheck(crossing{acl: natACL, egress: true, w: w, remote: peer})) {
				return false
			}
		}
	}
	t.v.Path = append(t.v.Path, fmt.Sprintf("internet gateway %s", displayName(h.route.Target)), statefulAnswers)
	for _, w := range answers(wants, anyEphemeral()) {
		if !t.step(n.aclCheck(crossing{acl: natACL, w: w, remote: peer, answers: true})) {
			return false
		}
	}
	if other {
		for _, w := range answers(wants, src.client) {
			if !t.step(n.aclCheck(crossing{acl: natACL, egress: true, w: w, remote: blockPeer(src), answers: true})) {
				return false
			}
		}
	}
	return true
}

func describeHop(h hop) string {
	switch {
	case h.local:
		return "the local route"
	case h.route != nil:
		return targetName(h.route)
	}
	return "nothing"
}

// toPrefixList follows a flow from a resource to a prefix list (a service through its gateway endpoint,
// "Gateway endpoints": the source's outbound rules must admit the prefix list or its addresses, its
// subnet's ACL the service's public addresses both ways, and its table must route the prefix list to the
// endpoint).
func (n *Network) toPrefixList(t *trace, src, dst place, wants []traffic) {
	peer := dst.peer()
	if !n.leaveOutbound(t, src, dst, peer, wants) {
		return
	}
	rt := n.routeTableOf(src.subnet)
	h := n.lookup(rt, src.vpc, dest{isPL: true, pl: peer})
	if !t.step(hopCheck(h)) {
		return
	}
	if ep := h.route.Target; ep != nil {
		if typ, _ := ep.Props["vpcEndpointType"].(string); typ != "" && typ != "Gateway" {
			t.fail(engine.MatchNo, fmt.Sprintf("endpoint %s is a %s endpoint: only a gateway endpoint routes a prefix list", displayName(ep), typ))
			return
		}
	}
	t.note(endpointPolicies)
	t.v.Path = append(t.v.Path, statefulAnswers)
	for _, w := range answers(wants, src.client) {
		if !t.step(n.aclCheck(crossing{acl: n.aclOf(src.subnet), w: w, remote: peer, answers: true})) {
			return
		}
	}
}

// fromInternet follows a flow from an address block on the internet to a resource: the resource needs a
// public address and its VPC an internet gateway; its subnet's ACL inbound and its groups' inbound rules
// must admit the block, and the answers must leave through the ACL outbound (to the client's ephemeral
// ports, 1024-65535 for a client of unknown kind) and a route to an internet gateway.
func (n *Network) fromInternet(t *trace, src, dst place, wants []traffic) {
	if dst.public != engine.MatchYes {
		t.fail(max(dst.public, engine.MatchNo), fmt.Sprintf("no public IPv4 address on %s (%s): nothing on the internet can address it", dst.name, dst.publicWhy))
		return
	}
	var igw *engine.Resource
	for _, g := range n.s.OfType(typeIGW) {
		if n.igwAttached(g, dst.vpc) {
			igw = g
		}
	}
	if igw == nil {
		t.fail(engine.MatchNo, fmt.Sprintf("no internet gateway is attached to the VPC of %s", dst.name))
		return
	}
	t.v.Path = append(t.v.Path, fmt.Sprintf("internet gateway %s, to the public address of %s (%s)", displayName(igw), dst.name, dst.publicWhy))
	peer := src.peer()
	dstACL := n.aclOf(dst.subnet)
	for _, w := range wants {
		if !t.step(n.aclCheck(crossing{acl: dstACL, w: w, remote: peer})) {
			return
		}
	}
	for _, w := range wants {
		if !t.step(n.sgCheck(dst.groups, false, w, peer, src.name)) {
			return
		}
	}
	t.v.Path = append(t.v.Path, statefulAnswers)
	for _, w := range answers(wants, src.client) {
		if !t.step(n.aclCheck(crossing{acl: dstACL, egress: true, w: w, remote: peer, answers: true})) {
			return
		}
	}
	rt := n.routeTableOf(dst.subnet)
	h := n.lookup(rt, dst.vpc, dest{block: src.block, public: true})
	if h.result != engine.MatchYes {
		t.fail(h.result, h.why+": the answers cannot leave")
		return
	}
	if h.route == nil || h.route.Target == nil || h.route.Target.Type != typeIGW {
		t.fail(engine.MatchNo, fmt.Sprintf("%s routes the answers to %s to %s, not to the internet gateway they came through", rt.name(), src.block, describeHop(h)))
		return
	}
	t.v.Path = append(t.v.Path, h.path)
}

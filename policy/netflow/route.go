package netflow

import (
	"fmt"
	"net/netip"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// dest is where a packet is headed, as a route table sees it: an address block (public when it stands
// for hosts on the internet) or a prefix list.
type dest struct {
	block  netip.Prefix
	public bool
	isPL   bool
	pl     netmodel.NetPeer
}

func (d dest) String() string {
	if d.isPL {
		return netmodel.NetPeer{PrefixList: d.pl.PrefixList, Endpoint: d.pl.Endpoint}.String()
	}
	return d.block.String()
}

// hop is the route a table gives a destination.
type hop struct {
	result engine.Match3
	// route is the route taken; nil for the local route.
	route *netmodel.Route
	local bool
	why   string
	path  string
}

// lookup returns the route a subnet's table takes to a destination ("How route priority works",
// route-tables-priority.html): a gateway endpoint's prefix-list route for its service; otherwise the
// most specific route whose destination holds the whole destination block (longest prefix match), the
// local route for the VPC's block among them. For a public destination, routes to private ranges do not
// apply; a more specific route that covers only part of the destination makes the answer unknown.
func (n *Network) lookup(rt routeTable, vpc *engine.Resource, d dest) hop {
	var routes []*netmodel.Route
	for i := range n.routes {
		r := &n.routes[i]
		if rt.table != nil && r.Table != nil && r.Table.URN == rt.table.URN {
			routes = append(routes, r)
		}
	}
	if d.isPL {
		return n.lookupPrefixList(rt, vpc, routes, d)
	}
	type candidate struct {
		bits  int
		route *netmodel.Route
	}
	var best *candidate
	consider := func(block netip.Prefix, r *netmodel.Route) *hop {
		switch {
		case !block.IsValid() || block.Addr().Is4() != d.block.Addr().Is4():
		case d.public && netmodel.PrivateBlock(block):
		case block.Bits() <= d.block.Bits() && block.Contains(d.block.Addr()):
			if best == nil || block.Bits() > best.bits {
				best = &candidate{bits: block.Bits(), route: r}
			}
		case block.Overlaps(d.block):
			return &hop{result: engine.MatchMaybe, why: fmt.Sprintf("%s of %s covers part of %s: where its traffic goes depends on the address", routeName(r, block), rt.name(), d.block)}
		}
		return nil
	}
	if b, ok := vpcBlock(vpc); ok {
		if h := consider(b, nil); h != nil {
			return *h
		}
	}
	for _, r := range routes {
		if r.Entry.Holder == nil || r.PrefixList != "" || r.Endpoint != nil {
			continue // a prefix-list route carries only its service's traffic
		}
		if r.Unknown != "" {
			return hop{result: engine.MatchMaybe, why: fmt.Sprintf("%s of %s depends on %s, unknown until deployment", r.Name(), rt.name(), r.Unknown)}
		}
		if len(r.Problems) > 0 {
			continue
		}
		if h := consider(r.Block, r); h != nil {
			return *h
		}
	}
	switch {
	case best == nil && rt.table == nil:
		return hop{result: engine.MatchMaybe, why: fmt.Sprintf("the subnet uses %s, so no route to %s is known", rt.how, d.block)}
	case best == nil:
		return hop{result: engine.MatchNo, why: fmt.Sprintf("%s has no route to %s", rt.name(), d.block)}
	case best.route == nil:
		b, _ := vpcBlock(vpc)
		return hop{result: engine.MatchYes, local: true, path: fmt.Sprintf("the local route %s of %s (%s)", b, rt.name(), rt.how)}
	}
	return hop{result: engine.MatchYes, route: best.route, path: fmt.Sprintf("%s -> %s in %s (%s)", routeName(best.route, best.route.Block), targetName(best.route), rt.name(), rt.how)}
}

// lookupPrefixList finds a table's route to a prefix list: the route of a gateway endpoint associated
// with the table ("Gateway endpoints": each subnet route table must have a route that sends traffic for
// the service to the endpoint), or a route whose destination is the prefix list.
func (n *Network) lookupPrefixList(rt routeTable, vpc *engine.Resource, routes []*netmodel.Route, d dest) hop {
	for _, r := range routes {
		samePL := r.PrefixList != "" && r.PrefixList == d.pl.PrefixList
		sameEP := r.Endpoint != nil && d.pl.Endpoint != nil && r.Endpoint.URN == d.pl.Endpoint.URN
		if samePL || sameEP {
			return hop{result: engine.MatchYes, route: r, path: fmt.Sprintf("%s: %s -> %s in %s (%s)", r.Name(), r.Destination(), targetName(r), rt.name(), rt.how)}
		}
	}
	for _, r := range routes {
		if r.Unknown != "" && (r.Endpoint != nil || r.PrefixList == "" && !r.Block.IsValid()) {
			return hop{result: engine.MatchMaybe, why: fmt.Sprintf("%s of %s depends on %s, unknown until deployment", r.Name(), rt.name(), r.Unknown)}
		}
	}
	instead := ""
	if h := n.lookup(rt, vpc, dest{block: netip.PrefixFrom(netip.IPv4Unspecified(), 0), public: true}); h.result == engine.MatchYes && h.route != nil {
		instead = fmt.Sprintf(": traffic to it would take the route 0.0.0.0/0 -> %s instead of the endpoint", targetName(h.route))
	}
	return hop{result: engine.MatchNo, why: fmt.Sprintf("%s has no route to %s (no gateway endpoint of that prefix list is associated with it)%s", rt.name(), d, instead)}
}

// routeName names a route with its destination.
func routeName(r *netmodel.Route, block netip.Prefix) string {
	if r == nil {
		return "the local route " + block.String()
	}
	return fmt.Sprintf("%s (%s)", r.Name(), r.Destination())
}

// targetName names a route's target.
func targetName(r *netmodel.Route) string {
	if r.Target != nil {
		switch r.Target.Type {
		case typeIGW:
			return "internet gateway " + displayName(r.Target)
		case typeNATGateway:
			return "NAT gateway " + displayName(r.Target)
		case typeVPCEndpoint:
			return "gateway endpoint " + displayName(r.Target)
		}
		return fmt.Sprintf("%s %s", r.TargetKey, displayName(r.Target))
	}
	if r.TargetRef == "" {
		return "no target"
	}
	return fmt.Sprintf("%s %s", r.TargetKey, r.TargetRef)
}

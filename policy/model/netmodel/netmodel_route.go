package netmodel

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// Route semantics the model relies on (Amazon VPC User Guide, "Subnet route tables",
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html, and "Gateway endpoints",
// https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html): a route has one destination
// (an IPv4 or IPv6 block, or a prefix list) and one target; associating a gateway endpoint with a route
// table adds a route whose destination is the service's prefix list and whose target is the endpoint.
// Which route a packet takes, and which table a subnet uses, is the evaluator's (policy/netflow).

// Route resource types.
const (
	TypeVPCEndpointRTAssoc = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
	TypeNATGateway         = "aws:ec2/natGateway:NatGateway"
)

// routeTargetKeys are the keys that name a route's target, in Pulumi's spelling (the same in a Route and
// inline in a route table), with the types of the resources each may name.
func routeTargetKeys() []struct {
	key   string
	types []string
} {
	return []struct {
		key   string
		types []string
	}{
		{"gatewayId", []string{TypeIGW, "aws:ec2/vpnGateway:VpnGateway"}},
		{"natGatewayId", []string{TypeNATGateway}},
		{"vpcEndpointId", []string{TypeVPCEndpoint}},
		{"networkInterfaceId", []string{"aws:ec2/networkInterface:NetworkInterface"}},
		{"transitGatewayId", []string{"aws:ec2transitgateway/transitGateway:TransitGateway"}},
		{"vpcPeeringConnectionId", []string{"aws:ec2/vpcPeeringConnection:VpcPeeringConnection"}},
		{"egressOnlyGatewayId", []string{"aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"}},
		{"carrierGatewayId", nil},
		{"localGatewayId", nil},
		{"coreNetworkArn", nil},
	}
}

// RouteEntry is one route in either shape Pulumi takes: a Route resource, or an inline route of a
// RouteTable or DefaultRouteTable.
type RouteEntry struct {
	Holder *engine.Resource
	// Where locates an inline route ("routes[0]"); empty for a Route resource.
	Where string
	Node  map[string]any
	// V4, V6 and PrefixList are the keys of the destination.
	V4, V6, PrefixList string
}

// Prefix renders the prefix of the entry's paths in messages ("routes[0]." or "").
func (e RouteEntry) Prefix() string {
	if e.Where == "" {
		return ""
	}
	return e.Where + "."
}

// DepsOf returns the property whose dependencies say where the value at key points while it is unknown:
// the key itself for a Route, the whole routes list for an inline route.
func (e RouteEntry) DepsOf(key string) string {
	if e.Where == "" {
		return key
	}
	return "routes"
}

// RouteEntriesOf returns the routes a Route, RouteTable or DefaultRouteTable declares, with the shape
// problems of an inline list.
func RouteEntriesOf(r *engine.Resource) ([]RouteEntry, []engine.Finding) {
	if r.Type == TypeRoute {
		return []RouteEntry{{Holder: r, Node: r.Props, V4: "destinationCidrBlock", V6: "destinationIpv6CidrBlock", PrefixList: "destinationPrefixListId"}}, nil
	}
	routes, fs := engine.ObjectsAt(r.Props, "routes", "routes")
	out := make([]RouteEntry, 0, len(routes))
	for i, route := range routes {
		out = append(out, RouteEntry{Holder: r, Where: fmt.Sprintf("routes[%d]", i), Node: route, V4: "cidrBlock", V6: "ipv6CidrBlock",
			PrefixList: "destinationPrefixListId"})
	}
	return out, fs
}

// Route is one route of a route table, parsed: a Route resource, an inline route, or the prefix-list
// route a gateway endpoint adds to each table it is associated with (a VpcEndpointRouteTableAssociation,
// or the endpoint's routeTableIds).
type Route struct {
	// Entry is the declared route; its Holder is nil for a gateway endpoint's route.
	Entry RouteEntry
	// Holder is the resource that declares or causes the route.
	Holder *engine.Resource
	// Table is the route table, when the stack holds it; TableRef the id that names it.
	Table    *engine.Resource
	TableRef string
	// The destination: an address block, or a prefix list (its id, and the gateway endpoint it belongs to).
	Block      netip.Prefix
	PrefixList string
	Endpoint   *engine.Resource
	// The target: the key that names it ("natGatewayId"), the id, and the resource when the stack holds it.
	TargetKey string
	TargetRef string
	Target    *engine.Resource
	// Unknown names a value the route depends on that is unknown until deployment.
	Unknown string
	// Problems are shape problems; a route with problems carries nothing.
	Problems []engine.Finding
}

// Name names the route in messages.
func (r Route) Name() string {
	switch {
	case r.Entry.Holder == nil:
		return fmt.Sprintf("the route gateway endpoint %s adds (%s)", r.Endpoint.Name, r.Holder.Name)
	case r.Entry.Where != "":
		return fmt.Sprintf("%s of route table %s", r.Entry.Where, r.Holder.Name)
	}
	return "route " + r.Holder.Name
}

// Destination renders the route's destination.
func (r Route) Destination() string {
	switch {
	case r.Block.IsValid():
		return r.Block.String()
	case r.PrefixList != "":
		return "prefix list " + r.PrefixList
	case r.Endpoint != nil:
		return "the prefix list of " + r.Endpoint.Name
	}
	return "an unknown destination"
}

// Routes returns every route the stack declares or causes, parsed, in stack order: Route resources,
// inline routes of route tables, then the routes of gateway endpoints.
func Routes(s *engine.Stack) []Route {
	var out []Route
	for _, r := range s.OfType(TypeRoute, TypeRouteTable, TypeDefaultRouteTable) {
		entries, _ := RouteEntriesOf(r) // the shape problems of a list are the policy rules' to report
		for _, e := range entries {
			out = append(out, parseRoute(s, e))
		}
	}
	for _, a := range s.OfType(TypeVPCEndpointRTAssoc) {
		route := Route{Holder: a, TargetKey: "vpcEndpointId"}
		if tables := s.Refs(a, "routeTableId", TypeRouteTable, TypeDefaultRouteTable); len(tables) > 0 {
			route.Table = tables[0]
		}
		route.TableRef = refOr(a.Props["routeTableId"], route.Table)
		if eps := s.Refs(a, "vpcEndpointId", TypeVPCEndpoint); len(eps) > 0 {
			route.Endpoint, route.Target = eps[0], eps[0]
			route.PrefixList = PrefixListOf(eps[0])
		} else {
			route.Unknown = "vpcEndpointId"
		}
		route.TargetRef = refOr(a.Props["vpcEndpointId"], route.Target)
		out = append(out, route)
	}
	for _, ep := range s.OfType(TypeVPCEndpoint) {
		v, ok := ep.Get("routeTableIds")
		if !ok {
			continue
		}
		for _, id := range engine.StringsOf(v) {
			route := Route{Holder: ep, Endpoint: ep, Target: ep, TargetKey: "vpcEndpointId", TargetRef: ep.ID, PrefixList: PrefixListOf(ep), TableRef: id}
			for _, t := range s.OfType(TypeRouteTable, TypeDefaultRouteTable) {
				if t.IdentifiedBy(id) {
					route.Table = t
				}
			}
			out = append(out, route)
		}
		if engine.IsUnknown(v) {
			out = append(out, Route{Holder: ep, Endpoint: ep, Target: ep, TargetKey: "vpcEndpointId", Unknown: "routeTableIds"})
		}
	}
	return out
}

// refOr returns a reference value when it is a string, else the id of the resource it resolved to.
func refOr(v any, r *engine.Resource) string {
	if s, ok := v.(string); ok {
		return s
	}
	if r != nil {
		return r.ID
	}
	return ""
}

func parseRoute(s *engine.Stack, e RouteEntry) Route {
	r := e.Holder
	route := Route{Entry: e, Holder: r}
	unknown := func(path string) {
		if route.Unknown == "" {
			route.Unknown = path
		}
	}
	if r.Type == TypeRoute {
		if tables := s.Refs(r, "routeTableId", TypeRouteTable, TypeDefaultRouteTable); len(tables) > 0 {
			route.Table = tables[0]
		}
		route.TableRef = refOr(r.Props["routeTableId"], route.Table)
		if route.Table == nil && engine.IsUnknown(r.Props["routeTableId"]) {
			unknown("routeTableId")
		}
	} else {
		route.Table, route.TableRef = r, r.ID
	}
	for _, key := range []string{e.V4, e.V6} {
		v, ok := e.Node[key]
		switch {
		case !ok || v == nil:
		case engine.IsUnknown(v):
			unknown(e.Prefix() + key)
		default:
			cidr, isString := v.(string)
			p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
			if !isString || err != nil {
				route.Problems = append(route.Problems, engine.Fail("%s%s is %s (%s); expected a cidr block", e.Prefix(), key, engine.Kind(v), engine.Describe(v))...)
				continue
			}
			route.Block = p.Masked()
		}
	}
	switch v, ok := e.Node[e.PrefixList]; {
	case !ok || v == nil:
	case engine.IsUnknown(v):
		unknown(e.Prefix() + e.PrefixList)
	default:
		route.PrefixList, _ = v.(string)
		for _, ep := range s.OfType(TypeVPCEndpoint) {
			if pl := PrefixListOf(ep); pl != "" && pl == route.PrefixList {
				route.Endpoint = ep
			}
		}
	}
	for _, t := range routeTargetKeys() {
		v, ok := e.Node[t.key]
		if !ok || v == nil {
			continue
		}
		route.TargetKey = t.key
		if id, isString := v.(string); isString {
			route.TargetRef = id
			for _, c := range s.OfType(t.types...) {
				if len(t.types) > 0 && c.IdentifiedBy(id) {
					route.Target = c
				}
			}
			break
		}
		if engine.IsUnknown(v) {
			for _, urn := range r.PropertyDependencies[e.DepsOf(t.key)] {
				if c, found := s.ByURN(urn); found && engine.TypeIn(c.Type, t.types) && len(t.types) > 0 {
					route.Target, route.TargetRef = c, c.ID
				}
			}
			if route.Target == nil {
				unknown(e.Prefix() + t.key)
			}
		}
		break
	}
	return route
}

package netmodel

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// Security group semantics the model relies on (Amazon VPC User Guide, "Security group rules",
// https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): rules only allow; a
// group has separate inbound and outbound rules; the remote of a rule is an IPv4 or IPv6 block, a prefix
// list or another security group (or the group itself); the rules of every group attached to a resource
// are aggregated; a group without outbound rules lets nothing out. Pulumi's aws.ec2.SecurityGroup removes
// the allow-all outbound rule AWS gives a new group, so only declared rules exist.

// SGEntries returns the entries of one direction ("ingress" or "egress") that a security group or a rule
// resource holds: a group's inline list of that name, a SecurityGroupRule of that type (Applies is
// MatchMaybe when its type is unknown), or the VPC rule resource of that direction. The findings are the
// shape problems of an inline list.
func SGEntries(r *engine.Resource, direction string) ([]NetEntry, []engine.Finding) {
	vpcRuleType := TypeSGIngressRule
	if direction == "egress" {
		vpcRuleType = TypeSGEgressRule
	}
	switch r.Type {
	case TypeSG, TypeDefaultSG:
		rules, out := engine.ObjectsAt(r.Props, direction, direction)
		entries := make([]NetEntry, 0, len(rules))
		for i, rule := range rules {
			entries = append(entries, NetEntry{Where: fmt.Sprintf("%s[%d]", direction, i), Node: rule, Shape: sgInlineShape(), Applies: engine.MatchYes})
		}
		return entries, out
	case TypeSGRule:
		e := NetEntry{Node: r.Props, Shape: sgRuleShape(), Applies: engine.MatchYes}
		switch v, _ := r.Get("type"); {
		case engine.IsUnknown(v):
			e.Applies, e.AppliesWhy = engine.MatchMaybe, "type"
		case v != direction:
			return nil, nil
		}
		return []NetEntry{e}, nil
	case vpcRuleType:
		return []NetEntry{{Node: r.Props, Shape: vpcSGRuleShape(), Applies: engine.MatchYes}}, nil
	}
	return nil, nil
}

// SGRule is one rule of a security group, parsed: inline in a group, a SecurityGroupRule, or a
// SecurityGroupIngressRule or SecurityGroupEgressRule.
type SGRule struct {
	// Entry is where the rule sits and what it says.
	Entry NetEntry
	// Holder is the resource that declares the rule. For a rule no resource declares (one Amazon EMR adds
	// to its managed groups) it is the resource that causes it, and Implicit says why the rule exists.
	Holder   *engine.Resource
	Implicit string
	// Group is the security group the rule belongs to, when the stack holds it; GroupRef is the id that
	// names the group.
	Group    *engine.Resource
	GroupRef string
	// Egress is true for an outbound rule.
	Egress bool
	// Protocol is "tcp", "udp", "icmp", "all" or another name or number; Ports the ports it admits (every
	// port for a protocol without ports).
	Protocol string
	Ports    PortRange
	// The rule's remote: address blocks, prefix lists (by id, and the gateway endpoints whose prefix list
	// each id is), security groups of the stack, ids of groups the stack does not hold, and its own group.
	Blocks              []netip.Prefix
	PrefixLists         []string
	PrefixListEndpoints []*engine.Resource
	Peers               []*engine.Resource
	PeerRefs            []string
	Self                bool
	// Unknown names a value the rule depends on that is unknown until deployment; the rule may then match
	// more than it says.
	Unknown string
	// Problems are shape problems; a rule with problems matches nothing.
	Problems []engine.Finding
}

// Name names the rule in messages: "egress rule hipaa-sg-https-out", "ingress[0] of security group x".
func (r SGRule) Name() string {
	dir := "ingress"
	if r.Egress {
		dir = "egress"
	}
	switch {
	case r.Implicit != "":
		return fmt.Sprintf("%s rule %s", dir, r.Implicit)
	case r.Entry.Where != "":
		return fmt.Sprintf("%s of security group %s", r.Entry.Where, r.Holder.Name)
	}
	return fmt.Sprintf("%s rule %s", dir, r.Holder.Name)
}

// SGGroupTypes are the types of security groups.
func SGGroupTypes() []string { return []string{TypeSG, TypeDefaultSG} }

// SecurityGroupRules returns every security group rule the stack declares, parsed, in stack order. A
// SecurityGroupRule whose type is unknown appears in both directions with Unknown set.
func SecurityGroupRules(s *engine.Stack) []SGRule {
	var out []SGRule
	for _, r := range s.OfType(SGTypes()...) {
		for _, dir := range []string{"ingress", "egress"} {
			entries, _ := SGEntries(r, dir) // the shape problems of a list are the policy rules' to report
			for _, e := range entries {
				out = append(out, parseSGRule(s, r, dir == "egress", e))
			}
		}
	}
	return out
}

func parseSGRule(s *engine.Stack, holder *engine.Resource, egress bool, e NetEntry) SGRule {
	rule := SGRule{Entry: e, Holder: holder, Egress: egress}
	unknown := func(path string) {
		if rule.Unknown == "" && path != "" {
			rule.Unknown = path
		}
	}
	if e.Applies == engine.MatchMaybe {
		unknown(e.AppliesWhy)
	}
	if e.Where != "" {
		rule.Group, rule.GroupRef = holder, holder.ID
	} else {
		if groups := s.Refs(holder, "securityGroupId", SGGroupTypes()...); len(groups) > 0 {
			rule.Group = groups[0]
		}
		v, _ := holder.Get("securityGroupId")
		switch id, isString := v.(string); {
		case isString:
			rule.GroupRef = id
		case rule.Group != nil:
			rule.GroupRef = rule.Group.ID
		case engine.IsUnknown(v):
			unknown("securityGroupId")
		}
	}
	var problems []engine.Finding
	rule.Protocol, rule.Ports, rule.Blocks, problems = e.traffic(unknown)
	rule.Problems = append(rule.Problems, problems...)

	pls, why, fs := e.refs(e.Shape.PrefixLists, e.Shape.PrefixListList)
	rule.Problems = append(rule.Problems, fs...)
	rule.PrefixLists = pls
	rule.PrefixListEndpoints = prefixListEndpoints(s, holder, e, pls)
	if why != "" && (e.Where != "" || len(holder.PropertyDependencies[e.Shape.PrefixLists]) == 0) {
		unknown(why)
	}

	groups, why, fs := e.refs(e.Shape.Groups, e.Shape.GroupList)
	rule.Problems = append(rule.Problems, fs...)
	for _, id := range groups {
		if g := groupIdentifiedBy(s, id); g != nil {
			rule.Peers = append(rule.Peers, g)
		} else {
			rule.PeerRefs = append(rule.PeerRefs, id)
		}
	}
	if why != "" {
		// A rule resource in preview: the dependencies of the property say which group it names.
		deps := []*engine.Resource(nil)
		if e.Where == "" {
			deps = s.Refs(holder, e.Shape.Groups, SGGroupTypes()...)
		}
		rule.Peers = append(rule.Peers, deps...)
		if len(deps) == 0 {
			unknown(why)
		}
	}
	if e.Shape.Self != "" {
		switch v, ok := e.Node[e.Shape.Self]; {
		case !ok || v == nil:
		case engine.IsUnknown(v):
			unknown(e.Path(e.Shape.Self))
		default:
			rule.Self, _ = engine.AsBool(v)
		}
	}
	return rule
}

// groupIdentifiedBy returns the security group of the stack that an id names.
func groupIdentifiedBy(s *engine.Stack, id string) *engine.Resource {
	for _, g := range s.OfType(SGGroupTypes()...) {
		if g.IdentifiedBy(id) {
			return g
		}
	}
	return nil
}

// TypeVPCEndpoint is the type of VPC endpoints, whose gateway kind owns a prefix list.
const TypeVPCEndpoint = "aws:ec2/vpcEndpoint:VpcEndpoint"

// PrefixListOf returns the id of a gateway endpoint's prefix list (its prefixListId output), "" when it
// is not known.
func PrefixListOf(endpoint *engine.Resource) string {
	id, _ := endpoint.Outputs["prefixListId"].(string)
	return id
}

// prefixListEndpoints returns the gateway endpoints whose prefix lists the ids name, and, in preview, the
// endpoints the property's dependencies name.
func prefixListEndpoints(s *engine.Stack, holder *engine.Resource, e NetEntry, ids []string) []*engine.Resource {
	var out []*engine.Resource
	for _, ep := range s.OfType(TypeVPCEndpoint) {
		pl := PrefixListOf(ep)
		for _, id := range ids {
			if pl != "" && id == pl {
				out = append(out, ep)
				break
			}
		}
	}
	if e.Where == "" && e.Shape.PrefixLists != "" {
		for _, urn := range holder.PropertyDependencies[e.Shape.PrefixLists] {
			if ep, ok := s.ByURN(urn); ok && ep.Type == TypeVPCEndpoint {
				out = append(out, ep)
			}
		}
	}
	return out
}

// Admits returns the ports of protocol proto the rule admits, and whether it admits that protocol at
// all. A rule of every protocol admits every port of every protocol. A rule with shape problems admits
// nothing.
func (r SGRule) Admits(proto string) (PortRange, bool) {
	switch {
	case len(r.Problems) > 0, r.Protocol == "":
		return PortRange{}, false
	case r.Protocol == ProtoAll:
		return AllPorts(), true
	case r.Protocol == proto:
		return r.Ports, true
	}
	return PortRange{}, false
}

// NetPeer is the remote end of a flow as a rule sees it: the security groups it carries and the block
// its addresses lie in, or a prefix list.
type NetPeer struct {
	// Groups are the security groups attached to the peer.
	Groups []*engine.Resource
	// Block holds every address the peer may use; the zero Prefix when it has none (a prefix list).
	Block netip.Prefix
	// Public limits the peer to the public addresses in Block: a host on the internet. A prefix list's
	// addresses are public too.
	Public bool
	// PrefixList is a prefix list's id, and Endpoint the gateway endpoint whose prefix list it is; either
	// may be empty.
	PrefixList string
	Endpoint   *engine.Resource
}

// IsPrefixList reports whether the peer is a prefix list.
func (p NetPeer) IsPrefixList() bool { return p.PrefixList != "" || p.Endpoint != nil }

// String names the peer in messages.
func (p NetPeer) String() string {
	switch {
	case p.IsPrefixList() && p.PrefixList != "":
		return "prefix list " + p.PrefixList
	case p.IsPrefixList():
		return "the prefix list of " + p.Endpoint.Name
	case len(p.Groups) > 0:
		names := make([]string, len(p.Groups))
		for i, g := range p.Groups {
			names[i] = displayName(g)
		}
		return "security group " + strings.Join(names, ", ")
	}
	return p.Block.String()
}

// Reaches reports whether the rule's remote covers the whole peer: MatchYes when it does, MatchMaybe when
// it covers part of the peer's addresses (which part the peer uses is not known before deployment), and
// MatchNo otherwise. It ignores Unknown; callers weigh it.
func (r SGRule) Reaches(p NetPeer) engine.Match3 {
	if len(r.Problems) > 0 {
		return engine.MatchNo
	}
	for _, g := range p.Groups {
		if r.Self && r.Group != nil && r.Group.URN == g.URN {
			return engine.MatchYes
		}
		for _, peer := range r.Peers {
			if peer.URN == g.URN {
				return engine.MatchYes
			}
		}
		for _, id := range r.PeerRefs {
			if g.IdentifiedBy(id) {
				return engine.MatchYes
			}
		}
	}
	if p.IsPrefixList() {
		for _, id := range r.PrefixLists {
			if id == p.PrefixList && id != "" {
				return engine.MatchYes
			}
		}
		for _, ep := range r.PrefixListEndpoints {
			if p.Endpoint != nil && ep.URN == p.Endpoint.URN {
				return engine.MatchYes
			}
		}
	}
	result := engine.MatchNo
	for _, b := range r.Blocks {
		if m := BlockCovers(b, p); m > result {
			result = m
		}
	}
	return result
}

// BlockCovers reports whether an address block of a rule covers a peer's addresses: MatchYes when it
// holds them all, MatchMaybe when it may hold some (which ones the peer uses is not known before
// deployment), MatchNo when it holds none. A public peer (an internet block, a prefix list, whose
// addresses the plan does not know: any public IPv4 address) has none in a private range (RFC 1918,
// RFC 4193).
func BlockCovers(b netip.Prefix, p NetPeer) engine.Match3 {
	block := p.Block
	if p.IsPrefixList() {
		block = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	}
	public := p.Public || p.IsPrefixList()
	switch {
	case !block.IsValid() || b.Addr().Is4() != block.Addr().Is4():
		return engine.MatchNo
	case b.Bits() <= block.Bits() && b.Contains(block.Addr()):
		return engine.MatchYes
	case public && PrivateBlock(b):
		return engine.MatchNo
	case b.Overlaps(block):
		return engine.MatchMaybe
	}
	return engine.MatchNo
}

// PrivateBlock reports whether a block lies wholly in a private address range: 10.0.0.0/8,
// 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) or fc00::/7 (RFC 4193).
func PrivateBlock(b netip.Prefix) bool {
	for _, r := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"} {
		p := netip.MustParsePrefix(r)
		if p.Bits() <= b.Bits() && p.Contains(b.Addr()) {
			return true
		}
	}
	return false
}

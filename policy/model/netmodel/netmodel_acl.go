package netmodel

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// Network ACL semantics the model relies on (Amazon VPC User Guide, "Control subnet traffic with network
// access control lists", https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html, and
// "Network ACL rules", https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html): an ACL has
// separate inbound and outbound rules, each numbered, each allowing or denying one protocol, address
// block and (for TCP and UDP) port range; rules are evaluated in ascending number and the first that
// matches decides; a packet no rule matches is denied (the rule numbered "*"). ACLs are stateless.

// ACLRuleEntry reads a NetworkAclRule: its entry, and whether it is an outbound entry (egress; absent is
// inbound). The findings are shape problems of egress.
func ACLRuleEntry(r *engine.Resource) (NetEntry, engine.Match3, []engine.Finding) {
	e := NetEntry{Node: r.Props, Shape: aclRuleShape(), Applies: engine.MatchYes}
	v, ok := r.Get("egress")
	switch {
	case !ok:
		return e, engine.MatchNo, nil
	case engine.IsUnknown(v):
		return e, engine.MatchMaybe, nil
	}
	egress, isBool := engine.AsBool(v)
	if !isBool {
		return e, engine.MatchNo, engine.Fail("egress is %s (%s); expected a boolean", engine.Kind(v), engine.Describe(v))
	}
	if egress {
		return e, engine.MatchYes, nil
	}
	return e, engine.MatchNo, nil
}

// ACLInlineEntries returns the entries of an inline list ("ingress" or "egress") of a NetworkAcl or
// DefaultNetworkAcl, with the list's shape problems.
func ACLInlineEntries(r *engine.Resource, direction string) ([]NetEntry, []engine.Finding) {
	nodes, out := engine.ObjectsAt(r.Props, direction, direction)
	entries := make([]NetEntry, 0, len(nodes))
	for i, n := range nodes {
		entries = append(entries, NetEntry{Where: fmt.Sprintf("%s[%d]", direction, i), Node: n, Shape: aclInlineShape(), Applies: engine.MatchYes})
	}
	return entries, out
}

// ACLAllows reports whether a network ACL entry's action is allow.
func ACLAllows(e NetEntry) (engine.Match3, []engine.Finding) {
	display := e.Path(e.Shape.Action)
	v, ok := e.Node[e.Shape.Action]
	switch {
	case !ok || v == nil:
		return engine.MatchNo, engine.Fail("%s is not set; expected allow or deny", display)
	case engine.IsUnknown(v):
		return engine.MatchMaybe, nil
	}
	action, isString := v.(string)
	if !isString {
		return engine.MatchNo, engine.Fail("%s is %s (%s); expected allow or deny", display, engine.Kind(v), engine.Describe(v))
	}
	if strings.EqualFold(strings.TrimSpace(action), "allow") {
		return engine.MatchYes, nil
	}
	return engine.MatchNo, nil
}

// ACLEntry is one entry of a network ACL, parsed: a NetworkAclRule, or inline in a NetworkAcl or
// DefaultNetworkAcl.
type ACLEntry struct {
	// Entry is where the entry sits and what it says; Holder the resource that declares it.
	Entry  NetEntry
	Holder *engine.Resource
	// ACL is the network ACL the entry belongs to, when the stack holds it; ACLRef the id that names it.
	ACL    *engine.Resource
	ACLRef string
	// Egress is true for an outbound entry; Number orders evaluation; Allow is its action.
	Egress bool
	Number int64
	Allow  bool
	// Protocol is "tcp", "udp", "icmp", "all" or another name or number; Ports the ports it covers (every
	// port for a protocol without ports).
	Protocol string
	Ports    PortRange
	// Blocks are its remote address blocks (one IPv4 or one IPv6 block).
	Blocks []netip.Prefix
	// Unknown names a value the entry depends on that is unknown until deployment.
	Unknown string
	// Problems are shape problems; an entry with problems matches nothing.
	Problems []engine.Finding
}

// Name names the entry in messages: "rule 100".
func (e ACLEntry) Name() string { return fmt.Sprintf("rule %d", e.Number) }

// NetworkACLEntries returns every network ACL entry the stack declares, parsed, in stack order. An entry
// whose direction is unknown appears in both directions with Unknown set.
func NetworkACLEntries(s *engine.Stack) []ACLEntry {
	var out []ACLEntry
	for _, r := range s.OfType(TypeNACLRule, TypeNACL, TypeDefaultNACL) {
		if r.Type == TypeNACLRule {
			e, egress, fs := ACLRuleEntry(r)
			acl, ref := aclOfRule(s, r)
			for _, dir := range []bool{false, true} {
				if (egress == engine.MatchYes) != dir && egress != engine.MatchMaybe {
					continue
				}
				entry := parseACLEntry(r, e, dir)
				entry.ACL, entry.ACLRef = acl, ref
				entry.Problems = append(fs, entry.Problems...)
				if egress == engine.MatchMaybe && entry.Unknown == "" {
					entry.Unknown = "egress"
				}
				out = append(out, entry)
			}
			continue
		}
		for _, dir := range []string{"ingress", "egress"} {
			entries, _ := ACLInlineEntries(r, dir) // the shape problems of a list are the policy rules' to report
			for _, e := range entries {
				entry := parseACLEntry(r, e, dir == "egress")
				entry.ACL, entry.ACLRef = r, r.ID
				out = append(out, entry)
			}
		}
	}
	return out
}

// aclOfRule returns the network ACL a NetworkAclRule belongs to (networkAclId) and the id that names it.
func aclOfRule(s *engine.Stack, r *engine.Resource) (*engine.Resource, string) {
	var acl *engine.Resource
	if acls := s.Refs(r, "networkAclId", TypeNACL, TypeDefaultNACL); len(acls) > 0 {
		acl = acls[0]
	}
	ref, _ := r.Props["networkAclId"].(string)
	if ref == "" && acl != nil {
		ref = acl.ID
	}
	return acl, ref
}

func parseACLEntry(holder *engine.Resource, e NetEntry, egress bool) ACLEntry {
	entry := ACLEntry{Entry: e, Holder: holder, Egress: egress}
	unknown := func(path string) {
		if entry.Unknown == "" && path != "" {
			entry.Unknown = path
		}
	}
	n, why, fs := e.number()
	entry.Number = n
	entry.Problems = append(entry.Problems, fs...)
	unknown(why)
	allow, fs := ACLAllows(e)
	entry.Problems = append(entry.Problems, fs...)
	entry.Allow = allow == engine.MatchYes
	if allow == engine.MatchMaybe {
		unknown(e.Path(e.Shape.Action))
	}
	var problems []engine.Finding
	entry.Protocol, entry.Ports, entry.Blocks, problems = e.traffic(unknown)
	entry.Problems = append(entry.Problems, problems...)
	return entry
}

// Admits returns the ports of protocol proto the entry covers, and whether it covers that protocol at
// all. An entry of every protocol covers every port of every protocol. An entry with shape problems
// covers nothing.
func (e ACLEntry) Admits(proto string) (PortRange, bool) {
	switch {
	case len(e.Problems) > 0, e.Protocol == "":
		return PortRange{}, false
	case e.Protocol == ProtoAll:
		return AllPorts(), true
	case e.Protocol == proto:
		return e.Ports, true
	}
	return PortRange{}, false
}

// Reaches reports whether the entry's block covers the peer's addresses (see BlockCovers).
func (e ACLEntry) Reaches(p NetPeer) engine.Match3 {
	result := engine.MatchNo
	if len(e.Problems) > 0 {
		return result
	}
	for _, b := range e.Blocks {
		if m := BlockCovers(b, p); m > result {
			result = m
		}
	}
	return result
}

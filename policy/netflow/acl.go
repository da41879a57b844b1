package netflow

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// ReturnPortTolerance is how many ports of a client's ephemeral range a network ACL may drop answers
// on while the flow still counts as allowed, with a note naming them. The SCE's ACLs leave out 3389
// from the ranges they admit from the internet (CIS AWS Foundations 5.1), so a connection whose NAT
// gateway port is 3389 (about one in 64,500) fails and is retried from another port; a gap wider than
// this is a broken flow.
const ReturnPortTolerance = 16

// aclPiece is the decision for part of a port range: the entry that decides it, nil for the implicit
// rule "*" (which denies) or for an unmanaged default ACL (which allows).
type aclPiece struct {
	ports netmodel.PortRange
	entry *netmodel.ACLEntry
	allow bool
}

// aclDecide evaluates one network ACL in one direction for traffic exchanged with remote, port by port
// range ("Network ACL rules", nacl-rules.html: rules are evaluated starting with the lowest numbered
// rule, and as soon as a rule matches traffic it is applied regardless of any higher-numbered rule;
// "Custom network ACLs", custom-network-acl.html: a packet that matches no other rule is denied by the
// rule numbered "*"). It returns the decisions, sorted by port, or why the answer is unknown.
func (n *Network) aclDecide(a networkACL, egress bool, w traffic, remote netmodel.NetPeer) ([]aclPiece, string) {
	if a.allowAll {
		return []aclPiece{{ports: w.ports, allow: true}}, ""
	}
	var entries []*netmodel.ACLEntry
	for i := range n.acl {
		e := &n.acl[i]
		if e.Egress == egress && e.ACL != nil && e.ACL.URN == a.acl.URN {
			entries = append(entries, e)
		}
	}
	return decideEntries(entries, a.name(), w, remote)
}

// decideEntries evaluates the entries of one ACL and one direction, named aclName in messages, for
// traffic exchanged with remote: in ascending rule number, the first entry that matches a port deciding
// it, the implicit rule "*" the ports no entry matches. It returns the decisions, sorted by port, or why
// the answer is unknown. aclDecide and ACLAdmits both judge through it.
func decideEntries(entries []*netmodel.ACLEntry, aclName string, w traffic, remote netmodel.NetPeer) ([]aclPiece, string) {
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Number < entries[j].Number })
	remaining := []netmodel.PortRange{w.ports}
	var pieces []aclPiece
	for _, e := range entries {
		if len(remaining) == 0 {
			break
		}
		if e.Unknown != "" {
			return nil, fmt.Sprintf("%s of %s depends on %s, unknown until deployment", e.Name(), aclName, e.Unknown)
		}
		covered, ok := e.Admits(w.proto)
		if !ok || !touches(remaining, covered) {
			continue
		}
		switch e.Reaches(remote) {
		case engine.MatchNo:
			continue
		case engine.MatchMaybe:
			return nil, fmt.Sprintf("%s of %s covers part of %s: whether it decides depends on the address", e.Name(), aclName, remoteName(remote))
		}
		var next []netmodel.PortRange
		for _, r := range remaining {
			if in, ok := intersect(r, covered); ok {
				pieces = append(pieces, aclPiece{ports: in, entry: e, allow: e.Allow})
			}
			next = append(next, subtract(r, covered)...)
		}
		remaining = next
	}
	for _, r := range remaining {
		pieces = append(pieces, aclPiece{ports: r})
	}
	sort.Slice(pieces, func(i, j int) bool { return pieces[i].ports.From < pieces[j].ports.From })
	return pieces, ""
}

// crossing is one crossing of a subnet boundary: the ACL, the direction, the traffic and the remote end.
type crossing struct {
	acl     networkACL
	egress  bool
	w       traffic
	remote  netmodel.NetPeer
	answers bool
}

// aclCheck judges a crossing. Forward traffic must be admitted entirely. Answers must be admitted on the
// client's ephemeral ports, but for at most ReturnPortTolerance ports, which a note names.
func (n *Network) aclCheck(c crossing) check {
	pieces, unknown := n.aclDecide(c.acl, c.egress, c.w, c.remote)
	if unknown != "" {
		return check{result: engine.MatchMaybe, why: unknown}
	}
	dir, prep := "inbound", "from"
	if c.egress {
		dir, prep = "outbound", "to"
	}
	what := fmt.Sprintf("%s %s %s %s", dir, c.w, prep, remoteName(c.remote))
	if c.answers {
		what = fmt.Sprintf("the return traffic on %s (%s %s %s)", c.w, dir, prep, remoteName(c.remote))
	}
	var allowed, denied []aclPiece
	deniedPorts := int64(0)
	for _, p := range pieces {
		if p.allow {
			allowed = append(allowed, p)
		} else {
			denied = append(denied, p)
			deniedPorts += p.ports.To - p.ports.From + 1
		}
	}
	name := c.acl.name()
	switch {
	case len(denied) == 0:
		return pass(fmt.Sprintf("%s %s %s", name, decidersOf(allowed), what))
	case len(allowed) == 0 || !c.answers || deniedPorts > ReturnPortTolerance:
		first := denied[0]
		if len(allowed) == 0 {
			if first.entry != nil {
				return check{result: engine.MatchNo, why: fmt.Sprintf("%s %s denies %s", name, first.entry.Name(), what)}
			}
			return check{result: engine.MatchNo, why: fmt.Sprintf("no rule of %s admits %s: the implicit rule * denies it", name, what)}
		}
		return check{result: engine.MatchNo, why: fmt.Sprintf("%s admits %s only on %s: %s", name, what, portsOf(allowed), denierOf(first))}
	}
	c2 := pass(fmt.Sprintf("%s %s %s but for %s", name, decidersOf(allowed), what, portsOf(denied)))
	c2.notes = append(c2.notes, fmt.Sprintf("%s drops the return traffic %s %s %s on %s %s (%s): a connection whose client port is one of these %d of %d ports "+
		"fails and is retried from another", name, dir, prep, remoteName(c.remote), c.w.proto, portsOf(denied), denierOf(denied[0]), deniedPorts,
		c.w.ports.To-c.w.ports.From+1))
	return c2
}

// decidersOf names the entries that admitted pieces, with the verb: "rule 200 admits", "rules 200, 210
// admit".
func decidersOf(pieces []aclPiece) string {
	var nums []string
	seen := map[int64]bool{}
	implicit := false
	for _, p := range pieces {
		if p.entry == nil {
			implicit = true
			continue
		}
		if !seen[p.entry.Number] {
			seen[p.entry.Number] = true
			nums = append(nums, fmt.Sprint(p.entry.Number))
		}
	}
	switch {
	case len(nums) == 0 && implicit:
		return "(unmanaged: AWS's default rules) admits"
	case len(nums) == 1:
		return "rule " + nums[0] + " admits"
	}
	return "rules " + strings.Join(nums, ", ") + " admit"
}

// denierOf says what denies a piece.
func denierOf(p aclPiece) string {
	if p.entry != nil {
		return fmt.Sprintf("%s denies %s", p.entry.Name(), p.ports)
	}
	return fmt.Sprintf("the implicit rule * denies %s", p.ports)
}

// portsOf lists the ports of pieces: "1024-3388, 3390-65535".
func portsOf(pieces []aclPiece) string {
	parts := make([]string, len(pieces))
	for i, p := range pieces {
		parts[i] = p.ports.String()
	}
	return strings.Join(parts, ", ")
}

// remoteName names the remote end of a crossing.
func remoteName(p netmodel.NetPeer) string {
	if p.IsPrefixList() {
		return p.String()
	}
	return p.Block.String()
}

// touches reports whether a range shares a port with any of ranges.
func touches(ranges []netmodel.PortRange, r netmodel.PortRange) bool {
	for _, x := range ranges {
		if _, ok := intersect(x, r); ok {
			return true
		}
	}
	return false
}

// intersect returns the ports two ranges share.
func intersect(a, b netmodel.PortRange) (netmodel.PortRange, bool) {
	from, to := max(a.From, b.From), min(a.To, b.To)
	return netmodel.PortRange{From: from, To: to}, from <= to
}

// subtract returns the ports of a outside b.
func subtract(a, b netmodel.PortRange) []netmodel.PortRange {
	var out []netmodel.PortRange
	if b.From > a.From {
		out = append(out, netmodel.PortRange{From: a.From, To: min(a.To, b.From-1)})
	}
	if b.To < a.To {
		out = append(out, netmodel.PortRange{From: max(a.From, b.To+1), To: a.To})
	}
	var valid []netmodel.PortRange
	for _, r := range out {
		if r.From <= r.To {
			valid = append(valid, r)
		}
	}
	return valid
}

package netflow

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// sgCheck judges one end's security groups for traffic exchanged with a peer ("Security group rules":
// rules only allow, and the rules of all groups of a resource are aggregated, so the union of the
// matching rules must cover the traffic). egress selects the source's outbound rules; otherwise the
// destination's inbound rules. A rule whose remote covers part of the peer, or whose values are unknown,
// makes a denial unknown instead.
func (n *Network) sgCheck(groups []*engine.Resource, egress bool, w traffic, peer netmodel.NetPeer, peerName string) check {
	dir, prep := "ingress", "from"
	if egress {
		dir, prep = "egress", "to"
	}
	if len(groups) == 0 {
		return check{result: engine.MatchNo, why: fmt.Sprintf("no security group: nothing admits %s %s %s", w, prep, peerName)}
	}
	// The rules that admit some of the traffic for the peer; one that admits it all is reported alone.
	var admitting []*netmodel.SGRule
	maybe := ""
	for i := range n.sg {
		r := &n.sg[i]
		if r.Egress != egress || r.Group == nil || !holds(groups, r.Group) {
			continue
		}
		if r.Unknown != "" {
			if maybe == "" {
				maybe = fmt.Sprintf("%s depends on %s, unknown until deployment", r.Name(), r.Unknown)
			}
			continue
		}
		covered, ok := r.Admits(w.proto)
		if !ok || !touches([]netmodel.PortRange{w.ports}, covered) {
			continue
		}
		switch r.Reaches(peer) {
		case engine.MatchNo:
			continue
		case engine.MatchMaybe:
			if maybe == "" {
				maybe = fmt.Sprintf("%s covers part of %s: whether it admits the flow depends on the address", r.Name(), peerName)
			}
			continue
		}
		if covered.Contains(w.ports) {
			admitting = []*netmodel.SGRule{r}
			break
		}
		admitting = append(admitting, r)
	}
	remaining := []netmodel.PortRange{w.ports}
	var used []string
	for _, r := range admitting {
		covered, _ := r.Admits(w.proto)
		if !touches(remaining, covered) {
			continue
		}
		var next []netmodel.PortRange
		for _, p := range remaining {
			next = append(next, subtract(p, covered)...)
		}
		remaining = next
		shown, _ := intersect(w.ports, covered)
		used = append(used, fmt.Sprintf("%s of security group %s admits %s %s %s", r.Name(), displayName(r.Group), traffic{w.proto, shown}, prep, peerName))
	}
	switch {
	case len(remaining) == 0:
		return pass(used...)
	case maybe != "":
		return check{result: engine.MatchMaybe, why: maybe}
	}
	return check{result: engine.MatchNo, why: fmt.Sprintf("no %s rule of %s admits %s %s %s", dir, groupsName(groups), traffic{w.proto, remaining[0]}, prep, peerName)}
}

// holds reports whether a group is among groups.
func holds(groups []*engine.Resource, g *engine.Resource) bool {
	for _, x := range groups {
		if x.URN == g.URN {
			return true
		}
	}
	return false
}

// groupsName names security groups: "security group a (sg-1)", "security groups a (sg-1), b (sg-2)".
func groupsName(groups []*engine.Resource) string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = displayName(g)
	}
	if len(names) == 1 {
		return "security group " + names[0]
	}
	return "security groups " + strings.Join(names, ", ")
}

// peerName names a place as the other end of a rule: a resource with its groups, a block, a prefix list.
func peerName(p place) string {
	switch {
	case p.isPL, p.internet:
		return p.name
	case len(p.groups) > 0:
		return fmt.Sprintf("%s (%s)", p.name, groupsName(p.groups))
	}
	return p.name
}

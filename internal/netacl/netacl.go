// Package netacl evaluates stateless network ACL rules the way AWS does: rules in ascending number, the
// first rule whose protocol, block and port match decides, and a packet no rule matches is denied. Tests
// and policy checks use it to prove which flows a set of recorded rules admits.
package netacl

import (
	"net/netip"
	"sort"
)

// Protocol numbers used by Packet and Rule.
const (
	All  = -1
	ICMP = 1
	TCP  = 6
	UDP  = 17
)

// Rule is one network ACL rule.
type Rule struct {
	Number   int
	Egress   bool
	Allow    bool
	Protocol int
	CIDR     netip.Prefix
	// FromPort and ToPort bound the port for TCP and UDP.
	FromPort, ToPort int
	// ICMPType and ICMPCode select ICMP messages; -1 matches any.
	ICMPType, ICMPCode int
}

// Packet is one packet crossing the subnet boundary. Remote is its source when inbound and its
// destination when outbound; Port is the destination port.
type Packet struct {
	Egress   bool
	Protocol int
	Remote   netip.Addr
	Port     int
	ICMPType int
	ICMPCode int
}

// Evaluate returns whether the rules admit the packet and the number of the deciding rule (0 for the
// implicit final deny).
func Evaluate(rules []Rule, p Packet) (bool, int) {
	sorted := append([]Rule(nil), rules...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Number < sorted[j].Number })
	for _, r := range sorted {
		if r.Egress != p.Egress || !r.CIDR.Contains(p.Remote) {
			continue
		}
		if r.Protocol != All && r.Protocol != p.Protocol {
			continue
		}
		if r.Protocol == TCP || r.Protocol == UDP {
			if p.Port < r.FromPort || p.Port > r.ToPort {
				continue
			}
		}
		if r.Protocol == ICMP {
			if (r.ICMPType != -1 && r.ICMPType != p.ICMPType) || (r.ICMPCode != -1 && r.ICMPCode != p.ICMPCode) {
				continue
			}
		}
		return r.Allow, r.Number
	}
	return false, 0
}

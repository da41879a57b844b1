package netflow

// One packet judged against one network ACL's entries, without the rest of the path: what a test of a
// recorded ACL asks ("does the public subnet's ACL admit ssh from 198.51.100.25?"), where Network judges
// whole flows.

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/sce-project/sce/policy/model/netmodel"
)

// Packet is one packet crossing a subnet boundary. Remote is its source when inbound and its destination
// when outbound; Port is its destination port (TCP and UDP); ICMPType and ICMPCode select the ICMP
// message.
type Packet struct {
	Egress bool
	// Protocol is netmodel.ProtoTCP, netmodel.ProtoUDP, netmodel.ProtoICMP or another protocol's name.
	Protocol string
	Remote   netip.Addr
	Port     int64
	ICMPType int64
	ICMPCode int64
}

// ACLAdmits returns whether network ACL entries (one ACL's, as netmodel.NetworkACLEntries reads them) admit
// a packet, and the number of the entry that decides, 0 for the implicit rule "*" ("Network ACL rules",
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html: rules are evaluated starting with the
// lowest numbered rule, and the first that matches decides; "Custom network ACLs",
// https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html: a packet no rule matches is
// denied). It judges as Network does, and also by an ICMP entry's type and code (icmpType, icmpCode; -1
// or absent matches any), which Network does not model. A packet whose decision depends on a value unknown
// until deployment is not admitted, and no entry is named.
func ACLAdmits(entries []netmodel.ACLEntry, p Packet) (bool, int64) {
	w := traffic{proto: p.Protocol, ports: netmodel.AllPorts()}
	if p.Protocol == netmodel.ProtoTCP || p.Protocol == netmodel.ProtoUDP {
		w.ports = netmodel.PortRange{From: p.Port, To: p.Port}
	}
	var selected []*netmodel.ACLEntry
	for i := range entries {
		e := &entries[i]
		if e.Egress == p.Egress && (p.Protocol != netmodel.ProtoICMP || e.Protocol != netmodel.ProtoICMP || icmpSelects(e, p)) {
			selected = append(selected, e)
		}
	}
	pieces, unknown := decideEntries(selected, "the network ACL", w, netmodel.NetPeer{Block: netip.PrefixFrom(p.Remote, p.Remote.BitLen())})
	if unknown != "" || len(pieces) == 0 || pieces[0].entry == nil {
		return false, 0 // unknown, or no entry matches: the implicit rule * denies it
	}
	return pieces[0].allow, pieces[0].entry.Number
}

// icmpSelects reports whether an ICMP entry's type and code select the packet's ICMP message: -1 or an
// absent value matches any; a value that is not a number matches none.
func icmpSelects(e *netmodel.ACLEntry, p Packet) bool {
	for _, f := range []struct {
		key  string
		want int64
	}{{"icmpType", p.ICMPType}, {"icmpCode", p.ICMPCode}} {
		v, ok := e.Entry.Node[f.key]
		if !ok || v == nil {
			continue
		}
		n, isInt := intOf(v)
		if s, isString := v.(string); isString {
			parsed, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			n, isInt = parsed, err == nil
		}
		if !isInt || (n != -1 && n != f.want) {
			return false
		}
	}
	return true
}

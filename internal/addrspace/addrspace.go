// Package addrspace names the IPv4 address blocks that are not reachable on the public internet, from
// IANA's IPv4 Special-Purpose Address Registry (https://www.iana.org/assignments/iana-ipv4-special-registry):
// an address block in one of them, given as the source of traffic to an internet-facing address, can never
// match a packet from the internet. The configuration validation and the policy rules share it.
package addrspace

import "net/netip"

// Range is a special-purpose block: its prefix, what it is for, and the RFC that reserves it.
type Range struct {
	Prefix netip.Prefix
	Name   string
	RFC    string
}

// unroutable lists the registry's blocks whose "Globally Reachable" column is False, less the three
// documentation blocks (RFC 5737): those are the placeholders of example files, which the documentation
// tells the builder to replace, and flagging them would flag every example.
func unroutable() []Range {
	r := func(p, name, rfc string) Range { return Range{Prefix: netip.MustParsePrefix(p), Name: name, RFC: rfc} }
	return []Range{
		r("0.0.0.0/8", "the \"this network\" block", "RFC 791"),
		r("10.0.0.0/8", "a private-use block", "RFC 1918"),
		r("100.64.0.0/10", "the shared address space of carrier-grade NAT", "RFC 6598"),
		r("127.0.0.0/8", "the loopback block", "RFC 1122"),
		r("169.254.0.0/16", "the link-local block", "RFC 3927"),
		r("172.16.0.0/12", "a private-use block", "RFC 1918"),
		r("192.0.0.0/24", "the IETF protocol assignments block", "RFC 6890"),
		r("192.168.0.0/16", "a private-use block", "RFC 1918"),
		r("198.18.0.0/15", "the benchmarking block", "RFC 2544"),
		r("224.0.0.0/4", "the multicast block", "RFC 5771"),
		r("240.0.0.0/4", "the reserved block", "RFC 1112"),
	}
}

// Unroutable returns the special-purpose range that holds every address of p, if there is one: then no
// packet from the internet has a source address in p. A block that is only partly special (0.0.0.0/0)
// is not reported.
func Unroutable(p netip.Prefix) (Range, bool) {
	if !p.IsValid() || !p.Addr().Is4() {
		return Range{}, false
	}
	p = p.Masked()
	for _, r := range unroutable() {
		if r.Prefix.Bits() <= p.Bits() && r.Prefix.Contains(p.Addr()) {
			return r, true
		}
	}
	return Range{}, false
}

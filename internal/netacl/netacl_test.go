package netacl

import (
	"net/netip"
	"testing"
)

func TestEvaluateFollowsRuleOrderAndDeniesByDefault(t *testing.T) {
	any4 := netip.MustParsePrefix("0.0.0.0/0")
	office := netip.MustParsePrefix("198.51.100.0/24")
	rules := []Rule{
		{Number: 200, Allow: true, Protocol: TCP, CIDR: any4, FromPort: 22, ToPort: 22},
		{Number: 100, Allow: false, Protocol: TCP, CIDR: office, FromPort: 22, ToPort: 22},
		{Number: 300, Allow: true, Protocol: ICMP, CIDR: any4, ICMPType: 3, ICMPCode: 4},
		{Number: 400, Egress: true, Allow: true, Protocol: All, CIDR: any4},
	}
	tests := []struct {
		name    string
		packet  Packet
		allowed bool
		rule    int
	}{
		{"a lower-numbered deny wins over a later allow", Packet{Protocol: TCP, Remote: netip.MustParseAddr("198.51.100.9"), Port: 22}, false, 100},
		{"the allow applies outside the denied block", Packet{Protocol: TCP, Remote: netip.MustParseAddr("192.0.2.1"), Port: 22}, true, 200},
		{"an unmatched port falls to the implicit deny", Packet{Protocol: TCP, Remote: netip.MustParseAddr("192.0.2.1"), Port: 23}, false, 0},
		{"icmp matches type and code", Packet{Protocol: ICMP, Remote: netip.MustParseAddr("192.0.2.1"), ICMPType: 3, ICMPCode: 4}, true, 300},
		{"icmp of another code is denied", Packet{Protocol: ICMP, Remote: netip.MustParseAddr("192.0.2.1"), ICMPType: 3, ICMPCode: 1}, false, 0},
		{"an all-protocol rule matches udp outbound", Packet{Egress: true, Protocol: UDP, Remote: netip.MustParseAddr("192.0.2.1"), Port: 53}, true, 400},
		{"inbound rules do not admit outbound packets", Packet{Egress: true, Protocol: TCP, Remote: netip.MustParseAddr("192.0.2.1"), Port: 22}, true, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allowed, rule := Evaluate(rules, tt.packet)
			if allowed != tt.allowed || rule != tt.rule {
				t.Errorf("Evaluate = (%v, %d), want (%v, %d)", allowed, rule, tt.allowed, tt.rule)
			}
		})
	}
}

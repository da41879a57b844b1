package netflow_test

import (
	"net/netip"
	"testing"

	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/sce-project/sce/policy/netflow"
)

// TestEvaluateFollowsRuleOrderAndDeniesByDefault judges single packets against one ACL's entries
// (ACLAdmits): rule order, the implicit deny, ICMP type and code, direction.
func TestEvaluateFollowsRuleOrderAndDeniesByDefault(t *testing.T) {
	f := &fixture{t: t}
	f.add(tNACL, "acl", `{"vpcId":"vpc"}`)
	f.aclRule("acl", "acl-200", 200, false, "allow", "tcp", "0.0.0.0/0", 22, 22)
	f.aclRule("acl", "acl-100", 100, false, "deny", "tcp", "198.51.100.0/24", 22, 22)
	f.add(tNACLRule, "acl-300", `{"networkAclId":"acl","ruleNumber":300,"egress":false,"ruleAction":"allow","protocol":"icmp","cidrBlock":"0.0.0.0/0","icmpType":3,"icmpCode":4}`)
	f.aclRule("acl", "acl-400", 400, true, "allow", "-1", "0.0.0.0/0")
	entries := netmodel.NetworkACLEntries(f.stack())
	tests := []struct {
		name    string
		packet  netflow.Packet
		allowed bool
		rule    int64
	}{
		{"a lower-numbered deny wins over a later allow", netflow.Packet{Protocol: netmodel.ProtoTCP, Remote: netip.MustParseAddr("198.51.100.9"), Port: 22}, false, 100},
		{"the allow applies outside the denied block", netflow.Packet{Protocol: netmodel.ProtoTCP, Remote: netip.MustParseAddr("192.0.2.1"), Port: 22}, true, 200},
		{"an unmatched port falls to the implicit deny", netflow.Packet{Protocol: netmodel.ProtoTCP, Remote: netip.MustParseAddr("192.0.2.1"), Port: 23}, false, 0},
		{"icmp matches type and code", netflow.Packet{Protocol: netmodel.ProtoICMP, Remote: netip.MustParseAddr("192.0.2.1"), ICMPType: 3, ICMPCode: 4}, true, 300},
		{"icmp of another code is denied", netflow.Packet{Protocol: netmodel.ProtoICMP, Remote: netip.MustParseAddr("192.0.2.1"), ICMPType: 3, ICMPCode: 1}, false, 0},
		{"an all-protocol rule matches udp outbound", netflow.Packet{Egress: true, Protocol: netmodel.ProtoUDP, Remote: netip.MustParseAddr("192.0.2.1"), Port: 53}, true, 400},
		{"inbound rules do not admit outbound packets", netflow.Packet{Egress: true, Protocol: netmodel.ProtoTCP, Remote: netip.MustParseAddr("192.0.2.1"), Port: 22}, true, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allowed, rule := netflow.ACLAdmits(entries, tt.packet)
			if allowed != tt.allowed || rule != tt.rule {
				t.Errorf("ACLAdmits = (%v, %d), want (%v, %d)", allowed, rule, tt.allowed, tt.rule)
			}
		})
	}
}

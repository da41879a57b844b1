package stack_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/sce-project/sce/policy/netflow"
)

// aclRules collects the rules of the network ACL associated with a subnet, as the policy rules read them.
func aclRules(t *testing.T, p *plan.Plan, subnetName string) []netmodel.ACLEntry {
	t.Helper()
	subnet := one(t, p, subnetType, subnetName)
	var aclID string
	for _, a := range p.Find("aws:ec2/networkAclAssociation:NetworkAclAssociation") {
		if in(a, "subnetId") == subnet.ID {
			require.Empty(t, aclID, "%s has one network ACL", subnetName)
			aclID = in(a, "networkAclId")
		}
	}
	require.NotEmpty(t, aclID, "%s has a network ACL of its own", subnetName)
	var entries []netmodel.ACLEntry
	for _, e := range netmodel.NetworkACLEntries(p.RulesStack()) {
		if e.ACLRef != aclID {
			continue
		}
		require.Empty(t, e.Problems, "%s of %s reads", e.Name(), aclID)
		require.Empty(t, e.Unknown, "%s of %s is known", e.Name(), aclID)
		require.Len(t, e.Blocks, 1, "%s of %s has one block", e.Name(), aclID)
		entries = append(entries, e)
	}
	require.NotEmpty(t, entries)
	return entries
}

func tcpIn(remote string, port int64) netflow.Packet {
	return netflow.Packet{Protocol: netmodel.ProtoTCP, Remote: netip.MustParseAddr(remote), Port: port}
}

func tcpOut(remote string, port int64) netflow.Packet {
	return netflow.Packet{Egress: true, Protocol: netmodel.ProtoTCP, Remote: netip.MustParseAddr(remote), Port: port}
}

type flow struct {
	name    string
	packet  netflow.Packet
	allowed bool
}

func checkFlows(t *testing.T, rules []netmodel.ACLEntry, flows []flow) {
	t.Helper()
	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) {
			allowed, rule := netflow.ACLAdmits(rules, f.packet)
			assert.Equal(t, f.allowed, allowed, "decided by rule %d", rule)
		})
	}
}

func TestPublicNetworkACLAdmitsIntendedFlowsOnly(t *testing.T) {
	rules := aclRules(t, planWith(t, nil), "study-public-subnet")
	checkFlows(t, rules, []flow{
		{"ssh from the first allowed block", tcpIn("198.51.100.25", 22), true},
		{"ssh from the second allowed block", tcpIn("203.0.113.70", 22), true},
		{"ssh from just outside the second block", tcpIn("203.0.113.10", 22), false},
		{"ssh from anywhere else", tcpIn("192.0.2.1", 22), false},
		{"rdp from anywhere", tcpIn("192.0.2.1", 3389), false},
		{"rdp from an allowed block", tcpIn("198.51.100.25", 3389), false},
		{"telnet from an allowed block", tcpIn("198.51.100.25", 23), false},
		{"traffic from the private subnet to the NAT gateway", tcpIn("10.20.1.15", 443), true},
		{"ssh answers from the workstation to the bastion", tcpIn("10.20.1.15", 40000), true},
		{"update answers from the internet", tcpIn("192.0.2.80", 51000), true},
		{"answers from the internet to a NAT port below 3389", tcpIn("192.0.2.80", 2000), true},
		{"path MTU discovery", netflow.Packet{Protocol: netmodel.ProtoICMP, Remote: netip.MustParseAddr("192.0.2.80"), ICMPType: 3, ICMPCode: 4}, true},
		{"ping from the internet", netflow.Packet{Protocol: netmodel.ProtoICMP, Remote: netip.MustParseAddr("192.0.2.80"), ICMPType: 8}, false},
		{"udp from the internet", netflow.Packet{Protocol: netmodel.ProtoUDP, Remote: netip.MustParseAddr("192.0.2.80"), Port: 51000}, false},
		{"ssh from the bastion to the workstation", tcpOut("10.20.1.15", 22), true},
		{"nat answers back to the private subnet", tcpOut("10.20.1.15", 45000), true},
		{"https to the internet (updates)", tcpOut("192.0.2.80", 443), true},
		{"plain http to the internet", tcpOut("192.0.2.80", 80), false},
		{"plain http from the private subnet to the NAT gateway", tcpIn("10.20.1.15", 80), false},
		{"smb from the private subnet (below the answer range)", tcpIn("10.20.1.15", 445), false},
		{"udp from the private subnet", netflow.Packet{Protocol: netmodel.ProtoUDP, Remote: netip.MustParseAddr("10.20.1.15"), Port: 53}, false},
		{"ping from the private subnet", netflow.Packet{Protocol: netmodel.ProtoICMP, Remote: netip.MustParseAddr("10.20.1.15"), ICMPType: 8}, false},
		{"ssh answers to an allowed client", tcpOut("198.51.100.25", 50500), true},
		{"answers to a client that may not connect", tcpOut("192.0.2.1", 50500), false},
		{"ssh out to the internet", tcpOut("192.0.2.80", 22), false},
		{"smtp out to the internet", tcpOut("192.0.2.80", 25), false},
	})
}

func TestPrivateNetworkACLAdmitsIntendedFlowsOnly(t *testing.T) {
	rules := aclRules(t, planWith(t, nil), "study-private-subnet")
	checkFlows(t, rules, []flow{
		{"ssh from the bastion", tcpIn("10.20.0.10", 22), true},
		{"ssh from an allowed block, bypassing the bastion", tcpIn("198.51.100.25", 22), false},
		{"ssh from the internet", tcpIn("192.0.2.1", 22), false},
		{"rdp from the internet", tcpIn("192.0.2.1", 3389), false},
		{"update answers through the NAT gateway", tcpIn("192.0.2.80", 40000), true},
		{"S3 answers through the endpoint", tcpIn("52.218.128.10", 55000), true},
		{"udp from the internet", netflow.Packet{Protocol: netmodel.ProtoUDP, Remote: netip.MustParseAddr("192.0.2.80"), Port: 40000}, false},
		{"ssh answers to the bastion", tcpOut("10.20.0.10", 50000), true},
		{"https to the internet through the NAT gateway", tcpOut("192.0.2.80", 443), true},
		{"https to S3 through the endpoint", tcpOut("52.218.128.10", 443), true},
		{"plain http to the internet", tcpOut("192.0.2.80", 80), false},
		{"rdp from the bastion", tcpIn("10.20.0.10", 3389), false},
		{"smb from the public subnet (below the answer range)", tcpIn("10.20.0.10", 445), false},
		{"ping from the public subnet", netflow.Packet{Protocol: netmodel.ProtoICMP, Remote: netip.MustParseAddr("10.20.0.10"), ICMPType: 8}, false},
		{"udp from the public subnet", netflow.Packet{Protocol: netmodel.ProtoUDP, Remote: netip.MustParseAddr("10.20.0.10"), Port: 161}, false},
		{"ssh out to the internet", tcpOut("192.0.2.80", 22), false},
		{"a database port on the internet", tcpOut("192.0.2.80", 5432), false},
	})
}

// TestNoNetworkACLAdmitsAdministrationPortsFromAnywhere is CIS AWS Foundations 5.1: no rule admits
// 0.0.0.0/0 to port 22 or 3389, whatever the protocol.
func TestNoNetworkACLAdmitsAdministrationPortsFromAnywhere(t *testing.T) {
	p := planWith(t, map[string]string{"sce:allowedSshCidrs": `["198.51.100.0/24"]`})
	for _, subnet := range []string{"study-public-subnet", "study-private-subnet"} {
		rules := aclRules(t, p, subnet)
		for _, port := range []int64{22, 3389} {
			for _, proto := range []string{netmodel.ProtoTCP, netmodel.ProtoUDP} {
				allowed, rule := netflow.ACLAdmits(rules, netflow.Packet{Protocol: proto, Remote: netip.MustParseAddr("192.0.2.200"), Port: port})
				assert.False(t, allowed, "%s admits protocol %s port %d from the internet (rule %d)", subnet, proto, port, rule)
			}
		}
		for _, r := range rules {
			if r.Egress || r.Blocks[0].Bits() != 0 {
				continue
			}
			assert.NotEqual(t, netmodel.ProtoAll, r.Protocol, "%s rule %d admits every protocol from anywhere", subnet, r.Number)
			if r.Protocol == netmodel.ProtoTCP || r.Protocol == netmodel.ProtoUDP {
				assert.False(t, r.Ports.From <= 22 && 22 <= r.Ports.To, "%s rule %d spans port 22", subnet, r.Number)
				assert.False(t, r.Ports.From <= 3389 && 3389 <= r.Ports.To, "%s rule %d spans port 3389", subnet, r.Number)
			}
		}
	}
}

func TestSshFromAnywhereReachesOnlyThePublicSubnet(t *testing.T) {
	p := planWith(t, map[string]string{"sce:allowedSshCidrs": `["0.0.0.0/0"]`, "sce:allowSshFromAnywhere": "true"})
	public := aclRules(t, p, "study-public-subnet")
	allowed, _ := netflow.ACLAdmits(public, tcpIn("192.0.2.1", 22))
	assert.True(t, allowed, "the builder explicitly opened ssh to anywhere")
	private := aclRules(t, p, "study-private-subnet")
	allowed, _ = netflow.ACLAdmits(private, tcpIn("192.0.2.1", 22))
	assert.False(t, allowed)
}

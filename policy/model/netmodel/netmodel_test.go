package netmodel

import (
	"net/netip"
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/engine/enginetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecurityGroupRulesReadEveryShape(t *testing.T) {
	app := enginetest.Res(t, TypeSG, "app", `{"vpcId":"vpc-id","egress":[{"protocol":"6","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"],"prefixListIds":["pl-1"]}],
		"ingress":[{"protocol":"-1","fromPort":0,"toPort":0,"self":true}]}`)
	db := enginetest.Res(t, TypeSG, "db", `{"vpcId":"vpc-id"}`)
	rule := enginetest.Res(t, TypeSGRule, "db-from-app", `{"type":"ingress","securityGroupId":"db-id","sourceSecurityGroupId":"app-id","protocol":"tcp","fromPort":5432,"toPort":5433}`)
	vpcRule := enginetest.Res(t, TypeSGEgressRule, "db-out", `{"securityGroupId":"db-id","ipProtocol":"udp","fromPort":53,"toPort":53,"cidrIpv6":"::/0","referencedSecurityGroupId":"sg-0other"}`)
	unknownType := enginetest.Res(t, TypeSGRule, "maybe", `{"securityGroupId":"db-id","protocol":"tcp","fromPort":1,"toPort":2}`)
	unknownType.Props["type"] = engine.Unknown
	got := SecurityGroupRules(engine.NewStack([]*engine.Resource{app, db, rule, vpcRule, unknownType}))
	require.Len(t, got, 6)

	ingress, egress := got[0], got[1]
	assert.Equal(t, "ingress[0]", ingress.Entry.Where)
	assert.False(t, ingress.Egress)
	assert.Equal(t, ProtoAll, ingress.Protocol)
	assert.True(t, ingress.Self)
	assert.Equal(t, app.URN, ingress.Group.URN)
	assert.Equal(t, "ingress[0] of security group app", ingress.Name())

	assert.True(t, egress.Egress)
	assert.Equal(t, ProtoTCP, egress.Protocol, "protocol 6 is tcp")
	assert.Equal(t, PortRange{443, 443}, egress.Ports)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}, egress.Blocks)
	assert.Equal(t, []string{"pl-1"}, egress.PrefixLists)

	r := got[2]
	assert.Equal(t, db.URN, r.Group.URN)
	require.Len(t, r.Peers, 1)
	assert.Equal(t, app.URN, r.Peers[0].URN)
	assert.Equal(t, PortRange{5432, 5433}, r.Ports)
	assert.Equal(t, "ingress rule db-from-app", r.Name())

	v := got[3]
	assert.True(t, v.Egress)
	assert.Equal(t, ProtoUDP, v.Protocol)
	assert.Equal(t, []string{"sg-0other"}, v.PeerRefs, "a group of another stack stays an id")
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("::/0")}, v.Blocks)

	assert.Equal(t, "type", got[4].Unknown, "a rule of unknown direction appears in both, unknown")
	assert.Equal(t, "type", got[5].Unknown)
	assert.NotEqual(t, got[4].Egress, got[5].Egress)
}

func TestSecurityGroupRuleInPreviewResolvesItsGroupByDependency(t *testing.T) {
	app := enginetest.Res(t, TypeSG, "app", `{}`)
	rule := enginetest.Res(t, TypeSGRule, "r", `{"type":"egress","protocol":"tcp","fromPort":1,"toPort":1}`)
	rule.Props["securityGroupId"], rule.Props["sourceSecurityGroupId"] = engine.Unknown, engine.Unknown
	rule.PropertyDependencies = map[string][]string{"securityGroupId": {app.URN}, "sourceSecurityGroupId": {app.URN}}
	got := SecurityGroupRules(engine.NewStack([]*engine.Resource{app, rule}))
	require.Len(t, got, 1)
	assert.Empty(t, got[0].Unknown)
	assert.Equal(t, app.URN, got[0].Group.URN)
	require.Len(t, got[0].Peers, 1)
	assert.Equal(t, engine.MatchYes, got[0].Reaches(NetPeer{Groups: []*engine.Resource{app}}))
}

func TestSGRuleReachesPeers(t *testing.T) {
	a, b := enginetest.Res(t, TypeSG, "a", `{}`), enginetest.Res(t, TypeSG, "b", `{}`)
	block := func(s string) SGRule {
		return SGRule{Blocks: []netip.Prefix{netip.MustParsePrefix(s)}}
	}
	subnet := netip.MustParsePrefix("10.0.1.0/24")
	cases := []struct {
		name string
		rule SGRule
		peer NetPeer
		want engine.Match3
	}{
		{"a group reference reaches a member", SGRule{Peers: []*engine.Resource{a}}, NetPeer{Groups: []*engine.Resource{a}}, engine.MatchYes},
		{"a group reference does not reach another group", SGRule{Peers: []*engine.Resource{a}}, NetPeer{Groups: []*engine.Resource{b}}, engine.MatchNo},
		{"self reaches its own group", SGRule{Self: true, Group: b}, NetPeer{Groups: []*engine.Resource{b}}, engine.MatchYes},
		{"a block holding the peer's subnet reaches it", block("10.0.0.0/16"), NetPeer{Block: subnet}, engine.MatchYes},
		{"a block holding part of it may", block("10.0.1.0/25"), NetPeer{Block: subnet}, engine.MatchMaybe},
		{"a disjoint block does not", block("10.0.2.0/24"), NetPeer{Block: subnet}, engine.MatchNo},
		{"0.0.0.0/0 reaches a prefix list", block("0.0.0.0/0"), NetPeer{PrefixList: "pl-1"}, engine.MatchYes},
		{"a private block never reaches a prefix list", block("10.0.0.0/8"), NetPeer{PrefixList: "pl-1"}, engine.MatchNo},
		{"a public block may reach a prefix list", block("52.0.0.0/8"), NetPeer{PrefixList: "pl-1"}, engine.MatchMaybe},
		{"the prefix list's id reaches it", SGRule{PrefixLists: []string{"pl-1"}}, NetPeer{PrefixList: "pl-1"}, engine.MatchYes},
		{"another prefix list does not", SGRule{PrefixLists: []string{"pl-2"}}, NetPeer{PrefixList: "pl-1"}, engine.MatchNo},
		{"a private block never reaches the internet", block("10.0.0.0/8"), NetPeer{Block: netip.MustParsePrefix("0.0.0.0/0"), Public: true}, engine.MatchNo},
		{"an ipv6 block never reaches an ipv4 peer", block("::/0"), NetPeer{Block: subnet}, engine.MatchNo},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, c.rule.Reaches(c.peer)) })
	}
}

func TestNetworkACLEntriesReadEveryShape(t *testing.T) {
	acl := enginetest.Res(t, TypeNACL, "acl", `{"ingress":[{"ruleNo":100,"action":"deny","protocol":"-1","cidrBlock":"198.51.100.0/24"}],
		"egress":[{"ruleNo":100,"action":"allow","protocol":"tcp","fromPort":443,"toPort":443,"cidrBlock":"0.0.0.0/0"}]}`)
	rule := enginetest.Res(t, TypeNACLRule, "in-200", `{"networkAclId":"acl-id","ruleNumber":200,"egress":false,"ruleAction":"allow","protocol":"6","fromPort":1024,"toPort":65535,"cidrBlock":"0.0.0.0/0"}`)
	broken := enginetest.Res(t, TypeNACLRule, "broken", `{"networkAclId":"acl-id","ruleNumber":"x","egress":true,"ruleAction":"allow","protocol":"6","fromPort":1,"toPort":2,"cidrBlock":"0.0.0.0/0"}`)
	got := NetworkACLEntries(engine.NewStack([]*engine.Resource{acl, rule, broken}))
	require.Len(t, got, 4, "in stack order: the inline entries, then the rules")
	in, out := got[0], got[1]
	assert.Equal(t, "ingress[0]", in.Entry.Where)
	assert.False(t, in.Allow)
	assert.Equal(t, ProtoAll, in.Protocol)
	assert.Equal(t, engine.MatchYes, in.Reaches(NetPeer{Block: netip.MustParsePrefix("198.51.100.7/32")}))
	assert.True(t, out.Egress)
	ports, ok := out.Admits(ProtoTCP)
	assert.True(t, ok)
	assert.Equal(t, PortRange{443, 443}, ports)

	r := got[2]
	assert.Equal(t, acl.URN, r.ACL.URN)
	assert.False(t, r.Egress)
	assert.Equal(t, int64(200), r.Number)
	assert.True(t, r.Allow)
	assert.Equal(t, PortRange{1024, 65535}, r.Ports)
	assert.Equal(t, "rule 200", r.Name())

	assert.NotEmpty(t, got[3].Problems, "a rule number of the wrong shape is a problem")
	_, admits := got[3].Admits(ProtoTCP)
	assert.False(t, admits, "an entry with problems admits nothing")
}

func TestRoutesReadEveryShape(t *testing.T) {
	rt := enginetest.Res(t, TypeRouteTable, "rt", `{"routes":[{"cidrBlock":"10.1.0.0/16","vpcPeeringConnectionId":"pcx-1"}]}`)
	nat := enginetest.Res(t, TypeNATGateway, "nat", `{}`)
	route := enginetest.Res(t, TypeRoute, "default", `{"routeTableId":"rt-id","destinationCidrBlock":"0.0.0.0/0","natGatewayId":"nat-id"}`)
	ep := enginetest.Res(t, TypeVPCEndpoint, "s3", `{}`)
	ep.Outputs = map[string]any{"prefixListId": "pl-s3"}
	assoc := enginetest.Res(t, TypeVPCEndpointRTAssoc, "s3-rt", `{"routeTableId":"rt-id","vpcEndpointId":"s3-id"}`)
	got := Routes(engine.NewStack([]*engine.Resource{rt, nat, route, ep, assoc}))
	require.Len(t, got, 3)

	assert.Equal(t, "routes[0] of route table rt", got[0].Name())
	assert.Equal(t, netip.MustParsePrefix("10.1.0.0/16"), got[0].Block)
	assert.Equal(t, "vpcPeeringConnectionId", got[0].TargetKey)
	assert.Nil(t, got[0].Target, "a peering connection outside the stack")

	assert.Equal(t, rt.URN, got[1].Table.URN)
	assert.Equal(t, nat.URN, got[1].Target.URN)
	assert.Equal(t, "0.0.0.0/0", got[1].Destination())

	assert.Equal(t, "pl-s3", got[2].PrefixList)
	assert.Equal(t, ep.URN, got[2].Target.URN)
	assert.Equal(t, rt.URN, got[2].Table.URN)
	assert.Equal(t, "the route gateway endpoint s3 adds (s3-rt)", got[2].Name())
}

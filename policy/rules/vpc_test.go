package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNoUnrestrictedRouteToIGW(t *testing.T) {
	route := func(props string) *engine.Resource { return res(t, netmodel.TypeRoute, "rt-default", props) }
	table := func(props string) *engine.Resource { return res(t, netmodel.TypeRouteTable, "public-rt", props) }
	igw := res(t, netmodel.TypeIGW, "igw", `{}`)
	vgw := res(t, "aws:ec2/vpnGateway:VpnGateway", "vgw", `{}`)
	unknownDest := route(`{"gatewayId":"igw-0abc"}`)
	unknownDest.Props["destinationCidrBlock"] = engine.Unknown
	inlinePreview := table(`{"routes":[{"cidrBlock":"0.0.0.0/0"}]}`)
	inlinePreview.Props["routes"].([]any)[0].(map[string]any)["gatewayId"] = engine.Unknown
	inlinePreview.PropertyDependencies = map[string][]string{"routes": {igw.URN}}

	checkRule(t, "vpc-no-unrestricted-route-to-igw", []ruleCase{
		{name: "a default route to a nat gateway is compliant", rs: []*engine.Resource{route(`{"destinationCidrBlock":"0.0.0.0/0","natGatewayId":"nat-1"}`)}},
		{name: "a default route to an internet gateway id violates", rs: []*engine.Resource{route(`{"destinationCidrBlock":"0.0.0.0/0","gatewayId":"igw-0abc"}`)},
			want: `destinationCidrBlock "0.0.0.0/0" goes to internet gateway "igw-0abc" (gatewayId)`},
		{name: "an ipv6 default route to an internet gateway violates", rs: []*engine.Resource{route(`{"destinationIpv6CidrBlock":"::/0","gatewayId":"igw-0abc"}`)},
			want: `destinationIpv6CidrBlock "::/0" goes to internet gateway`},
		{name: "a default route to the stack's gateway by id violates", rs: []*engine.Resource{igw, route(`{"destinationCidrBlock":"0.0.0.0/0","gatewayId":"igw-id"}`)},
			want: "goes to internet gateway igw (gatewayId)"},
		{name: "a default route to the stack's gateway in preview violates", rs: []*engine.Resource{igw,
			previewRef(route(`{"destinationCidrBlock":"0.0.0.0/0"}`), "gatewayId", igw)}, want: "goes to internet gateway igw"},
		{name: "a route to the internet gateway for one block is compliant", rs: []*engine.Resource{route(`{"destinationCidrBlock":"198.51.100.0/24","gatewayId":"igw-0abc"}`)}},
		{name: "a default route to a vpn gateway is compliant", rs: []*engine.Resource{route(`{"destinationCidrBlock":"0.0.0.0/0","gatewayId":"vgw-1"}`)}},
		{name: "a default route to a vpn gateway in preview is compliant", rs: []*engine.Resource{vgw,
			previewRef(route(`{"destinationCidrBlock":"0.0.0.0/0"}`), "gatewayId", vgw)}},
		{name: "a route without a gateway is compliant", rs: []*engine.Resource{route(`{"destinationCidrBlock":"0.0.0.0/0"}`)}},
		{name: "a default route to an unknown gateway is undecided", rs: []*engine.Resource{unknownValue(route(`{"destinationCidrBlock":"0.0.0.0/0"}`), "gatewayId")},
			want: "gatewayId is unknown until deployment", undecided: true},
		{name: "an unknown destination to an internet gateway is undecided", rs: []*engine.Resource{unknownDest},
			want: "destinationCidrBlock is unknown until deployment", undecided: true},
		{name: "a destination of the wrong shape violates", rs: []*engine.Resource{route(`{"destinationCidrBlock":["0.0.0.0/0"],"gatewayId":"igw-1"}`)},
			want: "destinationCidrBlock is a list"},
		{name: "an inline default route to an internet gateway violates", rs: []*engine.Resource{table(
			`{"routes":[{"cidrBlock":"10.1.0.0/16","gatewayId":"igw-1"},{"cidrBlock":"0.0.0.0/0","gatewayId":"igw-1"}]}`)},
			want: `routes[1].cidrBlock "0.0.0.0/0" goes to internet gateway "igw-1" (routes[1].gatewayId)`},
		{name: "an inline ipv6 default route in a default route table violates", rs: []*engine.Resource{res(t, netmodel.TypeDefaultRouteTable, "main",
			`{"routes":[{"ipv6CidrBlock":"::/0","gatewayId":"igw-1"}]}`)}, want: `routes[0].ipv6CidrBlock "::/0"`},
		{name: "an inline default route to a nat gateway is compliant", rs: []*engine.Resource{table(`{"routes":[{"cidrBlock":"0.0.0.0/0","natGatewayId":"nat-1"}]}`)}},
		{name: "an inline default route whose gateway comes from the internet gateway in preview violates", rs: []*engine.Resource{igw, inlinePreview},
			want: "routes[0].cidrBlock \"0.0.0.0/0\" goes to internet gateway igw"},
		{name: "inline routes of the wrong shape violate", rs: []*engine.Resource{table(`{"routes":"0.0.0.0/0"}`)}, want: "routes is a string; expected a list of objects"},
	})

	t.Run("the public route table's default route is exempted by name, not dropped", func(t *testing.T) {
		r := previewRef(res(t, netmodel.TypeRoute, "sce-public-default-route", `{"destinationCidrBlock":"0.0.0.0/0"}`), "gatewayId", igw)
		rule, ok := ByID("vpc-no-unrestricted-route-to-igw")
		require.True(t, ok)
		rep := Evaluate(engine.NewStack([]*engine.Resource{igw, r}), []engine.Rule{rule})
		assert.Empty(t, rep.Violations)
		require.Len(t, rep.Exemptions, 1)
		assert.Equal(t, r.URN, rep.Exemptions[0].URN)
	})
}

func TestIGWAttachedToStackVPC(t *testing.T) {
	vpc := res(t, typeVPC, "vpc", `{}`)
	igw := func(props string) *engine.Resource { return res(t, netmodel.TypeIGW, "igw", props) }
	attachment := func(props string) *engine.Resource { return res(t, netmodel.TypeIGWAttachment, "att", props) }
	checkRule(t, "vpc-igw-attached-to-stack-vpc", []ruleCase{
		{name: "a gateway in the stack's vpc is compliant", rs: []*engine.Resource{vpc, igw(`{"vpcId":"vpc-id"}`)}},
		{name: "a gateway in the stack's vpc in preview is compliant", rs: []*engine.Resource{vpc, previewRef(igw(`{}`), "vpcId", vpc)}},
		{name: "a gateway attached to the stack's vpc by an attachment is compliant", rs: []*engine.Resource{vpc, igw(`{}`),
			attachment(`{"internetGatewayId":"igw-id","vpcId":"vpc-id"}`)}},
		{name: "a gateway in another vpc violates", rs: []*engine.Resource{vpc, igw(`{"vpcId":"vpc-0foreign"}`)},
			want: `vpcId is "vpc-0foreign", not a vpc of this stack`},
		{name: "a gateway attached to no vpc violates", rs: []*engine.Resource{vpc, igw(`{}`)}, want: "the internet gateway is attached to no vpc of this stack"},
		{name: "a gateway attached to another vpc by an attachment violates", rs: []*engine.Resource{vpc, igw(`{}`),
			attachment(`{"internetGatewayId":"igw-id","vpcId":"vpc-0foreign"}`)}, want: `vpcId of internet gateway attachment att is "vpc-0foreign"`},
		{name: "an attachment without a vpc violates", rs: []*engine.Resource{vpc, igw(`{}`), attachment(`{"internetGatewayId":"igw-id"}`)},
			want: "vpcId is not set; an internet gateway attachment must name a vpc of this stack"},
		{name: "a gateway whose vpc is unknown is undecided", rs: []*engine.Resource{vpc, unknownValue(igw(`{}`), "vpcId")},
			want: "vpcId is unknown until deployment", undecided: true},
		{name: "an attachment whose gateway is unknown is undecided", rs: []*engine.Resource{vpc, igw(`{}`),
			unknownValue(attachment(`{"vpcId":"vpc-id"}`), "internetGatewayId")}, want: "internetGatewayId of internet gateway attachment att", undecided: true},
	})
}

func TestSubnetNoPublicIPOnLaunch(t *testing.T) {
	checkRule(t, "subnet-no-public-ip-on-launch", []ruleCase{
		{name: "a subnet that maps no public ips is compliant", rs: []*engine.Resource{res(t, typeSubnet, "s", `{"mapPublicIpOnLaunch":false}`)}},
		{name: "a subnet without the setting is compliant (aws defaults to false)", rs: []*engine.Resource{res(t, typeSubnet, "s", `{"cidrBlock":"10.0.0.0/24"}`)}},
		{name: "a subnet that maps public ips violates", rs: []*engine.Resource{res(t, typeSubnet, "s", `{"mapPublicIpOnLaunch":true}`)},
			want: "mapPublicIpOnLaunch is true; it must be false"},
		{name: "the string true violates", rs: []*engine.Resource{res(t, typeSubnet, "s", `{"mapPublicIpOnLaunch":"true"}`)}, want: "mapPublicIpOnLaunch is true"},
		{name: "a setting of the wrong shape violates", rs: []*engine.Resource{res(t, typeSubnet, "s", `{"mapPublicIpOnLaunch":1}`)}, want: "expected the boolean false"},
		{name: "an unknown setting is undecided", rs: []*engine.Resource{unknownValue(res(t, typeSubnet, "s", `{}`), "mapPublicIpOnLaunch")},
			want: "mapPublicIpOnLaunch is unknown", undecided: true},
	})
}

func TestDefaultSecurityGroupClosed(t *testing.T) {
	vpc := res(t, typeVPC, "vpc", `{}`)
	dsg := func(props string) *engine.Resource { return res(t, netmodel.TypeDefaultSG, "default-sg", props) }
	checkRule(t, "vpc-default-security-group-closed", []ruleCase{
		{name: "a vpc whose default group is managed and empty is compliant", rs: []*engine.Resource{vpc, dsg(`{"vpcId":"vpc-id"}`)}},
		{name: "explicitly empty rule lists are compliant", rs: []*engine.Resource{vpc, dsg(`{"vpcId":"vpc-id","ingress":[],"egress":[]}`)}},
		{name: "a default group linked in preview is compliant", rs: []*engine.Resource{vpc, previewRef(dsg(`{}`), "vpcId", vpc)}},
		{name: "a vpc without a managed default group violates", rs: []*engine.Resource{vpc},
			want: "no aws:ec2/defaultSecurityGroup:DefaultSecurityGroup refers to this vpc (vpcId)"},
		{name: "a default group of another vpc leaves this one open", rs: []*engine.Resource{vpc, dsg(`{"vpcId":"vpc-other"}`)}, want: "refers to this vpc"},
		{name: "a default group with an ingress rule violates", rs: []*engine.Resource{vpc, dsg(
			`{"vpcId":"vpc-id","ingress":[{"protocol":"-1","fromPort":0,"toPort":0,"self":true}]}`)},
			want: "ingress has 1 rule(s); the default security group must have no rules"},
		{name: "a default group with egress rules violates", rs: []*engine.Resource{vpc, dsg(
			`{"vpcId":"vpc-id","egress":[{"protocol":"-1","fromPort":0,"toPort":0,"cidrBlocks":["0.0.0.0/0"]},{"protocol":"tcp","fromPort":443,"toPort":443}]}`)},
			want: "egress has 2 rule(s)"},
		{name: "rules of the wrong shape violate", rs: []*engine.Resource{vpc, dsg(`{"vpcId":"vpc-id","ingress":"none"}`)},
			want: `ingress is a string ("none"); expected an empty list`},
		{name: "unknown rules are undecided", rs: []*engine.Resource{vpc, unknownValue(dsg(`{"vpcId":"vpc-id"}`), "egress")},
			want: "egress is unknown until deployment", undecided: true},
		{name: "a default group whose vpc is unknown is undecided", rs: []*engine.Resource{vpc, unknownValue(dsg(`{}`), "vpcId")},
			want: "vpcId of default security group default-sg is unknown", undecided: true},
	})
}

func TestDefaultNetworkACLClosed(t *testing.T) {
	vpc := func() *engine.Resource {
		r := res(t, typeVPC, "vpc", `{}`)
		r.Outputs = map[string]any{"defaultNetworkAclId": "acl-default"}
		return r
	}
	previewVPC := res(t, typeVPC, "vpc", `{}`)
	acl := func(props string) *engine.Resource { return res(t, netmodel.TypeDefaultNACL, "default-nacl", props) }
	checkRule(t, "vpc-default-network-acl-closed", []ruleCase{
		{name: "a vpc whose default acl is managed and empty is compliant", rs: []*engine.Resource{vpc(), acl(`{"defaultNetworkAclId":"acl-default"}`)}},
		{name: "a default acl linked in preview is compliant", rs: []*engine.Resource{previewVPC, previewRef(acl(`{}`), "defaultNetworkAclId", previewVPC)}},
		{name: "a vpc without a managed default acl violates", rs: []*engine.Resource{vpc()},
			want: "no aws:ec2/defaultNetworkAcl:DefaultNetworkAcl manages this vpc's default network acl"},
		{name: "a default acl of another vpc leaves this one open", rs: []*engine.Resource{vpc(), acl(`{"defaultNetworkAclId":"acl-other"}`)},
			want: "manages this vpc's default network acl"},
		{name: "a default acl with an inbound rule violates", rs: []*engine.Resource{vpc(), acl(
			`{"defaultNetworkAclId":"acl-default","ingress":[{"ruleNo":100,"action":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0","fromPort":0,"toPort":0}]}`)},
			want: "ingress has 1 rule(s); the default network acl must have no rules"},
		{name: "a default acl with an outbound rule violates", rs: []*engine.Resource{vpc(), acl(
			`{"defaultNetworkAclId":"acl-default","egress":[{"ruleNo":100,"action":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0","fromPort":0,"toPort":0}]}`)},
			want: "egress has 1 rule(s)"},
		{name: "a default acl holding subnets violates", rs: []*engine.Resource{vpc(), acl(`{"defaultNetworkAclId":"acl-default","subnetIds":["subnet-1","subnet-2"]}`)},
			want: "subnetIds has 2 subnet(s); the default network acl must hold no subnet"},
		{name: "subnets of the wrong shape violate", rs: []*engine.Resource{vpc(), acl(`{"defaultNetworkAclId":"acl-default","subnetIds":"subnet-1"}`)},
			want: "subnetIds is a string"},
		{name: "a default acl whose id is unknown is undecided", rs: []*engine.Resource{vpc(), unknownValue(acl(`{}`), "defaultNetworkAclId")},
			want: "defaultNetworkAclId of default network acl default-nacl is unknown", undecided: true},
	})
}

func TestFlowLogsEnabled(t *testing.T) {
	vpc := res(t, typeVPC, "vpc", `{}`)
	flowLog := func(props string) *engine.Resource { return res(t, netmodel.TypeFlowLog, "flow-log", props) }
	checkRule(t, "vpc-flow-logs-enabled", []ruleCase{
		{name: "a vpc with a flow log of all traffic is compliant", rs: []*engine.Resource{vpc, flowLog(`{"vpcId":"vpc-id","trafficType":"ALL"}`)}},
		{name: "a flow log linked in preview is compliant", rs: []*engine.Resource{vpc, previewRef(flowLog(`{"trafficType":"ALL"}`), "vpcId", vpc)}},
		{name: "a vpc without a flow log violates", rs: []*engine.Resource{vpc}, want: "no aws:ec2/flowLog:FlowLog refers to this vpc (vpcId)"},
		{name: "a flow log of a subnet only leaves the vpc without one", rs: []*engine.Resource{vpc, flowLog(`{"subnetId":"subnet-1","trafficType":"ALL"}`)},
			want: "refers to this vpc"},
		{name: "a flow log of rejected traffic only violates", rs: []*engine.Resource{vpc, flowLog(`{"vpcId":"vpc-id","trafficType":"REJECT"}`)},
			want: `trafficType is "REJECT"; it must be ALL`},
		{name: "a flow log of accepted traffic only violates", rs: []*engine.Resource{vpc, flowLog(`{"vpcId":"vpc-id","trafficType":"ACCEPT"}`)},
			want: `trafficType is "ACCEPT"`},
		{name: "a flow log without a traffic type violates", rs: []*engine.Resource{vpc, flowLog(`{"vpcId":"vpc-id"}`)}, want: "trafficType is not set; it must be ALL"},
		{name: "a traffic type of the wrong shape violates", rs: []*engine.Resource{vpc, flowLog(`{"vpcId":"vpc-id","trafficType":["ALL"]}`)}, want: "expected a string"},
		{name: "an unknown traffic type is undecided", rs: []*engine.Resource{vpc, unknownValue(flowLog(`{"vpcId":"vpc-id"}`), "trafficType")},
			want: "trafficType is unknown", undecided: true},
		{name: "a flow log whose vpc is unknown is undecided", rs: []*engine.Resource{vpc, unknownValue(flowLog(`{"trafficType":"ALL"}`), "vpcId")},
			want: "vpcId of flow log flow-log is unknown", undecided: true},
	})
}

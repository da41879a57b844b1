package rules

import (
	"fmt"
	"testing"

	"github.com/sce-project/sce/components"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNoUnrestrictedRouteToIGW(t *testing.T) {
	route := func(props string) *Resource { return res(t, netTypeRoute, "rt-default", props) }
	table := func(props string) *Resource { return res(t, netTypeRouteTable, "public-rt", props) }
	igw := res(t, netTypeIGW, "igw", `{}`)
	vgw := res(t, "aws:ec2/vpnGateway:VpnGateway", "vgw", `{}`)
	unknownDest := route(`{"gatewayId":"igw-0abc"}`)
	unknownDest.Props["destinationCidrBlock"] = Unknown
	inlinePreview := table(`{"routes":[{"cidrBlock":"0.0.0.0/0"}]}`)
	inlinePreview.Props["routes"].([]any)[0].(map[string]any)["gatewayId"] = Unknown
	inlinePreview.PropertyDependencies = map[string][]string{"routes": {igw.URN}}

	checkRule(t, "vpc-no-unrestricted-route-to-igw", []ruleCase{
		{name: "a default route to a nat gateway is compliant", rs: []*Resource{route(`{"destinationCidrBlock":"0.0.0.0/0","natGatewayId":"nat-1"}`)}},
		{name: "a default route to an internet gateway id violates", rs: []*Resource{route(`{"destinationCidrBlock":"0.0.0.0/0","gatewayId":"igw-0abc"}`)},
			want: `destinationCidrBlock "0.0.0.0/0" goes to internet gateway "igw-0abc" (gatewayId)`},
		{name: "an ipv6 default route to an internet gateway violates", rs: []*Resource{route(`{"destinationIpv6CidrBlock":"::/0","gatewayId":"igw-0abc"}`)},
			want: `destinationIpv6CidrBlock "::/0" goes to internet gateway`},
		{name: "a default route to the stack's gateway by id violates", rs: []*Resource{igw, route(`{"destinationCidrBlock":"0.0.0.0/0","gatewayId":"igw-id"}`)},
			want: "goes to internet gateway igw (gatewayId)"},
		{name: "a default route to the stack's gateway in preview violates", rs: []*Resource{igw,
			previewRef(route(`{"destinationCidrBlock":"0.0.0.0/0"}`), "gatewayId", igw)}, want: "goes to internet gateway igw"},
		{name: "a route to the internet gateway for one block is compliant", rs: []*Resource{route(`{"destinationCidrBlock":"198.51.100.0/24","gatewayId":"igw-0abc"}`)}},
		{name: "a default route to a vpn gateway is compliant", rs: []*Resource{route(`{"destinationCidrBlock":"0.0.0.0/0","gatewayId":"vgw-1"}`)}},
		{name: "a default route to a vpn gateway in preview is compliant", rs: []*Resource{vgw,
			previewRef(route(`{"destinationCidrBlock":"0.0.0.0/0"}`), "gatewayId", vgw)}},
		{name: "a route without a gateway is compliant", rs: []*Resource{route(`{"destinationCidrBlock":"0.0.0.0/0"}`)}},
		{name: "a default route to an unknown gateway is undecided", rs: []*Resource{unknownValue(route(`{"destinationCidrBlock":"0.0.0.0/0"}`), "gatewayId")},
			want: "gatewayId is unknown until deployment", undecided: true},
		{name: "an unknown destination to an internet gateway is undecided", rs: []*Resource{unknownDest},
			want: "destinationCidrBlock is unknown until deployment", undecided: true},
		{name: "a destination of the wrong shape violates", rs: []*Resource{route(`{"destinationCidrBlock":["0.0.0.0/0"],"gatewayId":"igw-1"}`)},
			want: "destinationCidrBlock is a list"},
		{name: "an inline default route to an internet gateway violates", rs: []*Resource{table(
			`{"routes":[{"cidrBlock":"10.1.0.0/16","gatewayId":"igw-1"},{"cidrBlock":"0.0.0.0/0","gatewayId":"igw-1"}]}`)},
			want: `routes[1].cidrBlock "0.0.0.0/0" goes to internet gateway "igw-1" (routes[1].gatewayId)`},
		{name: "an inline ipv6 default route in a default route table violates", rs: []*Resource{res(t, netTypeDefaultRouteTable, "main",
			`{"routes":[{"ipv6CidrBlock":"::/0","gatewayId":"igw-1"}]}`)}, want: `routes[0].ipv6CidrBlock "::/0"`},
		{name: "an inline default route to a nat gateway is compliant", rs: []*Resource{table(`{"routes":[{"cidrBlock":"0.0.0.0/0","natGatewayId":"nat-1"}]}`)}},
		{name: "an inline default route whose gateway comes from the internet gateway in preview violates", rs: []*Resource{igw, inlinePreview},
			want: "routes[0].cidrBlock \"0.0.0.0/0\" goes to internet gateway igw"},
		{name: "inline routes of the wrong shape violate", rs: []*Resource{table(`{"routes":"0.0.0.0/0"}`)}, want: "routes is a string; expected a list of objects"},
	})

	t.Run("the public route table's default route is exempted by name, not dropped", func(t *testing.T) {
		r := previewRef(res(t, netTypeRoute, "sce-public-default-route", `{"destinationCidrBlock":"0.0.0.0/0"}`), "gatewayId", igw)
		rule, ok := ByID("vpc-no-unrestricted-route-to-igw")
		require.True(t, ok)
		rep := Evaluate(NewStack([]*Resource{igw, r}), []Rule{rule})
		assert.Empty(t, rep.Violations)
		require.Len(t, rep.Exemptions, 1)
		assert.Equal(t, r.URN, rep.Exemptions[0].URN)
	})
}

func TestIGWAttachedToStackVPC(t *testing.T) {
	vpc := res(t, typeVPC, "vpc", `{}`)
	igw := func(props string) *Resource { return res(t, netTypeIGW, "igw", props) }
	attachment := func(props string) *Resource { return res(t, netTypeIGWAttachment, "att", props) }
	checkRule(t, "vpc-igw-attached-to-stack-vpc", []ruleCase{
		{name: "a gateway in the stack's vpc is compliant", rs: []*Resource{vpc, igw(`{"vpcId":"vpc-id"}`)}},
		{name: "a gateway in the stack's vpc in preview is compliant", rs: []*Resource{vpc, previewRef(igw(`{}`), "vpcId", vpc)}},
		{name: "a gateway attached to the stack's vpc by an attachment is compliant", rs: []*Resource{vpc, igw(`{}`),
			attachment(`{"internetGatewayId":"igw-id","vpcId":"vpc-id"}`)}},
		{name: "a gateway in another vpc violates", rs: []*Resource{vpc, igw(`{"vpcId":"vpc-0foreign"}`)},
			want: `vpcId is "vpc-0foreign", not a vpc of this stack`},
		{name: "a gateway attached to no vpc violates", rs: []*Resource{vpc, igw(`{}`)}, want: "the internet gateway is attached to no vpc of this stack"},
		{name: "a gateway attached to another vpc by an attachment violates", rs: []*Resource{vpc, igw(`{}`),
			attachment(`{"internetGatewayId":"igw-id","vpcId":"vpc-0foreign"}`)}, want: `vpcId of internet gateway attachment att is "vpc-0foreign"`},
		{name: "an attachment without a vpc violates", rs: []*Resource{vpc, igw(`{}`), attachment(`{"internetGatewayId":"igw-id"}`)},
			want: "vpcId is not set; an internet gateway attachment must name a vpc of this stack"},
		{name: "a gateway whose vpc is unknown is undecided", rs: []*Resource{vpc, unknownValue(igw(`{}`), "vpcId")},
			want: "vpcId is unknown until deployment", undecided: true},
		{name: "an attachment whose gateway is unknown is undecided", rs: []*Resource{vpc, igw(`{}`),
			unknownValue(attachment(`{"vpcId":"vpc-id"}`), "internetGatewayId")}, want: "internetGatewayId of internet gateway attachment att", undecided: true},
	})
}

func TestSubnetNoPublicIPOnLaunch(t *testing.T) {
	checkRule(t, "subnet-no-public-ip-on-launch", []ruleCase{
		{name: "a subnet that maps no public ips is compliant", rs: []*Resource{res(t, typeSubnet, "s", `{"mapPublicIpOnLaunch":false}`)}},
		{name: "a subnet without the setting is compliant (aws defaults to false)", rs: []*Resource{res(t, typeSubnet, "s", `{"cidrBlock":"10.0.0.0/24"}`)}},
		{name: "a subnet that maps public ips violates", rs: []*Resource{res(t, typeSubnet, "s", `{"mapPublicIpOnLaunch":true}`)},
			want: "mapPublicIpOnLaunch is true; it must be false"},
		{name: "the string true violates", rs: []*Resource{res(t, typeSubnet, "s", `{"mapPublicIpOnLaunch":"true"}`)}, want: "mapPublicIpOnLaunch is true"},
		{name: "a setting of the wrong shape violates", rs: []*Resource{res(t, typeSubnet, "s", `{"mapPublicIpOnLaunch":1}`)}, want: "expected the boolean false"},
		{name: "an unknown setting is undecided", rs: []*Resource{unknownValue(res(t, typeSubnet, "s", `{}`), "mapPublicIpOnLaunch")},
			want: "mapPublicIpOnLaunch is unknown", undecided: true},
	})
}

func TestDefaultSecurityGroupClosed(t *testing.T) {
	vpc := res(t, typeVPC, "vpc", `{}`)
	dsg := func(props string) *Resource { return res(t, netTypeDefaultSG, "default-sg", props) }
	checkRule(t, "vpc-default-security-group-closed", []ruleCase{
		{name: "a vpc whose default group is managed and empty is compliant", rs: []*Resource{vpc, dsg(`{"vpcId":"vpc-id"}`)}},
		{name: "explicitly empty rule lists are compliant", rs: []*Resource{vpc, dsg(`{"vpcId":"vpc-id","ingress":[],"egress":[]}`)}},
		{name: "a default group linked in preview is compliant", rs: []*Resource{vpc, previewRef(dsg(`{}`), "vpcId", vpc)}},
		{name: "a vpc without a managed default group violates", rs: []*Resource{vpc},
			want: "no aws:ec2/defaultSecurityGroup:DefaultSecurityGroup refers to this vpc (vpcId)"},
		{name: "a default group of another vpc leaves this one open", rs: []*Resource{vpc, dsg(`{"vpcId":"vpc-other"}`)}, want: "refers to this vpc"},
		{name: "a default group with an ingress rule violates", rs: []*Resource{vpc, dsg(
			`{"vpcId":"vpc-id","ingress":[{"protocol":"-1","fromPort":0,"toPort":0,"self":true}]}`)},
			want: "ingress has 1 rule(s); the default security group must have no rules"},
		{name: "a default group with egress rules violates", rs: []*Resource{vpc, dsg(
			`{"vpcId":"vpc-id","egress":[{"protocol":"-1","fromPort":0,"toPort":0,"cidrBlocks":["0.0.0.0/0"]},{"protocol":"tcp","fromPort":443,"toPort":443}]}`)},
			want: "egress has 2 rule(s)"},
		{name: "rules of the wrong shape violate", rs: []*Resource{vpc, dsg(`{"vpcId":"vpc-id","ingress":"none"}`)},
			want: `ingress is a string ("none"); expected an empty list`},
		{name: "unknown rules are undecided", rs: []*Resource{vpc, unknownValue(dsg(`{"vpcId":"vpc-id"}`), "egress")},
			want: "egress is unknown until deployment", undecided: true},
		{name: "a default group whose vpc is unknown is undecided", rs: []*Resource{vpc, unknownValue(dsg(`{}`), "vpcId")},
			want: "vpcId of default security group default-sg is unknown", undecided: true},
	})
}

func TestDefaultNetworkACLClosed(t *testing.T) {
	vpc := func() *Resource {
		r := res(t, typeVPC, "vpc", `{}`)
		r.Outputs = map[string]any{"defaultNetworkAclId": "acl-default"}
		return r
	}
	previewVPC := res(t, typeVPC, "vpc", `{}`)
	acl := func(props string) *Resource { return res(t, netTypeDefaultNACL, "default-nacl", props) }
	checkRule(t, "vpc-default-network-acl-closed", []ruleCase{
		{name: "a vpc whose default acl is managed and empty is compliant", rs: []*Resource{vpc(), acl(`{"defaultNetworkAclId":"acl-default"}`)}},
		{name: "a default acl linked in preview is compliant", rs: []*Resource{previewVPC, previewRef(acl(`{}`), "defaultNetworkAclId", previewVPC)}},
		{name: "a vpc without a managed default acl violates", rs: []*Resource{vpc()},
			want: "no aws:ec2/defaultNetworkAcl:DefaultNetworkAcl manages this vpc's default network acl"},
		{name: "a default acl of another vpc leaves this one open", rs: []*Resource{vpc(), acl(`{"defaultNetworkAclId":"acl-other"}`)},
			want: "manages this vpc's default network acl"},
		{name: "a default acl with an inbound rule violates", rs: []*Resource{vpc(), acl(
			`{"defaultNetworkAclId":"acl-default","ingress":[{"ruleNo":100,"action":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0","fromPort":0,"toPort":0}]}`)},
			want: "ingress has 1 rule(s); the default network acl must have no rules"},
		{name: "a default acl with an outbound rule violates", rs: []*Resource{vpc(), acl(
			`{"defaultNetworkAclId":"acl-default","egress":[{"ruleNo":100,"action":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0","fromPort":0,"toPort":0}]}`)},
			want: "egress has 1 rule(s)"},
		{name: "a default acl holding subnets violates", rs: []*Resource{vpc(), acl(`{"defaultNetworkAclId":"acl-default","subnetIds":["subnet-1","subnet-2"]}`)},
			want: "subnetIds has 2 subnet(s); the default network acl must hold no subnet"},
		{name: "subnets of the wrong shape violate", rs: []*Resource{vpc(), acl(`{"defaultNetworkAclId":"acl-default","subnetIds":"subnet-1"}`)},
			want: "subnetIds is a string"},
		{name: "a default acl whose id is unknown is undecided", rs: []*Resource{vpc(), unknownValue(acl(`{}`), "defaultNetworkAclId")},
			want: "defaultNetworkAclId of default network acl default-nacl is unknown", undecided: true},
	})
}

func TestFlowLogsEnabled(t *testing.T) {
	vpc := res(t, typeVPC, "vpc", `{}`)
	flowLog := func(props string) *Resource { return res(t, netTypeFlowLog, "flow-log", props) }
	checkRule(t, "vpc-flow-logs-enabled", []ruleCase{
		{name: "a vpc with a flow log of all traffic is compliant", rs: []*Resource{vpc, flowLog(`{"vpcId":"vpc-id","trafficType":"ALL"}`)}},
		{name: "a flow log linked in preview is compliant", rs: []*Resource{vpc, previewRef(flowLog(`{"trafficType":"ALL"}`), "vpcId", vpc)}},
		{name: "a vpc without a flow log violates", rs: []*Resource{vpc}, want: "no aws:ec2/flowLog:FlowLog refers to this vpc (vpcId)"},
		{name: "a flow log of a subnet only leaves the vpc without one", rs: []*Resource{vpc, flowLog(`{"subnetId":"subnet-1","trafficType":"ALL"}`)},
			want: "refers to this vpc"},
		{name: "a flow log of rejected traffic only violates", rs: []*Resource{vpc, flowLog(`{"vpcId":"vpc-id","trafficType":"REJECT"}`)},
			want: `trafficType is "REJECT"; it must be ALL`},
		{name: "a flow log of accepted traffic only violates", rs: []*Resource{vpc, flowLog(`{"vpcId":"vpc-id","trafficType":"ACCEPT"}`)},
			want: `trafficType is "ACCEPT"`},
		{name: "a flow log without a traffic type violates", rs: []*Resource{vpc, flowLog(`{"vpcId":"vpc-id"}`)}, want: "trafficType is not set; it must be ALL"},
		{name: "a traffic type of the wrong shape violates", rs: []*Resource{vpc, flowLog(`{"vpcId":"vpc-id","trafficType":["ALL"]}`)}, want: "expected a string"},
		{name: "an unknown traffic type is undecided", rs: []*Resource{vpc, unknownValue(flowLog(`{"vpcId":"vpc-id"}`), "trafficType")},
			want: "trafficType is unknown", undecided: true},
		{name: "a flow log whose vpc is unknown is undecided", rs: []*Resource{vpc, unknownValue(flowLog(`{"trafficType":"ALL"}`), "vpcId")},
			want: "vpcId of flow log flow-log is unknown", undecided: true},
	})
}

// sg builds a security group with one inline ingress rule.
func sg(t *testing.T, ingress string) *Resource {
	return res(t, netTypeSG, "sg", `{"vpcId":"vpc-1","ingress":[`+ingress+`]}`)
}

func TestRestrictedSSH(t *testing.T) {
	unknownFrom := sg(t, `{"protocol":"tcp","toPort":22,"cidrBlocks":["0.0.0.0/0"]}`)
	unknownFrom.Props["ingress"].([]any)[0].(map[string]any)["fromPort"] = Unknown
	unknownCidrs := sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22}`)
	unknownCidrs.Props["ingress"].([]any)[0].(map[string]any)["cidrBlocks"] = Unknown
	unknownProto := sg(t, `{"fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"]}`)
	unknownProto.Props["ingress"].([]any)[0].(map[string]any)["protocol"] = Unknown
	unknownType := unknownValue(res(t, netTypeSGRule, "r", `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`), "type")

	checkRule(t, "sg-restricted-ssh", []ruleCase{
		{name: "ssh from a known block is compliant", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["203.0.113.0/24"]}`)}},
		{name: "https from anywhere is compliant here", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "udp 22 from anywhere is not ssh", rs: []*Resource{sg(t, `{"protocol":"udp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "a group without ingress is compliant", rs: []*Resource{res(t, netTypeSG, "sg", `{"vpcId":"vpc-1"}`)}},
		{name: "ssh from anywhere violates", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["10.0.0.0/8","0.0.0.0/0"]}`)},
			want: "ingress[0] admits 0.0.0.0/0 to tcp port 22, which includes port 22 (ssh)"},
		{name: "a tcp range over 22 from any ipv6 address violates", rs: []*Resource{sg(t, `{"protocol":"6","fromPort":0,"toPort":65535,"ipv6CidrBlocks":["::/0"]}`)},
			want: "admits ::/0 to tcp ports 0-65535"},
		{name: "all traffic from anywhere violates", rs: []*Resource{sg(t, `{"protocol":"-1","fromPort":0,"toPort":0,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "admits 0.0.0.0/0 to all protocols and ports, which includes port 22"},
		{name: "ports given as strings are read", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":"22","toPort":"22","cidrBlocks":["0.0.0.0/0"]}`)},
			want: "tcp port 22"},
		{name: "an ingress rule resource from anywhere violates", rs: []*Resource{res(t, netTypeSGRule, "r",
			`{"type":"ingress","protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`)},
			want: "the rule admits 0.0.0.0/0 to tcp port 22"},
		{name: "an egress rule resource is not judged", rs: []*Resource{res(t, netTypeSGRule, "r",
			`{"type":"egress","protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`)}},
		{name: "a vpc ingress rule from anywhere violates", rs: []*Resource{res(t, netTypeSGIngressRule, "r",
			`{"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"0.0.0.0/0","securityGroupId":"sg-1"}`)}, want: "the rule admits 0.0.0.0/0 to tcp port 22"},
		{name: "a vpc ingress rule of all protocols from any ipv6 address violates", rs: []*Resource{res(t, netTypeSGIngressRule, "r",
			`{"ipProtocol":"-1","cidrIpv6":"::/0","securityGroupId":"sg-1"}`)}, want: "admits ::/0 to all protocols and ports"},
		{name: "a default security group admitting ssh from anywhere violates", rs: []*Resource{res(t, netTypeDefaultSG, "d",
			`{"ingress":[{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"]}]}`)}, want: "ingress[0] admits 0.0.0.0/0"},
		{name: "cidr blocks of the wrong shape violate", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":[5]}`)},
			want: "ingress[0].cidrBlocks[0] is a number (5); expected a cidr block"},
		{name: "cidr blocks given as one string violate", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":"0.0.0.0/0"}`)},
			want: `ingress[0].cidrBlocks is a string ("0.0.0.0/0"); expected a list of cidr blocks`},
		{name: "a rule without a protocol violates", rs: []*Resource{sg(t, `{"fromPort":22,"toPort":22,"cidrBlocks":["10.0.0.0/8"]}`)},
			want: "ingress[0].protocol is not set"},
		{name: "a tcp rule without ports violates", rs: []*Resource{sg(t, `{"protocol":"tcp","cidrBlocks":["0.0.0.0/0"]}`)},
			want: "ingress[0].fromPort is not set; expected a port number"},
		{name: "ingress of the wrong shape violates", rs: []*Resource{res(t, netTypeSG, "sg", `{"ingress":"ssh"}`)}, want: "ingress is a string"},
		{name: "an unknown port is undecided", rs: []*Resource{unknownFrom}, want: "ingress[0].fromPort is unknown", undecided: true},
		{name: "unknown cidr blocks are undecided", rs: []*Resource{unknownCidrs}, want: "ingress[0].cidrBlocks is unknown", undecided: true},
		{name: "an unknown protocol is undecided", rs: []*Resource{unknownProto}, want: "ingress[0].protocol is unknown", undecided: true},
		{name: "an unknown rule type is undecided", rs: []*Resource{unknownType}, want: "type is unknown", undecided: true},
	})
}

func TestRestrictedCommonPorts(t *testing.T) {
	checkRule(t, "sg-restricted-common-ports", []ruleCase{
		{name: "https from anywhere is compliant", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "ssh is left to its own rule", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "rdp from a known block is compliant", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":3389,"toPort":3389,"cidrBlocks":["10.0.0.0/16"]}`)}},
		{name: "udp 3389 is not judged (the public rules check tcp)", rs: []*Resource{sg(t, `{"protocol":"udp","fromPort":3389,"toPort":3389,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "rdp from anywhere violates", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":3389,"toPort":3389,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "admits 0.0.0.0/0 to tcp port 3389, which includes port 3389 (rdp)"},
		{name: "ftp from anywhere violates", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":20,"toPort":21,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "which includes port 20 (ftp data)"},
		{name: "mysql from anywhere through a vpc rule violates", rs: []*Resource{res(t, netTypeSGIngressRule, "r",
			`{"ipProtocol":"tcp","fromPort":3306,"toPort":3306,"cidrIpv6":"::/0"}`)}, want: "which includes port 3306 (mysql)"},
		{name: "a range over 4333 violates", rs: []*Resource{res(t, netTypeSGRule, "r",
			`{"type":"ingress","protocol":"tcp","fromPort":4000,"toPort":5000,"cidrBlocks":["0.0.0.0/0"]}`)}, want: "which includes port 4333 (msql)"},
		{name: "all traffic from anywhere violates", rs: []*Resource{sg(t, `{"protocol":"all","fromPort":0,"toPort":0,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "all protocols and ports, which includes port 20"},
		{name: "a protocol of the wrong shape violates", rs: []*Resource{sg(t, `{"protocol":["tcp"],"fromPort":20,"toPort":20,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "ingress[0].protocol is a list"},
	})
}

func TestOnlyAuthorizedPortsOpen(t *testing.T) {
	unknownPorts := res(t, netTypeSGIngressRule, "r", `{"ipProtocol":"tcp","cidrIpv4":"0.0.0.0/0"}`)
	unknownPorts.Props["fromPort"], unknownPorts.Props["toPort"] = Unknown, Unknown
	checkRule(t, "sg-only-authorized-ports-open", []ruleCase{
		{name: "https from anywhere is compliant", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0","::/0"]}`)}},
		{name: "icmp from anywhere is compliant", rs: []*Resource{sg(t, `{"protocol":"icmp","fromPort":3,"toPort":4,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "any port from a known block is compliant", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":8080,"toPort":8080,"cidrBlocks":["10.0.0.0/16"]}`)}},
		{name: "http from anywhere violates", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":80,"toPort":80,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "ingress[0] admits 0.0.0.0/0 to tcp port 80, but only tcp port 443 may be open to the internet"},
		{name: "a range beyond 443 violates", rs: []*Resource{sg(t, `{"protocol":"tcp","fromPort":443,"toPort":444,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "tcp ports 443-444"},
		{name: "udp from anywhere violates", rs: []*Resource{res(t, netTypeSGIngressRule, "r", `{"ipProtocol":"udp","fromPort":53,"toPort":53,"cidrIpv4":"0.0.0.0/0"}`)},
			want: "the rule admits 0.0.0.0/0 to udp port 53"},
		{name: "all traffic from anywhere violates", rs: []*Resource{res(t, netTypeSGRule, "r", `{"type":"ingress","protocol":"-1","fromPort":0,"toPort":0,"ipv6CidrBlocks":["::/0"]}`)},
			want: "admits ::/0 to all protocols and ports"},
		{name: "a cidr of the wrong shape violates", rs: []*Resource{res(t, netTypeSGIngressRule, "r", `{"ipProtocol":"tcp","fromPort":80,"toPort":80,"cidrIpv4":["0.0.0.0/0"]}`)},
			want: `cidrIpv4 is a list ([0.0.0.0/0]); expected a cidr block`},
		{name: "unknown ports from anywhere are undecided", rs: []*Resource{unknownPorts}, want: "fromPort is unknown", undecided: true},
	})
}

func TestSGRuleManagementConflicts(t *testing.T) {
	inline := func() *Resource {
		return res(t, netTypeSG, "web-sg", `{"ingress":[{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["10.0.0.0/16"]}]}`)
	}
	emptyEgress := res(t, netTypeSG, "web-sg", `{"egress":[]}`)
	checkRule(t, "sg-no-rule-management-conflicts", []ruleCase{
		{name: "a group with inline rules only is compliant", rs: []*Resource{inline()}},
		{name: "a group with separate rules only is compliant", rs: []*Resource{res(t, netTypeSG, "web-sg", `{"vpcId":"vpc-1"}`),
			res(t, netTypeSGRule, "ssh", `{"type":"ingress","securityGroupId":"web-sg-id"}`)}},
		{name: "a separate rule of another group is compliant", rs: []*Resource{inline(), res(t, netTypeSGRule, "ssh", `{"type":"ingress","securityGroupId":"sg-other"}`)}},
		{name: "inline rules and a separate rule violate", rs: []*Resource{inline(), res(t, netTypeSGRule, "ssh", `{"type":"ingress","securityGroupId":"web-sg-id"}`)},
			want: "ingress set inline (even an empty list manages every rule) while separate rules ssh also manage this group"},
		{name: "an empty inline list and a vpc egress rule in preview violate", rs: []*Resource{emptyEgress,
			previewRef(res(t, netTypeSGEgressRule, "out", `{"ipProtocol":"tcp"}`), "securityGroupId", emptyEgress)}, want: "egress set inline"},
		{name: "a default group with inline rules and a vpc ingress rule violates", rs: []*Resource{res(t, netTypeDefaultSG, "dsg", `{"ingress":[]}`),
			res(t, netTypeSGIngressRule, "in", `{"securityGroupId":"dsg-id"}`)}, want: "separate rules in also manage"},
	})
}

// naclRule builds a network ACL rule resource.
func naclRule(t *testing.T, props string) *Resource {
	return res(t, netTypeNACLRule, "rule", props)
}

func TestNACLNoAdminPortsFromAnywhere(t *testing.T) {
	checkRule(t, "nacl-no-admin-ports-from-anywhere", []ruleCase{
		{name: "ssh from a known block is compliant", rs: []*Resource{naclRule(t, `{"ruleAction":"allow","protocol":"6","cidrBlock":"203.0.113.0/24","fromPort":22,"toPort":22}`)}},
		{name: "return traffic split around rdp is compliant", rs: []*Resource{
			naclRule(t, `{"egress":false,"ruleAction":"allow","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":1024,"toPort":3388}`),
			naclRule(t, `{"egress":false,"ruleAction":"allow","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":3390,"toPort":65535}`)}},
		{name: "an outbound rule is not judged", rs: []*Resource{naclRule(t, `{"egress":true,"ruleAction":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0"}`)}},
		{name: "a deny rule is compliant", rs: []*Resource{naclRule(t, `{"ruleAction":"deny","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`)}},
		{name: "icmp from anywhere is compliant", rs: []*Resource{naclRule(t, `{"ruleAction":"allow","protocol":"1","cidrBlock":"0.0.0.0/0","icmpType":3,"icmpCode":4}`)}},
		{name: "ssh from anywhere violates", rs: []*Resource{naclRule(t, `{"ruleAction":"allow","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`)},
			want: "the rule admits 0.0.0.0/0 to tcp port 22, which includes port 22 (ssh); no network acl may admit the internet to an administration port"},
		{name: "a range over rdp from anywhere violates", rs: []*Resource{naclRule(t, `{"ruleAction":"allow","protocol":"tcp","cidrBlock":"0.0.0.0/0","fromPort":1024,"toPort":65535}`)},
			want: "tcp ports 1024-65535, which includes port 3389 (rdp)"},
		{name: "udp rdp from any ipv6 address violates", rs: []*Resource{naclRule(t, `{"ruleAction":"allow","protocol":"17","ipv6CidrBlock":"::/0","fromPort":3389,"toPort":3389}`)},
			want: "admits ::/0 to udp port 3389"},
		{name: "every protocol from anywhere violates", rs: []*Resource{naclRule(t, `{"ruleAction":"ALLOW","protocol":"-1","cidrBlock":"0.0.0.0/0"}`)},
			want: "all protocols and ports, which includes port 22"},
		{name: "an inline network acl entry from anywhere violates", rs: []*Resource{res(t, netTypeNACL, "acl",
			`{"ingress":[{"ruleNo":100,"action":"allow","protocol":"tcp","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}]}`)},
			want: "ingress[0] admits 0.0.0.0/0 to tcp port 22"},
		{name: "an inline default network acl entry from anywhere violates", rs: []*Resource{res(t, netTypeDefaultNACL, "dacl",
			`{"ingress":[{"ruleNo":100,"action":"deny","protocol":"-1","cidrBlock":"0.0.0.0/0","fromPort":0,"toPort":0},{"ruleNo":200,"action":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0","fromPort":0,"toPort":0}]}`)},
			want: "ingress[1] admits 0.0.0.0/0 to all protocols and ports"},
		{name: "an inline deny entry is compliant", rs: []*Resource{res(t, netTypeNACL, "acl",
			`{"ingress":[{"action":"deny","protocol":"tcp","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}]}`)}},
		{name: "a direction of the wrong shape violates", rs: []*Resource{naclRule(t, `{"egress":"inbound","ruleAction":"allow","protocol":"6","cidrBlock":"10.0.0.0/8","fromPort":22,"toPort":22}`)},
			want: `egress is a string ("inbound"); expected a boolean`},
		{name: "a rule without an action violates", rs: []*Resource{naclRule(t, `{"protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`)},
			want: "ruleAction is not set; expected allow or deny"},
		{name: "an inline entry without an action violates", rs: []*Resource{res(t, netTypeNACL, "acl", `{"ingress":[{"protocol":"-1","cidrBlock":"0.0.0.0/0"}]}`)},
			want: "ingress[0].action is not set"},
		{name: "inline entries of the wrong shape violate", rs: []*Resource{res(t, netTypeNACL, "acl", `{"ingress":{"action":"allow"}}`)},
			want: "ingress[0].protocol is not set"},
		{name: "an unknown direction is undecided", rs: []*Resource{unknownValue(naclRule(t, `{"ruleAction":"allow","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`), "egress")},
			want: "egress is unknown until deployment", undecided: true},
		{name: "an unknown action is undecided", rs: []*Resource{unknownValue(naclRule(t, `{"protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`), "ruleAction")},
			want: "ruleAction is unknown until deployment", undecided: true},
		{name: "an unknown source block is undecided", rs: []*Resource{unknownValue(naclRule(t, `{"ruleAction":"allow","protocol":"6","fromPort":3389,"toPort":3389}`), "cidrBlock")},
			want: "cidrBlock is unknown until deployment", undecided: true},
	})
}

// naclResources turns the SCE's network ACL rules into the resources the SecureVPC registers.
func naclResources(_ *testing.T, rules []components.NACLRule) []*Resource {
	var out []*Resource
	for _, r := range rules {
		props := map[string]any{"ruleNumber": int64(r.Number), "egress": r.Egress, "protocol": r.Protocol, "ruleAction": "allow", "cidrBlock": r.CIDR}
		if r.Protocol != components.ProtocolAll && r.Protocol != components.ProtocolICMP {
			props["fromPort"], props["toPort"] = int64(r.FromPort), int64(r.ToPort)
		}
		out = append(out, &Resource{URN: fmt.Sprintf("urn:pulumi:test::sce::%s::acl-%s-%d", netTypeNACLRule, r.Purpose, r.Number),
			Type: netTypeNACLRule, Name: "acl-" + r.Purpose, Props: props})
	}
	return out
}

func TestSCENetworkACLsAdmitNoAdminPortFromAnywhere(t *testing.T) {
	const vpcCIDR = "10.0.0.0/16"
	checkRule(t, "nacl-no-admin-ports-from-anywhere", []ruleCase{
		{name: "the public subnet's rules with a known ssh block are compliant", rs: naclResources(t, components.PublicNACLRules(vpcCIDR, []string{"203.0.113.0/24"}))},
		{name: "the private subnet's rules are compliant", rs: naclResources(t, components.PrivateNACLRules(vpcCIDR))},
		{name: "the public subnet's rules with ssh open to the internet violate", rs: naclResources(t, components.PublicNACLRules(vpcCIDR, []string{"0.0.0.0/0"})),
			want: "which includes port 22 (ssh)"},
	})
}

func TestSGEgressRestricted(t *testing.T) {
	egress := func(rule string) *Resource {
		return res(t, netTypeSG, "sg", `{"vpcId":"vpc-1","egress":[`+rule+`]}`)
	}
	unknownDest := unknownValue(res(t, netTypeSGRule, "r", `{"type":"egress","protocol":"tcp","fromPort":443,"toPort":443,"securityGroupId":"sg-1"}`), "cidrBlocks")
	checkRule(t, "sg-egress-restricted", []ruleCase{
		{name: "egress to the vpc block is compliant", rs: []*Resource{egress(`{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["10.0.0.0/16"]}`)}},
		{name: "egress to a prefix list is compliant", rs: []*Resource{res(t, netTypeSGRule, "r",
			`{"type":"egress","protocol":"tcp","fromPort":443,"toPort":443,"prefixListIds":["pl-68a54001"],"securityGroupId":"sg-1"}`)}},
		{name: "a group without egress is compliant", rs: []*Resource{res(t, netTypeSG, "sg", `{"vpcId":"vpc-1"}`)}},
		{name: "an ingress rule from anywhere is not judged here", rs: []*Resource{res(t, netTypeSGRule, "r",
			`{"type":"ingress","protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`)}},
		{name: "inline egress to anywhere violates", rs: []*Resource{egress(`{"protocol":"-1","fromPort":0,"toPort":0,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "egress[0] admits 0.0.0.0/0 to all protocols and ports, which lets data out to the whole internet"},
		{name: "an https egress rule resource to anywhere violates", rs: []*Resource{res(t, netTypeSGRule, "r",
			`{"type":"egress","protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`)},
			want: "the rule admits 0.0.0.0/0 to tcp port 443"},
		{name: "a vpc egress rule to any ipv6 address violates", rs: []*Resource{res(t, netTypeSGEgressRule, "r",
			`{"ipProtocol":"tcp","fromPort":443,"toPort":443,"cidrIpv6":"::/0","securityGroupId":"sg-1"}`)}, want: "admits ::/0 to tcp port 443"},
		{name: "an unknown destination is undecided", rs: []*Resource{unknownDest}, want: "cidrBlocks", undecided: true},
	})
}

package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// sg builds a security group with one inline ingress rule.
func sg(t *testing.T, ingress string) *engine.Resource {
	return res(t, netmodel.TypeSG, "sg", `{"vpcId":"vpc-1","ingress":[`+ingress+`]}`)
}

func TestRestrictedSSH(t *testing.T) {
	unknownFrom := sg(t, `{"protocol":"tcp","toPort":22,"cidrBlocks":["0.0.0.0/0"]}`)
	unknownFrom.Props["ingress"].([]any)[0].(map[string]any)["fromPort"] = engine.Unknown
	unknownCidrs := sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22}`)
	unknownCidrs.Props["ingress"].([]any)[0].(map[string]any)["cidrBlocks"] = engine.Unknown
	unknownProto := sg(t, `{"fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"]}`)
	unknownProto.Props["ingress"].([]any)[0].(map[string]any)["protocol"] = engine.Unknown
	unknownType := unknownValue(res(t, netmodel.TypeSGRule, "r", `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`), "type")

	checkRule(t, "sg-restricted-ssh", []ruleCase{
		{name: "ssh from a known block is compliant", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["203.0.113.0/24"]}`)}},
		{name: "https from anywhere is compliant here", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "udp 22 from anywhere is not ssh", rs: []*engine.Resource{sg(t, `{"protocol":"udp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "a group without ingress is compliant", rs: []*engine.Resource{res(t, netmodel.TypeSG, "sg", `{"vpcId":"vpc-1"}`)}},
		{name: "ssh from anywhere violates", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["10.0.0.0/8","0.0.0.0/0"]}`)},
			want: "ingress[0] admits 0.0.0.0/0 to tcp port 22, which includes port 22 (ssh)"},
		{name: "a tcp range over 22 from any ipv6 address violates", rs: []*engine.Resource{sg(t, `{"protocol":"6","fromPort":0,"toPort":65535,"ipv6CidrBlocks":["::/0"]}`)},
			want: "admits ::/0 to tcp ports 0-65535"},
		{name: "all traffic from anywhere violates", rs: []*engine.Resource{sg(t, `{"protocol":"-1","fromPort":0,"toPort":0,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "admits 0.0.0.0/0 to all protocols and ports, which includes port 22"},
		{name: "ports given as strings are read", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":"22","toPort":"22","cidrBlocks":["0.0.0.0/0"]}`)},
			want: "tcp port 22"},
		{name: "an ingress rule resource from anywhere violates", rs: []*engine.Resource{res(t, netmodel.TypeSGRule, "r",
			`{"type":"ingress","protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`)},
			want: "the rule admits 0.0.0.0/0 to tcp port 22"},
		{name: "an egress rule resource is not judged", rs: []*engine.Resource{res(t, netmodel.TypeSGRule, "r",
			`{"type":"egress","protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`)}},
		{name: "a vpc ingress rule from anywhere violates", rs: []*engine.Resource{res(t, netmodel.TypeSGIngressRule, "r",
			`{"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"0.0.0.0/0","securityGroupId":"sg-1"}`)}, want: "the rule admits 0.0.0.0/0 to tcp port 22"},
		{name: "a vpc ingress rule of all protocols from any ipv6 address violates", rs: []*engine.Resource{res(t, netmodel.TypeSGIngressRule, "r",
			`{"ipProtocol":"-1","cidrIpv6":"::/0","securityGroupId":"sg-1"}`)}, want: "admits ::/0 to all protocols and ports"},
		{name: "a default security group admitting ssh from anywhere violates", rs: []*engine.Resource{res(t, netmodel.TypeDefaultSG, "d",
			`{"ingress":[{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"]}]}`)}, want: "ingress[0] admits 0.0.0.0/0"},
		{name: "cidr blocks of the wrong shape violate", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":[5]}`)},
			want: "ingress[0].cidrBlocks[0] is a number (5); expected a cidr block"},
		{name: "cidr blocks given as one string violate", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":"0.0.0.0/0"}`)},
			want: `ingress[0].cidrBlocks is a string ("0.0.0.0/0"); expected a list of cidr blocks`},
		{name: "a rule without a protocol violates", rs: []*engine.Resource{sg(t, `{"fromPort":22,"toPort":22,"cidrBlocks":["10.0.0.0/8"]}`)},
			want: "ingress[0].protocol is not set"},
		{name: "a tcp rule without ports violates", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","cidrBlocks":["0.0.0.0/0"]}`)},
			want: "ingress[0].fromPort is not set; expected a port number"},
		{name: "ingress of the wrong shape violates", rs: []*engine.Resource{res(t, netmodel.TypeSG, "sg", `{"ingress":"ssh"}`)}, want: "ingress is a string"},
		{name: "an unknown port is undecided", rs: []*engine.Resource{unknownFrom}, want: "ingress[0].fromPort is unknown", undecided: true},
		{name: "unknown cidr blocks are undecided", rs: []*engine.Resource{unknownCidrs}, want: "ingress[0].cidrBlocks is unknown", undecided: true},
		{name: "an unknown protocol is undecided", rs: []*engine.Resource{unknownProto}, want: "ingress[0].protocol is unknown", undecided: true},
		{name: "an unknown rule type is undecided", rs: []*engine.Resource{unknownType}, want: "type is unknown", undecided: true},
	})
}

func TestRestrictedCommonPorts(t *testing.T) {
	checkRule(t, "sg-restricted-common-ports", []ruleCase{
		{name: "https from anywhere is compliant", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "ssh is left to its own rule", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":22,"toPort":22,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "rdp from a known block is compliant", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":3389,"toPort":3389,"cidrBlocks":["10.0.0.0/16"]}`)}},
		{name: "udp 3389 is not judged (the public rules check tcp)", rs: []*engine.Resource{sg(t, `{"protocol":"udp","fromPort":3389,"toPort":3389,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "rdp from anywhere violates", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":3389,"toPort":3389,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "admits 0.0.0.0/0 to tcp port 3389, which includes port 3389 (rdp)"},
		{name: "ftp from anywhere violates", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":20,"toPort":21,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "which includes port 20 (ftp data)"},
		{name: "mysql from anywhere through a vpc rule violates", rs: []*engine.Resource{res(t, netmodel.TypeSGIngressRule, "r",
			`{"ipProtocol":"tcp","fromPort":3306,"toPort":3306,"cidrIpv6":"::/0"}`)}, want: "which includes port 3306 (mysql)"},
		{name: "a range over 4333 violates", rs: []*engine.Resource{res(t, netmodel.TypeSGRule, "r",
			`{"type":"ingress","protocol":"tcp","fromPort":4000,"toPort":5000,"cidrBlocks":["0.0.0.0/0"]}`)}, want: "which includes port 4333 (msql)"},
		{name: "all traffic from anywhere violates", rs: []*engine.Resource{sg(t, `{"protocol":"all","fromPort":0,"toPort":0,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "all protocols and ports, which includes port 20"},
		{name: "a protocol of the wrong shape violates", rs: []*engine.Resource{sg(t, `{"protocol":["tcp"],"fromPort":20,"toPort":20,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "ingress[0].protocol is a list"},
	})
}

func TestOnlyAuthorizedPortsOpen(t *testing.T) {
	unknownPorts := res(t, netmodel.TypeSGIngressRule, "r", `{"ipProtocol":"tcp","cidrIpv4":"0.0.0.0/0"}`)
	unknownPorts.Props["fromPort"], unknownPorts.Props["toPort"] = engine.Unknown, engine.Unknown
	checkRule(t, "sg-only-authorized-ports-open", []ruleCase{
		{name: "https from anywhere is compliant", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0","::/0"]}`)}},
		{name: "icmp from anywhere is compliant", rs: []*engine.Resource{sg(t, `{"protocol":"icmp","fromPort":3,"toPort":4,"cidrBlocks":["0.0.0.0/0"]}`)}},
		{name: "any port from a known block is compliant", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":8080,"toPort":8080,"cidrBlocks":["10.0.0.0/16"]}`)}},
		{name: "http from anywhere violates", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":80,"toPort":80,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "ingress[0] admits 0.0.0.0/0 to tcp port 80, but only tcp port 443 may be open to the internet"},
		{name: "a range beyond 443 violates", rs: []*engine.Resource{sg(t, `{"protocol":"tcp","fromPort":443,"toPort":444,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "tcp ports 443-444"},
		{name: "udp from anywhere violates", rs: []*engine.Resource{res(t, netmodel.TypeSGIngressRule, "r", `{"ipProtocol":"udp","fromPort":53,"toPort":53,"cidrIpv4":"0.0.0.0/0"}`)},
			want: "the rule admits 0.0.0.0/0 to udp port 53"},
		{name: "all traffic from anywhere violates", rs: []*engine.Resource{res(t, netmodel.TypeSGRule, "r", `{"type":"ingress","protocol":"-1","fromPort":0,"toPort":0,"ipv6CidrBlocks":["::/0"]}`)},
			want: "admits ::/0 to all protocols and ports"},
		{name: "a cidr of the wrong shape violates", rs: []*engine.Resource{res(t, netmodel.TypeSGIngressRule, "r", `{"ipProtocol":"tcp","fromPort":80,"toPort":80,"cidrIpv4":["0.0.0.0/0"]}`)},
			want: `cidrIpv4 is a list ([0.0.0.0/0]); expected a cidr block`},
		{name: "unknown ports from anywhere are undecided", rs: []*engine.Resource{unknownPorts}, want: "fromPort is unknown", undecided: true},
	})
}

func TestSGRuleManagementConflicts(t *testing.T) {
	inline := func() *engine.Resource {
		return res(t, netmodel.TypeSG, "web-sg", `{"ingress":[{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["10.0.0.0/16"]}]}`)
	}
	emptyEgress := res(t, netmodel.TypeSG, "web-sg", `{"egress":[]}`)
	checkRule(t, "sg-no-rule-management-conflicts", []ruleCase{
		{name: "a group with inline rules only is compliant", rs: []*engine.Resource{inline()}},
		{name: "a group with separate rules only is compliant", rs: []*engine.Resource{res(t, netmodel.TypeSG, "web-sg", `{"vpcId":"vpc-1"}`),
			res(t, netmodel.TypeSGRule, "ssh", `{"type":"ingress","securityGroupId":"web-sg-id"}`)}},
		{name: "a separate rule of another group is compliant", rs: []*engine.Resource{inline(), res(t, netmodel.TypeSGRule, "ssh", `{"type":"ingress","securityGroupId":"sg-other"}`)}},
		{name: "inline rules and a separate rule violate", rs: []*engine.Resource{inline(), res(t, netmodel.TypeSGRule, "ssh", `{"type":"ingress","securityGroupId":"web-sg-id"}`)},
			want: "ingress set inline (even an empty list manages every rule) while separate rules ssh also manage this group"},
		{name: "an empty inline list and a vpc egress rule in preview violate", rs: []*engine.Resource{emptyEgress,
			previewRef(res(t, netmodel.TypeSGEgressRule, "out", `{"ipProtocol":"tcp"}`), "securityGroupId", emptyEgress)}, want: "egress set inline"},
		{name: "a default group with inline rules and a vpc ingress rule violates", rs: []*engine.Resource{res(t, netmodel.TypeDefaultSG, "dsg", `{"ingress":[]}`),
			res(t, netmodel.TypeSGIngressRule, "in", `{"securityGroupId":"dsg-id"}`)}, want: "separate rules in also manage"},
	})
}

func TestSGEgressRestricted(t *testing.T) {
	egress := func(rule string) *engine.Resource {
		return res(t, netmodel.TypeSG, "sg", `{"vpcId":"vpc-1","egress":[`+rule+`]}`)
	}
	unknownDest := unknownValue(res(t, netmodel.TypeSGRule, "r", `{"type":"egress","protocol":"tcp","fromPort":443,"toPort":443,"securityGroupId":"sg-1"}`), "cidrBlocks")
	checkRule(t, "sg-egress-restricted", []ruleCase{
		{name: "egress to the vpc block is compliant", rs: []*engine.Resource{egress(`{"protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["10.0.0.0/16"]}`)}},
		{name: "egress to a prefix list is compliant", rs: []*engine.Resource{res(t, netmodel.TypeSGRule, "r",
			`{"type":"egress","protocol":"tcp","fromPort":443,"toPort":443,"prefixListIds":["pl-68a54001"],"securityGroupId":"sg-1"}`)}},
		{name: "a group without egress is compliant", rs: []*engine.Resource{res(t, netmodel.TypeSG, "sg", `{"vpcId":"vpc-1"}`)}},
		{name: "an ingress rule from anywhere is not judged here", rs: []*engine.Resource{res(t, netmodel.TypeSGRule, "r",
			`{"type":"ingress","protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`)}},
		{name: "inline egress to anywhere violates", rs: []*engine.Resource{egress(`{"protocol":"-1","fromPort":0,"toPort":0,"cidrBlocks":["0.0.0.0/0"]}`)},
			want: "egress[0] admits 0.0.0.0/0 to all protocols and ports, which lets data out to the whole internet"},
		{name: "an https egress rule resource to anywhere violates", rs: []*engine.Resource{res(t, netmodel.TypeSGRule, "r",
			`{"type":"egress","protocol":"tcp","fromPort":443,"toPort":443,"cidrBlocks":["0.0.0.0/0"],"securityGroupId":"sg-1"}`)},
			want: "the rule admits 0.0.0.0/0 to tcp port 443"},
		{name: "a vpc egress rule to any ipv6 address violates", rs: []*engine.Resource{res(t, netmodel.TypeSGEgressRule, "r",
			`{"ipProtocol":"tcp","fromPort":443,"toPort":443,"cidrIpv6":"::/0","securityGroupId":"sg-1"}`)}, want: "admits ::/0 to tcp port 443"},
		{name: "an unknown destination is undecided", rs: []*engine.Resource{unknownDest}, want: "cidrBlocks", undecided: true},
	})
}

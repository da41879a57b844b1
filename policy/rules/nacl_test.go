package rules

import (
	"fmt"
	"testing"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// naclRule builds a network ACL rule resource.
func naclRule(t *testing.T, props string) *engine.Resource {
	return res(t, netmodel.TypeNACLRule, "rule", props)
}

func TestNACLNoAdminPortsFromAnywhere(t *testing.T) {
	checkRule(t, "nacl-no-admin-ports-from-anywhere", []ruleCase{
		{name: "ssh from a known block is compliant", rs: []*engine.Resource{naclRule(t, `{"ruleAction":"allow","protocol":"6","cidrBlock":"203.0.113.0/24","fromPort":22,"toPort":22}`)}},
		{name: "return traffic split around rdp is compliant", rs: []*engine.Resource{
			naclRule(t, `{"egress":false,"ruleAction":"allow","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":1024,"toPort":3388}`),
			naclRule(t, `{"egress":false,"ruleAction":"allow","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":3390,"toPort":65535}`)}},
		{name: "an outbound rule is not judged", rs: []*engine.Resource{naclRule(t, `{"egress":true,"ruleAction":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0"}`)}},
		{name: "a deny rule is compliant", rs: []*engine.Resource{naclRule(t, `{"ruleAction":"deny","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`)}},
		{name: "icmp from anywhere is compliant", rs: []*engine.Resource{naclRule(t, `{"ruleAction":"allow","protocol":"1","cidrBlock":"0.0.0.0/0","icmpType":3,"icmpCode":4}`)}},
		{name: "ssh from anywhere violates", rs: []*engine.Resource{naclRule(t, `{"ruleAction":"allow","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`)},
			want: "the rule admits 0.0.0.0/0 to tcp port 22, which includes port 22 (ssh); no network acl may admit the internet to an administration port"},
		{name: "a range over rdp from anywhere violates", rs: []*engine.Resource{naclRule(t, `{"ruleAction":"allow","protocol":"tcp","cidrBlock":"0.0.0.0/0","fromPort":1024,"toPort":65535}`)},
			want: "tcp ports 1024-65535, which includes port 3389 (rdp)"},
		{name: "udp rdp from any ipv6 address violates", rs: []*engine.Resource{naclRule(t, `{"ruleAction":"allow","protocol":"17","ipv6CidrBlock":"::/0","fromPort":3389,"toPort":3389}`)},
			want: "admits ::/0 to udp port 3389"},
		{name: "every protocol from anywhere violates", rs: []*engine.Resource{naclRule(t, `{"ruleAction":"ALLOW","protocol":"-1","cidrBlock":"0.0.0.0/0"}`)},
			want: "all protocols and ports, which includes port 22"},
		{name: "an inline network acl entry from anywhere violates", rs: []*engine.Resource{res(t, netmodel.TypeNACL, "acl",
			`{"ingress":[{"ruleNo":100,"action":"allow","protocol":"tcp","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}]}`)},
			want: "ingress[0] admits 0.0.0.0/0 to tcp port 22"},
		{name: "an inline default network acl entry from anywhere violates", rs: []*engine.Resource{res(t, netmodel.TypeDefaultNACL, "dacl",
			`{"ingress":[{"ruleNo":100,"action":"deny","protocol":"-1","cidrBlock":"0.0.0.0/0","fromPort":0,"toPort":0},{"ruleNo":200,"action":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0","fromPort":0,"toPort":0}]}`)},
			want: "ingress[1] admits 0.0.0.0/0 to all protocols and ports"},
		{name: "an inline deny entry is compliant", rs: []*engine.Resource{res(t, netmodel.TypeNACL, "acl",
			`{"ingress":[{"action":"deny","protocol":"tcp","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}]}`)}},
		{name: "a direction of the wrong shape violates", rs: []*engine.Resource{naclRule(t, `{"egress":"inbound","ruleAction":"allow","protocol":"6","cidrBlock":"10.0.0.0/8","fromPort":22,"toPort":22}`)},
			want: `egress is a string ("inbound"); expected a boolean`},
		{name: "a rule without an action violates", rs: []*engine.Resource{naclRule(t, `{"protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`)},
			want: "ruleAction is not set; expected allow or deny"},
		{name: "an inline entry without an action violates", rs: []*engine.Resource{res(t, netmodel.TypeNACL, "acl", `{"ingress":[{"protocol":"-1","cidrBlock":"0.0.0.0/0"}]}`)},
			want: "ingress[0].action is not set"},
		{name: "inline entries of the wrong shape violate", rs: []*engine.Resource{res(t, netmodel.TypeNACL, "acl", `{"ingress":{"action":"allow"}}`)},
			want: "ingress[0].protocol is not set"},
		{name: "an unknown direction is undecided", rs: []*engine.Resource{unknownValue(naclRule(t, `{"ruleAction":"allow","protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`), "egress")},
			want: "egress is unknown until deployment", undecided: true},
		{name: "an unknown action is undecided", rs: []*engine.Resource{unknownValue(naclRule(t, `{"protocol":"6","cidrBlock":"0.0.0.0/0","fromPort":22,"toPort":22}`), "ruleAction")},
			want: "ruleAction is unknown until deployment", undecided: true},
		{name: "an unknown source block is undecided", rs: []*engine.Resource{unknownValue(naclRule(t, `{"ruleAction":"allow","protocol":"6","fromPort":3389,"toPort":3389}`), "cidrBlock")},
			want: "cidrBlock is unknown until deployment", undecided: true},
	})
}

// naclResources turns the SCE's network ACL rules into the resources the SecureVPC registers.
func naclResources(_ *testing.T, rules []components.NACLRule) []*engine.Resource {
	var out []*engine.Resource
	for _, r := range rules {
		props := map[string]any{"ruleNumber": int64(r.Number), "egress": r.Egress, "protocol": r.Protocol, "ruleAction": "allow", "cidrBlock": r.CIDR}
		if r.Protocol != components.ProtocolAll && r.Protocol != components.ProtocolICMP {
			props["fromPort"], props["toPort"] = int64(r.FromPort), int64(r.ToPort)
		}
		out = append(out, &engine.Resource{URN: fmt.Sprintf("urn:pulumi:test::sce::%s::acl-%s-%d", netmodel.TypeNACLRule, r.Purpose, r.Number),
			Type: netmodel.TypeNACLRule, Name: "acl-" + r.Purpose, Props: props})
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

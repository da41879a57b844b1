package netflow_test

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/netflow"
)

// Security group semantics, after "Security group rules" (security-group-rules.html): a rule's remote is
// a block, a prefix list or a group (whose members' private addresses it admits); rules only allow; a
// group without an outbound rule lets nothing out; the groups of a resource add up; the answers to an
// admitted connection pass without a rule (stateful).
func TestSecurityGroups(t *testing.T) {
	appToDB := func(f *fixture) netflow.Flow { return tcp(f.of("app"), f.of("db"), 5432) }
	dbIngressFromApp := func(f *fixture) {
		f.sgRule("db-from-app", "db-sg", "ingress", "tcp", 5432, 5432, `"sourceSecurityGroupId":"app-sg"`)
	}
	runFlows(t, network, []flowCase{
		{name: "a group reference on both sides admits the flow", flow: appToDB, want: engine.MatchYes,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-to-db", "app-sg", "egress", "tcp", 5432, 5432, `"sourceSecurityGroupId":"db-sg"`)
			},
			path: "ingress rule db-from-app of security group db-sg admits tcp 5432 from app (security group app-sg)"},
		{name: "without the source's egress rule the connection never leaves", flow: appToDB, want: engine.MatchNo, build: dbIngressFromApp,
			why: "no egress rule of security group app-sg admits tcp 5432 to db (security group db-sg)"},
		{name: "an ingress rule from another group does not admit the source", flow: appToDB, want: engine.MatchNo,
			build: func(f *fixture) {
				f.sgRule("db-from-bastion", "db-sg", "ingress", "tcp", 5432, 5432, `"sourceSecurityGroupId":"bastion-sg"`)
				f.sgRule("app-out", "app-sg", "egress", "-1", 0, 0, `"cidrBlocks":["0.0.0.0/0"]`)
			},
			why: "no ingress rule of security group db-sg admits tcp 5432 from app (security group app-sg)"},
		{name: "egress to a block holding the destination's subnet admits it", flow: appToDB, want: engine.MatchYes,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-to-vpc", "app-sg", "egress", "tcp", 5432, 5432, `"cidrBlocks":["10.0.0.0/16"]`)
			}},
		{name: "egress to a block holding part of the destination's subnet is unknown", flow: appToDB, want: engine.MatchMaybe,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-to-half", "app-sg", "egress", "tcp", 5432, 5432, `"cidrBlocks":["10.0.1.0/25"]`)
			},
			why: "covers part of db"},
		{name: "egress to the destination's known address admits it", flow: appToDB, want: engine.MatchYes,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.set("db", `{"subnetId":"private","vpcSecurityGroupIds":["db-sg"],"privateIp":"10.0.1.10"}`)
				f.sgRule("app-to-db-ip", "app-sg", "egress", "tcp", 5432, 5432, `"cidrBlocks":["10.0.1.10/32"]`)
			}},
		{name: "an ipv6 block does not admit ipv4 traffic", flow: appToDB, want: engine.MatchNo,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-v6", "app-sg", "egress", "-1", 0, 0, `"ipv6CidrBlocks":["::/0"]`)
			},
			why: "no egress rule of security group app-sg"},
		{name: "protocol -1 admits every port", flow: appToDB, want: engine.MatchYes,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-all", "app-sg", "egress", "-1", 0, 0, `"sourceSecurityGroupId":"db-sg"`)
			}},
		{name: "a port range admits the ports inside it and no other", flow: appToDB, want: engine.MatchNo,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-range", "app-sg", "egress", "tcp", 5433, 5500, `"sourceSecurityGroupId":"db-sg"`)
			},
			why: "admits tcp 5432 to db"},
		{name: "a udp rule does not admit tcp", flow: appToDB, want: engine.MatchNo,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-udp", "app-sg", "egress", "udp", 0, 65535, `"sourceSecurityGroupId":"db-sg"`)
			}},
		{name: "the rules of a resource's groups add up", flow: appToDB, want: engine.MatchYes,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.add(tSG, "extra-sg", `{"vpcId":"vpc"}`)
				f.set("app", `{"subnetId":"private","vpcSecurityGroupIds":["app-sg","extra-sg"]}`)
				f.sgRule("extra-out", "extra-sg", "egress", "tcp", 5432, 5432, `"sourceSecurityGroupId":"db-sg"`)
			}},
		{name: "a self reference admits members of the same group", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), f.of("db"), 7000) },
			build: func(f *fixture) {
				f.set("db", `{"subnetId":"private","vpcSecurityGroupIds":["app-sg"]}`)
				f.sgRule("app-self-in", "app-sg", "ingress", "tcp", 7000, 7000, `"self":true`)
				f.sgRule("app-self-out", "app-sg", "egress", "tcp", 7000, 7000, `"self":true`)
			}},
		{name: "inline rules of a group count", flow: appToDB, want: engine.MatchYes,
			build: func(f *fixture) {
				f.set("app-sg", `{"vpcId":"vpc","egress":[{"protocol":"tcp","fromPort":5432,"toPort":5432,"securityGroups":["db-sg"]}]}`)
				f.set("db-sg", `{"vpcId":"vpc","ingress":[{"protocol":"tcp","fromPort":5432,"toPort":5432,"securityGroups":["app-sg"]}]}`)
			},
			path: "egress[0] of security group app-sg"},
		{name: "vpc ingress rule resources with a referenced group count", flow: appToDB, want: engine.MatchYes,
			build: func(f *fixture) {
				f.add(tSGIngress, "db-in", `{"securityGroupId":"db-sg","ipProtocol":"tcp","fromPort":5432,"toPort":5432,"referencedSecurityGroupId":"app-sg"}`)
				f.sgRule("app-out", "app-sg", "egress", "tcp", 5432, 5432, `"sourceSecurityGroupId":"db-sg"`)
			}},
		{name: "a rule whose remote is unknown until deployment makes a denial unknown", flow: appToDB, want: engine.MatchMaybe,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-out", "app-sg", "egress", "tcp", 5432, 5432, `"sourceSecurityGroupId":"db-sg"`)
				f.get("app-out").Props["sourceSecurityGroupId"] = engine.Unknown
			},
			why: "sourceSecurityGroupId, unknown until deployment"},
		{name: "the answers need no rule: groups are stateful", flow: appToDB, want: engine.MatchYes,
			build: func(f *fixture) {
				dbIngressFromApp(f)
				f.sgRule("app-to-db", "app-sg", "egress", "tcp", 5432, 5432, `"sourceSecurityGroupId":"db-sg"`)
			},
			path: "security groups are stateful"},
		{name: "a resource without a group of the stack is unknown", flow: appToDB, want: engine.MatchMaybe,
			build: func(f *fixture) { f.set("app", `{"subnetId":"private"}`) },
			why:   "gets its VPC's default security group"},
	})
}

func TestAnInstanceTalkingToItselfNeedsNoRule(t *testing.T) {
	runFlows(t, network, []flowCase{
		{name: "an instance's traffic to itself never leaves it", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), f.of("app"), 8080) },
			note: "app talks to itself: the traffic never leaves the instance"},
	})
}

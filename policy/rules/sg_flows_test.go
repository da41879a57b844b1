package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIngressSourcesMayEgress(t *testing.T) {
	groups := func() []*engine.Resource {
		return []*engine.Resource{
			res(t, typeVPC, "vpc", `{"cidrBlock":"10.0.0.0/16"}`),
			res(t, netmodel.TypeSG, "client", `{"vpcId":"vpc-id"}`),
			res(t, netmodel.TypeSG, "db", `{"vpcId":"vpc-id"}`),
		}
	}
	ingress := res(t, netmodel.TypeSGRule, "db-from-client",
		`{"type":"ingress","securityGroupId":"db-id","sourceSecurityGroupId":"client-id","protocol":"tcp","fromPort":5439,"toPort":5439}`)
	egress := func(props string) *engine.Resource { return res(t, netmodel.TypeSGRule, "client-out", props) }
	with := func(rs ...*engine.Resource) []*engine.Resource { return append(append(groups(), ingress), rs...) }
	checkRule(t, "sg-ingress-source-may-egress", []ruleCase{
		{name: "an ingress without the source's egress violates", rs: with(),
			want: "admits security group client on tcp 5439, but client has no egress rule to db"},
		{name: "egress to the target group on the port is compliant",
			rs: with(egress(`{"type":"egress","securityGroupId":"client-id","sourceSecurityGroupId":"db-id","protocol":"tcp","fromPort":5439,"toPort":5439}`))},
		{name: "egress to the VPC's block is compliant",
			rs: with(egress(`{"type":"egress","securityGroupId":"client-id","cidrBlocks":["10.0.0.0/16"],"protocol":"tcp","fromPort":5439,"toPort":5439}`))},
		{name: "egress of all traffic to anywhere is compliant",
			rs: with(egress(`{"type":"egress","securityGroupId":"client-id","cidrBlocks":["0.0.0.0/0"],"protocol":"-1","fromPort":0,"toPort":0}`))},
		{name: "egress on another port violates",
			rs:   with(egress(`{"type":"egress","securityGroupId":"client-id","cidrBlocks":["0.0.0.0/0"],"protocol":"tcp","fromPort":443,"toPort":443}`)),
			want: "no egress rule"},
		{name: "egress to a block narrower than the VPC violates",
			rs:   with(egress(`{"type":"egress","securityGroupId":"client-id","cidrBlocks":["10.0.1.0/24"],"protocol":"tcp","fromPort":5439,"toPort":5439}`)),
			want: "no egress rule"},
		{name: "egress to another group violates",
			rs:   with(egress(`{"type":"egress","securityGroupId":"client-id","sourceSecurityGroupId":"client-id","protocol":"tcp","fromPort":5439,"toPort":5439}`)),
			want: "no egress rule"},
		{name: "an egress rule of the target group does not count",
			rs:   with(egress(`{"type":"egress","securityGroupId":"db-id","sourceSecurityGroupId":"client-id","protocol":"tcp","fromPort":5439,"toPort":5439}`)),
			want: "no egress rule"},
		{name: "a source group of another stack is not judged",
			rs: append(groups(), res(t, netmodel.TypeSGRule, "db-from-elsewhere",
				`{"type":"ingress","securityGroupId":"db-id","sourceSecurityGroupId":"sg-0fedcba9876543210","protocol":"tcp","fromPort":5439,"toPort":5439}`))},
		{name: "an ingress from an address block is not judged",
			rs: append(groups(), res(t, netmodel.TypeSGRule, "db-from-block",
				`{"type":"ingress","securityGroupId":"db-id","cidrBlocks":["10.0.0.0/16"],"protocol":"tcp","fromPort":5439,"toPort":5439}`))},
	})
}

func TestSSHSourcesOfAnInternetFacingInstanceMustBeReachableFromTheInternet(t *testing.T) {
	rule, ok := ByID("ssh-source-reachable-from-internet")
	require.True(t, ok)
	sg := func() *engine.Resource { return res(t, netmodel.TypeSG, "bastion-sg", `{"vpcId":"vpc-1"}`) }
	inst := func(props string) *engine.Resource { return res(t, typeInstance, "bastion", props) }
	eip := func() *engine.Resource {
		return res(t, computeTypeEIP, "bastion-eip", `{"domain":"vpc","instance":"bastion-id"}`)
	}
	ingress := func(name, blocks string) *engine.Resource {
		return res(t, netmodel.TypeSGRule, name, `{"type":"ingress","protocol":"tcp","fromPort":22,"toPort":22,"securityGroupId":"bastion-sg-id","cidrBlocks":`+blocks+`}`)
	}
	attached := `{"vpcSecurityGroupIds":["bastion-sg-id"]}`
	tests := []struct {
		name      string
		resources []*engine.Resource
		want      []string
	}{
		{"public blocks behind an Elastic IP", []*engine.Resource{sg(), inst(attached), eip(), ingress("ssh-in", `["198.51.100.0/24"]`)}, nil},
		{"a private block behind an Elastic IP", []*engine.Resource{sg(), inst(attached), eip(), ingress("ssh-in", `["192.168.1.0/24","198.51.100.0/24"]`)},
			[]string{"from 192.168.1.0/24: a private-use block (RFC 1918)"}},
		{"carrier-grade NAT on a public address", []*engine.Resource{sg(), inst(`{"associatePublicIpAddress":true,"vpcSecurityGroupIds":["bastion-sg-id"]}`),
			ingress("ssh-in", `["100.64.0.0/10"]`)}, []string{"RFC 6598"}},
		{"every port of every protocol from link-local", []*engine.Resource{sg(), inst(attached), eip(),
			res(t, netmodel.TypeSGRule, "all-in", `{"type":"ingress","protocol":"-1","fromPort":0,"toPort":0,"securityGroupId":"bastion-sg-id","cidrBlocks":["169.254.0.0/16"]}`)},
			[]string{"RFC 3927"}},
		{"a private instance: its VPC sources are right", []*engine.Resource{sg(), inst(attached), ingress("ssh-in", `["10.0.0.0/16"]`)}, nil},
		{"another port from a private block", []*engine.Resource{sg(), inst(attached), eip(),
			res(t, netmodel.TypeSGRule, "https-in", `{"type":"ingress","protocol":"tcp","fromPort":443,"toPort":443,"securityGroupId":"bastion-sg-id","cidrBlocks":["10.0.0.0/8"]}`)}, nil},
		{"egress to the VPC", []*engine.Resource{sg(), inst(attached), eip(),
			res(t, netmodel.TypeSGRule, "ssh-out", `{"type":"egress","protocol":"tcp","fromPort":22,"toPort":22,"securityGroupId":"bastion-sg-id","cidrBlocks":["10.0.0.0/16"]}`)}, nil},
		{"a rule without blocks", []*engine.Resource{sg(), inst(attached), eip(),
			res(t, netmodel.TypeSGRule, "ssh-in", `{"type":"ingress","protocol":"tcp","fromPort":22,"toPort":22,"securityGroupId":"bastion-sg-id"}`)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Evaluate(engine.NewStack(tt.resources), []engine.Rule{rule})
			require.Len(t, rep.Violations, len(tt.want))
			for i, want := range tt.want {
				assert.Equal(t, engine.Advisory, rep.Violations[i].Level)
				assert.Contains(t, rep.Violations[i].Message, want)
				assert.Contains(t, rep.Violations[i].Message, "never matches")
			}
		})
	}
}

package rules

import "testing"

func TestIngressSourcesMayEgress(t *testing.T) {
	groups := func() []*Resource {
		return []*Resource{
			res(t, typeVPC, "vpc", `{"cidrBlock":"10.0.0.0/16"}`),
			res(t, typeSecurityGroup, "client", `{"vpcId":"vpc-id"}`),
			res(t, typeSecurityGroup, "db", `{"vpcId":"vpc-id"}`),
		}
	}
	ingress := res(t, typeSecurityGroupRule, "db-from-client",
		`{"type":"ingress","securityGroupId":"db-id","sourceSecurityGroupId":"client-id","protocol":"tcp","fromPort":5439,"toPort":5439}`)
	egress := func(props string) *Resource { return res(t, typeSecurityGroupRule, "client-out", props) }
	with := func(rs ...*Resource) []*Resource { return append(append(groups(), ingress), rs...) }
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
			rs: append(groups(), res(t, typeSecurityGroupRule, "db-from-elsewhere",
				`{"type":"ingress","securityGroupId":"db-id","sourceSecurityGroupId":"sg-0fedcba9876543210","protocol":"tcp","fromPort":5439,"toPort":5439}`))},
		{name: "an ingress from an address block is not judged",
			rs: append(groups(), res(t, typeSecurityGroupRule, "db-from-block",
				`{"type":"ingress","securityGroupId":"db-id","cidrBlocks":["10.0.0.0/16"],"protocol":"tcp","fromPort":5439,"toPort":5439}`))},
	})
}

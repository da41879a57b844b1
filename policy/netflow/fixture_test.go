package netflow_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/netflow"
)

// Resource types of the synthetic stacks.
const (
	tVPC        = "aws:ec2/vpc:Vpc"
	tSubnet     = "aws:ec2/subnet:Subnet"
	tIGW        = "aws:ec2/internetGateway:InternetGateway"
	tNAT        = "aws:ec2/natGateway:NatGateway"
	tEIP        = "aws:ec2/eip:Eip"
	tRT         = "aws:ec2/routeTable:RouteTable"
	tRTAssoc    = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tMainRT     = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
	tRoute      = "aws:ec2/route:Route"
	tEndpoint   = "aws:ec2/vpcEndpoint:VpcEndpoint"
	tEPAssoc    = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
	tNACL       = "aws:ec2/networkAcl:NetworkAcl"
	tNACLAssoc  = "aws:ec2/networkAclAssociation:NetworkAclAssociation"
	tNACLRule   = "aws:ec2/networkAclRule:NetworkAclRule"
	tSG         = "aws:ec2/securityGroup:SecurityGroup"
	tSGRule     = "aws:ec2/securityGroupRule:SecurityGroupRule"
	tSGIngress  = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tInstance   = "aws:ec2/instance:Instance"
	tTemplate   = "aws:ec2/launchTemplate:LaunchTemplate"
	tASG        = "aws:autoscaling/group:Group"
	tRedshift   = "aws:redshift/cluster:Cluster"
	tRSSubnets  = "aws:redshift/subnetGroup:SubnetGroup"
	tEMR        = "aws:emr/cluster:Cluster"
	tDefaultACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
)

// fixture is a synthetic stack: resources whose id is their name, so that properties name each other
// by name, as the offline plan names them by the ids the mock gave.
type fixture struct {
	t  *testing.T
	rs []*engine.Resource
}

// add appends a resource with props (and outputs) given as JSON object literals.
func (f *fixture) add(typ, name, props string, outputs ...string) *fixture {
	f.t.Helper()
	r := &engine.Resource{URN: "urn:pulumi:test::sce::" + typ + "::" + name, Type: typ, Name: name, ID: name, Props: obj(f.t, props)}
	if len(outputs) > 0 {
		r.Outputs = obj(f.t, outputs[0])
	}
	f.rs = append(f.rs, r)
	return f
}

// set replaces the props of a resource.
func (f *fixture) set(name, props string) *fixture {
	f.t.Helper()
	f.get(name).Props = obj(f.t, props)
	return f
}

// remove drops resources.
func (f *fixture) remove(names ...string) *fixture {
	f.rs, _ = dropNamed(f.rs, names...)
	return f
}

func (f *fixture) get(name string) *engine.Resource {
	f.t.Helper()
	r := named(f.rs, name)
	if r == nil {
		require.FailNow(f.t, "no resource "+name)
	}
	return r
}

func (f *fixture) of(name string) netflow.Endpoint { return netflow.Of(f.get(name)) }

func (f *fixture) stack() *engine.Stack { return engine.NewStack(f.rs) }

func obj(t *testing.T, js string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(js), &m), "fixture %s", js)
	return m
}

// aclRule adds a NetworkAclRule.
func (f *fixture) aclRule(acl, name string, number int, egress bool, action, proto, cidr string, ports ...int) *fixture {
	f.t.Helper()
	props := map[string]any{"networkAclId": acl, "ruleNumber": number, "egress": egress, "ruleAction": action, "protocol": proto, "cidrBlock": cidr}
	if len(ports) == 2 {
		props["fromPort"], props["toPort"] = ports[0], ports[1]
	}
	b, err := json.Marshal(props)
	require.NoError(f.t, err)
	return f.add(tNACLRule, name, string(b))
}

// sgRule adds a SecurityGroupRule; remote is a JSON fragment (`"cidrBlocks":["10.0.0.0/16"]`).
func (f *fixture) sgRule(name, group, typ, proto string, from, to int, remote string) *fixture {
	f.t.Helper()
	js := `{"securityGroupId":"` + group + `","type":"` + typ + `","protocol":"` + proto + `","fromPort":` + itoa(from) + `,"toPort":` + itoa(to)
	if remote != "" {
		js += "," + remote
	}
	return f.add(tSGRule, name, js+"}")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// network returns the synthetic base: a VPC 10.0.0.0/16 with a public subnet (10.0.0.0/24: bastion with
// an Elastic IP, NAT gateway) and a private one (10.0.1.0/24: app, db); an internet gateway; route tables
// with 0.0.0.0/0 to the internet gateway and to the NAT gateway; an S3 gateway endpoint (pl-s3) on the
// private table; network ACLs that admit everything; security groups that admit what each test adds.
func network(t *testing.T) *fixture {
	f := &fixture{t: t}
	f.add(tVPC, "vpc", `{"cidrBlock":"10.0.0.0/16"}`, `{"defaultNetworkAclId":"acl-default","defaultRouteTableId":"rtb-main"}`)
	f.add(tSubnet, "public", `{"vpcId":"vpc","cidrBlock":"10.0.0.0/24"}`)
	f.add(tSubnet, "private", `{"vpcId":"vpc","cidrBlock":"10.0.1.0/24"}`)
	f.add(tIGW, "igw", `{"vpcId":"vpc"}`)
	f.add(tNAT, "nat", `{"subnetId":"public","allocationId":"eipalloc-nat","connectivityType":"public"}`)
	f.add(tRT, "public-rt", `{"vpcId":"vpc"}`)
	f.add(tRT, "private-rt", `{"vpcId":"vpc"}`)
	f.add(tRTAssoc, "public-rt-assoc", `{"routeTableId":"public-rt","subnetId":"public"}`)
	f.add(tRTAssoc, "private-rt-assoc", `{"routeTableId":"private-rt","subnetId":"private"}`)
	f.add(tRoute, "public-default", `{"routeTableId":"public-rt","destinationCidrBlock":"0.0.0.0/0","gatewayId":"igw"}`)
	f.add(tRoute, "private-default", `{"routeTableId":"private-rt","destinationCidrBlock":"0.0.0.0/0","natGatewayId":"nat"}`)
	f.add(tEndpoint, "s3", `{"vpcId":"vpc","vpcEndpointType":"Gateway","serviceName":"com.amazonaws.us-west-2.s3"}`, `{"prefixListId":"pl-s3"}`)
	f.add(tEPAssoc, "s3-private-rt", `{"routeTableId":"private-rt","vpcEndpointId":"s3"}`)
	for _, sn := range []string{"public", "private"} {
		acl := sn + "-acl"
		f.add(tNACL, acl, `{"vpcId":"vpc"}`)
		f.add(tNACLAssoc, acl+"-assoc", `{"networkAclId":"`+acl+`","subnetId":"`+sn+`"}`)
		f.aclRule(acl, acl+"-in", 100, false, "allow", "-1", "0.0.0.0/0")
		f.aclRule(acl, acl+"-out", 100, true, "allow", "-1", "0.0.0.0/0")
	}
	for _, g := range []string{"bastion-sg", "app-sg", "db-sg"} {
		f.add(tSG, g, `{"vpcId":"vpc"}`)
	}
	f.add(tInstance, "bastion", `{"subnetId":"public","vpcSecurityGroupIds":["bastion-sg"],"associatePublicIpAddress":false}`)
	f.add(tEIP, "bastion-eip", `{"instance":"bastion","domain":"vpc"}`)
	f.add(tInstance, "app", `{"subnetId":"private","vpcSecurityGroupIds":["app-sg"],"associatePublicIpAddress":false}`)
	f.add(tInstance, "db", `{"subnetId":"private","vpcSecurityGroupIds":["db-sg"],"associatePublicIpAddress":false}`)
	return f
}

// flowCase is one flow over a synthetic stack and what the evaluator must say of it.
type flowCase struct {
	name string
	// build changes the base network; flow names the flow.
	build func(f *fixture)
	flow  func(f *fixture) netflow.Flow
	want  engine.Match3
	// why is a substring of the verdict's reason; note a substring of one of its notes; path of its path.
	why, note, path string
}

func runFlows(t *testing.T, base func(*testing.T) *fixture, cases []flowCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := base(t)
			if c.build != nil {
				c.build(f)
			}
			v := netflow.Evaluate(f.stack(), c.flow(f))
			require.Equal(t, c.want, v.Result, "%s", v)
			assert.Contains(t, v.Why, c.why, "%s", v)
			if c.note != "" {
				assert.Contains(t, strings.Join(v.Notes, "\n"), c.note, "%s", v)
			}
			if c.path != "" {
				assert.Contains(t, strings.Join(v.Path, "\n"), c.path, "%s", v)
			}
		})
	}
}

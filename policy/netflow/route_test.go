package netflow_test

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/netflow"
)

func openNetwork(t *testing.T) *fixture {
	f := network(t)
	openGroups(f)
	return f
}

// Routes after "Subnet route tables", "How route priority works" and "Gateway endpoints": the local
// route carries the VPC's traffic, the most specific route decides, a subnet without an association uses
// the main table, and a gateway endpoint's prefix-list route carries its service's traffic.
func TestRoutes(t *testing.T) {
	appOut := func(f *fixture) netflow.Flow { return tcp(f.of("app"), internet(t, "0.0.0.0/0"), 443) }
	appToS3 := func(f *fixture) netflow.Flow { return tcp(f.of("app"), netflow.PrefixList("pl-s3"), 443) }
	runFlows(t, openNetwork, []flowCase{
		{name: "a private instance reaches the internet through the NAT gateway", flow: appOut, want: engine.MatchYes,
			path: "route private-default (0.0.0.0/0) -> NAT gateway nat in route table private-rt (associated by private-rt-assoc)"},
		{name: "without the default route the private table has no route to the internet", flow: appOut, want: engine.MatchNo,
			build: func(f *fixture) { f.remove("private-default") },
			why:   "route table private-rt has no route to 0.0.0.0/0"},
		{name: "a route to one block carries no traffic to an address outside it", want: engine.MatchNo,
			build: func(f *fixture) {
				f.set("private-default", `{"routeTableId":"private-rt","destinationCidrBlock":"203.0.113.0/24","natGatewayId":"nat"}`)
			},
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), internet(t, "198.51.100.9"), 443) },
			why:  "route table private-rt has no route to 198.51.100.9/32"},
		{name: "a route to one block leaves the whole internet depending on the address", flow: appOut, want: engine.MatchMaybe,
			build: func(f *fixture) {
				f.set("private-default", `{"routeTableId":"private-rt","destinationCidrBlock":"203.0.113.0/24","natGatewayId":"nat"}`)
			},
			why: "route private-default (203.0.113.0/24) of route table private-rt covers part of 0.0.0.0/0"},
		{name: "the most specific route wins: a block routed to the internet gateway needs a public address", want: engine.MatchNo,
			build: func(f *fixture) {
				f.add(tRoute, "private-direct", `{"routeTableId":"private-rt","destinationCidrBlock":"203.0.113.0/24","gatewayId":"igw"}`)
			},
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), internet(t, "203.0.113.9"), 443) },
			why:  "no public IPv4 address on app (no Elastic IP, and associatePublicIpAddress is false): an internet gateway carries traffic only"},
		{name: "a public instance reaches the internet through the internet gateway for its Elastic IP", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("bastion"), internet(t, "0.0.0.0/0"), 443) },
			path: "internet gateway igw, for the public address of bastion (Elastic IP bastion-eip)"},
		{name: "an internet gateway attached to no vpc carries nothing", want: engine.MatchNo,
			build: func(f *fixture) { f.set("igw", `{}`) },
			flow:  func(f *fixture) netflow.Flow { return tcp(f.of("bastion"), internet(t, "0.0.0.0/0"), 443) },
			why:   "internet gateway igw is not attached to VPC vpc"},
		{name: "a NAT gateway in a subnet without an internet route reaches nothing", flow: appOut, want: engine.MatchNo,
			build: func(f *fixture) { f.remove("public-default") },
			why:   "NAT gateway nat sits in subnet public: route table public-rt has no route to 0.0.0.0/0"},
		{name: "a private NAT gateway cannot reach the internet", flow: appOut, want: engine.MatchNo,
			build: func(f *fixture) { f.set("nat", `{"subnetId":"public","connectivityType":"private"}`) },
			why:   "NAT gateway nat is private"},
		{name: "a subnet without an association uses the main route table", flow: appOut, want: engine.MatchYes,
			build: func(f *fixture) {
				f.remove("private-rt-assoc")
				f.add(tMainRT, "main", `{"vpcId":"vpc","routeTableId":"private-rt"}`)
			},
			path: "the VPC's main route table (main), as the subnet has no association of its own"},
		{name: "a main route table the stack does not manage is known only by its local route", flow: appOut, want: engine.MatchMaybe,
			build: func(f *fixture) { f.remove("private-rt-assoc") },
			why:   "which the stack does not manage (only its local route is known)"},
		{name: "the local route carries traffic between subnets", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("bastion"), f.of("app"), 22) },
			path: "the local route 10.0.0.0/16 of route table public-rt"},
		{name: "the gateway endpoint's route carries the prefix list", flow: appToS3, want: engine.MatchYes,
			path: "the route gateway endpoint s3 adds (s3-private-rt): prefix list pl-s3 -> gateway endpoint s3 in route table private-rt"},
		{name: "without the endpoint's association the prefix list goes through the NAT gateway, not the endpoint", flow: appToS3, want: engine.MatchNo,
			build: func(f *fixture) { f.remove("s3-private-rt") },
			why: "route table private-rt has no route to prefix list pl-s3 (no gateway endpoint of that prefix list is associated with it): " +
				"traffic to it would take the route 0.0.0.0/0 -> NAT gateway nat instead of the endpoint"},
		{name: "an endpoint listing the table in routeTableIds routes the prefix list", flow: appToS3, want: engine.MatchYes,
			build: func(f *fixture) {
				f.remove("s3-private-rt")
				f.set("s3", `{"vpcId":"vpc","vpcEndpointType":"Gateway","routeTableIds":["private-rt"]}`)
			}},
		{name: "a route with a prefix-list destination routes it", flow: appToS3, want: engine.MatchYes,
			build: func(f *fixture) {
				f.remove("s3-private-rt")
				f.add(tRoute, "to-s3", `{"routeTableId":"private-rt","destinationPrefixListId":"pl-s3","vpcEndpointId":"s3"}`)
			}},
		{name: "answers to the internet need the destination subnet's route back to the internet gateway", want: engine.MatchNo,
			build: func(f *fixture) { f.remove("public-default") },
			flow:  func(f *fixture) netflow.Flow { return tcp(internet(t, "198.51.100.7"), f.of("bastion"), 22) },
			why:   "route table public-rt has no route to 198.51.100.7/32: the answers cannot leave"},
		{name: "a route to a target the evaluator does not model leaves the flow unknown", flow: appOut, want: engine.MatchMaybe,
			build: func(f *fixture) {
				f.set("private-default", `{"routeTableId":"private-rt","destinationCidrBlock":"0.0.0.0/0","transitGatewayId":"tgw-1"}`)
			},
			why: "the evaluator does not model that target"},
	})
}

// Security groups and ACLs towards a prefix list: the rule must name the prefix list or admit every
// address (S3's addresses are public, and not in the plan).
func TestPrefixListRules(t *testing.T) {
	appToS3 := func(f *fixture) netflow.Flow { return tcp(f.of("app"), netflow.PrefixList("pl-s3"), 443) }
	base := func(t *testing.T) *fixture { return network(t) }
	runFlows(t, base, []flowCase{
		{name: "an egress rule naming the prefix list admits it", flow: appToS3, want: engine.MatchYes,
			build: func(f *fixture) { f.sgRule("app-s3", "app-sg", "egress", "tcp", 443, 443, `"prefixListIds":["pl-s3"]`) },
			path:  "egress rule app-s3 of security group app-sg admits tcp 443 to prefix list pl-s3"},
		{name: "an egress rule to 0.0.0.0/0 admits it", flow: appToS3, want: engine.MatchYes,
			build: func(f *fixture) {
				f.sgRule("app-any", "app-sg", "egress", "tcp", 443, 443, `"cidrBlocks":["0.0.0.0/0"]`)
			}},
		{name: "an egress rule to the VPC's block does not", flow: appToS3, want: engine.MatchNo,
			build: func(f *fixture) {
				f.sgRule("app-vpc", "app-sg", "egress", "tcp", 443, 443, `"cidrBlocks":["10.0.0.0/16"]`)
			},
			why: "no egress rule of security group app-sg admits tcp 443 to prefix list pl-s3"},
		{name: "an egress rule to some public block may or may not hold S3's addresses", flow: appToS3, want: engine.MatchMaybe,
			build: func(f *fixture) {
				f.sgRule("app-some", "app-sg", "egress", "tcp", 443, 443, `"cidrBlocks":["52.0.0.0/8"]`)
			},
			why: "covers part of prefix list pl-s3"},
		{name: "an egress rule naming another prefix list does not", flow: appToS3, want: engine.MatchNo,
			build: func(f *fixture) {
				f.sgRule("app-ddb", "app-sg", "egress", "tcp", 443, 443, `"prefixListIds":["pl-dynamodb"]`)
			}},
		{name: "the answers from S3 need the ACL's ephemeral rule", flow: appToS3, want: engine.MatchNo,
			build: func(f *fixture) {
				f.sgRule("app-s3", "app-sg", "egress", "tcp", 443, 443, `"prefixListIds":["pl-s3"]`)
				f.remove("private-acl-in")
				f.aclRule("private-acl", "p-in-100", 100, false, "allow", "6", "10.0.0.0/16", 1024, 65535)
			},
			why: "no rule of network ACL private-acl admits the return traffic on tcp 32768-61000 (inbound from prefix list pl-s3)"},
	})
}

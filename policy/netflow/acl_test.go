package netflow_test

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/sce-project/sce/policy/netflow"
)

// openGroups lets every group of the base network send and receive anything, so that only the ACLs
// and routes decide.
func openGroups(f *fixture) {
	for _, g := range []string{"bastion-sg", "app-sg", "db-sg"} {
		f.sgRule(g+"-all-in", g, "ingress", "-1", 0, 0, `"cidrBlocks":["0.0.0.0/0"]`)
		f.sgRule(g+"-all-out", g, "egress", "-1", 0, 0, `"cidrBlocks":["0.0.0.0/0"]`)
	}
}

// docsExampleACL replaces the public subnet's ACL with the example of the Amazon VPC User Guide
// ("Custom network ACLs", https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html):
// inbound 100 HTTP, 110 HTTPS from anywhere, 120 SSH and 130 RDP from 192.0.2.0/24, 140 TCP
// 32768-65535 from anywhere (answers); outbound 100 HTTP, 110 HTTPS, 120 TCP 32768-65535 to anywhere;
// everything else denied by rule *.
func docsExampleACL(t *testing.T) *fixture {
	f := network(t)
	openGroups(f)
	f.remove("public-acl-in", "public-acl-out")
	acl := "public-acl"
	f.aclRule(acl, "in-100", 100, false, "allow", "6", "0.0.0.0/0", 80, 80)
	f.aclRule(acl, "in-110", 110, false, "allow", "6", "0.0.0.0/0", 443, 443)
	f.aclRule(acl, "in-120", 120, false, "allow", "6", "192.0.2.0/24", 22, 22)
	f.aclRule(acl, "in-130", 130, false, "allow", "6", "192.0.2.0/24", 3389, 3389)
	f.aclRule(acl, "in-140", 140, false, "allow", "6", "0.0.0.0/0", 32768, 65535)
	f.aclRule(acl, "out-100", 100, true, "allow", "6", "0.0.0.0/0", 80, 80)
	f.aclRule(acl, "out-110", 110, true, "allow", "6", "0.0.0.0/0", 443, 443)
	f.aclRule(acl, "out-120", 120, true, "allow", "6", "0.0.0.0/0", 32768, 65535)
	return f
}

// The example's ephemeral range, as the guide chooses it.
var docsEphemeral = netmodel.PortRange{From: 32768, To: 65535}

func fromInternet(t *testing.T, f *fixture, addr, to string, port int64, client *netmodel.PortRange) netflow.Flow {
	fl := tcp(internet(t, addr), f.of(to), port)
	fl.ClientPorts = client
	return fl
}

// Network ACL semantics after "Network ACL rules" and "Ephemeral ports": rules in ascending number,
// the first match decides, the implicit rule * denies the rest, and the answers need rules of their own
// (stateless) on the client's ephemeral ports.
func TestNetworkACLsFollowTheGuidesExample(t *testing.T) {
	runFlows(t, docsExampleACL, []flowCase{
		{name: "http from anywhere to the web server is admitted by rule 100 and answered by rule 120", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow {
				return fromInternet(t, f, "198.51.100.7", "bastion", 80, &docsEphemeral)
			},
			path: "network ACL public-acl rule 120 admits the return traffic on tcp 32768-65535 (outbound to 198.51.100.7/32)"},
		{name: "ssh from the allowed block is admitted by rule 120", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow { return fromInternet(t, f, "192.0.2.10", "bastion", 22, &docsEphemeral) }},
		{name: "ssh from elsewhere matches no rule and rule * denies it", want: engine.MatchNo,
			flow: func(f *fixture) netflow.Flow {
				return fromInternet(t, f, "198.51.100.7", "bastion", 22, &docsEphemeral)
			},
			why: "no rule of network ACL public-acl admits inbound tcp 22 from 198.51.100.7/32: the implicit rule * denies it"},
		{name: "a port no rule names (139) is denied", want: engine.MatchNo,
			flow: func(f *fixture) netflow.Flow {
				return fromInternet(t, f, "198.51.100.7", "bastion", 139, &docsEphemeral)
			},
			why: "the implicit rule * denies it"},
		{name: "a client of unknown kind answered on 32768-65535 only loses its other ephemeral ports", want: engine.MatchNo,
			flow: func(f *fixture) netflow.Flow { return fromInternet(t, f, "198.51.100.7", "bastion", 80, nil) },
			why: "admits the return traffic on tcp 1024-65535 (outbound to 198.51.100.7/32) only on 32768-65535: " +
				"the implicit rule * denies 1024-32767"},
		{name: "a lower-numbered deny rule wins over the allow rule", want: engine.MatchNo,
			build: func(f *fixture) { f.aclRule("public-acl", "in-90", 90, false, "deny", "6", "198.51.100.0/24", 80, 80) },
			flow: func(f *fixture) netflow.Flow {
				return fromInternet(t, f, "198.51.100.7", "bastion", 80, &docsEphemeral)
			},
			why: "network ACL public-acl rule 90 denies inbound tcp 80 from 198.51.100.7/32"},
		{name: "a higher-numbered deny rule comes too late", want: engine.MatchYes,
			build: func(f *fixture) {
				f.aclRule("public-acl", "in-150", 150, false, "deny", "6", "198.51.100.0/24", 80, 80)
			},
			flow: func(f *fixture) netflow.Flow {
				return fromInternet(t, f, "198.51.100.7", "bastion", 80, &docsEphemeral)
			}},
		{name: "a deny rule for part of the internet makes http from anywhere unknown", want: engine.MatchMaybe,
			build: func(f *fixture) { f.aclRule("public-acl", "in-90", 90, false, "deny", "6", "198.51.100.0/24", 80, 80) },
			flow:  func(f *fixture) netflow.Flow { return fromInternet(t, f, "0.0.0.0/0", "bastion", 80, &docsEphemeral) },
			why:   "rule 90 of network ACL public-acl covers part of 0.0.0.0/0"},
		{name: "the web server's own https requests are answered by rule 140", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("bastion"), internet(t, "203.0.113.80"), 443) },
			path: "rule 140 admits the return traffic on tcp 32768-61000 (inbound from 203.0.113.80/32)"},
		{name: "the web server may not open ssh outward: no outbound rule names 22", want: engine.MatchNo,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("bastion"), internet(t, "203.0.113.80"), 22) },
			why:  "no rule of network ACL public-acl admits outbound tcp 22 to 203.0.113.80/32"},
	})
}

// privateACL replaces the private subnet's ACL with rules: inbound ssh from the VPC, outbound answers to
// the VPC on ports (an ephemeral range), and HTTPS out with its answers from anywhere.
func privateACL(answers netmodel.PortRange) func(t *testing.T) *fixture {
	return func(t *testing.T) *fixture {
		f := network(t)
		openGroups(f)
		f.remove("private-acl-in", "private-acl-out")
		f.aclRule("private-acl", "p-in-100", 100, false, "allow", "6", "10.0.0.0/16", 22, 22)
		f.aclRule("private-acl", "p-in-200", 200, false, "allow", "6", "0.0.0.0/0", 1024, 65535)
		f.aclRule("private-acl", "p-out-100", 100, true, "allow", "6", "10.0.0.0/16", int(answers.From), int(answers.To))
		f.aclRule("private-acl", "p-out-200", 200, true, "allow", "6", "0.0.0.0/0", 443, 443)
		return f
	}
}

func TestNetworkACLReturnTraffic(t *testing.T) {
	bastionToApp := func(f *fixture) netflow.Flow { return tcp(f.of("bastion"), f.of("app"), 22) }
	runFlows(t, privateACL(netmodel.PortRange{From: 1024, To: 65535}), []flowCase{
		{name: "ssh across subnets passes both ACLs both ways", flow: bastionToApp, want: engine.MatchYes,
			path: "network ACL private-acl rule 100 admits the return traffic on tcp 32768-61000 (outbound to 10.0.0.0/24)"},
		{name: "without the outbound answers the ssh connection never completes", flow: bastionToApp, want: engine.MatchNo,
			build: func(f *fixture) { f.remove("p-out-100") },
			why:   "no rule of network ACL private-acl admits the return traffic on tcp 32768-61000 (outbound to 10.0.0.0/24): the implicit rule * denies it"},
		{name: "a deny rule ahead of the answers blocks them", flow: bastionToApp, want: engine.MatchNo,
			build: func(f *fixture) { f.aclRule("private-acl", "p-out-50", 50, true, "deny", "-1", "10.0.0.0/24") },
			why:   "network ACL private-acl rule 50 denies the return traffic on tcp 32768-61000"},
		{name: "traffic within one subnet crosses no ACL", want: engine.MatchYes,
			build: func(f *fixture) { f.remove("p-in-100", "p-in-200", "p-out-100", "p-out-200") },
			flow:  func(f *fixture) netflow.Flow { return tcp(f.of("app"), f.of("db"), 5432) },
			note:  "traffic within a subnet crosses no network ACL"},
		{name: "answers through the NAT gateway pass the public ACL but for one excluded port, with a note", want: engine.MatchYes,
			build: func(f *fixture) {
				f.remove("public-acl-in")
				f.aclRule("public-acl", "pub-in-100", 100, false, "allow", "6", "10.0.0.0/16", 443, 443)
				f.aclRule("public-acl", "pub-in-200", 200, false, "allow", "6", "0.0.0.0/0", 1024, 3388)
				f.aclRule("public-acl", "pub-in-210", 210, false, "allow", "6", "0.0.0.0/0", 3390, 65535)
			},
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), internet(t, "0.0.0.0/0"), 443) },
			note: "drops the return traffic inbound from 0.0.0.0/0 on tcp 3389 (the implicit rule * denies 3389)"},
		{name: "answers through the NAT gateway on half its ports are a broken flow", want: engine.MatchNo,
			build: func(f *fixture) {
				f.remove("public-acl-in")
				f.aclRule("public-acl", "pub-in-100", 100, false, "allow", "6", "10.0.0.0/16", 443, 443)
				f.aclRule("public-acl", "pub-in-200", 200, false, "allow", "6", "0.0.0.0/0", 32768, 65535)
			},
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), internet(t, "0.0.0.0/0"), 443) },
			why:  "admits the return traffic on tcp 1024-65535 (inbound from 0.0.0.0/0) only on 32768-65535"},
		{name: "traffic into the NAT gateway's subnet needs the public ACL's inbound rule", want: engine.MatchNo,
			build: func(f *fixture) {
				f.remove("public-acl-in")
				f.aclRule("public-acl", "pub-in-200", 200, false, "allow", "6", "0.0.0.0/0", 1024, 65535)
			},
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), internet(t, "0.0.0.0/0"), 443) },
			why:  "no rule of network ACL public-acl admits inbound tcp 443 from 10.0.1.0/24"},
	})
	runFlows(t, privateACL(netmodel.PortRange{From: 49152, To: 65535}), []flowCase{
		{name: "answers admitted on the Windows range miss most of a Linux client's ports", flow: bastionToApp, want: engine.MatchNo,
			why: "admits the return traffic on tcp 32768-61000 (outbound to 10.0.0.0/24) only on 49152-61000: the implicit rule * denies 32768-49151"},
	})
}

func TestDefaultNetworkACLs(t *testing.T) {
	bastionToApp := func(f *fixture) netflow.Flow { return tcp(f.of("bastion"), f.of("app"), 22) }
	base := func(t *testing.T) *fixture {
		f := network(t)
		openGroups(f)
		return f.remove("private-acl-assoc")
	}
	runFlows(t, base, []flowCase{
		{name: "a subnet left on an unmanaged default ACL gets AWS's allow-all rules", flow: bastionToApp, want: engine.MatchYes,
			path: "the VPC's default network ACL (unmanaged: AWS's default rules) admits inbound tcp 22"},
		{name: "a default ACL managed with no rules denies everything", flow: bastionToApp, want: engine.MatchNo,
			build: func(f *fixture) { f.add(tDefaultACL, "default-acl", `{"defaultNetworkAclId":"acl-default"}`) },
			why:   "no rule of network ACL default-acl admits inbound tcp 22 from 10.0.0.0/24"},
		{name: "a network ACL listing the subnet in subnetIds applies", flow: bastionToApp, want: engine.MatchNo,
			build: func(f *fixture) { f.add(tNACL, "listed-acl", `{"vpcId":"vpc","subnetIds":["private"]}`) },
			why:   "no rule of network ACL listed-acl admits inbound tcp 22"},
	})
}

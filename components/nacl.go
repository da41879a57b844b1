package components

import "strconv"

// IANA protocol numbers as network ACL rules take them ("-1" is every protocol).
const (
	ProtocolAll  = "-1"
	ProtocolICMP = "1"
	ProtocolTCP  = "6"
)

// Port ranges the network ACLs are built from.
const (
	// PortSSH is the only administration port open to the internet, and only on the public subnet.
	PortSSH = 22
	// PortRDP is excluded from every range admitted from the internet (CIS AWS Foundations 5.1).
	PortRDP = 3389
	// EphemeralLow and EphemeralHigh bound the client ports that answers return to: NAT gateways use
	// 1024-65535 and Linux 32768-60999.
	EphemeralLow  = 1024
	EphemeralHigh = 65535
	// PortHTTPS is the one outbound port to the internet: updates, packages, S3 and the AWS APIs. Plain
	// HTTP is not admitted: everything the environment fetches is fetched encrypted.
	PortHTTPS = 443
)

// AnyIPv4 is the whole IPv4 internet.
const AnyIPv4 = "0.0.0.0/0"

// NACLRule is one stateless network ACL rule, as an aws.ec2.NetworkAclRule takes it.
type NACLRule struct {
	// Number orders evaluation: the lowest matching rule decides.
	Number int
	// Egress is true for outbound rules.
	Egress bool
	// Protocol is an IANA protocol number, or ProtocolAll.
	Protocol string
	// CIDR is the remote block: the source of inbound traffic, the destination of outbound.
	CIDR string
	// FromPort and ToPort bound the local (inbound) or remote (outbound) port; unused for ProtocolAll.
	FromPort, ToPort int
	// ICMPType and ICMPCode select ICMP messages when Protocol is ProtocolICMP.
	ICMPType, ICMPCode int
	// Purpose says which flow the rule admits; it names the resource.
	Purpose string
}

// ICMP "destination unreachable, fragmentation needed": without it path MTU discovery fails and large
// TLS downloads through the NAT gateway stall.
const (
	icmpDestinationUnreachable = 3
	icmpFragmentationNeeded    = 4
)

// returnTraffic admits answers from anywhere to ephemeral ports, split around 3389 so that no rule admits
// the internet to RDP's port.
func returnTraffic(first int) []NACLRule {
	return []NACLRule{
		{Number: first, Protocol: ProtocolTCP, CIDR: AnyIPv4, FromPort: EphemeralLow, ToPort: PortRDP - 1, Purpose: "return-low"},
		{Number: first + 10, Protocol: ProtocolTCP, CIDR: AnyIPv4, FromPort: PortRDP + 1, ToPort: EphemeralHigh, Purpose: "return-high"},
		{Number: first + 20, Protocol: ProtocolICMP, CIDR: AnyIPv4, ICMPType: icmpDestinationUnreachable, ICMPCode: icmpFragmentationNeeded, Purpose: "path-mtu"},
	}
}

// outboundWeb admits outbound HTTPS to anywhere: package updates and AWS APIs through the NAT gateway and
// S3 through the gateway endpoint (whose addresses are public).
func outboundWeb(first int) []NACLRule {
	return []NACLRule{
		{Number: first, Egress: true, Protocol: ProtocolTCP, CIDR: AnyIPv4, FromPort: PortHTTPS, ToPort: PortHTTPS, Purpose: "https-out"},
	}
}

// withinVPC admits, in one direction, TCP to one port range from or to the VPC's own block. The subnets
// exchange only what crosses them: ssh from the bastion, the private subnet's web traffic to the NAT
// gateway, and the answers to both. Traffic inside one subnet (Redshift, Atlas, EMR, the workers) does not
// pass a network ACL; Amazon DNS, the metadata service and Time Sync are not filtered by them.
func withinVPC(number int, egress bool, vpcCIDR string, from, to int, purpose string) NACLRule {
	return NACLRule{Number: number, Egress: egress, Protocol: ProtocolTCP, CIDR: vpcCIDR, FromPort: from, ToPort: to, Purpose: purpose}
}

// PublicNACLRules returns the rules of the public subnet's network ACL (bastion and NAT gateway).
//
// Inbound: ssh from each allowed block; HTTPS from inside the VPC (what the NAT gateway forwards); answers
// on ephemeral ports, from the internet and from the private hosts. Outbound: ssh to the VPC (the bastion to
// the private hosts) and answers to the VPC (the NAT gateway back to the private subnet); HTTPS to the
// internet (updates, forwarded by the NAT); answers to the ssh clients on their ephemeral ports.
func PublicNACLRules(vpcCIDR string, sshCIDRs []string) []NACLRule {
	var rules []NACLRule
	for i, c := range sshCIDRs {
		rules = append(rules, NACLRule{Number: 100 + i, Protocol: ProtocolTCP, CIDR: c, FromPort: PortSSH, ToPort: PortSSH,
			Purpose: "ssh-in-" + strconv.Itoa(i)})
	}
	// Answers from the private hosts to the bastion's ssh client are admitted by the return rules.
	rules = append(rules, withinVPC(200, false, vpcCIDR, PortHTTPS, PortHTTPS, "vpc-https-in"))
	rules = append(rules, returnTraffic(300)...)

	rules = append(rules,
		withinVPC(100, true, vpcCIDR, PortSSH, PortSSH, "vpc-ssh-out"),
		withinVPC(110, true, vpcCIDR, EphemeralLow, EphemeralHigh, "vpc-answers-out"))
	rules = append(rules, outboundWeb(200)...)
	for i, c := range sshCIDRs {
		rules = append(rules, NACLRule{Number: 300 + i, Egress: true, Protocol: ProtocolTCP, CIDR: c, FromPort: EphemeralLow, ToPort: EphemeralHigh,
			Purpose: "ssh-answers-" + strconv.Itoa(i)})
	}
	return rules
}

// PrivateNACLRules returns the rules of the private subnet's network ACL (where PHI is processed).
//
// Inbound: ssh from inside the VPC (the bastion); answers on ephemeral ports (they arrive through the NAT
// gateway and from S3 through the endpoint with their public source addresses). Nothing else: no
// administration port is reachable from outside the VPC. Outbound: ssh answers to the VPC, HTTPS to
// anywhere.
func PrivateNACLRules(vpcCIDR string) []NACLRule {
	rules := []NACLRule{withinVPC(100, false, vpcCIDR, PortSSH, PortSSH, "vpc-ssh-in")}
	rules = append(rules, returnTraffic(200)...)
	rules = append(rules, withinVPC(100, true, vpcCIDR, EphemeralLow, EphemeralHigh, "vpc-answers-out"))
	rules = append(rules, outboundWeb(200)...)
	return rules
}

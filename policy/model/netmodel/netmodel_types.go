package netmodel

// The resource types, addresses and ports the network model reads.

// Resource type tokens of the VPC rules, with a family prefix so that they cannot collide with the
// constants of other rule families in this package.
const (
	TypeRoute             = "aws:ec2/route:Route"
	TypeRouteTable        = "aws:ec2/routeTable:RouteTable"
	TypeDefaultRouteTable = "aws:ec2/defaultRouteTable:DefaultRouteTable"
	TypeIGW               = "aws:ec2/internetGateway:InternetGateway"
	TypeIGWAttachment     = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
	TypeFlowLog           = "aws:ec2/flowLog:FlowLog"
)

// Resource type tokens of the network ACL rules, with a family prefix so that they cannot collide with the
// constants of other rule families in this package.
const (
	TypeDefaultNACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	TypeNACL        = "aws:ec2/networkAcl:NetworkAcl"
	TypeNACLRule    = "aws:ec2/networkAclRule:NetworkAclRule"
)

// Resource type tokens of the security group rules, with a family prefix so that they cannot collide with
// the constants of other rule families in this package.
const (
	TypeSG            = "aws:ec2/securityGroup:SecurityGroup"
	TypeDefaultSG     = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	TypeSGRule        = "aws:ec2/securityGroupRule:SecurityGroupRule"
	TypeSGIngressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	TypeSGEgressRule  = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

// The whole internet, as route destinations and rule sources name it.
const (
	AnyIPv4 = "0.0.0.0/0"
	AnyIPv6 = "::/0"
)

// Ports the security group and network ACL rules protect.
const (
	PortSSH   = 22
	PortRDP   = 3389
	PortHTTPS = 443
	PortMax   = 65535
)

// SGTypes are the resources that carry security group ingress rules.
func SGTypes() []string {
	return []string{TypeSG, TypeDefaultSG, TypeSGRule, TypeSGIngressRule, TypeSGEgressRule}
}

package netflow

// Resource types the evaluator places or follows.
const (
	typeVPC             = "aws:ec2/vpc:Vpc"
	typeSubnet          = "aws:ec2/subnet:Subnet"
	typeInstance        = "aws:ec2/instance:Instance"
	typeLaunchTemplate  = "aws:ec2/launchTemplate:LaunchTemplate"
	typeAutoScaling     = "aws:autoscaling/group:Group"
	typeRedshift        = "aws:redshift/cluster:Cluster"
	typeRedshiftSubnets = "aws:redshift/subnetGroup:SubnetGroup"
	typeEMR             = "aws:emr/cluster:Cluster"
	typeSG              = "aws:ec2/securityGroup:SecurityGroup"
	typeDefaultSG       = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	typeVPCEndpoint     = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeEIP             = "aws:ec2/eip:Eip"
	typeEIPAssociation  = "aws:ec2/eipAssociation:EipAssociation" //nolint:gosec // a resource type token, not a credential
	typeRouteTable      = "aws:ec2/routeTable:RouteTable"
	typeDefaultRouteTbl = "aws:ec2/defaultRouteTable:DefaultRouteTable"
	typeRouteTableAssoc = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	typeMainRouteAssoc  = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
	typeNACL            = "aws:ec2/networkAcl:NetworkAcl"
	typeDefaultNACL     = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	typeNACLAssociation = "aws:ec2/networkAclAssociation:NetworkAclAssociation"
	typeIGW             = "aws:ec2/internetGateway:InternetGateway"
	typeIGWAttachment   = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
	typeNATGateway      = "aws:ec2/natGateway:NatGateway"
)

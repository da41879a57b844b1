package netflow

import "github.com/sce-project/sce/policy/model/netmodel"

// Resource types the evaluator places or follows; the network resources are the network model's own.
const (
	typeVPC             = "aws:ec2/vpc:Vpc"
	typeSubnet          = "aws:ec2/subnet:Subnet"
	typeInstance        = "aws:ec2/instance:Instance"
	typeLaunchTemplate  = "aws:ec2/launchTemplate:LaunchTemplate"
	typeAutoScaling     = "aws:autoscaling/group:Group"
	typeRedshift        = "aws:redshift/cluster:Cluster"
	typeRedshiftSubnets = "aws:redshift/subnetGroup:SubnetGroup"
	typeEMR             = "aws:emr/cluster:Cluster"
	typeSG              = netmodel.TypeSG
	typeDefaultSG       = netmodel.TypeDefaultSG
	typeVPCEndpoint     = netmodel.TypeVPCEndpoint
	typeEIP             = "aws:ec2/eip:Eip"
	typeEIPAssociation  = "aws:ec2/eipAssociation:EipAssociation" //nolint:gosec // a resource type token, not a credential
	typeRouteTable      = netmodel.TypeRouteTable
	typeDefaultRouteTbl = netmodel.TypeDefaultRouteTable
	typeRouteTableAssoc = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	typeMainRouteAssoc  = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
	typeNACL            = netmodel.TypeNACL
	typeDefaultNACL     = netmodel.TypeDefaultNACL
	typeNACLAssociation = "aws:ec2/networkAclAssociation:NetworkAclAssociation"
	typeIGW             = netmodel.TypeIGW
	typeIGWAttachment   = netmodel.TypeIGWAttachment
	typeNATGateway      = netmodel.TypeNATGateway
)

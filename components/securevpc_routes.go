package components

// A SecureVPC's routing: the public and private route tables with their routes, the private table as the
// VPC's main one, the S3 gateway endpoint on the private table, and what an instance's first boot waits for.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// routes builds both route tables with their routes as separate resources. The private table is also the
// VPC's main table, so a subnet created later without an association of its own is private, not public.
func (b *vpcBuilder) routes() error {
	var err error
	v := b.vpc
	table := func(suffix string, subnet *ec2.Subnet) (*ec2.RouteTable, *ec2.RouteTableAssociation, error) {
		rt, err := ec2.NewRouteTable(b.ctx, b.child(suffix), &ec2.RouteTableArgs{
			VpcId: v.VPC.ID(),
			Tags:  b.tags(suffix),
		}, b.opts()...)
		if err != nil {
			return nil, nil, fmt.Errorf("create %s: %w", suffix, err)
		}
		assoc, err := ec2.NewRouteTableAssociation(b.ctx, b.child(suffix+"-assoc"), &ec2.RouteTableAssociationArgs{
			RouteTableId: rt.ID(),
			SubnetId:     subnet.ID(),
		}, b.opts()...)
		if err != nil {
			return nil, nil, fmt.Errorf("associate %s: %w", suffix, err)
		}
		return rt, assoc, nil
	}
	if v.PublicRouteTable, v.PublicRouteAssociation, err = table("public-rt", v.PublicSubnet); err != nil {
		return err
	}
	if v.PrivateRouteTable, v.PrivateRouteAssociation, err = table("private-rt", v.PrivateSubnet); err != nil {
		return err
	}
	v.InternetRoute, err = ec2.NewRoute(b.ctx, b.child("public-default-route"), &ec2.RouteArgs{
		RouteTableId:         v.PublicRouteTable.ID(),
		DestinationCidrBlock: pulumi.String(AnyIPv4),
		GatewayId:            v.InternetGateway.ID(),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("create internet route: %w", err)
	}
	v.NATRoute, err = ec2.NewRoute(b.ctx, b.child("private-default-route"), &ec2.RouteArgs{
		RouteTableId:         v.PrivateRouteTable.ID(),
		DestinationCidrBlock: pulumi.String(AnyIPv4),
		NatGatewayId:         v.NATGateway.ID(),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("create nat route: %w", err)
	}
	v.MainRouteAssociation, err = ec2.NewMainRouteTableAssociation(b.ctx, b.child("main-rt"), &ec2.MainRouteTableAssociationArgs{
		VpcId:        v.VPC.ID(),
		RouteTableId: v.PrivateRouteTable.ID(),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("make private route table the main one: %w", err)
	}
	return nil
}

// endpoint creates the S3 gateway endpoint and associates it with the private route table through its own
// resource, which adds a prefix-list route beside the NAT route instead of replacing the table's routes.
func (b *vpcBuilder) endpoint(policy string) error {
	var err error
	v := b.vpc
	v.S3Endpoint, err = ec2.NewVpcEndpoint(b.ctx, b.child("s3-endpoint"), &ec2.VpcEndpointArgs{
		VpcId:           v.VPC.ID(),
		ServiceName:     pulumi.Sprintf("com.amazonaws.%s.s3", b.args.ARNs.Region),
		VpcEndpointType: pulumi.String("Gateway"),
		Policy:          pulumi.String(policy),
		Tags:            b.tags("s3-endpoint"),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("create s3 endpoint: %w", err)
	}
	v.S3EndpointAssociation, err = ec2.NewVpcEndpointRouteTableAssociation(b.ctx, b.child("s3-endpoint-private-rt"), &ec2.VpcEndpointRouteTableAssociationArgs{
		VpcEndpointId: v.S3Endpoint.ID(),
		RouteTableId:  v.PrivateRouteTable.ID(),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("associate s3 endpoint: %w", err)
	}
	return nil
}

// PublicEgress is what an instance in the public subnet needs before its first boot reaches the internet:
// the subnet's association with the public route table and the internet route. Its public address (the
// bastion's Elastic IP) comes after the instance, which the boot script waits for.
func (v *SecureVPC) PublicEgress() []pulumi.Resource {
	return []pulumi.Resource{v.PublicRouteAssociation, v.InternetRoute}
}

// PrivateEgress is what an instance in the private subnet needs before its first boot: the subnet's
// association with the private route table, the NAT route (updates, Systems Manager, CloudWatch) and the
// S3 endpoint's route (package repositories, the project's buckets).
func (v *SecureVPC) PrivateEgress() []pulumi.Resource {
	return []pulumi.Resource{v.PrivateRouteAssociation, v.NATRoute, v.S3EndpointAssociation}
}

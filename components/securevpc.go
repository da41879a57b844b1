package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Tenancies, as EC2 names them. Dedicated tenancy is what the seed requires for PHI: shared tenancy is not
// allowed. A VPC is dedicated unless the stack holds a service that refuses dedicated VPCs (Redshift);
// every instance asks for TenancyDedicated on its own either way.
const (
	TenancyDedicated = "dedicated"
	TenancyDefault   = "default"
)

// SecureVPCArgs configures a SecureVPC. Plain Go types throughout: every value decides which resources
// exist or is needed to build a policy before deployment.
type SecureVPCArgs struct {
	// PIT is the Project Identifier Tag; it names every child. Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// AvailabilityZone holds both subnets. Required.
	AvailabilityZone string
	// CIDR is the VPC block. Required.
	CIDR string
	// Tenancy is the VPC's instance tenancy, TenancyDedicated or TenancyDefault. Default: TenancyDedicated.
	// Default tenancy is for stacks holding a service AWS refuses to launch into a dedicated VPC (Redshift).
	Tenancy string
	// PrivateSubnetTags are extra tags of the private subnet (the tag EMR's managed policy looks for).
	// Default: none.
	PrivateSubnetTags map[string]string
	// PublicSubnetCIDR and PrivateSubnetCIDR are the subnet blocks, inside CIDR. Required.
	PublicSubnetCIDR, PrivateSubnetCIDR string
	// AllowedSSHCIDRs may reach port 22 in the public subnet. Required, non-empty.
	AllowedSSHCIDRs []string
	// ReadOnlySourceBuckets may be read through the S3 endpoint. Default: none.
	ReadOnlySourceBuckets []string
	// EndpointStatements are further statements of the S3 endpoint's policy, each with its own Sid (the
	// AWS-owned buckets EMR needs). Default: none.
	EndpointStatements []Statement
	// FlowLogRetentionDays is the flow log group's retention. Default: 2192 (six years).
	FlowLogRetentionDays int
	// KMSKeyARN encrypts the flow log group. Required.
	KMSKeyARN pulumi.StringInput
	// Protect marks the flow log group protected. It is retained on delete either way. Default: false.
	Protect bool
}

// DefaultFlowLogRetentionDays is six years, the HIPAA documentation retention period (45 CFR 164.316(b)(2)).
const DefaultFlowLogRetentionDays = 2192

// SecureVPC is the SCE network of the seed's Part 1B: a (by default dedicated-tenancy) VPC in one zone with a public
// subnet (bastion, NAT gateway) and a private subnet (PHI), a private main route table, an S3 gateway
// endpoint with a restrictive policy, default security group and network ACL emptied, a network ACL per
// subnet and a flow log of all traffic.
type SecureVPC struct {
	pulumi.ResourceState

	VPC                  *ec2.Vpc
	PublicSubnet         *ec2.Subnet
	PrivateSubnet        *ec2.Subnet
	InternetGateway      *ec2.InternetGateway
	NATGateway           *ec2.NatGateway
	NATAddress           *ec2.Eip
	PublicRouteTable     *ec2.RouteTable
	PrivateRouteTable    *ec2.RouteTable
	InternetRoute        *ec2.Route
	NATRoute             *ec2.Route
	MainRouteAssociation *ec2.MainRouteTableAssociation
	S3Endpoint           *ec2.VpcEndpoint
	PublicNACL           *ec2.NetworkAcl
	PrivateNACL          *ec2.NetworkAcl
	FlowLogGroup         *cloudwatch.LogGroup
	FlowLog              *ec2.FlowLog

	// PublicRouteAssociation, PrivateRouteAssociation and S3EndpointAssociation tie the subnets to their
	// route tables and the S3 endpoint to the private one.
	PublicRouteAssociation  *ec2.RouteTableAssociation
	PrivateRouteAssociation *ec2.RouteTableAssociation
	S3EndpointAssociation   *ec2.VpcEndpointRouteTableAssociation
}

// check refuses arguments that lack a required value or name an unknown tenancy.
func (a *SecureVPCArgs) check() error {
	switch {
	case a.PIT == "", a.ARNs.AccountID == "", a.ARNs.Region == "", a.ARNs.Partition == "":
		return fmt.Errorf("PIT, partition, region and account id are required")
	case a.AvailabilityZone == "":
		return fmt.Errorf("an availability zone is required")
	case a.CIDR == "" || a.PublicSubnetCIDR == "" || a.PrivateSubnetCIDR == "":
		return fmt.Errorf("the VPC and both subnet CIDR blocks are required")
	case len(a.AllowedSSHCIDRs) == 0:
		return fmt.Errorf("at least one allowed ssh CIDR block is required")
	case a.KMSKeyARN == nil:
		return fmt.Errorf("a KMS key ARN for the flow log group is required")
	case a.Tenancy != "" && a.Tenancy != TenancyDedicated && a.Tenancy != TenancyDefault:
		return fmt.Errorf("tenancy %q is neither %s nor %s", a.Tenancy, TenancyDedicated, TenancyDefault)
	}
	return nil
}

// NewSecureVPC creates the network.
func NewSecureVPC(ctx *pulumi.Context, name string, args *SecureVPCArgs, opts ...pulumi.ResourceOption) (*SecureVPC, error) {
	if args == nil {
		return nil, fmt.Errorf("secure vpc %s: args are required", name)
	}
	a := *args
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("secure vpc %s: %w", name, err)
	}
	setDefault(&a.FlowLogRetentionDays, DefaultFlowLogRetentionDays)
	setDefault(&a.Tenancy, TenancyDedicated)
	endpointPolicy, err := S3EndpointPolicy(a.ARNs, a.PIT, a.ReadOnlySourceBuckets, a.EndpointStatements...)
	if err != nil {
		return nil, fmt.Errorf("secure vpc %s: s3 endpoint policy: %w", name, err)
	}

	v := &SecureVPC{}
	if err := ctx.RegisterComponentResource("sce:network:SecureVPC", name, v, opts...); err != nil {
		return nil, fmt.Errorf("register secure vpc %s: %w", name, err)
	}
	b := vpcBuilder{ctx: ctx, name: name, args: a, vpc: v}
	steps := []func() error{b.network, b.gateways, b.routes, func() error { return b.endpoint(endpointPolicy) }, b.defaults, b.nacls, b.flowLog}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("secure vpc %s: %w", name, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(v, pulumi.Map{
		"vpcId":               v.VPC.ID(),
		"publicSubnetId":      v.PublicSubnet.ID(),
		"privateSubnetId":     v.PrivateSubnet.ID(),
		"publicRouteTableId":  v.PublicRouteTable.ID(),
		"privateRouteTableId": v.PrivateRouteTable.ID(),
		"natPublicIp":         v.NATAddress.PublicIp,
		"s3EndpointId":        v.S3Endpoint.ID(),
		"flowLogGroupName":    v.FlowLogGroup.Name,
	}); err != nil {
		return nil, fmt.Errorf("register secure vpc outputs: %w", err)
	}
	return v, nil
}

// vpcBuilder creates the children of one SecureVPC, step by step.
type vpcBuilder struct {
	ctx  *pulumi.Context
	name string
	args SecureVPCArgs
	vpc  *SecureVPC
}

// child names a child resource after the component: "<name>-<suffix>".
func (b *vpcBuilder) child(suffix string) string { return b.name + "-" + suffix }

// tags are a child's tags: its Name, "<PIT>-<suffix>".
func (b *vpcBuilder) tags(suffix string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(b.args.PIT + "-" + suffix)}
}

// opts are a child's options: parented to the SecureVPC, then extra.
func (b *vpcBuilder) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.vpc)}, extra...)
}

// network creates the VPC and its public and private subnets in the one availability zone.
func (b *vpcBuilder) network() error {
	var err error
	v := b.vpc
	v.VPC, err = ec2.NewVpc(b.ctx, b.child("vpc"), &ec2.VpcArgs{
		CidrBlock:          pulumi.String(b.args.CIDR),
		InstanceTenancy:    pulumi.String(b.args.Tenancy),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               b.tags("vpc"),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("create vpc: %w", err)
	}
	// Neither subnet maps public addresses: the bastion and the NAT gateway get Elastic IPs, so nothing
	// launched later into either subnet becomes reachable by accident.
	subnet := func(suffix, cidr string, extra map[string]string) (*ec2.Subnet, error) {
		tags := b.tags(suffix)
		for k, v := range extra {
			tags[k] = pulumi.String(v)
		}
		s, err := ec2.NewSubnet(b.ctx, b.child(suffix), &ec2.SubnetArgs{
			VpcId:               v.VPC.ID(),
			CidrBlock:           pulumi.String(cidr),
			AvailabilityZone:    pulumi.String(b.args.AvailabilityZone),
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                tags,
		}, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", suffix, err)
		}
		return s, nil
	}
	if v.PublicSubnet, err = subnet("public-subnet", b.args.PublicSubnetCIDR, nil); err != nil {
		return err
	}
	v.PrivateSubnet, err = subnet("private-subnet", b.args.PrivateSubnetCIDR, b.args.PrivateSubnetTags)
	return err
}

// gateways creates the internet gateway and the NAT gateway, with its Elastic IP, in the public subnet.
func (b *vpcBuilder) gateways() error {
	var err error
	v := b.vpc
	v.InternetGateway, err = ec2.NewInternetGateway(b.ctx, b.child("igw"), &ec2.InternetGatewayArgs{
		VpcId: v.VPC.ID(),
		Tags:  b.tags("igw"),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("create internet gateway: %w", err)
	}
	v.NATAddress, err = ec2.NewEip(b.ctx, b.child("nat-eip"), &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   b.tags("nat-eip"),
	}, b.opts(pulumi.DependsOn([]pulumi.Resource{v.InternetGateway}))...)
	if err != nil {
		return fmt.Errorf("create nat elastic ip: %w", err)
	}
	v.NATGateway, err = ec2.NewNatGateway(b.ctx, b.child("nat"), &ec2.NatGatewayArgs{
		AllocationId:     v.NATAddress.AllocationId,
		SubnetId:         v.PublicSubnet.ID(),
		ConnectivityType: pulumi.String("public"),
		Tags:             b.tags("nat"),
	}, b.opts(pulumi.DependsOn([]pulumi.Resource{v.InternetGateway}))...)
	if err != nil {
		return fmt.Errorf("create nat gateway: %w", err)
	}
	return nil
}

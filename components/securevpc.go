package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Tenancies, as EC2 names them. Dedicated tenancy is what the seed requires for PHI: shared tenancy is not
// allowed. A VPC is dedicated unless the stack holds a service that refuses dedicated VPCs (Redshift);
// every instance asks for TenancyDedicated on its own either way.
const (
	TenancyDedicated = "dedicated"
	TenancyDefault   = "default"
)

// FlowLogTrafficAll records accepted and rejected traffic; the seed requires "Filter = All".
const FlowLogTrafficAll = "ALL"

// FlowLogFormat is the flow log's record format: the default fields plus the VPC, subnet and instance, TCP
// flags, and the packet-level addresses that show the real source behind the NAT gateway.
const FlowLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} " +
	"${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} " +
	"${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path}"

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
	if a.FlowLogRetentionDays == 0 {
		a.FlowLogRetentionDays = DefaultFlowLogRetentionDays
	}
	if a.Tenancy == "" {
		a.Tenancy = TenancyDedicated
	}
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

func (b *vpcBuilder) child(suffix string) string { return b.name + "-" + suffix }

func (b *vpcBuilder) tags(suffix string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(b.args.PIT + "-" + suffix)}
}

func (b *vpcBuilder) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.vpc)}, extra...)
}

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

// defaults takes the VPC's default security group and default network ACL under management and removes
// every rule from both, so that anything attached to them by accident can send and receive nothing.
func (b *vpcBuilder) defaults() error {
	v := b.vpc
	if _, err := ec2.NewDefaultSecurityGroup(b.ctx, b.child("default-sg"), &ec2.DefaultSecurityGroupArgs{
		VpcId: v.VPC.ID(),
		Tags:  b.tags("default-sg-closed"),
	}, b.opts()...); err != nil {
		return fmt.Errorf("close default security group: %w", err)
	}
	if _, err := ec2.NewDefaultNetworkAcl(b.ctx, b.child("default-nacl"), &ec2.DefaultNetworkAclArgs{
		DefaultNetworkAclId: v.VPC.DefaultNetworkAclId,
		Tags:                b.tags("default-nacl-closed"),
	}, b.opts()...); err != nil {
		return fmt.Errorf("close default network acl: %w", err)
	}
	return nil
}

func (b *vpcBuilder) nacls() error {
	var err error
	v := b.vpc
	if v.PublicNACL, err = b.nacl("public-nacl", v.PublicSubnet, PublicNACLRules(b.args.CIDR, b.args.AllowedSSHCIDRs)); err != nil {
		return err
	}
	v.PrivateNACL, err = b.nacl("private-nacl", v.PrivateSubnet, PrivateNACLRules(b.args.CIDR))
	return err
}

func (b *vpcBuilder) nacl(suffix string, subnet *ec2.Subnet, rules []NACLRule) (*ec2.NetworkAcl, error) {
	acl, err := ec2.NewNetworkAcl(b.ctx, b.child(suffix), &ec2.NetworkAclArgs{
		VpcId: b.vpc.VPC.ID(),
		Tags:  b.tags(suffix),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", suffix, err)
	}
	if _, err := ec2.NewNetworkAclAssociation(b.ctx, b.child(suffix+"-assoc"), &ec2.NetworkAclAssociationArgs{
		NetworkAclId: acl.ID(),
		SubnetId:     subnet.ID(),
	}, b.opts()...); err != nil {
		return nil, fmt.Errorf("associate %s: %w", suffix, err)
	}
	for _, r := range rules {
		ruleArgs := &ec2.NetworkAclRuleArgs{
			NetworkAclId: acl.ID(),
			RuleNumber:   pulumi.Int(r.Number),
			Egress:       pulumi.Bool(r.Egress),
			Protocol:     pulumi.String(r.Protocol),
			RuleAction:   pulumi.String("allow"),
			CidrBlock:    pulumi.String(r.CIDR),
		}
		switch r.Protocol {
		case ProtocolICMP:
			ruleArgs.IcmpType = pulumi.Int(r.ICMPType)
			ruleArgs.IcmpCode = pulumi.Int(r.ICMPCode)
		case ProtocolAll:
		default:
			ruleArgs.FromPort = pulumi.Int(r.FromPort)
			ruleArgs.ToPort = pulumi.Int(r.ToPort)
		}
		if _, err := ec2.NewNetworkAclRule(b.ctx, b.child(suffix+"-"+r.Purpose), ruleArgs, b.opts()...); err != nil {
			return nil, fmt.Errorf("create %s rule %d: %w", suffix, r.Number, err)
		}
	}
	return acl, nil
}

// flowLog records all VPC traffic into a log group encrypted with the project key, through a role that
// may write only to that group and that only the flow logs service of this account may assume.
func (b *vpcBuilder) flowLog() error {
	var err error
	v := b.vpc
	a := b.args
	groupName := LogGroupPrefix(a.PIT) + "vpc-flow-logs"
	v.FlowLogGroup, err = cloudwatch.NewLogGroup(b.ctx, b.child("flow-logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(groupName),
		RetentionInDays: pulumi.Int(a.FlowLogRetentionDays),
		KmsKeyId:        a.KMSKeyARN,
		Tags:            b.tags("flow-logs"),
	}, b.opts(pulumi.RetainOnDelete(true), pulumi.Protect(a.Protect))...)
	if err != nil {
		return fmt.Errorf("create flow log group: %w", err)
	}
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid:       "FlowLogsServiceOfThisAccount",
		Effect:    Allow,
		Principal: &Principal{Service: []string{ServicePrincipal("vpc-flow-logs")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{
			"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}},
			"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:ec2:%s:%s:vpc-flow-log/*", a.ARNs.Partition, a.ARNs.Region, a.ARNs.AccountID)}},
		},
	}}}.JSON()
	if err != nil {
		return fmt.Errorf("flow log trust policy: %w", err)
	}
	groupARN := a.ARNs.LogGroup(groupName)
	permissions, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{
		{
			Sid:      "WriteFlowLogGroup",
			Effect:   Allow,
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resource: []string{groupARN, groupARN + ":*"},
		},
		{
			Sid:      "FindFlowLogGroup",
			Effect:   Allow,
			Action:   []string{"logs:DescribeLogGroups"},
			Resource: []string{a.ARNs.LogGroup("*")},
		},
	}}.JSON()
	if err != nil {
		return fmt.Errorf("flow log role policy: %w", err)
	}
	role, err := iam.NewRole(b.ctx, b.child("flow-logs-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("Lets VPC flow logs of %s write to %s", a.PIT, groupName),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.tags("flow-logs-role"),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("create flow log role: %w", err)
	}
	policy, err := iam.NewPolicy(b.ctx, b.child("flow-logs-policy"), &iam.PolicyArgs{
		Description: pulumi.Sprintf("Write access to the %s flow log group only", a.PIT),
		Policy:      pulumi.String(permissions),
		Tags:        b.tags("flow-logs-policy"),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("create flow log policy: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(b.ctx, b.child("flow-logs-policy-attachment"), &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: policy.Arn,
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("attach flow log policy: %w", err)
	}
	v.FlowLog, err = ec2.NewFlowLog(b.ctx, b.child("flow-log"), &ec2.FlowLogArgs{
		VpcId:                  v.VPC.ID(),
		TrafficType:            pulumi.String(FlowLogTrafficAll),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         v.FlowLogGroup.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		LogFormat:              pulumi.String(FlowLogFormat),
		Tags:                   b.tags("flow-log"),
	}, b.opts(pulumi.DependsOn([]pulumi.Resource{attachment}))...)
	if err != nil {
		return fmt.Errorf("create flow log: %w", err)
	}
	return nil
}

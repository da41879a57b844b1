package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BastionArgs configures a Bastion.
type BastionArgs struct {
	// PIT names the bastion. Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// VPCID and SubnetID place the bastion in the public subnet. Required.
	VPCID, SubnetID pulumi.StringInput
	// VPCCIDR is the only destination of its outbound ssh. Required.
	VPCCIDR string
	// AllowedSSHCIDRs may reach it on port 22. Required.
	AllowedSSHCIDRs []string
	// InstanceType is an m-family type. Default: m5.large.
	InstanceType string
	// AMI is the Amazon Linux 2023 image, read at deploy time. Required.
	AMI string
	// PublicKey is the builder's ssh public key, for ec2-user; no private key is ever generated. Required.
	PublicKey string
	// KMSKeyARN encrypts the root volume and the log group. Required.
	KMSKeyARN pulumi.StringInput
	// Researchers get jump-only logins, through Systems Manager. Default: none.
	Researchers []Researcher
	// Egress is what the first boot needs to reach the internet (SecureVPC.PublicEgress): the instance
	// waits for it. Required.
	Egress []pulumi.Resource
	// LogRetentionDays of the bastion's log group. Default: 2192.
	LogRetentionDays int
	// Protect marks the log group protected. Default: false.
	Protect bool
}

// DefaultBastionInstanceType is the bastion's default instance type.
const DefaultBastionInstanceType = "m5.large"

// Bastion is the one way in (seed 1D): a dedicated instance in the public subnet with an Elastic IP, open
// on port 22 to the allowed blocks only, whose researcher logins can only jump to the workstation.
type Bastion struct {
	pulumi.ResourceState

	Instance      *ec2.Instance
	SecurityGroup *ec2.SecurityGroup
	KeyPair       *ec2.KeyPair
	Address       *ec2.Eip
	// PublicIP is the Elastic IP researchers connect to.
	PublicIP pulumi.StringOutput
}

// NewBastion creates the bastion.
func NewBastion(ctx *pulumi.Context, name string, args *BastionArgs, opts ...pulumi.ResourceOption) (*Bastion, error) {
	if args == nil || args.PIT == "" || args.VPCID == nil || args.SubnetID == nil || args.VPCCIDR == "" || args.AMI == "" ||
		args.PublicKey == "" || args.KMSKeyARN == nil || len(args.AllowedSSHCIDRs) == 0 || len(args.Egress) == 0 {
		return nil, fmt.Errorf("bastion %s: PIT, VPC, subnet, VPC CIDR, allowed ssh blocks, AMI, public key, key ARN and egress are required", name)
	}
	a := *args
	setDefault(&a.InstanceType, DefaultBastionInstanceType)
	setDefault(&a.LogRetentionDays, SixYearsDays)
	b := &Bastion{}
	child, parent, err := registerComponent(ctx, "sce:compute:Bastion", "bastion", name, b, opts...)
	if err != nil {
		return nil, err
	}

	b.SecurityGroup, err = ec2.NewSecurityGroup(ctx, child("sg"), &ec2.SecurityGroupArgs{
		VpcId:       a.VPCID,
		Description: pulumi.Sprintf("Bastion of %s: ssh from the allowed blocks only", a.PIT),
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-bastion")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create bastion security group: %w", err)
	}
	rules := []securityRule{{suffix: "https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: "updates, Systems Manager and CloudWatch"},
		{suffix: "ssh-to-vpc", egress: true, port: PortSSH, cidrs: []string{a.VPCCIDR}, why: "ssh onward to the workstation"}}
	for i, c := range a.AllowedSSHCIDRs {
		rules = append(rules, securityRule{suffix: fmt.Sprintf("ssh-in-%d", i), port: PortSSH, cidrs: []string{c}, why: "ssh from an allowed block"})
	}
	if err := addSecurityRules(ctx, child, b.SecurityGroup, rules, parent); err != nil {
		return nil, err
	}

	b.KeyPair, err = ec2.NewKeyPair(ctx, child("key"), &ec2.KeyPairArgs{
		KeyName:   pulumi.String(a.PIT + "-builder"),
		PublicKey: pulumi.String(a.PublicKey),
		Tags:      pulumi.StringMap{"Name": pulumi.String(a.PIT + "-builder")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("import builder key pair: %w", err)
	}
	group, groupName, err := newInstanceLogGroup(ctx, child, a.PIT, RoleBastion, a.KMSKeyARN, a.LogRetentionDays, a.Protect, parent)
	if err != nil {
		return nil, err
	}
	profile, _, err := newInstanceRole(ctx, child, instanceRoleArgs{pit: a.PIT, role: RoleBastion, arns: a.ARNs, logGroup: groupName}, parent)
	if err != nil {
		return nil, err
	}
	userData, err := RenderUserData(UserData{PIT: a.PIT, Role: RoleBastion, LogGroup: groupName})
	if err != nil {
		return nil, fmt.Errorf("bastion %s: %w", name, err)
	}
	inst := hardenedInstance(a.AMI, a.InstanceType, a.KMSKeyARN)
	inst.SubnetId = a.SubnetID
	inst.VpcSecurityGroupIds = pulumi.StringArray{b.SecurityGroup.ID()}
	inst.KeyName = b.KeyPair.KeyName
	inst.IamInstanceProfile = profile.Name
	inst.AssociatePublicIpAddress = pulumi.Bool(false) // the Elastic IP below is its only public address
	inst.UserData = pulumi.String(userData)
	inst.Tags = pulumi.StringMap{"Name": pulumi.String(a.PIT + "-bastion")}
	setRootTags(inst, pulumi.StringMap{"Name": pulumi.String(a.PIT + "-bastion-root")})
	b.Instance, err = ec2.NewInstance(ctx, child("instance"), inst, parent, keepImage(), pulumi.DependsOn(append([]pulumi.Resource{group}, a.Egress...)))
	if err != nil {
		return nil, fmt.Errorf("create bastion instance: %w", err)
	}
	b.Address, err = ec2.NewEip(ctx, child("eip"), &ec2.EipArgs{
		Domain:   pulumi.String("vpc"),
		Instance: b.Instance.ID(),
		Tags:     pulumi.StringMap{"Name": pulumi.String(a.PIT + "-bastion")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create bastion elastic ip: %w", err)
	}
	b.PublicIP = b.Address.PublicIp
	if _, err := newLoginAssociation(ctx, child, Logins{PIT: a.PIT, Role: RoleBastion, Researchers: a.Researchers},
		b.Instance.ID(), parent); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"publicIp": b.PublicIP, "instanceId": b.Instance.ID()}); err != nil {
		return nil, fmt.Errorf("register bastion outputs: %w", err)
	}
	return b, nil
}

// securityRule is one rule of a security group: TCP to one port unless protocol or toPort say otherwise, to
// or from a list of blocks, another group, or a prefix list.
type securityRule struct {
	suffix string
	egress bool
	// protocol is "tcp" when empty; "udp", or ProtocolAll for every protocol and port.
	protocol string
	port     int
	// toPort ends a port range that starts at port; 0 means the single port.
	toPort      int
	cidrs       []string
	sourceGroup pulumi.StringInput
	prefixList  pulumi.StringInput
	why         string
}

// addSecurityRules adds rules as separate resources: a group never declares inline rules.
func addSecurityRules(ctx *pulumi.Context, child func(string) string, sg *ec2.SecurityGroup, rules []securityRule, opts ...pulumi.ResourceOption) error {
	_, err := newSecurityRules(ctx, child, sg.ID(), rules, opts...)
	return err
}

// newSecurityRules adds rules to the group with that id as separate resources and returns them, for
// resources that must wait until their traffic is admitted. The group may belong to another component.
func newSecurityRules(ctx *pulumi.Context, child func(string) string, groupID pulumi.StringInput, rules []securityRule, opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var created []pulumi.Resource
	for _, r := range rules {
		kind := "ingress"
		if r.egress {
			kind = "egress"
		}
		protocol, from, to := r.protocol, r.port, r.toPort
		switch protocol {
		case ProtocolAll:
			from, to = 0, 0
		case "":
			protocol = "tcp"
		}
		if to == 0 {
			to = from
		}
		args := &ec2.SecurityGroupRuleArgs{
			SecurityGroupId: groupID,
			Type:            pulumi.String(kind),
			Protocol:        pulumi.String(protocol),
			FromPort:        pulumi.Int(from),
			ToPort:          pulumi.Int(to),
			Description:     pulumi.String(r.why),
		}
		switch {
		case r.sourceGroup != nil:
			args.SourceSecurityGroupId = r.sourceGroup
		case r.prefixList != nil:
			args.PrefixListIds = pulumi.StringArray{r.prefixList}
		default:
			args.CidrBlocks = pulumi.ToStringArray(r.cidrs)
		}
		rule, err := ec2.NewSecurityGroupRule(ctx, child("sg-"+r.suffix), args, opts...)
		if err != nil {
			return nil, fmt.Errorf("create security group rule %s: %w", r.suffix, err)
		}
		created = append(created, rule)
	}
	return created, nil
}

package components

// A SecureVPC's closed defaults and network ACLs: the default security group and ACL emptied, and one ACL
// per subnet with the rules of nacl.go.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

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

// nacls gives each subnet its own network ACL: PublicNACLRules and PrivateNACLRules.
func (b *vpcBuilder) nacls() error {
	var err error
	v := b.vpc
	if v.PublicNACL, err = b.nacl("public-nacl", v.PublicSubnet, PublicNACLRules(b.args.CIDR, b.args.AllowedSSHCIDRs)); err != nil {
		return err
	}
	v.PrivateNACL, err = b.nacl("private-nacl", v.PrivateSubnet, PrivateNACLRules(b.args.CIDR))
	return err
}

// nacl creates one network ACL, associates it with subnet and adds rules, each an allow rule of its own.
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

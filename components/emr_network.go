package components

// An EMRCluster's security groups: the three EMR-managed groups and every rule the cluster needs in a
// private subnet that EMR does not add itself, with the clients' kinit and ssh to the primary node.

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// emrSecurityGroups creates the three EMR-managed groups and the rules EMR does not add itself. EMR adds
// the missing inbound rules between its groups when a cluster starts, never outbound ones, and Pulumi
// removes a new group's allow-all egress; so every outbound flow the cluster needs in a private subnet is
// here (EMR Management Guide, "Working with Amazon EMR-managed security groups", releases 5.30.0 to 7.x):
// the nodes to each other on every protocol (HDFS, YARN, Spark, the KDC on 88), to the service access
// group on 9443, to S3 through the endpoint's prefix list, and HTTPS out (EMR and KMS APIs, packages);
// the service access group from the nodes on 9443 and to them on 8443. The clients get kinit (88) and
// ssh (22) to the primary node, in both directions' groups. The rules are kept in c.SecurityGroupRules.
func emrSecurityGroups(ctx *pulumi.Context, child func(string) string, a EMRClusterArgs, c *EMRCluster, parent pulumi.ResourceOption) error {
	group := func(suffix, what string) (*ec2.SecurityGroup, error) {
		sg, err := ec2.NewSecurityGroup(ctx, child(suffix), &ec2.SecurityGroupArgs{
			VpcId:               a.VPCID,
			Description:         pulumi.Sprintf("EMR %s of %s", what, a.PIT),
			RevokeRulesOnDelete: pulumi.Bool(true),
			Tags: pulumi.StringMap{
				"Name":              pulumi.String(a.PIT + "-emr-" + strings.TrimSuffix(suffix, "-sg")),
				EMRManagedPolicyTag: pulumi.String("true"),
			},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create emr %s security group: %w", what, err)
		}
		return sg, nil
	}
	var err error
	if c.PrimarySecurityGroup, err = group("primary-sg", "primary node"); err != nil {
		return err
	}
	if c.CoreSecurityGroup, err = group("core-sg", "core nodes"); err != nil {
		return err
	}
	if c.ServiceAccessSecurityGroup, err = group("service-sg", "service access"); err != nil {
		return err
	}
	primary, core, service := c.PrimarySecurityGroup.ID(), c.CoreSecurityGroup.ID(), c.ServiceAccessSecurityGroup.ID()
	add := func(groupID pulumi.StringInput, rules []securityRule) error {
		created, err := newSecurityRules(ctx, child, groupID, rules, parent)
		if err != nil {
			return fmt.Errorf("emr security group rules: %w", err)
		}
		c.SecurityGroupRules = append(c.SecurityGroupRules, created...)
		return nil
	}
	https := "EMR, KMS and S3 endpoints (through the NAT gateway and the S3 endpoint)"
	s3 := "S3 through the gateway endpoint: EMRFS, logs, the EMR and Amazon Linux repositories"
	toService := "the EMR service access group (cluster manager), EMR 5.30.0 to 7.x"
	if err := add(primary, []securityRule{
		{suffix: "primary-https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: https},
		{suffix: "primary-s3-out", egress: true, port: PortHTTPS, prefixList: a.S3PrefixListID, why: s3},
		{suffix: "primary-to-service", egress: true, port: PortEMRServiceAccess, sourceGroup: service, why: toService},
		{suffix: "primary-to-primary", egress: true, protocol: ProtocolAll, sourceGroup: primary, why: "EMR primary nodes to each other"},
		{suffix: "primary-to-core", egress: true, protocol: ProtocolAll, sourceGroup: core, why: "EMR primary to core nodes (HDFS, YARN, Spark)"},
	}); err != nil {
		return err
	}
	if err := add(core, []securityRule{
		{suffix: "core-https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: https},
		{suffix: "core-s3-out", egress: true, port: PortHTTPS, prefixList: a.S3PrefixListID, why: s3},
		{suffix: "core-to-service", egress: true, port: PortEMRServiceAccess, sourceGroup: service, why: toService},
		{suffix: "core-to-core", egress: true, protocol: ProtocolAll, sourceGroup: core, why: "EMR core nodes to each other (HDFS, shuffle)"},
		{suffix: "core-to-primary", egress: true, protocol: ProtocolAll, sourceGroup: primary, why: "EMR core to primary node (HDFS, YARN, the KDC)"},
	}); err != nil {
		return err
	}
	if err := add(service, []securityRule{
		{suffix: "service-from-primary", port: PortEMRServiceAccess, sourceGroup: primary, why: "EMR service access from the primary node"},
		{suffix: "service-from-core", port: PortEMRServiceAccess, sourceGroup: core, why: "EMR service access from the core nodes"},
		{suffix: "service-to-primary", egress: true, port: PortEMRServiceAccessOut, sourceGroup: primary, why: "EMR service to the primary node"},
		{suffix: "service-to-core", egress: true, port: PortEMRServiceAccessOut, sourceGroup: core, why: "EMR service to the core nodes"},
	}); err != nil {
		return err
	}
	for i, client := range a.ClientSecurityGroupIDs {
		if err := add(primary, []securityRule{
			{suffix: fmt.Sprintf("primary-ssh-from-client-%d", i), port: PortSSH, sourceGroup: client, why: "Kerberos ssh from a client in the VPC"},
			{suffix: fmt.Sprintf("primary-kdc-tcp-from-client-%d", i), port: PortKerberos, sourceGroup: client, why: "kinit from a client in the VPC"},
			{suffix: fmt.Sprintf("primary-kdc-udp-from-client-%d", i), protocol: "udp", port: PortKerberos, sourceGroup: client, why: "kinit from a client in the VPC"},
		}); err != nil {
			return err
		}
		if err := add(client, []securityRule{
			{suffix: fmt.Sprintf("client-%d-ssh-to-primary", i), egress: true, port: PortSSH, sourceGroup: primary, why: "ssh (GSSAPI) to the EMR primary node"},
			{suffix: fmt.Sprintf("client-%d-kdc-tcp-to-primary", i), egress: true, port: PortKerberos, sourceGroup: primary, why: "kinit against the EMR primary node's KDC"},
			{suffix: fmt.Sprintf("client-%d-kdc-udp-to-primary", i), egress: true, protocol: "udp", port: PortKerberos, sourceGroup: primary, why: "kinit against the EMR primary node's KDC"},
		}); err != nil {
			return err
		}
	}
	return nil
}

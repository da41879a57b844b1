package components

// Where a RedshiftOMOP's cluster sits in the network: its security group, which admits the SQL clients
// inside the VPC and lets the cluster reach S3 through the gateway endpoint only.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// redshiftSecurityGroup creates the cluster's group: port 5439 from each client group (and the matching
// egress in the client's own group), and HTTPS out to the S3 endpoint's prefix list, for COPY.
func redshiftSecurityGroup(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, parent pulumi.ResourceOption) (*ec2.SecurityGroup, error) {
	sg, err := ec2.NewSecurityGroup(ctx, child("sg"), &ec2.SecurityGroupArgs{
		VpcId:       a.VPCID,
		Description: pulumi.Sprintf("Redshift of %s: clients inside the VPC only; S3 through the endpoint", a.PIT),
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-omop")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create redshift security group: %w", err)
	}
	for i, client := range a.ClientSecurityGroupIDs {
		if err := addSecurityRules(ctx, child, sg, []securityRule{{suffix: fmt.Sprintf("client-%d", i), port: RedshiftPort, sourceGroup: client, why: "SQL clients in the VPC"}}, parent); err != nil {
			return nil, err
		}
		// The client's own group must let the connection out: Pulumi removes a group's default allow-all
		// egress, and a security group admits only what both ends' groups allow.
		if _, err := ec2.NewSecurityGroupRule(ctx, child(fmt.Sprintf("client-%d-out", i)), &ec2.SecurityGroupRuleArgs{
			SecurityGroupId: client, Type: pulumi.String("egress"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(RedshiftPort), ToPort: pulumi.Int(RedshiftPort), SourceSecurityGroupId: sg.ID(),
			Description: pulumi.String("SQL to the OMOP cluster"),
		}, parent); err != nil {
			return nil, fmt.Errorf("let redshift client %d connect out: %w", i, err)
		}
	}
	if _, err := ec2.NewSecurityGroupRule(ctx, child("sg-s3-out"), &ec2.SecurityGroupRuleArgs{
		SecurityGroupId: sg.ID(), Type: pulumi.String("egress"), Protocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(PortHTTPS), ToPort: pulumi.Int(PortHTTPS),
		PrefixListIds: pulumi.StringArray{a.S3PrefixListID},
		Description:   pulumi.String("COPY from S3 through the gateway endpoint (enhanced VPC routing)"),
	}, parent); err != nil {
		return nil, fmt.Errorf("create redshift S3 egress rule: %w", err)
	}
	return sg, nil
}

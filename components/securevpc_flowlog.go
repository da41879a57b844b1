package components

// A SecureVPC's flow log: all traffic, in the format below, into a log group encrypted with the project key.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// FlowLogTrafficAll records accepted and rejected traffic; the seed requires "Filter = All".
const FlowLogTrafficAll = "ALL"

// FlowLogFormat is the flow log's record format: the default fields plus the VPC, subnet and instance, TCP
// flags, and the packet-level addresses that show the real source behind the NAT gateway.
const FlowLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} " +
	"${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} " +
	"${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path}"

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
	attachment, err := newRolePolicy(b.ctx, rolePolicy{
		name: b.child("flow-logs-policy"), attachment: b.child("flow-logs-policy-attachment"), role: role.Name,
		args: &iam.PolicyArgs{
			Description: pulumi.Sprintf("Write access to the %s flow log group only", a.PIT),
			Policy:      pulumi.String(permissions),
			Tags:        b.tags("flow-logs-policy"),
		},
		createErr: "create flow log policy", attachErr: "attach flow log policy",
	}, b.opts()...)
	if err != nil {
		return err
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

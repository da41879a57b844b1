package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ssmCorePolicy is the AWS managed policy that lets Systems Manager reach an instance without keys.
const ssmCorePolicy = "AmazonSSMManagedInstanceCore"

// instanceRoleArgs describes an instance's role.
type instanceRoleArgs struct {
	pit, role string
	// name is the role's fixed name; empty lets Pulumi name it.
	name string
	arns ARNs
	// logGroup is the instance's log group, which the CloudWatch agent writes to.
	logGroup string
	// extra returns more statements once their inputs are known (bucket and key ARNs).
	extra pulumi.StringArrayInput
	// build turns the extra inputs into statements.
	build func(values []string) []Statement
}

// newInstanceRole creates an instance's role, its least-privilege policy (the CloudWatch agent's writes to
// its own log group, plus extra statements), the SSM core attachment and the instance profile. It returns
// the profile and the role (whose ARN the stack exports where the role may touch PHI).
func newInstanceRole(ctx *pulumi.Context, child func(string) string, a instanceRoleArgs, opts ...pulumi.ResourceOption) (*iam.InstanceProfile, *iam.Role, error) {
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "EC2Instances", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("ec2")}},
		Action: []string{"sts:AssumeRole"},
	}}}.JSON()
	if err != nil {
		return nil, nil, fmt.Errorf("%s role trust policy: %w", a.role, err)
	}
	var name pulumi.StringPtrInput
	if a.name != "" {
		name = pulumi.String(a.name)
	}
	role, err := iam.NewRole(ctx, child("role"), &iam.RoleArgs{
		Name:             name,
		Description:      pulumi.Sprintf("The %s of %s", a.role, a.pit),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.pit + "-" + a.role)},
	}, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s role: %w", a.role, err)
	}
	logGroupARN := a.arns.LogGroup(a.logGroup)
	base := []Statement{
		{Sid: "ShipAuthAndAuditLogs", Effect: Allow,
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resource: []string{logGroupARN, logGroupARN + ":log-stream:*"}},
		{Sid: "PublishAgentMetrics", Effect: Allow, Action: []string{"cloudwatch:PutMetricData"}, Resource: []string{"*"},
			Condition: Condition{"StringEquals": {"cloudwatch:namespace": {"CWAgent"}}}},
	}
	extra := a.extra
	if extra == nil {
		extra = pulumi.StringArray{}
	}
	doc := extra.ToStringArrayOutput().ApplyT(func(values []string) (string, error) {
		stmts := append([]Statement{}, base...)
		if a.build != nil {
			stmts = append(stmts, a.build(values)...)
		}
		return PolicyDocument{Version: PolicyVersion, Statement: stmts}.JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewPolicy(ctx, child("policy"), &iam.PolicyArgs{
		Description: pulumi.Sprintf("Least privilege of the %s of %s", a.role, a.pit),
		Policy:      doc,
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.pit + "-" + a.role)},
	}, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s policy: %w", a.role, err)
	}
	for suffix, arn := range map[string]pulumi.StringInput{
		"policy-attachment": policy.Arn,
		"ssm-attachment":    pulumi.Sprintf("arn:%s:iam::aws:policy/%s", a.arns.Partition, ssmCorePolicy),
	} {
		if _, err := attachPolicy(ctx, child(suffix), role.Name, arn, fmt.Sprintf("attach %s to the %s role", suffix, a.role), opts...); err != nil {
			return nil, nil, err
		}
	}
	profile, err := iam.NewInstanceProfile(ctx, child("profile"), &iam.InstanceProfileArgs{
		Role: role.Name,
		Tags: pulumi.StringMap{"Name": pulumi.String(a.pit + "-" + a.role)},
	}, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s instance profile: %w", a.role, err)
	}
	return profile, role, nil
}

// newInstanceLogGroup creates the encrypted log group an instance's CloudWatch agent writes to.
func newInstanceLogGroup(ctx *pulumi.Context, child func(string) string, pit, role string, key pulumi.StringInput, retentionDays int, protect bool, parent pulumi.ResourceOption) (*cloudwatch.LogGroup, string, error) {
	name := LogGroupPrefix(pit) + role
	group, err := cloudwatch.NewLogGroup(ctx, child("log-group"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(name),
		RetentionInDays: pulumi.Int(retentionDays),
		KmsKeyId:        key,
		Tags:            pulumi.StringMap{"Name": pulumi.String(pit + "-" + role)},
	}, parent, pulumi.RetainOnDelete(true), pulumi.Protect(protect))
	if err != nil {
		return nil, "", fmt.Errorf("create %s log group: %w", role, err)
	}
	return group, name, nil
}

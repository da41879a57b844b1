package components

// The shape the project's Lambda functions share (the upload ledger, the airlock's release function): a Go
// binary on arm64, outside the VPC, encrypted and logging as every function of the stack must, with a role
// only the Lambda service may assume.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// goFunction is what differs between the project's Lambda functions.
type goFunction struct {
	// name is the function's name, and its Name tag; description says what it does.
	name, description string
	// code is the archive holding the bootstrap binary; role is the ARN of the function's role.
	code pulumi.Archive
	role pulumi.StringInput
	// timeout is in seconds, memory in MiB.
	timeout, memory int
	// deadLetters is the ARN of the queue that takes the failed asynchronous invocations; key encrypts the
	// environment.
	deadLetters, key pulumi.StringInput
	// logGroup is the name of the log group the function writes JSON logs to (newInstanceLogGroup).
	logGroup string
	// env are the environment variables.
	env pulumi.StringMap
}

// args returns the function's inputs: the Go runtime provided.al2023 on arm64 with the handler bootstrap,
// the environment encrypted with key, JSON logs into logGroup and failed asynchronous invocations to the
// dead-letter queue.
func (f goFunction) args() *lambda.FunctionArgs {
	return &lambda.FunctionArgs{
		Name:             pulumi.String(f.name),
		Description:      pulumi.String(f.description),
		Runtime:          pulumi.String("provided.al2023"),
		Architectures:    pulumi.StringArray{pulumi.String("arm64")},
		Handler:          pulumi.String("bootstrap"),
		Code:             f.code,
		Role:             f.role,
		Timeout:          pulumi.Int(f.timeout),
		MemorySize:       pulumi.Int(f.memory),
		DeadLetterConfig: &lambda.FunctionDeadLetterConfigArgs{TargetArn: f.deadLetters},
		KmsKeyArn:        f.key,
		LoggingConfig:    &lambda.FunctionLoggingConfigArgs{LogFormat: pulumi.String("JSON"), LogGroup: pulumi.String(f.logGroup)},
		Environment:      &lambda.FunctionEnvironmentArgs{Variables: f.env},
		Tags:             pulumi.StringMap{"Name": pulumi.String(f.name)},
	}
}

// lambdaRole is what differs between the roles of the project's Lambda functions.
type lambdaRole struct {
	// child names the role's resources ("role", "policy", "policy-attachment") under the component.
	child func(string) string
	// name is the role's IAM name, fixed so that policies built before the role exists can name it; tag is
	// its Name tag.
	name, tag   string
	description pulumi.StringInput
	// sourceAccount, when set, admits the Lambda service only on behalf of this account (aws:SourceAccount).
	sourceAccount string
	// trustErr and createErr say what failed: "release role trust policy", "create the release role".
	trustErr, createErr string
	// policy is the role's least-privilege policy document, with its description and what to say when it
	// cannot be created or attached.
	policy                           pulumi.StringOutput
	policyDescription                pulumi.StringInput
	policyCreateErr, policyAttachErr string
}

// newLambdaRole creates a role that only the Lambda service may assume, then its policy and the policy's
// attachment, and returns the role and the attachment (what the function must depend on).
func newLambdaRole(ctx *pulumi.Context, r lambdaRole, parent pulumi.ResourceOption) (*iam.Role, *iam.RolePolicyAttachment, error) {
	st := Statement{Sid: "LambdaService", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("lambda")}}, Action: []string{"sts:AssumeRole"}}
	if r.sourceAccount != "" {
		st.Condition = Condition{"StringEquals": {"aws:SourceAccount": {r.sourceAccount}}}
	}
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{st}}.JSON()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", r.trustErr, err)
	}
	role, err := iam.NewRole(ctx, r.child("role"), &iam.RoleArgs{
		Name:             pulumi.String(r.name),
		Description:      r.description,
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(r.tag)},
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", r.createErr, err)
	}
	att, err := newRolePolicy(ctx, rolePolicy{
		name: r.child("policy"), attachment: r.child("policy-attachment"), role: role.Name,
		args:      &iam.PolicyArgs{Description: r.policyDescription, Policy: r.policy},
		createErr: r.policyCreateErr, attachErr: r.policyAttachErr,
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return role, att, nil
}

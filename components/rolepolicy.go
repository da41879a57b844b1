package components

// Attaching IAM policies to a component's roles: the customer-managed policy a component writes for one of
// its roles, created and attached in one step, and the attachment of any policy (AWS managed ones too).

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// rolePolicy is a customer-managed policy written for one role, and its attachment to that role.
type rolePolicy struct {
	// name and attachment are the logical names of the policy and of its attachment.
	name, attachment string
	// role is the name of the role the policy is attached to.
	role pulumi.StringInput
	// args are the policy's inputs: its description, document and tags.
	args *iam.PolicyArgs
	// createErr and attachErr say, in front of the error, which step failed ("create the ledger policy").
	createErr, attachErr string
}

// newRolePolicy creates the policy and then its attachment, both with opts, and returns the attachment:
// what a resource that acts with the role must depend on.
func newRolePolicy(ctx *pulumi.Context, p rolePolicy, opts ...pulumi.ResourceOption) (*iam.RolePolicyAttachment, error) {
	policy, err := iam.NewPolicy(ctx, p.name, p.args, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.createErr, err)
	}
	return attachPolicy(ctx, p.attachment, p.role, policy.Arn, p.attachErr, opts...)
}

// attachPolicy attaches the policy arn to the role named role, as the resource name; errMsg says, in front
// of the error, what failed.
func attachPolicy(ctx *pulumi.Context, name string, role, arn pulumi.StringInput, errMsg string, opts ...pulumi.ResourceOption) (*iam.RolePolicyAttachment, error) {
	attachment, err := iam.NewRolePolicyAttachment(ctx, name, &iam.RolePolicyAttachmentArgs{Role: role, PolicyArn: arn}, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", errMsg, err)
	}
	return attachment, nil
}

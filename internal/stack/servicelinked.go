package stack

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
)

// AutoScalingServiceLinkedRoleName is EC2 Auto Scaling's default service-linked role.
const AutoScalingServiceLinkedRoleName = "AWSServiceRoleForAutoScaling"

// requireAutoScalingRole looks up Auto Scaling's service-linked role before the project key is created,
// because the key policy names it and KMS rejects a key policy whose principal does not exist
// (MalformedPolicyDocumentException). AWS creates the role when an account first uses Auto Scaling, so a
// fresh account lacks it. The program does not create it: aws.iam.ServiceLinkedRole fails in every account
// that already has one ("has been taken in this account"), which is most of them, and the role is the
// account's, not the project's, so destroying the stack must not delete it. It fails early instead, with
// the one command that creates the role.
func requireAutoScalingRole(ctx *pulumi.Context, provider *aws.Provider, arns components.ARNs) error {
	role, err := iam.LookupRole(ctx, &iam.LookupRoleArgs{Name: AutoScalingServiceLinkedRoleName}, pulumi.Provider(provider))
	if err != nil {
		return fmt.Errorf("sce:workersEnabled: the account has no EC2 Auto Scaling service-linked role (%s), which the project key's "+
			"policy must name for the workers' encrypted volumes, and KMS refuses a key policy naming a role that does not exist; "+
			"create it once per account with `aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com` "+
			"and run again (lookup: %w)", AutoScalingServiceLinkedRoleName, err)
	}
	if want := components.AutoScalingServiceLinkedRole(arns); role.Arn != want {
		return fmt.Errorf("sce:workersEnabled: the Auto Scaling service-linked role is %s, not %s as the project key's policy expects", role.Arn, want)
	}
	return nil
}

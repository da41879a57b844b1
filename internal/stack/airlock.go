package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// releasePackage is the airlock's release function, built from this module.
const releasePackage = "./lambda/release"

// buildAirlock creates the release function on the ledger table's stream, and the table's policy that
// lets each reviewer write only their own reviews (docs/airlock.md). The output bucket's airlock
// statements are set with the bucket (buildBuckets), the reviewers' use of the key with the key.
func buildAirlock(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*components.AirlockRelease, error) {
	code, err := lambdaCode(ctx, releasePackage, "release.zip")
	if err != nil {
		return nil, err
	}
	return components.NewAirlockRelease(ctx, cfg.PIT+"-airlock", &components.AirlockReleaseArgs{
		PIT: cfg.PIT, ARNs: arns, Ledger: s.Ledger, OutputBucket: s.Buckets.Output,
		KMSKeyARN: s.Key.ARN, TopicARN: s.Audit.Trail.Topic.Arn, Code: code,
		Reviewers: cfg.OutputReviewers, LogRetentionDays: cfg.AuditLogRetentionDays, Protect: cfg.Protect,
	}, opts...)
}

// requireReviewerRoles looks up every reviewer's role before the project key is created: the key's and
// the ledger table's policies name them, and KMS refuses a key policy whose principal does not exist
// (MalformedPolicyDocumentException). A reviewer must be a role of the stack's account: the table's
// policy alone grants them access only within the account, and the key policy's grant is conditioned on
// the account (kms:CallerAccount). The ARN must be the role's own, path included, because the table's
// policy compares aws:PrincipalArn, which carries the path.
func requireReviewerRoles(ctx *pulumi.Context, provider *aws.Provider, arns components.ARNs, reviewers []string) error {
	for _, arn := range reviewers {
		if account := strings.Split(arn, ":")[4]; account != arns.AccountID {
			return fmt.Errorf("%s: %s is a role of account %s, not of the stack's account %s; reviewers must be roles of the stack's account",
				config.Namespace+":"+config.KeyOutputReviewers, arn, account, arns.AccountID)
		}
		name := arn[strings.LastIndex(arn, "/")+1:]
		role, err := iam.LookupRole(ctx, &iam.LookupRoleArgs{Name: name}, pulumi.Provider(provider))
		if err != nil {
			return fmt.Errorf("%s: the reviewer role %s does not exist in account %s, and KMS refuses a key policy naming a role that does not exist; "+
				"create the role (one per reviewer) and run again (lookup: %w)", config.Namespace+":"+config.KeyOutputReviewers, arn, arns.AccountID, err)
		}
		if role.Arn != arn {
			return fmt.Errorf("%s: the role named %s is %s, not %s: give its ARN with its path", config.Namespace+":"+config.KeyOutputReviewers, name, role.Arn, arn)
		}
	}
	return nil
}

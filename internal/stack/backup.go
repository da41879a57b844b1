package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// buildBackup backs up, daily, what holds state that is not already versioned in S3: the workstation
// (root volume with the home directories, and the data volume: an EC2 backup covers every attached
// volume), the Atlas host (WebAPI's database) and the upload ledger. The bastion holds nothing to restore.
func buildBackup(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*components.BackupPlan, error) {
	resources := pulumi.StringArray{s.Compute.Workstation.Instance.Arn, s.Ledger.Table.Arn}
	if s.Data != nil && s.Data.Atlas != nil {
		resources = append(resources, s.Data.Atlas.Instance.Arn)
	}
	return components.NewBackupPlan(ctx, cfg.PIT+"-backup", &components.BackupPlanArgs{
		PIT: cfg.PIT, ARNs: arns, KMSKeyARN: s.Key.ARN, Resources: resources,
		RetentionDays: cfg.BackupRetentionDays, Protect: cfg.Protect,
	}, opts...)
}

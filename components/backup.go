package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// backupSchedule is the daily backup time: 05:00 UTC, outside working hours in the Americas and Europe.
const backupSchedule = "cron(0 5 ? * * *)"

// BackupPlanArgs configures the project's AWS Backup plan.
type BackupPlanArgs struct {
	// PIT is the Project Identifier Tag; ARNs give the partition and account. Required.
	PIT  string
	ARNs ARNs
	// KMSKeyARN encrypts the vault's recovery points. Required.
	KMSKeyARN pulumi.StringInput
	// Resources are the ARNs backed up: instances (with every attached volume) and DynamoDB tables.
	Resources pulumi.StringArray
	// RetentionDays is how long a recovery point is kept.
	RetentionDays int
	// Protect marks the vault protected; it is retained on delete either way (its recovery points hold PHI
	// and outlive the stack until they expire).
	Protect bool
}

// BackupPlan is the contingency plan's data backup (164.308(a)(7)(ii)(A)): a vault encrypted with the
// project key, a daily plan, and a selection of the stack's stateful resources by ARN.
type BackupPlan struct {
	pulumi.ResourceState

	Vault     *backup.Vault
	Plan      *backup.Plan
	Selection *backup.Selection
}

// NewBackupPlan creates the vault, the plan, the role AWS Backup works with and the selection.
func NewBackupPlan(ctx *pulumi.Context, name string, args *BackupPlanArgs, opts ...pulumi.ResourceOption) (*BackupPlan, error) {
	if args == nil || args.PIT == "" || args.ARNs.AccountID == "" || args.KMSKeyARN == nil || len(args.Resources) == 0 || args.RetentionDays < 1 {
		return nil, fmt.Errorf("backup plan %s: PIT, account, key, resources and a retention of at least a day are required", name)
	}
	a := *args
	b := &BackupPlan{}
	child, parent, err := registerComponent(ctx, "sce:audit:BackupPlan", "backup plan", name, b, opts...)
	if err != nil {
		return nil, err
	}

	b.Vault, err = backup.NewVault(ctx, child("vault"), &backup.VaultArgs{
		Name:      pulumi.String(a.PIT + "-backups"),
		KmsKeyArn: a.KMSKeyARN,
		Tags:      pulumi.StringMap{"Name": pulumi.String(a.PIT + "-backups"), TagDataClassification: pulumi.String(DataClassificationPHI)},
	}, parent, pulumi.RetainOnDelete(true), pulumi.Protect(a.Protect))
	if err != nil {
		return nil, fmt.Errorf("create backup vault: %w", err)
	}
	b.Plan, err = backup.NewPlan(ctx, child("plan"), &backup.PlanArgs{
		Name: pulumi.String(a.PIT + "-daily"),
		Rules: backup.PlanRuleArray{&backup.PlanRuleArgs{
			RuleName:         pulumi.String("daily"),
			TargetVaultName:  b.Vault.Name,
			Schedule:         pulumi.String(backupSchedule),
			StartWindow:      pulumi.Int(60),
			CompletionWindow: pulumi.Int(360),
			Lifecycle:        &backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(a.RetentionDays)},
			RecoveryPointTags: pulumi.StringMap{"Project": pulumi.String(a.PIT),
				TagDataClassification: pulumi.String(DataClassificationPHI)},
		}},
		Tags: pulumi.StringMap{"Name": pulumi.String(a.PIT + "-daily")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create backup plan: %w", err)
	}
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "AWSBackup", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("backup")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}}},
	}}}.JSON()
	if err != nil {
		return nil, fmt.Errorf("backup role trust policy: %w", err)
	}
	role, err := iam.NewRole(ctx, child("role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("AWS Backup for %s", a.PIT),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-backup")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create backup role: %w", err)
	}
	// AWS's managed policies for AWS Backup: the service decides which API calls a backup and a restore
	// of each resource type need, and keeps them current.
	for suffix, policy := range map[string]string{"backup-attachment": "AWSBackupServiceRolePolicyForBackup", "restore-attachment": "AWSBackupServiceRolePolicyForRestores"} {
		arn := pulumi.Sprintf("arn:%s:iam::aws:policy/service-role/%s", a.ARNs.Partition, policy)
		if _, err := attachPolicy(ctx, child(suffix), role.Name, arn, "attach "+policy, parent); err != nil {
			return nil, err
		}
	}
	b.Selection, err = backup.NewSelection(ctx, child("selection"), &backup.SelectionArgs{
		Name:       pulumi.String(a.PIT + "-stateful"),
		PlanId:     b.Plan.ID(),
		IamRoleArn: role.Arn,
		Resources:  a.Resources,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create backup selection: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"vault": b.Vault.Name, "plan": b.Plan.ID()}); err != nil {
		return nil, fmt.Errorf("register backup plan outputs: %w", err)
	}
	return b, nil
}

package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// buildCostControl creates the working-hours schedule of the stack's instances (and Redshift) and the
// project's budget.
func buildCostControl(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*components.CostControl, error) {
	args := &components.CostControlArgs{
		PIT: cfg.PIT, ARNs: arns, KMSKeyARN: s.Key.ARN,
		MonthlyBudgetUSD: cfg.MonthlyBudgetUSD, NotificationEmails: cfg.NotificationEmails,
	}
	if cfg.Schedule != nil {
		args.Hours = &components.WorkingHours{Start: cfg.Schedule.StartHour, Stop: cfg.Schedule.StopHour, Days: cfg.Schedule.Days, TimeZone: cfg.Schedule.TimeZone}
		args.InstanceIDs = []pulumi.StringInput{s.Compute.Bastion.Instance.ID().ToStringOutput(), s.Compute.Workstation.Instance.ID().ToStringOutput()}
		if s.Data != nil {
			args.InstanceIDs = append(args.InstanceIDs, s.Data.Atlas.Instance.ID().ToStringOutput())
			args.RedshiftCluster = s.Data.Redshift.Identifier
		}
		// Working hours that leave the instances stopped at the patch window get a start before it and a
		// stop after it (configuration refuses hours that start or stop inside it).
		w := config.ThePatchWindow()
		fit, err := cfg.Schedule.Fit(w)
		if err != nil {
			return nil, fmt.Errorf("fit the patch window to the working hours: %w", err)
		}
		if fit == config.WindowWhileStopped {
			args.Maintenance = &components.MaintenanceWindow{Start: w.StartCron(), Stop: w.StopCron()}
		}
	}
	return components.NewCostControl(ctx, cfg.PIT+"-cost", args, opts...)
}

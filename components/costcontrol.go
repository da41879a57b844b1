package components

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/scheduler"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EventBridge Scheduler's universal targets: AWS API calls made by the scheduler itself, no Lambda.
const (
	targetStopInstances  = "arn:aws:scheduler:::aws-sdk:ec2:stopInstances"
	targetStartInstances = "arn:aws:scheduler:::aws-sdk:ec2:startInstances"
	targetPauseCluster   = "arn:aws:scheduler:::aws-sdk:redshift:pauseCluster"
	targetResumeCluster  = "arn:aws:scheduler:::aws-sdk:redshift:resumeCluster"
)

// WorkingHours is when the instances run: from Start to Stop (whole hours, 0-23) on Days (a cron day-of-week
// field such as "MON-FRI"), in TimeZone (an IANA name).
type WorkingHours struct {
	Start, Stop int
	Days        string
	TimeZone    string
}

// MaintenanceWindow is when the instances must run for patching: EventBridge Scheduler cron expressions
// in UTC, the patch association's time zone.
type MaintenanceWindow struct {
	Start, Stop string
}

// CostControlArgs configures a CostControl.
type CostControlArgs struct {
	// PIT names the schedules and the budget, and filters the budget by the Project tag. Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// Hours is the working-hours schedule. Nil: no schedule.
	Hours *WorkingHours
	// InstanceIDs are started and stopped on schedule.
	InstanceIDs []pulumi.StringInput
	// Maintenance, if set, starts the instances for the weekly patch window and stops them after it: the
	// working hours leave them stopped then, and Systems Manager does not patch a stopped instance.
	Maintenance *MaintenanceWindow
	// RedshiftCluster, if set, is paused and resumed on the same schedule.
	RedshiftCluster string
	// KMSKeyARN encrypts the instances' volumes: starting them needs a grant on it. Required with a schedule.
	KMSKeyARN pulumi.StringInput
	// MonthlyBudgetUSD is the budget's limit. Required.
	MonthlyBudgetUSD int
	// NotificationEmails are alerted at 80% and 100% of the budget. Default: none.
	NotificationEmails []string
}

// CostControl holds the seed's "shut down instances over the weekend": EventBridge Scheduler schedules
// that stop the instances (and pause Redshift) after working hours and start them before, and an AWS
// Budget for the project's tag that alerts at 80% and 100%.
type CostControl struct {
	pulumi.ResourceState

	Schedules []*scheduler.Schedule
	Budget    *budgets.Budget
}

// NewCostControl creates the schedules and the budget.
func NewCostControl(ctx *pulumi.Context, name string, args *CostControlArgs, opts ...pulumi.ResourceOption) (*CostControl, error) {
	if args == nil || args.PIT == "" || args.ARNs.AccountID == "" || args.MonthlyBudgetUSD <= 0 {
		return nil, fmt.Errorf("cost control %s: PIT, account and a positive monthly budget are required", name)
	}
	a := *args
	if h := a.Hours; h != nil && (h.Start < 0 || h.Start > 23 || h.Stop < 0 || h.Stop > 23 || h.Start == h.Stop || h.Days == "" || h.TimeZone == "") {
		return nil, fmt.Errorf("cost control %s: working hours %+v are not valid", name, *h)
	}
	c := &CostControl{}
	child, parent, err := registerComponent(ctx, "sce:cost:CostControl", "cost control", name, c, opts...)
	if err != nil {
		return nil, err
	}
	if a.Hours != nil && a.KMSKeyARN == nil {
		return nil, fmt.Errorf("cost control %s: the project key is required with a schedule", name)
	}
	if a.Hours != nil && (len(a.InstanceIDs) > 0 || a.RedshiftCluster != "") {
		if err := c.schedules(ctx, child, a, parent); err != nil {
			return nil, err
		}
	}
	c.Budget, err = budgets.NewBudget(ctx, child("budget"), &budgets.BudgetArgs{
		Name:        pulumi.String(a.PIT + "-monthly"),
		BudgetType:  pulumi.String("COST"),
		TimeUnit:    pulumi.String("MONTHLY"),
		LimitAmount: pulumi.String(fmt.Sprintf("%d", a.MonthlyBudgetUSD)),
		LimitUnit:   pulumi.String("USD"),
		// Costs are attributed through the Project tag, which must be activated as a cost allocation tag.
		CostFilters: budgets.BudgetCostFilterArray{&budgets.BudgetCostFilterArgs{
			Name:   pulumi.String("TagKeyValue"),
			Values: pulumi.StringArray{pulumi.String("user:Project$" + a.PIT)},
		}},
		Notifications: budgetNotifications(a.NotificationEmails),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create budget: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"budget": c.Budget.Name}); err != nil {
		return nil, fmt.Errorf("register cost control outputs: %w", err)
	}
	return c, nil
}

// budgetNotifications e-mail emails when the actual spend passes 80% and 100% of the budget and when the
// forecast passes 100%; none without addresses.
func budgetNotifications(emails []string) budgets.BudgetNotificationArray {
	if len(emails) == 0 {
		return nil
	}
	var out budgets.BudgetNotificationArray
	for _, n := range []struct {
		percent float64
		kind    string
	}{{80, "ACTUAL"}, {100, "ACTUAL"}, {100, "FORECASTED"}} {
		out = append(out, &budgets.BudgetNotificationArgs{
			ComparisonOperator:       pulumi.String("GREATER_THAN"),
			Threshold:                pulumi.Float64(n.percent),
			ThresholdType:            pulumi.String("PERCENTAGE"),
			NotificationType:         pulumi.String(n.kind),
			SubscriberEmailAddresses: pulumi.ToStringArray(emails),
		})
	}
	return out
}

// schedules creates the scheduler's role and the stop and start schedules.
func (c *CostControl) schedules(ctx *pulumi.Context, child func(string) string, a CostControlArgs, parent pulumi.ResourceOption) error {
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "SchedulerOfThisAccount", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("scheduler")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}}},
	}}}.JSON()
	if err != nil {
		return fmt.Errorf("scheduler role trust policy: %w", err)
	}
	role, err := iam.NewRole(ctx, child("scheduler-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("Stops and starts the %s instances on the working-hours schedule", a.PIT),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-scheduler")},
	}, parent)
	if err != nil {
		return fmt.Errorf("create scheduler role: %w", err)
	}
	stmts := []Statement{{
		Sid: "StopAndStartProjectInstances", Effect: Allow, Action: []string{"ec2:StopInstances", "ec2:StartInstances"},
		Resource:  []string{fmt.Sprintf("arn:%s:ec2:%s:%s:instance/*", a.ARNs.Partition, a.ARNs.Region, a.ARNs.AccountID)},
		Condition: Condition{"StringEquals": {"aws:ResourceTag/Project": {a.PIT}}},
	}}
	if a.RedshiftCluster != "" {
		stmts = append(stmts, Statement{Sid: "PauseAndResumeTheCluster", Effect: Allow,
			Action:   []string{"redshift:PauseCluster", "redshift:ResumeCluster"},
			Resource: []string{fmt.Sprintf("arn:%s:redshift:%s:%s:cluster:%s", a.ARNs.Partition, a.ARNs.Region, a.ARNs.AccountID, a.RedshiftCluster)}})
	}
	doc := a.KMSKeyARN.ToStringOutput().ApplyT(func(key string) (string, error) {
		// Instances with encrypted volumes start only if the caller may grant EC2 the use of the key.
		all := append(append([]Statement{}, stmts...), Statement{Sid: "StartEncryptedVolumes", Effect: Allow, Action: []string{"kms:CreateGrant"},
			Resource: []string{key},
			Condition: Condition{"StringEquals": {"kms:ViaService": {fmt.Sprintf("ec2.%s.amazonaws.com", a.ARNs.Region)}},
				"Bool": {"kms:GrantIsForAWSResource": {"true"}}}})
		return PolicyDocument{Version: PolicyVersion, Statement: all}.JSON()
	}).(pulumi.StringOutput)
	attachment, err := newRolePolicy(ctx, rolePolicy{
		name: child("scheduler-policy"), attachment: child("scheduler-policy-attachment"), role: role.Name,
		args:      &iam.PolicyArgs{Description: pulumi.Sprintf("Stop and start the %s instances only", a.PIT), Policy: doc},
		createErr: "create scheduler policy", attachErr: "attach scheduler policy",
	}, parent)
	if err != nil {
		return err
	}
	h := a.Hours
	stopAt := fmt.Sprintf("cron(0 %d ? * %s *)", h.Stop, h.Days)
	startAt := fmt.Sprintf("cron(0 %d ? * %s *)", h.Start, h.Days)
	addIn := func(suffix, expr, zone, what, target string, input pulumi.StringInput) error {
		s, err := scheduler.NewSchedule(ctx, child(suffix), &scheduler.ScheduleArgs{
			Name:                       pulumi.String(a.PIT + "-" + suffix),
			Description:                pulumi.Sprintf("%s of %s", what, a.PIT),
			ScheduleExpression:         pulumi.String(expr),
			ScheduleExpressionTimezone: pulumi.String(zone),
			FlexibleTimeWindow:         &scheduler.ScheduleFlexibleTimeWindowArgs{Mode: pulumi.String("OFF")},
			Target: &scheduler.ScheduleTargetArgs{
				Arn: pulumi.String(target), RoleArn: role.Arn, Input: input,
				RetryPolicy: &scheduler.ScheduleTargetRetryPolicyArgs{MaximumRetryAttempts: pulumi.Int(3)},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{attachment}))
		if err != nil {
			return fmt.Errorf("create schedule %s: %w", suffix, err)
		}
		c.Schedules = append(c.Schedules, s)
		return nil
	}
	add := func(suffix, expr, target string, input pulumi.StringInput) error {
		return addIn(suffix, expr, h.TimeZone, "Working hours", target, input)
	}
	if len(a.InstanceIDs) > 0 {
		ids := pulumi.StringArray(a.InstanceIDs)
		input := ids.ToStringArrayOutput().ApplyT(func(v []string) (string, error) {
			b, err := json.Marshal(map[string]any{"InstanceIds": v})
			if err != nil {
				return "", fmt.Errorf("encode instance ids: %w", err)
			}
			return string(b), nil
		}).(pulumi.StringOutput)
		if err := add("stop-instances", stopAt, targetStopInstances, input); err != nil {
			return err
		}
		if err := add("start-instances", startAt, targetStartInstances, input); err != nil {
			return err
		}
		if m := a.Maintenance; m != nil {
			if err := addIn("maintenance-start", m.Start, "UTC", "Patch window", targetStartInstances, input); err != nil {
				return err
			}
			if err := addIn("maintenance-stop", m.Stop, "UTC", "Patch window", targetStopInstances, input); err != nil {
				return err
			}
		}
	}
	if a.RedshiftCluster != "" {
		input := pulumi.String(fmt.Sprintf(`{"ClusterIdentifier":%q}`, a.RedshiftCluster))
		if err := add("pause-redshift", stopAt, targetPauseCluster, input); err != nil {
			return err
		}
		if err := add("resume-redshift", startAt, targetResumeCluster, input); err != nil {
			return err
		}
	}
	return nil
}

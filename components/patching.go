package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultPatchSchedule applies security patches every Sunday at 03:00 UTC.
const DefaultPatchSchedule = "cron(0 3 ? * SUN *)"

// Reboot options of AWS-RunPatchBaseline.
const (
	// RebootIfNeeded reboots the instance when a patch it installed needs a reboot.
	RebootIfNeeded = "RebootIfNeeded"
	// NoReboot never reboots; patches that need a reboot take effect at the next start.
	NoReboot = "NoReboot"
)

// autoScalingGroupTag is the tag Auto Scaling puts on every instance it launches, naming its group.
const autoScalingGroupTag = "aws:autoscaling:groupName"

// PatchScheduleArgs configures a PatchSchedule.
type PatchScheduleArgs struct {
	// PIT names the associations. Required.
	PIT string
	// InstanceIDs are the long-lived instances (bastion, workstation, Atlas host): patched, and rebooted
	// when a patch needs it. Required.
	InstanceIDs []pulumi.StringInput
	// WorkerGroupName is the Auto Scaling group of the workers, patched without a reboot, which would cut
	// a job short. Default: none (no worker pool).
	WorkerGroupName string
	// Schedule is an SSM cron expression; a rate expression is refused, as AWS refuses it together with
	// applyOnlyAtCronInterval. Default: DefaultPatchSchedule.
	Schedule string
}

// PatchSchedule patches the project's instances in place through Systems Manager (AWS-RunPatchBaseline,
// Install), since their image is never replaced under them: the seed's "how does sudo yum update happen?".
//
// Neither association runs when it is created (applyOnlyAtCronInterval): by default State Manager runs a
// new association at once, and RebootIfNeeded could then reboot an instance in the middle of its first
// boot. The first boot installs the security updates itself. The long-lived instances are targeted by id,
// never by the Project tag, which the workers carry too; the workers have an association of their own
// that never reboots.
type PatchSchedule struct {
	pulumi.ResourceState

	// Association patches the long-lived instances, rebooting them when needed.
	Association *ssm.Association
	// WorkerAssociation patches the workers without a reboot; nil without a worker pool.
	WorkerAssociation *ssm.Association
}

func (a *PatchScheduleArgs) check(name string) error {
	if a == nil || a.PIT == "" || len(a.InstanceIDs) == 0 {
		return fmt.Errorf("patch schedule %s: PIT and at least one instance id are required", name)
	}
	if a.Schedule != "" && !strings.HasPrefix(a.Schedule, "cron(") {
		return fmt.Errorf("patch schedule %s: schedule %q is not a cron expression; accepted: cron(...), since an association that runs only at its cron interval cannot take a rate expression", name, a.Schedule)
	}
	return nil
}

// NewPatchSchedule creates the associations.
func NewPatchSchedule(ctx *pulumi.Context, name string, args *PatchScheduleArgs, opts ...pulumi.ResourceOption) (*PatchSchedule, error) {
	if err := args.check(name); err != nil {
		return nil, err
	}
	schedule := args.Schedule
	if schedule == "" {
		schedule = DefaultPatchSchedule
	}
	p := &PatchSchedule{}
	if err := ctx.RegisterComponentResource("sce:compute:PatchSchedule", name, p, opts...); err != nil {
		return nil, fmt.Errorf("register patch schedule %s: %w", name, err)
	}
	association := func(suffix, associationName, reboot string, target *ssm.AssociationTargetArgs) (*ssm.Association, error) {
		a, err := ssm.NewAssociation(ctx, name+"-"+suffix, &ssm.AssociationArgs{
			Name:                    pulumi.String("AWS-RunPatchBaseline"),
			AssociationName:         pulumi.String(associationName),
			ScheduleExpression:      pulumi.String(schedule),
			ApplyOnlyAtCronInterval: pulumi.Bool(true),
			Parameters:              pulumi.StringMap{"Operation": pulumi.String("Install"), "RebootOption": pulumi.String(reboot)},
			Targets:                 ssm.AssociationTargetArray{target},
			ComplianceSeverity:      pulumi.String("HIGH"),
		}, pulumi.Parent(p))
		if err != nil {
			return nil, fmt.Errorf("create patch association %s: %w", associationName, err)
		}
		return a, nil
	}
	var err error
	p.Association, err = association("run-patch-baseline", args.PIT+"-security-patches", RebootIfNeeded,
		&ssm.AssociationTargetArgs{Key: pulumi.String("InstanceIds"), Values: pulumi.StringArray(args.InstanceIDs)})
	if err != nil {
		return nil, err
	}
	outputs := pulumi.Map{"association": p.Association.AssociationId}
	if args.WorkerGroupName != "" {
		p.WorkerAssociation, err = association("workers-run-patch-baseline", args.PIT+"-worker-security-patches", NoReboot,
			&ssm.AssociationTargetArgs{Key: pulumi.String("tag:" + autoScalingGroupTag), Values: pulumi.StringArray{pulumi.String(args.WorkerGroupName)}})
		if err != nil {
			return nil, err
		}
		outputs["workerAssociation"] = p.WorkerAssociation.AssociationId
	}
	if err := ctx.RegisterResourceOutputs(p, outputs); err != nil {
		return nil, fmt.Errorf("register patch schedule outputs: %w", err)
	}
	return p, nil
}

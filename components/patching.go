package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultPatchSchedule applies security patches every Sunday at 03:00 UTC.
const DefaultPatchSchedule = "cron(0 3 ? * SUN *)"

// PatchScheduleArgs configures a PatchSchedule.
type PatchScheduleArgs struct {
	// PIT selects the instances: every instance tagged Project=<PIT>. Required.
	PIT string
	// Schedule is an SSM cron or rate expression. Default: DefaultPatchSchedule.
	Schedule string
}

// PatchSchedule patches the project's instances in place through Systems Manager (AWS-RunPatchBaseline,
// Install), since their image is never replaced under them: the seed's "how does sudo yum update happen?".
type PatchSchedule struct {
	pulumi.ResourceState

	Association *ssm.Association
}

// NewPatchSchedule creates the association.
func NewPatchSchedule(ctx *pulumi.Context, name string, args *PatchScheduleArgs, opts ...pulumi.ResourceOption) (*PatchSchedule, error) {
	if args == nil || args.PIT == "" {
		return nil, fmt.Errorf("patch schedule %s: PIT is required", name)
	}
	schedule := args.Schedule
	if schedule == "" {
		schedule = DefaultPatchSchedule
	}
	p := &PatchSchedule{}
	if err := ctx.RegisterComponentResource("sce:compute:PatchSchedule", name, p, opts...); err != nil {
		return nil, fmt.Errorf("register patch schedule %s: %w", name, err)
	}
	var err error
	p.Association, err = ssm.NewAssociation(ctx, name+"-run-patch-baseline", &ssm.AssociationArgs{
		Name:               pulumi.String("AWS-RunPatchBaseline"),
		AssociationName:    pulumi.String(args.PIT + "-security-patches"),
		ScheduleExpression: pulumi.String(schedule),
		Parameters:         pulumi.StringMap{"Operation": pulumi.String("Install"), "RebootOption": pulumi.String("RebootIfNeeded")},
		Targets: ssm.AssociationTargetArray{&ssm.AssociationTargetArgs{
			Key:    pulumi.String("tag:Project"),
			Values: pulumi.StringArray{pulumi.String(args.PIT)},
		}},
		ComplianceSeverity: pulumi.String("HIGH"),
	}, pulumi.Parent(p))
	if err != nil {
		return nil, fmt.Errorf("create patch association: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{"association": p.Association.AssociationId}); err != nil {
		return nil, fmt.Errorf("register patch schedule outputs: %w", err)
	}
	return p, nil
}

package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newLoginAssociation runs an instance's login script through Systems Manager (AWS-RunShellScript) when
// the association is created and again whenever the script changes, that is whenever sce:researchers
// changes: user data runs only at first boot, so without it a researcher added later would get no login,
// and one removed would keep theirs (access termination, 164.308(a)(3)(ii)(C)).
func newLoginAssociation(ctx *pulumi.Context, child func(string) string, u UserData, instanceID pulumi.IDOutput, parent pulumi.ResourceOption) (*ssm.Association, error) {
	script, err := RenderLoginScript(u)
	if err != nil {
		return nil, err
	}
	a, err := ssm.NewAssociation(ctx, child("logins"), &ssm.AssociationArgs{
		Name:            pulumi.String("AWS-RunShellScript"),
		AssociationName: pulumi.String(u.PIT + "-" + u.Role + "-logins"),
		Parameters:      pulumi.StringMap{"commands": pulumi.String(script)},
		Targets: ssm.AssociationTargetArray{&ssm.AssociationTargetArgs{
			Key:    pulumi.String("InstanceIds"),
			Values: pulumi.StringArray{instanceID.ToStringOutput()},
		}},
		ComplianceSeverity: pulumi.String("HIGH"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create %s login association: %w", u.Role, err)
	}
	return a, nil
}

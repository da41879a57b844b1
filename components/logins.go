package components

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// loginDocument is an SSM Command document (schema 2.2) that runs a shell script on Linux instances.
type loginDocument struct {
	SchemaVersion string      `json:"schemaVersion"`
	Description   string      `json:"description"`
	MainSteps     []loginStep `json:"mainSteps"`
}

type loginStep struct {
	Action string          `json:"action"`
	Name   string          `json:"name"`
	Inputs loginStepInputs `json:"inputs"`
}

type loginStepInputs struct {
	RunCommand []string `json:"runCommand"`
}

// LoginDocumentContent returns the SSM document that runs an instance's login script.
func LoginDocumentContent(u UserData) (string, error) {
	script, err := RenderLoginScript(u)
	if err != nil {
		return "", err
	}
	doc := loginDocument{
		SchemaVersion: "2.2",
		Description:   fmt.Sprintf("Reconcile the researcher logins of the %s of %s with sce:researchers", u.Role, u.PIT),
		MainSteps: []loginStep{{Action: "aws:runShellScript", Name: "reconcileLogins",
			Inputs: loginStepInputs{RunCommand: strings.Split(strings.TrimSuffix(script, "\n"), "\n")}}},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", fmt.Errorf("marshal %s login document: %w", u.Role, err)
	}
	return string(b), nil
}

// newLoginAssociation runs an instance's login script through Systems Manager: the script is an SSM
// document of this stack, and the association is pinned to the document's default version, so when
// sce:researchers changes the document gets a new version, the association is updated and Systems Manager
// runs it again. User data runs only at first boot: without this a researcher added later would get no
// login, and one removed would keep theirs (termination procedures, 164.308(a)(3)(ii)(C)).
func newLoginAssociation(ctx *pulumi.Context, child func(string) string, u UserData, instanceID pulumi.IDOutput, parent pulumi.ResourceOption) (*ssm.Association, error) {
	content, err := LoginDocumentContent(u)
	if err != nil {
		return nil, err
	}
	name := u.PIT + "-" + u.Role + "-logins"
	doc, err := ssm.NewDocument(ctx, child("logins-document"), &ssm.DocumentArgs{
		Name:           pulumi.String(name),
		DocumentType:   pulumi.String("Command"),
		DocumentFormat: pulumi.String("JSON"),
		TargetType:     pulumi.String("/AWS::EC2::Instance"),
		Content:        pulumi.String(content),
		Tags:           pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create %s login document: %w", u.Role, err)
	}
	a, err := ssm.NewAssociation(ctx, child("logins"), &ssm.AssociationArgs{
		Name:            doc.Name,
		DocumentVersion: doc.DefaultVersion,
		AssociationName: pulumi.String(name),
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

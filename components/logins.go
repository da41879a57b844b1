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
	// TimeoutSeconds bounds one run; the script's wait for the first boot's hardening fits within it.
	TimeoutSeconds string `json:"timeoutSeconds"`
}

// loginTimeoutSeconds is the login step's timeout, written out although it is aws:runShellScript's
// default: the script waits up to 50 minutes for the first boot's hardening.
const loginTimeoutSeconds = "3600"

// LoginDocumentContent returns the SSM document that runs an instance's login script. It refuses a
// document larger than Systems Manager accepts.
func LoginDocumentContent(l Logins) (string, error) {
	script, err := RenderLoginScript(l)
	if err != nil {
		return "", err
	}
	doc := loginDocument{
		SchemaVersion: "2.2",
		Description:   fmt.Sprintf("Reconcile the researcher logins of the %s of %s with sce:researchers", l.Role, l.PIT),
		MainSteps: []loginStep{{Action: "aws:runShellScript", Name: "reconcileLogins",
			Inputs: loginStepInputs{RunCommand: strings.Split(strings.TrimSuffix(script, "\n"), "\n"), TimeoutSeconds: loginTimeoutSeconds}}},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", fmt.Errorf("marshal %s login document: %w", l.Role, err)
	}
	if len(b) > MaxDocumentBytes {
		return "", fmt.Errorf("the %s login document for %d researchers is %d bytes; Systems Manager accepts at most %d: list fewer researchers, or shorter (ed25519) keys",
			l.Role, len(l.Researchers), len(b), MaxDocumentBytes)
	}
	return string(b), nil
}

// newLoginAssociation gives an instance its researcher logins through Systems Manager, and only through
// it: the login script is an SSM document of this stack, and the association is pinned to the document's
// default version. A new association runs as soon as the instance registers with Systems Manager (its
// script then waits for the first boot's hardening); when sce:researchers changes, the document gets a
// new version, the association is updated and runs again, and the instance itself is not touched. Without
// it a researcher added later would get no login, and one removed would keep theirs (termination
// procedures, 164.308(a)(3)(ii)(C)).
func newLoginAssociation(ctx *pulumi.Context, child func(string) string, l Logins, instanceID pulumi.IDOutput, parent pulumi.ResourceOption) (*ssm.Association, error) {
	content, err := LoginDocumentContent(l)
	if err != nil {
		return nil, err
	}
	name := l.PIT + "-" + l.Role + "-logins"
	doc, err := ssm.NewDocument(ctx, child("logins-document"), &ssm.DocumentArgs{
		Name:           pulumi.String(name),
		DocumentType:   pulumi.String("Command"),
		DocumentFormat: pulumi.String("JSON"),
		TargetType:     pulumi.String("/AWS::EC2::Instance"),
		Content:        pulumi.String(content),
		Tags:           pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create %s login document: %w", l.Role, err)
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
		return nil, fmt.Errorf("create %s login association: %w", l.Role, err)
	}
	return a, nil
}

package components

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BrokerInstall is what the broker's install script is rendered from.
type BrokerInstall struct {
	// PIT and Region name the project and the S3 region.
	PIT, Region string
	// URI is the s3:// address of the executable in the ancillary bucket; SHA256 the digest S3 computed
	// at upload, in hex.
	URI, SHA256 string
}

// HardenedMarker is the file the first boot writes once the workstation is hardened.
func (BrokerInstall) HardenedMarker() string { return hardenedMarker }

// BrokerKey is the key of the broker's executable for an architecture (x86_64, aarch64).
func BrokerKey(arch string) string { return BrokerPrefix + arch + "/sce-broker" }

// RenderBrokerInstall renders the script that installs the broker's executable.
func RenderBrokerInstall(b BrokerInstall) (string, error) {
	for name, v := range map[string]string{"PIT": b.PIT, "region": b.Region, "address": b.URI} {
		if !safeAtlasValue.MatchString(v) {
			return "", fmt.Errorf("broker install: %s %q is not a plain value", name, v)
		}
	}
	if !strings.HasPrefix(b.URI, "s3://") || !sha256Hex.MatchString(b.SHA256) {
		return "", fmt.Errorf("broker install: the executable needs an s3:// address and its sha256 (got %q, %q)", b.URI, b.SHA256)
	}
	t, err := template.ParseFS(userDataFS, "userdata/broker-install.tmpl")
	if err != nil {
		return "", fmt.Errorf("parse broker install template: %w", err)
	}
	var out bytes.Buffer
	if err := t.ExecuteTemplate(&out, "broker-install", b); err != nil {
		return "", fmt.Errorf("render broker install: %w", err)
	}
	return out.String(), nil
}

// BrokerDocumentContent is the SSM document that runs the broker's install script.
func BrokerDocumentContent(b BrokerInstall) (string, error) {
	script, err := RenderBrokerInstall(b)
	if err != nil {
		return "", err
	}
	doc := loginDocument{
		SchemaVersion: "2.2",
		Description:   fmt.Sprintf("Install the credential broker of the workstation of %s", b.PIT),
		MainSteps: []loginStep{{Action: "aws:runShellScript", Name: "installBroker",
			Inputs: loginStepInputs{RunCommand: strings.Split(strings.TrimSuffix(script, "\n"), "\n"), TimeoutSeconds: loginTimeoutSeconds}}},
	}
	raw, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", fmt.Errorf("marshal broker document: %w", err)
	}
	return string(raw), nil
}

// brokerArgs describe the broker's delivery to one workstation.
type brokerArgs struct {
	pit, region, arch string
	binary            pulumi.Asset
	software          *EncryptedBucket
	key               pulumi.StringInput
	instanceID        pulumi.IDOutput
}

// newBrokerInstall uploads the broker's executable into the ancillary bucket (S3 checks and keeps its
// SHA-256) and has Systems Manager install it on the workstation: the association runs when the instance
// registers and again whenever the executable, hence the document, changes. It is not in the user data,
// which runs at the first boot only and whose change would stop and start the instance without running
// again.
func newBrokerInstall(ctx *pulumi.Context, child func(string) string, a brokerArgs, parent pulumi.ResourceOption) error {
	obj, err := s3.NewBucketObjectv2(ctx, child("broker-binary"), &s3.BucketObjectv2Args{
		Bucket:               a.software.Bucket.ID(),
		Key:                  pulumi.String(BrokerKey(a.arch)),
		Source:               a.binary,
		ServerSideEncryption: pulumi.String("aws:kms"),
		KmsKeyId:             a.key,
		BucketKeyEnabled:     pulumi.Bool(true),
		ChecksumAlgorithm:    pulumi.String("SHA256"),
		Tags:                 pulumi.StringMap{"Name": pulumi.String(a.pit + "-credential-broker")},
	}, parent)
	if err != nil {
		return fmt.Errorf("upload the credential broker: %w", err)
	}
	content := pulumi.All(a.software.Bucket.Bucket, obj.Key, obj.ChecksumSha256).ApplyT(func(v []any) (string, error) {
		sum, err := hexSHA256(v[2].(string))
		if err != nil {
			return "", fmt.Errorf("credential broker: %w", err)
		}
		return BrokerDocumentContent(BrokerInstall{PIT: a.pit, Region: a.region, URI: "s3://" + v[0].(string) + "/" + v[1].(string), SHA256: sum})
	}).(pulumi.StringOutput)
	name := a.pit + "-workstation-broker"
	doc, err := ssm.NewDocument(ctx, child("broker-document"), &ssm.DocumentArgs{
		Name:           pulumi.String(name),
		DocumentType:   pulumi.String("Command"),
		DocumentFormat: pulumi.String("JSON"),
		TargetType:     pulumi.String("/AWS::EC2::Instance"),
		Content:        content,
		Tags:           pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return fmt.Errorf("create the credential broker's document: %w", err)
	}
	if _, err := ssm.NewAssociation(ctx, child("broker"), &ssm.AssociationArgs{
		Name:            doc.Name,
		DocumentVersion: doc.DefaultVersion,
		AssociationName: pulumi.String(name),
		Targets: ssm.AssociationTargetArray{&ssm.AssociationTargetArgs{
			Key: pulumi.String("InstanceIds"), Values: pulumi.StringArray{a.instanceID.ToStringOutput()},
		}},
		ComplianceSeverity: pulumi.String("HIGH"),
	}, parent); err != nil {
		return fmt.Errorf("create the credential broker's association: %w", err)
	}
	return nil
}

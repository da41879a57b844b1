package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/emr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccountBaselineArgs configures an AccountBaseline.
type AccountBaselineArgs struct {
	// PIT names the recorder and its role. Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// KMSKeyARN encrypts what AWS Config delivers. Required.
	KMSKeyARN pulumi.StringInput
	// LogBucket is the bucket Config delivers into; its policy must allow Config. Required.
	LogBucket pulumi.StringInput
	// LogBucketPolicy is that bucket's policy: the delivery channel waits for it. Required.
	LogBucketPolicy pulumi.Resource
	// LogPrefix is Config's key prefix in the log bucket. Default: "config".
	LogPrefix string
	// EMRBlockPublicAccess turns on EMR block public access for the account and region (no cluster may
	// start with a security group open to the internet). Default: false (set when the stack has EMR).
	EMRBlockPublicAccess bool
}

// AccountBaseline holds what exists once per account and region: the AWS Config recorder (all supported
// resource types, global types included), its delivery channel and status, account-level S3 Block Public
// Access, and EBS encryption by default. The account settings are retained when the stack is destroyed:
// closing one project must not weaken the account.
type AccountBaseline struct {
	pulumi.ResourceState

	// Recorder is the AWS Config recorder; RecorderStatus turns it on.
	Recorder       *cfg.Recorder
	RecorderStatus *cfg.RecorderStatus
}

// NewAccountBaseline creates the account-level parts.
func NewAccountBaseline(ctx *pulumi.Context, name string, args *AccountBaselineArgs, opts ...pulumi.ResourceOption) (*AccountBaseline, error) {
	if args == nil || args.PIT == "" || args.ARNs.AccountID == "" || args.KMSKeyARN == nil || args.LogBucket == nil || args.LogBucketPolicy == nil {
		return nil, fmt.Errorf("account baseline %s: PIT, account, key, log bucket and its policy are required", name)
	}
	a := *args
	if a.LogPrefix == "" {
		a.LogPrefix = "config"
	}
	b := &AccountBaseline{}
	if err := ctx.RegisterComponentResource("sce:audit:AccountBaseline", name, b, opts...); err != nil {
		return nil, fmt.Errorf("register account baseline %s: %w", name, err)
	}
	child := func(suffix string) string { return name + "-" + suffix }
	parent := pulumi.Parent(b)

	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "ConfigOfThisAccount", Effect: Allow,
		Principal: &Principal{Service: []string{ServicePrincipal("config")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}}},
	}}}.JSON()
	if err != nil {
		return nil, fmt.Errorf("config role trust policy: %w", err)
	}
	role, err := iam.NewRole(ctx, child("config-role"), &iam.RoleArgs{
		Description:      pulumi.String("Lets AWS Config read resource configurations"),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-config")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create config role: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, child("config-role-policy"), &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.Sprintf("arn:%s:iam::aws:policy/service-role/AWS_ConfigRole", a.ARNs.Partition),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("attach AWS_ConfigRole: %w", err)
	}
	recorderName := a.PIT + "-recorder"
	b.Recorder, err = cfg.NewRecorder(ctx, child("recorder"), &cfg.RecorderArgs{
		Name:    pulumi.String(recorderName),
		RoleArn: role.Arn,
		RecordingGroup: &cfg.RecorderRecordingGroupArgs{
			AllSupported:               pulumi.Bool(true),
			IncludeGlobalResourceTypes: pulumi.Bool(true),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{attachment}))
	if err != nil {
		return nil, fmt.Errorf("create config recorder: %w", err)
	}
	channel, err := cfg.NewDeliveryChannel(ctx, child("delivery-channel"), &cfg.DeliveryChannelArgs{
		Name:         pulumi.String(a.PIT + "-delivery"),
		S3BucketName: a.LogBucket,
		S3KeyPrefix:  pulumi.String(a.LogPrefix),
		S3KmsKeyArn:  a.KMSKeyARN,
		SnapshotDeliveryProperties: &cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{
			DeliveryFrequency: pulumi.String("TwentyFour_Hours"),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{b.Recorder, a.LogBucketPolicy}))
	if err != nil {
		return nil, fmt.Errorf("create config delivery channel: %w", err)
	}
	b.RecorderStatus, err = cfg.NewRecorderStatus(ctx, child("recorder-status"), &cfg.RecorderStatusArgs{
		Name:      b.Recorder.Name,
		IsEnabled: pulumi.Bool(true),
	}, parent, pulumi.DependsOn([]pulumi.Resource{channel}))
	if err != nil {
		return nil, fmt.Errorf("turn the config recorder on: %w", err)
	}

	keep := []pulumi.ResourceOption{parent, pulumi.RetainOnDelete(true)}
	if _, err := s3.NewAccountPublicAccessBlock(ctx, child("s3-public-access-block"), &s3.AccountPublicAccessBlockArgs{
		AccountId:             pulumi.String(a.ARNs.AccountID),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, keep...); err != nil {
		return nil, fmt.Errorf("block public access for the account: %w", err)
	}
	if _, err := ebs.NewEncryptionByDefault(ctx, child("ebs-encryption-by-default"), &ebs.EncryptionByDefaultArgs{
		Enabled: pulumi.Bool(true),
	}, keep...); err != nil {
		return nil, fmt.Errorf("turn on EBS encryption by default: %w", err)
	}
	if a.EMRBlockPublicAccess {
		if _, err := emr.NewBlockPublicAccessConfiguration(ctx, child("emr-block-public-access"), &emr.BlockPublicAccessConfigurationArgs{
			BlockPublicSecurityGroupRules: pulumi.Bool(true),
		}, keep...); err != nil {
			return nil, fmt.Errorf("block public access for emr: %w", err)
		}
	}
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"recorder": b.Recorder.Name}); err != nil {
		return nil, fmt.Errorf("register account baseline outputs: %w", err)
	}
	return b, nil
}

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
	// ExistingConfigRecorder says that the account already has its AWS Config recorder and delivery
	// channel (Control Tower, a Security Hub quick setup, another tool): AWS allows one of each per account
	// and region, so none is created, and the four fields below are not used. Default: false (create them).
	ExistingConfigRecorder bool
	// KMSKeyARN encrypts what AWS Config delivers. Required unless ExistingConfigRecorder.
	KMSKeyARN pulumi.StringInput
	// LogBucket is the name of the bucket Config delivers into. Required unless ExistingConfigRecorder.
	LogBucket pulumi.StringInput
	// LogBucketPolicy is that bucket's policy: the delivery channel waits for it. Required unless
	// ExistingConfigRecorder.
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

	// Role is the role the recorder and the delivery channel act as; Recorder is the AWS Config recorder,
	// DeliveryChannel its delivery into the log bucket, and RecorderStatus turns it on. All four are nil
	// with ExistingConfigRecorder.
	Role            *iam.Role
	Recorder        *cfg.Recorder
	DeliveryChannel *cfg.DeliveryChannel
	RecorderStatus  *cfg.RecorderStatus
}

// check refuses arguments without PIT or account and, unless the account's recorder already exists, without
// the key and the log bucket the delivery channel needs.
func (a *AccountBaselineArgs) check() error {
	switch {
	case a.PIT == "" || a.ARNs.AccountID == "" || a.ARNs.Partition == "":
		return fmt.Errorf("PIT, partition and account are required")
	case a.ExistingConfigRecorder:
		return nil
	case a.KMSKeyARN == nil || a.LogBucket == nil || a.LogBucketPolicy == nil:
		return fmt.Errorf("the key, the log bucket and its policy are required to create the Config delivery channel")
	}
	return nil
}

// NewAccountBaseline creates the account-level parts.
func NewAccountBaseline(ctx *pulumi.Context, name string, args *AccountBaselineArgs, opts ...pulumi.ResourceOption) (*AccountBaseline, error) {
	if args == nil {
		return nil, fmt.Errorf("account baseline %s: args are required", name)
	}
	a := *args
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("account baseline %s: %w", name, err)
	}
	setDefault(&a.LogPrefix, "config")
	b := &AccountBaseline{}
	child, parent, err := registerComponent(ctx, "sce:audit:AccountBaseline", "account baseline", name, b, opts...)
	if err != nil {
		return nil, err
	}

	if !a.ExistingConfigRecorder {
		if err := b.configRecorder(ctx, child, a, parent); err != nil {
			return nil, fmt.Errorf("account baseline %s: %w", name, err)
		}
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
	outputs := pulumi.Map{}
	if b.Recorder != nil {
		outputs["recorder"] = b.Recorder.Name
	}
	if err := ctx.RegisterResourceOutputs(b, outputs); err != nil {
		return nil, fmt.Errorf("register account baseline outputs: %w", err)
	}
	return b, nil
}

// configRecorder creates the recorder, the role it and the delivery channel act as, the channel and the
// recorder status, in the order AWS requires: PutDeliveryChannel needs a recorder (whose role it writes
// as) and checks that it can write into the bucket, so the channel waits for the recorder, the role's
// delivery policy and the bucket policy; StartConfigurationRecorder needs a delivery channel, so the status
// waits for it.
func (b *AccountBaseline) configRecorder(ctx *pulumi.Context, child func(string) string, a AccountBaselineArgs, parent pulumi.ResourceOption) error {
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "ConfigOfThisAccount", Effect: Allow,
		Principal: &Principal{Service: []string{ServicePrincipal("config")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}}},
	}}}.JSON()
	if err != nil {
		return fmt.Errorf("config role trust policy: %w", err)
	}
	b.Role, err = iam.NewRole(ctx, child("config-role"), &iam.RoleArgs{
		Description:      pulumi.String("Lets AWS Config read resource configurations and deliver them to the log bucket"),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-config")},
	}, parent)
	if err != nil {
		return fmt.Errorf("create config role: %w", err)
	}
	describe, err := attachPolicy(ctx, child("config-role-policy"), b.Role.Name,
		pulumi.Sprintf("arn:%s:iam::aws:policy/service-role/AWS_ConfigRole", a.ARNs.Partition), "attach AWS_ConfigRole", parent)
	if err != nil {
		return err
	}
	deliveryDoc := pulumi.All(a.LogBucket, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		return ConfigDeliveryPolicy(a.ARNs, v[0].(string), a.LogPrefix, v[1].(string))
	}).(pulumi.StringOutput)
	delivery, err := newRolePolicy(ctx, rolePolicy{
		name: child("config-delivery-policy"), attachment: child("config-delivery-policy-attachment"), role: b.Role.Name,
		args: &iam.PolicyArgs{
			Description: pulumi.Sprintf("Lets AWS Config deliver %s's configuration history into the log bucket, encrypted with the project key", a.PIT),
			Policy:      deliveryDoc,
			Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-config-delivery")},
		},
		createErr: "create config delivery policy", attachErr: "attach config delivery policy",
	}, parent)
	if err != nil {
		return err
	}
	b.Recorder, err = cfg.NewRecorder(ctx, child("recorder"), &cfg.RecorderArgs{
		Name:    pulumi.String(a.PIT + "-recorder"),
		RoleArn: b.Role.Arn,
		RecordingGroup: &cfg.RecorderRecordingGroupArgs{
			AllSupported:               pulumi.Bool(true),
			IncludeGlobalResourceTypes: pulumi.Bool(true),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{describe}))
	if err != nil {
		return fmt.Errorf("create config recorder: %w", err)
	}
	b.DeliveryChannel, err = cfg.NewDeliveryChannel(ctx, child("delivery-channel"), &cfg.DeliveryChannelArgs{
		Name:         pulumi.String(a.PIT + "-delivery"),
		S3BucketName: a.LogBucket,
		S3KeyPrefix:  pulumi.String(a.LogPrefix),
		S3KmsKeyArn:  a.KMSKeyARN,
		SnapshotDeliveryProperties: &cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{
			DeliveryFrequency: pulumi.String("TwentyFour_Hours"),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{b.Recorder, delivery, a.LogBucketPolicy}))
	if err != nil {
		return fmt.Errorf("create config delivery channel: %w", err)
	}
	b.RecorderStatus, err = cfg.NewRecorderStatus(ctx, child("recorder-status"), &cfg.RecorderStatusArgs{
		Name:      b.Recorder.Name,
		IsEnabled: pulumi.Bool(true),
	}, parent, pulumi.DependsOn([]pulumi.Resource{b.DeliveryChannel}))
	if err != nil {
		return fmt.Errorf("turn the config recorder on: %w", err)
	}
	return nil
}

// ConfigDeliveryPolicy returns the identity policy that lets the recorder's role deliver into bucket under
// prefix, encrypted with keyARN. In its own account AWS Config writes as the role assigned to the recorder
// (Config Developer Guide, s3-bucket-policy.html), so the role needs what the guide's IAM role policies
// give (iamrole-permissions.html): PutObject and PutObjectAcl under <prefix>/AWSLogs/<account>/ with the
// bucket-owner-full-control ACL, GetBucketAcl on the bucket, and Decrypt and GenerateDataKey on the key.
// ListBucket lets its HeadBucket check succeed: without it delivery still works, but CloudTrail records an
// AccessDenied that the CIS unauthorised-calls alarm would report.
func ConfigDeliveryPolicy(arns ARNs, bucket, prefix, keyARN string) (string, error) {
	if bucket == "" || keyARN == "" {
		return "", fmt.Errorf("config delivery policy: the bucket and the key are required")
	}
	p := ""
	if prefix != "" {
		p = prefix + "/"
	}
	bucketARN := arns.Bucket(bucket)
	return PolicyDocument{Version: PolicyVersion, Statement: []Statement{
		{Sid: "ConfigDeliversUnderItsPrefix", Effect: Allow, Action: []string{"s3:PutObject", "s3:PutObjectAcl"},
			Resource:  []string{fmt.Sprintf("%s/%sAWSLogs/%s/*", bucketARN, p, arns.AccountID)},
			Condition: Condition{"StringEquals": {"s3:x-amz-acl": {"bucket-owner-full-control"}}}},
		{Sid: "ConfigChecksTheBucket", Effect: Allow, Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{bucketARN}},
		{Sid: "ConfigEncryptsWithTheProjectKey", Effect: Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{keyARN}},
	}}.JSON()
}

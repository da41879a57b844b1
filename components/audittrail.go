package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AuditTrailArgs configures an AuditTrail.
type AuditTrailArgs struct {
	// PIT names the trail "<PIT>-trail" and its log group "/sce/<PIT>/cloudtrail". Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// KMSKeyARN encrypts the trail's log files, its log group and the alert topic. Required.
	KMSKeyARN pulumi.StringInput
	// LogBucket is the name of the bucket the trail delivers to; its policy must allow the trail. Required.
	LogBucket pulumi.StringInput
	// LogBucketPolicy is that bucket's policy: the trail waits for it. Required.
	LogBucketPolicy pulumi.Resource
	// LogPrefix is the trail's key prefix in the log bucket. Default: "cloudtrail".
	LogPrefix string
	// DataEventBucketARNs are the buckets whose object reads and writes are recorded (the PHI buckets).
	DataEventBucketARNs []pulumi.StringInput
	// ManagementEvents records the account's management events too. Only the account-baseline stack sets
	// it, so that an account with several projects pays for one copy. Without it, only the CIS alarms that
	// data events can match are created. Default: false.
	ManagementEvents bool
	// LogRetentionDays is the CloudWatch log group's retention. Default: 2192 (six years).
	LogRetentionDays int
	// NotificationEmails are subscribed to the alert topic. Default: none.
	NotificationEmails []string
	// ConfigRules creates the HIPAA conformance pack's AWS Config rules, scoped to the project's resources.
	// AWS Config must be recording in the account (the account baseline). Default: false.
	ConfigRules bool
	// ConfigRecorder, when the recorder is created in the same stack, is what the rules wait for.
	ConfigRecorder pulumi.Resource
	// Protect marks the trail's log group protected. It is retained on delete either way. Default: false.
	Protect bool
}

// AuditTrail is the project's audit trail (seed 1G): a multi-region CloudTrail trail with log file
// validation, encrypted with the project key, delivering to the log bucket and to an encrypted CloudWatch
// log group, recording every object read and write of the PHI buckets; CIS metric filters and alarms on
// that log group (all fourteen where the trail records management events, else the two that data events
// can match), notifying an encrypted, TLS-only SNS topic; and the HIPAA conformance pack's AWS Config
// rules.
type AuditTrail struct {
	pulumi.ResourceState

	Trail    *cloudtrail.Trail
	LogGroup *cloudwatch.LogGroup
	Topic    *sns.Topic
	Alarms   []*cloudwatch.MetricAlarm
}

// check refuses arguments without PIT, account, the project key or the log bucket and its policy.
func (a *AuditTrailArgs) check() error {
	switch {
	case a.PIT == "" || a.ARNs.AccountID == "" || a.ARNs.Region == "" || a.ARNs.Partition == "":
		return fmt.Errorf("PIT, partition, region and account id are required")
	case a.KMSKeyARN == nil:
		return fmt.Errorf("the project key is required")
	case a.LogBucket == nil || a.LogBucketPolicy == nil:
		return fmt.Errorf("the log bucket and its policy are required")
	}
	return nil
}

// NewAuditTrail creates the trail, its log group, the alert topic, the alarms and the Config rules.
func NewAuditTrail(ctx *pulumi.Context, name string, args *AuditTrailArgs, opts ...pulumi.ResourceOption) (*AuditTrail, error) {
	if args == nil {
		return nil, fmt.Errorf("audit trail %s: args are required", name)
	}
	a := *args
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("audit trail %s: %w", name, err)
	}
	setDefault(&a.LogPrefix, "cloudtrail")
	setDefault(&a.LogRetentionDays, SixYearsDays)
	t := &AuditTrail{}
	child, parent, err := registerComponent(ctx, "sce:audit:AuditTrail", "audit trail", name, t, opts...)
	if err != nil {
		return nil, err
	}
	trailName := a.PIT + "-trail"
	trailARN := fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", a.ARNs.Partition, a.ARNs.Region, a.ARNs.AccountID, trailName)

	groupName := LogGroupPrefix(a.PIT) + "cloudtrail"
	t.LogGroup, err = cloudwatch.NewLogGroup(ctx, child("log-group"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(groupName),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        a.KMSKeyARN,
		Tags:            pulumi.StringMap{"Name": pulumi.String(a.PIT + "-cloudtrail")},
	}, parent, pulumi.RetainOnDelete(true), pulumi.Protect(a.Protect))
	if err != nil {
		return nil, fmt.Errorf("create trail log group: %w", err)
	}
	role, attachment, err := trailLogsRole(ctx, child, a, trailARN, groupName, parent)
	if err != nil {
		return nil, err
	}

	selectors, err := eventSelectors(a)
	if err != nil {
		return nil, err
	}
	t.Trail, err = cloudtrail.NewTrail(ctx, child("trail"), &cloudtrail.TrailArgs{
		Name:                       pulumi.String(trailName),
		S3BucketName:               a.LogBucket,
		S3KeyPrefix:                pulumi.String(a.LogPrefix),
		KmsKeyId:                   a.KMSKeyARN,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", t.LogGroup.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		AdvancedEventSelectors:     selectors,
		Tags:                       pulumi.StringMap{"Name": pulumi.String(trailName)},
	}, parent, pulumi.DependsOn([]pulumi.Resource{a.LogBucketPolicy, attachment}))
	if err != nil {
		return nil, fmt.Errorf("create trail: %w", err)
	}

	if t.Topic, err = alertTopic(ctx, child, a, parent); err != nil {
		return nil, err
	}
	t.Alarms, err = NewAlarms(ctx, child("cis"), &AlarmsArgs{
		PIT: a.PIT, LogGroupName: t.LogGroup.Name, TopicARN: t.Topic.Arn, ManagementEvents: a.ManagementEvents,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("audit trail %s: %w", name, err)
	}
	if a.ConfigRules {
		ruleOpts := []pulumi.ResourceOption{parent}
		if a.ConfigRecorder != nil {
			ruleOpts = append(ruleOpts, pulumi.DependsOn([]pulumi.Resource{a.ConfigRecorder}))
		}
		if _, err := NewConfigRules(ctx, child("config"), &ConfigRulesArgs{PIT: a.PIT}, ruleOpts...); err != nil {
			return nil, fmt.Errorf("audit trail %s: %w", name, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{
		"trailArn": t.Trail.Arn, "logGroup": t.LogGroup.Name, "topicArn": t.Topic.Arn,
	}); err != nil {
		return nil, fmt.Errorf("register audit trail outputs: %w", err)
	}
	return t, nil
}

// eventSelectors records management events when asked, and every object-level read and write of the data
// event buckets. The log bucket is never among them: its own deliveries would log themselves.
func eventSelectors(a AuditTrailArgs) (cloudtrail.TrailAdvancedEventSelectorArray, error) {
	var out cloudtrail.TrailAdvancedEventSelectorArray
	if a.ManagementEvents {
		out = append(out, &cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("Management events"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Management")}},
			},
		})
	}
	if len(a.DataEventBucketARNs) == 0 {
		if !a.ManagementEvents {
			return nil, fmt.Errorf("the trail records nothing: give data event buckets or management events")
		}
		return out, nil
	}
	var prefixes pulumi.StringArray
	for _, arn := range a.DataEventBucketARNs {
		prefixes = append(prefixes, pulumi.Sprintf("%s/", arn))
	}
	out = append(out, &cloudtrail.TrailAdvancedEventSelectorArgs{
		Name: pulumi.String("Object reads and writes of the PHI buckets"),
		FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
			&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Data")}},
			&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.type"), Equals: pulumi.StringArray{pulumi.String("AWS::S3::Object")}},
			&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.ARN"), StartsWiths: prefixes},
		},
	})
	return out, nil
}

// trailLogsRole is the role CloudTrail assumes to write into its log group: trusted only by this trail,
// allowed only the trail's log streams.
func trailLogsRole(ctx *pulumi.Context, child func(string) string, a AuditTrailArgs, trailARN, groupName string, parent pulumi.ResourceOption) (*iam.Role, pulumi.Resource, error) {
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "ProjectTrailOnly", Effect: Allow,
		Principal: &Principal{Service: []string{ServicePrincipal("cloudtrail")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"aws:SourceArn": {trailARN}, "aws:SourceAccount": {a.ARNs.AccountID}}},
	}}}.JSON()
	if err != nil {
		return nil, nil, fmt.Errorf("trail role trust policy: %w", err)
	}
	streams := fmt.Sprintf("%s:log-stream:%s_CloudTrail_%s*", a.ARNs.LogGroup(groupName), a.ARNs.AccountID, a.ARNs.Region)
	permissions, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "WriteTrailLogStreams", Effect: Allow,
		Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{streams},
	}}}.JSON()
	if err != nil {
		return nil, nil, fmt.Errorf("trail role policy: %w", err)
	}
	role, err := iam.NewRole(ctx, child("logs-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("Lets the %s trail write to %s", a.PIT, groupName),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-cloudtrail-logs")},
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create trail logs role: %w", err)
	}
	attachment, err := newRolePolicy(ctx, rolePolicy{
		name: child("logs-policy"), attachment: child("logs-policy-attachment"), role: role.Name,
		args: &iam.PolicyArgs{
			Description: pulumi.Sprintf("Write access to the %s trail's log streams only", a.PIT),
			Policy:      pulumi.String(permissions),
			Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-cloudtrail-logs")},
		},
		createErr: "create trail logs policy", attachErr: "attach trail logs policy",
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return role, attachment, nil
}

// alertTopic is the encrypted, TLS-only SNS topic the alarms notify, with the e-mail subscriptions (each
// address must confirm the subscription from the message AWS sends it).
func alertTopic(ctx *pulumi.Context, child func(string) string, a AuditTrailArgs, parent pulumi.ResourceOption) (*sns.Topic, error) {
	topicName := a.PIT + "-alerts"
	topic, err := sns.NewTopic(ctx, child("alerts"), &sns.TopicArgs{
		Name:           pulumi.String(topicName),
		KmsMasterKeyId: a.KMSKeyARN,
		Tags:           pulumi.StringMap{"Name": pulumi.String(topicName)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create alert topic: %w", err)
	}
	topicARN := fmt.Sprintf("arn:%s:sns:%s:%s:%s", a.ARNs.Partition, a.ARNs.Region, a.ARNs.AccountID, topicName)
	policy, err := TopicPolicy(a.ARNs, topicARN)
	if err != nil {
		return nil, fmt.Errorf("alert topic policy: %w", err)
	}
	if _, err := sns.NewTopicPolicy(ctx, child("alerts-policy"), &sns.TopicPolicyArgs{
		Arn: topic.Arn, Policy: pulumi.String(policy),
	}, parent); err != nil {
		return nil, fmt.Errorf("create alert topic policy: %w", err)
	}
	for i, email := range a.NotificationEmails {
		if _, err := sns.NewTopicSubscription(ctx, child(fmt.Sprintf("alerts-email-%d", i)), &sns.TopicSubscriptionArgs{
			Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(email),
		}, parent); err != nil {
			return nil, fmt.Errorf("subscribe %s to the alert topic: %w", email, err)
		}
	}
	return topic, nil
}

// TopicPolicy returns the alert topic's policy: requests without TLS are denied; the account administers
// the topic through IAM; CloudWatch alarms of this account may publish.
func TopicPolicy(arns ARNs, topicARN string) (string, error) {
	return PolicyDocument{Version: PolicyVersion, ID: "alert-topic-policy", Statement: []Statement{
		{Sid: "DenyRequestsWithoutTLS", Effect: Deny, Principal: &Principal{Anyone: true}, Action: []string{"sns:*"},
			Resource: []string{topicARN}, Condition: Condition{"Bool": {"aws:SecureTransport": {"false"}}}},
		{Sid: "AccountAdministersTopic", Effect: Allow, Principal: &Principal{AWS: []string{arns.AccountRoot()}},
			Action:   []string{"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"},
			Resource: []string{topicARN}},
		{Sid: "CloudWatchAlarmsPublish", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("cloudwatch")}},
			Action: []string{"sns:Publish"}, Resource: []string{topicARN},
			Condition: Condition{
				"StringEquals": {"aws:SourceAccount": {arns.AccountID}},
				"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", arns.Partition, arns.Region, arns.AccountID)}},
			}},
	}}.JSON()
}

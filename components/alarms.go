package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AlarmSpec is one CloudWatch Logs metric filter and the alarm on its metric: a CIS AWS Foundations
// Benchmark monitoring control, as Security Hub checks it.
type AlarmSpec struct {
	// ID names the filter, the alarm and the metric, in kebab case ("root-account-usage").
	ID string
	// Control is the Security Hub control the pair satisfies ("CloudWatch.1").
	Control string
	// Description says what the alarm reports, as a sentence.
	Description string
	// Pattern is the CloudWatch Logs filter pattern over CloudTrail events, exactly as Security Hub
	// documents it: the control fails if the pattern differs, even by added terms.
	Pattern string
	// DataEvents marks a pattern that data events can match too. CloudTrail data event records carry the
	// same userIdentity and errorCode fields as management events ("CloudTrail record contents"), so a
	// root user's or a refused object read matches; every other pattern names management API calls
	// (eventName) that only a trail recording management events delivers.
	DataEvents bool
}

// MetricName is the name of the spec's metric: its ID in Pascal case ("RootAccountUsage").
func (s AlarmSpec) MetricName() string {
	var b strings.Builder
	for _, word := range strings.Split(s.ID, "-") {
		if word == "" {
			continue
		}
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
}

// AlarmNamespace is the CloudWatch namespace of a project's CIS metrics.
func AlarmNamespace(pit string) string { return "SCE/" + pit + "/CISBenchmark" }

// Settings shared by every CIS alarm: it fires when at least one matching event is logged in five minutes,
// and a period without events counts as good rather than as missing data.
const (
	alarmPeriodSeconds     = 300
	alarmEvaluationPeriods = 1
	alarmThreshold         = 1
	alarmStatistic         = "Sum"
	alarmComparison        = "GreaterThanOrEqualToThreshold"
	alarmMissingData       = "notBreaching"
	alarmMetricValue       = "1"
)

// CISAlarms returns the metric filters and alarms of Security Hub controls CloudWatch.1 to CloudWatch.14,
// in control order. Each call returns a new slice.
func CISAlarms() []AlarmSpec {
	return []AlarmSpec{
		{
			ID:          "root-account-usage",
			Control:     "CloudWatch.1",
			Description: "The account's root user made a request.",
			Pattern:     `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`,
			DataEvents:  true,
		},
		{
			ID:          "unauthorized-api-calls",
			Control:     "CloudWatch.2",
			Description: "An API call was refused as unauthorized or access denied.",
			Pattern:     `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`,
			DataEvents:  true,
		},
		{
			ID:          "console-signin-without-mfa",
			Control:     "CloudWatch.3",
			Description: "An IAM user signed in to the console without MFA.",
			Pattern:     `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
		},
		{
			ID:          "iam-policy-changes",
			Control:     "CloudWatch.4",
			Description: "An IAM policy was created, changed, attached, detached or deleted.",
			Pattern:     `{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}`,
		},
		{
			ID:          "cloudtrail-changes",
			Control:     "CloudWatch.5",
			Description: "A CloudTrail trail was created, updated or deleted, or its logging started or stopped.",
			Pattern:     `{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}`,
		},
		{
			ID:          "console-auth-failures",
			Control:     "CloudWatch.6",
			Description: "A console sign-in failed authentication.",
			Pattern:     `{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}`,
		},
		{
			ID:          "kms-key-disabled-or-deleted",
			Control:     "CloudWatch.7",
			Description: "A KMS key was disabled or scheduled for deletion.",
			Pattern:     `{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}`,
		},
		{
			ID:          "s3-bucket-policy-changes",
			Control:     "CloudWatch.8",
			Description: "An S3 bucket's policy, ACL, CORS, lifecycle or replication configuration was changed.",
			Pattern:     `{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}`,
		},
		{
			ID:          "config-changes",
			Control:     "CloudWatch.9",
			Description: "The AWS Config recorder was stopped or changed, or its delivery channel changed or deleted.",
			Pattern:     `{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}`,
		},
		{
			ID:          "security-group-changes",
			Control:     "CloudWatch.10",
			Description: "A security group or one of its rules was created, changed or deleted.",
			Pattern:     `{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}`,
		},
		{
			ID:          "nacl-changes",
			Control:     "CloudWatch.11",
			Description: "A network ACL, one of its entries or its association was created, changed or deleted.",
			Pattern:     `{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}`,
		},
		{
			ID:          "network-gateway-changes",
			Control:     "CloudWatch.12",
			Description: "A customer or internet gateway was created, deleted, attached or detached.",
			Pattern:     `{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}`,
		},
		{
			ID:          "route-table-changes",
			Control:     "CloudWatch.13",
			Description: "A route table, one of its routes or its association was created, changed or deleted.",
			Pattern:     `{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}`,
		},
		{
			ID:          "vpc-changes",
			Control:     "CloudWatch.14",
			Description: "A VPC, its attributes, a peering connection or its ClassicLink was created, changed or deleted.",
			Pattern:     `{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}`,
		},
	}
}

// AlarmsArgs configures the CIS alarms of one project.
type AlarmsArgs struct {
	// PIT is the Project Identifier Tag; the metrics live in namespace "SCE/<PIT>/CISBenchmark". Required;
	// no default.
	PIT string
	// LogGroupName is the CloudWatch Logs group the project's CloudTrail trail delivers to; every metric
	// filter reads it. Required; no default.
	LogGroupName pulumi.StringInput
	// TopicARN is the SNS topic every alarm notifies. Security Hub counts an alarm only if the topic has at
	// least one subscriber. Required; no default.
	TopicARN pulumi.StringInput
	// ManagementEvents says that the trail feeding the log group records management events. Without them
	// only the specs that data events can match (AlarmSpec.DataEvents) are created: a filter on management
	// API calls would match nothing, and its alarm could never fire. Default: false.
	ManagementEvents bool
}

// Specs returns the specs of CISAlarms whose events the trail delivers, in control order.
func (a *AlarmsArgs) Specs() []AlarmSpec {
	var out []AlarmSpec
	for _, s := range CISAlarms() {
		if a.ManagementEvents || s.DataEvents {
			out = append(out, s)
		}
	}
	return out
}

func (a *AlarmsArgs) check() error {
	var missing []string
	if a.PIT == "" {
		missing = append(missing, "PIT")
	}
	if a.LogGroupName == nil {
		missing = append(missing, "LogGroupName (the CloudTrail log group)")
	}
	if a.TopicARN == nil {
		missing = append(missing, "TopicARN (the SNS topic the alarms notify)")
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s is required", missing[0])
	}
	return fmt.Errorf("%s are required", strings.Join(missing, ", "))
}

// NewAlarms creates, for every spec of args.Specs (all of CISAlarms where the trail records management
// events), a metric filter on the CloudTrail log group that counts the matching events and an alarm that
// notifies the topic when one occurs. It is not a component: the children are registered with opts,
// through which the caller gives their parent and provider. Nothing is registered if the args are
// incomplete. The alarms are returned in the order of CISAlarms.
func NewAlarms(ctx *pulumi.Context, name string, args *AlarmsArgs, opts ...pulumi.ResourceOption) ([]*cloudwatch.MetricAlarm, error) {
	if args == nil {
		return nil, fmt.Errorf("cis alarms %s: args are required (PIT, LogGroupName, TopicARN)", name)
	}
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("cis alarms %s: %w", name, err)
	}
	namespace := AlarmNamespace(args.PIT)
	specs := args.Specs()
	alarms := make([]*cloudwatch.MetricAlarm, 0, len(specs))
	for _, s := range specs {
		alarm, err := newCISAlarm(ctx, name, namespace, s, args, opts)
		if err != nil {
			return nil, fmt.Errorf("cis alarms %s: %s (%s): %w", name, s.ID, s.Control, err)
		}
		alarms = append(alarms, alarm)
	}
	return alarms, nil
}

// newCISAlarm creates the metric filter and the alarm of one spec.
func newCISAlarm(ctx *pulumi.Context, name, namespace string, s AlarmSpec, args *AlarmsArgs, opts []pulumi.ResourceOption) (*cloudwatch.MetricAlarm, error) {
	metric := s.MetricName()
	filter, err := cloudwatch.NewLogMetricFilter(ctx, name+"-"+s.ID+"-filter", &cloudwatch.LogMetricFilterArgs{
		LogGroupName: args.LogGroupName,
		Pattern:      pulumi.String(s.Pattern),
		MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
			Name:      pulumi.String(metric),
			Namespace: pulumi.String(namespace),
			Value:     pulumi.String(alarmMetricValue),
		},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("create metric filter: %w", err)
	}
	alarmOpts := append(append([]pulumi.ResourceOption{}, opts...), pulumi.DependsOn([]pulumi.Resource{filter}))
	alarm, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+s.ID+"-alarm", &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   pulumi.String(s.Description + " (Security Hub " + s.Control + ", CIS AWS Foundations Benchmark)"),
		MetricName:         pulumi.String(metric),
		Namespace:          pulumi.String(namespace),
		Statistic:          pulumi.String(alarmStatistic),
		Period:             pulumi.Int(alarmPeriodSeconds),
		EvaluationPeriods:  pulumi.Int(alarmEvaluationPeriods),
		Threshold:          pulumi.Float64(alarmThreshold),
		ComparisonOperator: pulumi.String(alarmComparison),
		TreatMissingData:   pulumi.String(alarmMissingData),
		ActionsEnabled:     pulumi.Bool(true),
		AlarmActions:       pulumi.Array{args.TopicARN},
		Tags:               pulumi.StringMap{"Name": pulumi.String(args.PIT + "-" + s.ID)},
	}, alarmOpts...)
	if err != nil {
		return nil, fmt.Errorf("create alarm: %w", err)
	}
	return alarm, nil
}

package components

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
)

const (
	logMetricFilterType = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	metricAlarmType     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	testAlarmLogGroup   = "/sce/study/cloudtrail"
	testAlarmTopic      = "arn:aws:sns:us-west-2:111122223333:study-alarms"
)

var kebabCase = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func specByControl(t *testing.T, control string) AlarmSpec {
	t.Helper()
	for _, s := range CISAlarms() {
		if s.Control == control {
			return s
		}
	}
	t.Fatalf("no alarm spec for control %s", control)
	return AlarmSpec{}
}

// events returns the terms by which a CIS pattern matches each named CloudTrail event.
func events(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "($.eventName=" + n + ")"
	}
	return out
}

// balanced reports whether every brace and parenthesis of a pattern is closed, in order.
func balanced(pattern string) bool {
	var open []rune
	pairs := map[rune]rune{')': '(', '}': '{'}
	for _, c := range pattern {
		switch c {
		case '(', '{':
			open = append(open, c)
		case ')', '}':
			if len(open) == 0 || open[len(open)-1] != pairs[c] {
				return false
			}
			open = open[:len(open)-1]
		}
	}
	return len(open) == 0
}

func TestCISAlarmsCoverControlsCloudWatch1To14OnceEach(t *testing.T) {
	specs := CISAlarms()
	require.Len(t, specs, 14)
	ids, metrics := map[string]bool{}, map[string]bool{}
	for i, s := range specs {
		assert.Equal(t, fmt.Sprintf("CloudWatch.%d", i+1), s.Control, "spec %d is in control order", i)
		assert.Regexp(t, kebabCase, s.ID, "%s: the id is kebab case", s.Control)
		assert.False(t, ids[s.ID], "%s: id %q is used once", s.Control, s.ID)
		ids[s.ID] = true
		assert.False(t, metrics[s.MetricName()], "%s: metric %q is used once", s.Control, s.MetricName())
		metrics[s.MetricName()] = true
		assert.NotEmpty(t, s.Description, "%s has a description", s.Control)
		assert.Regexp(t, `^\{.+\}$`, s.Pattern, "%s: the pattern is one braced JSON filter", s.Control)
		assert.True(t, balanced(s.Pattern), "%s: the pattern's braces and parentheses balance", s.Control)
	}
}

func TestCISAlarmsMatchTheEventsTheIssueRequires(t *testing.T) {
	tests := []struct {
		what    string
		control string
		want    []string
	}{
		{"use of the root account", "CloudWatch.1", []string{`$.userIdentity.type="Root"`, `$.userIdentity.invokedBy NOT EXISTS`}},
		{"unauthorised API calls", "CloudWatch.2", []string{`($.errorCode="*UnauthorizedOperation")`, `($.errorCode="AccessDenied*")`}},
		{"console sign-in without MFA", "CloudWatch.3", []string{`($.additionalEventData.MFAUsed != "Yes")`, `($.eventName = "ConsoleLogin")`}},
		{"changes to IAM policies", "CloudWatch.4", events("PutRolePolicy", "AttachUserPolicy", "DeletePolicyVersion")},
		{"changes to CloudTrail", "CloudWatch.5", events("StopLogging", "DeleteTrail")},
		{"console authentication failures", "CloudWatch.6", []string{`($.errorMessage="Failed authentication")`}},
		{"KMS keys disabled or scheduled for deletion", "CloudWatch.7", append(events("DisableKey", "ScheduleKeyDeletion"), "($.eventSource=kms.amazonaws.com)")},
		{"changes to S3 bucket policies", "CloudWatch.8", append(events("PutBucketPolicy", "DeleteBucketPolicy"), "($.eventSource=s3.amazonaws.com)")},
		{"changes to AWS Config", "CloudWatch.9", events("StopConfigurationRecorder", "DeleteDeliveryChannel")},
		{"changes to security groups", "CloudWatch.10", events("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress")},
		{"changes to network ACLs", "CloudWatch.11", events("CreateNetworkAcl", "ReplaceNetworkAclAssociation")},
		{"changes to network gateways", "CloudWatch.12", events("CreateCustomerGateway", "DetachInternetGateway")},
		{"changes to route tables", "CloudWatch.13", events("CreateRouteTable", "DisassociateRouteTable")},
		{"changes to VPCs", "CloudWatch.14", events("CreateVpc", "ModifyVpcAttribute", "CreateVpcPeeringConnection")},
	}
	for _, tt := range tests {
		t.Run(tt.what+" is alarmed on by "+tt.control, func(t *testing.T) {
			s := specByControl(t, tt.control)
			for _, want := range tt.want {
				assert.Contains(t, s.Pattern, want)
			}
		})
	}
}

func TestMetricNameIsTheIDInPascalCase(t *testing.T) {
	tests := []struct{ id, want string }{
		{"root-account-usage", "RootAccountUsage"},
		{"s3-bucket-policy-changes", "S3BucketPolicyChanges"},
		{"vpc-changes", "VpcChanges"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, AlarmSpec{ID: tt.id}.MetricName(), tt.id)
	}
}

// alarmsPlan runs NewAlarms for a trail with management events under the recording mock, parented to a
// component and managed by an explicit provider, and returns the plan with the number of alarms NewAlarms
// returned and the URNs of both.
func alarmsPlan(t *testing.T) (p *plan.Plan, returned int, parent, provider string) {
	return alarmsPlanOf(t, true)
}

// alarmsPlanOf is alarmsPlan for a trail that records management events or not.
func alarmsPlanOf(t *testing.T, managementEvents bool) (p *plan.Plan, returned int, parent, provider string) {
	t.Helper()
	p, err := plan.Run(plan.Options{Stack: "test", Config: map[string]string{"aws:region": "us-west-2"}}, func(ctx *pulumi.Context) error {
		holder := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("sce:test:AlarmHolder", "holder", holder); err != nil {
			return err
		}
		prov, err := aws.NewProvider(ctx, "alarms-provider", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
		if err != nil {
			return err
		}
		alarms, err := NewAlarms(ctx, "alarms", &AlarmsArgs{
			PIT:              "study",
			LogGroupName:     pulumi.String(testAlarmLogGroup),
			TopicARN:         pulumi.String(testAlarmTopic),
			ManagementEvents: managementEvents,
		}, pulumi.Parent(holder), pulumi.Provider(prov))
		returned = len(alarms)
		return err
	})
	require.NoError(t, err)
	for _, r := range p.Resources {
		switch r.Type {
		case "sce:test:AlarmHolder":
			parent = r.URN
		case "pulumi:providers:aws":
			provider = r.URN
		}
	}
	require.NotEmpty(t, parent, "the holder component was recorded")
	require.NotEmpty(t, provider, "the provider was recorded")
	return p, returned, parent, provider
}

func byName(rs []plan.Resource) map[string]plan.Resource {
	out := map[string]plan.Resource{}
	for _, r := range rs {
		out[r.Name] = r
	}
	return out
}

func TestNewAlarmsRegistersOneFilterAndOneAlarmPerControl(t *testing.T) {
	p, returned, _, _ := alarmsPlan(t)
	specs := CISAlarms()
	assert.Equal(t, len(specs), returned, "NewAlarms returns every alarm")
	filters, alarms := byName(p.Find(logMetricFilterType)), byName(p.Find(metricAlarmType))
	assert.Len(t, filters, len(specs))
	assert.Len(t, alarms, len(specs))
	for _, s := range specs {
		assert.Contains(t, filters, "alarms-"+s.ID+"-filter")
		assert.Contains(t, alarms, "alarms-"+s.ID+"-alarm")
	}
}

// TestWithoutManagementEventsOnlyTheAlarmsDataEventsCanMatchAreCreated: a trail that records only data
// events delivers no management API call to its log group, so a filter on one would match nothing.
func TestWithoutManagementEventsOnlyTheAlarmsDataEventsCanMatchAreCreated(t *testing.T) {
	p, returned, _, _ := alarmsPlanOf(t, false)
	filters, alarms := byName(p.Find(logMetricFilterType)), byName(p.Find(metricAlarmType))
	want := []string{"root-account-usage", "unauthorized-api-calls"}
	assert.Equal(t, len(want), returned)
	assert.Len(t, filters, len(want))
	assert.Len(t, alarms, len(want))
	for _, id := range want {
		assert.Contains(t, filters, "alarms-"+id+"-filter")
		assert.Contains(t, alarms, "alarms-"+id+"-alarm")
	}
}

// TestOnlyRootUseAndRefusedCallsCanMatchDataEvents: every other CIS pattern names management API calls or
// console sign-ins, which a data event never is.
func TestOnlyRootUseAndRefusedCallsCanMatchDataEvents(t *testing.T) {
	for _, s := range CISAlarms() {
		byCallName := strings.Contains(s.Pattern, "$.eventName")
		assert.Equal(t, !byCallName, s.DataEvents, "%s (%s): a pattern matches data events unless it names the calls", s.Control, s.ID)
	}
}

func TestEachFilterCountsItsPatternInTheGivenLogGroup(t *testing.T) {
	p, _, _, _ := alarmsPlan(t)
	filters := byName(p.Find(logMetricFilterType))
	for _, s := range CISAlarms() {
		t.Run(s.Control+" "+s.ID, func(t *testing.T) {
			f, ok := filters["alarms-"+s.ID+"-filter"]
			require.True(t, ok, "the filter is registered")
			assert.Equal(t, testAlarmLogGroup, f.Inputs["logGroupName"])
			assert.Equal(t, s.Pattern, f.Inputs["pattern"], "the documented pattern, unchanged")
			mt, ok := f.Inputs["metricTransformation"].(map[string]any)
			require.True(t, ok, "metricTransformation is an object: %#v", f.Inputs["metricTransformation"])
			assert.Equal(t, s.MetricName(), mt["name"])
			assert.Equal(t, "SCE/study/CISBenchmark", mt["namespace"])
			assert.Equal(t, "1", mt["value"], "each matching event counts once")
			assert.NotContains(t, mt, "defaultValue", "no value is published when nothing matches")
		})
	}
}

func TestEachAlarmWatchesItsFilterMetricAndNotifiesTheTopic(t *testing.T) {
	p, _, _, _ := alarmsPlan(t)
	filters, alarms := byName(p.Find(logMetricFilterType)), byName(p.Find(metricAlarmType))
	for _, s := range CISAlarms() {
		t.Run(s.Control+" "+s.ID, func(t *testing.T) {
			f, ok := filters["alarms-"+s.ID+"-filter"]
			require.True(t, ok, "the filter is registered")
			a, ok := alarms["alarms-"+s.ID+"-alarm"]
			require.True(t, ok, "the alarm is registered")
			mt, ok := f.Inputs["metricTransformation"].(map[string]any)
			require.True(t, ok, "metricTransformation is an object")
			assert.Equal(t, mt["name"], a.Inputs["metricName"], "the alarm watches the filter's metric")
			assert.Equal(t, mt["namespace"], a.Inputs["namespace"], "in the filter's namespace")
			assert.Equal(t, []any{testAlarmTopic}, a.Inputs["alarmActions"])
			assert.Equal(t, true, a.Inputs["actionsEnabled"])
			assert.Equal(t, "Sum", a.Inputs["statistic"])
			assert.EqualValues(t, 300, a.Inputs["period"])
			assert.EqualValues(t, 1, a.Inputs["evaluationPeriods"])
			assert.EqualValues(t, 1, a.Inputs["threshold"])
			assert.Equal(t, "GreaterThanOrEqualToThreshold", a.Inputs["comparisonOperator"])
			assert.Equal(t, "notBreaching", a.Inputs["treatMissingData"])
			assert.Contains(t, a.Inputs["alarmDescription"], s.Description)
			assert.Contains(t, a.Inputs["alarmDescription"], s.Control)
			assert.Contains(t, a.DependsOn, f.URN, "the alarm is created after its filter")
			assert.Equal(t, map[string]any{"Name": "study-" + s.ID}, a.Inputs["tags"], "named after the PIT like every SCE resource")
		})
	}
}

func TestNewAlarmsAppliesTheCallersOptionsToEveryChild(t *testing.T) {
	p, _, parent, provider := alarmsPlan(t)
	children := append(p.Find(logMetricFilterType), p.Find(metricAlarmType)...)
	require.NotEmpty(t, children)
	for _, r := range children {
		assert.Equal(t, parent, r.Parent, "%s is parented to the caller's component", r.Name)
		assert.Equal(t, provider, r.Provider, "%s is managed by the caller's provider", r.Name)
	}
}

func TestNewAlarmsRefusesMissingArgsBeforeRegistering(t *testing.T) {
	complete := func() *AlarmsArgs {
		return &AlarmsArgs{PIT: "study", LogGroupName: pulumi.String(testAlarmLogGroup), TopicARN: pulumi.String(testAlarmTopic)}
	}
	tests := []struct {
		name string
		args *AlarmsArgs
		want []string
	}{
		{"no args at all", nil, []string{"args are required"}},
		{"no PIT", func() *AlarmsArgs { a := complete(); a.PIT = ""; return a }(), []string{"PIT is required"}},
		{"no log group", func() *AlarmsArgs { a := complete(); a.LogGroupName = nil; return a }(), []string{"LogGroupName", "is required"}},
		{"no topic", func() *AlarmsArgs { a := complete(); a.TopicARN = nil; return a }(), []string{"TopicARN", "is required"}},
		{"nothing set", &AlarmsArgs{}, []string{"PIT", "LogGroupName", "TopicARN", "are required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused and nothing is registered", func(t *testing.T) {
			rec := plan.NewRecorder(plan.Project, "test", "us-west-2", "aws")
			_, err := plan.Run(plan.Options{Stack: "test", Config: map[string]string{"aws:region": "us-west-2"}, Recorder: rec},
				func(ctx *pulumi.Context) error {
					_, err := NewAlarms(ctx, "alarms", tt.args)
					return err
				})
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.Empty(t, rec.Resources(), "nothing registered")
		})
	}
}

package stack_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInstancesStopAndStartOnTheWorkingHoursSchedule(t *testing.T) {
	p := planWith(t, map[string]string{"sce:workingHours": "07:00-19:00", "sce:timeZone": "Europe/Berlin"})
	stop := one(t, p, "aws:scheduler/schedule:Schedule", "study-cost-stop-instances")
	start := one(t, p, "aws:scheduler/schedule:Schedule", "study-cost-start-instances")
	assert.Equal(t, "cron(0 19 ? * MON-FRI *)", in(stop, "scheduleExpression"))
	assert.Equal(t, "cron(0 7 ? * MON-FRI *)", in(start, "scheduleExpression"))
	assert.Equal(t, "Europe/Berlin", in(stop, "scheduleExpressionTimezone"))
	stopTarget := stop.Inputs["target"].(map[string]any)
	assert.Equal(t, "arn:aws:scheduler:::aws-sdk:ec2:stopInstances", stopTarget["arn"], "the universal target: no Lambda")
	var input struct {
		InstanceIDs []string `json:"InstanceIds"`
	}
	require.NoError(t, json.Unmarshal([]byte(stopTarget["input"].(string)), &input))
	assert.ElementsMatch(t, []string{one(t, p, instanceType, "study-bastion-instance").ID, one(t, p, instanceType, "study-workstation-instance").ID}, input.InstanceIDs)
	assert.Equal(t, "arn:aws:scheduler:::aws-sdk:ec2:startInstances", start.Inputs["target"].(map[string]any)["arn"])
	for _, sch := range p.Find("aws:scheduler/schedule:Schedule") {
		assert.Contains(t, sch.Inputs["target"].(map[string]any)["arn"], "arn:aws:scheduler:::aws-sdk:", "%s calls the API itself: no Lambda", sch.Name)
	}

	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-cost-scheduler-policy"), "policy")
	ec2 := statement(t, doc, "StopAndStartProjectInstances")
	assert.Equal(t, []string{"study"}, ec2.Condition["StringEquals"]["aws:ResourceTag/Project"], "only the project's instances")
	assert.Equal(t, []string{out(p.Find("aws:kms/key:Key")[0], "arn")}, statement(t, doc, "StartEncryptedVolumes").Resource)
}

func TestRedshiftPausesOnTheSameSchedule(t *testing.T) {
	p := omopPlan(t, nil)
	pause := one(t, p, "aws:scheduler/schedule:Schedule", "study-cost-pause-redshift")
	resume := one(t, p, "aws:scheduler/schedule:Schedule", "study-cost-resume-redshift")
	assert.Equal(t, "arn:aws:scheduler:::aws-sdk:redshift:pauseCluster", pause.Inputs["target"].(map[string]any)["arn"])
	assert.JSONEq(t, `{"ClusterIdentifier":"study-omop"}`, pause.Inputs["target"].(map[string]any)["input"].(string))
	assert.Equal(t, in(one(t, p, "aws:scheduler/schedule:Schedule", "study-cost-stop-instances"), "scheduleExpression"), in(pause, "scheduleExpression"))
	assert.Equal(t, "arn:aws:scheduler:::aws-sdk:redshift:resumeCluster", resume.Inputs["target"].(map[string]any)["arn"])
	stop := one(t, p, "aws:scheduler/schedule:Schedule", "study-cost-stop-instances")
	var input struct {
		InstanceIDs []string `json:"InstanceIds"`
	}
	require.NoError(t, json.Unmarshal([]byte(stop.Inputs["target"].(map[string]any)["input"].(string)), &input))
	assert.Contains(t, input.InstanceIDs, one(t, p, instanceType, "study-atlas-instance").ID)
}

func TestScheduleCanBeTurnedOff(t *testing.T) {
	p := planWith(t, map[string]string{"sce:scheduleEnabled": "false"})
	assert.Empty(t, p.Find("aws:scheduler/schedule:Schedule"))
	assert.Len(t, p.Find("aws:budgets/budget:Budget"), 1, "the budget stays")
}

func TestBudgetFiltersByTheProjectTagAndAlertsAt80And100Percent(t *testing.T) {
	p := planWith(t, map[string]string{"sce:monthlyBudgetUsd": "2500", "sce:notificationEmails": `["pi@example.org"]`})
	b := one(t, p, "aws:budgets/budget:Budget", "study-cost-budget")
	assert.Equal(t, "2500", in(b, "limitAmount"))
	assert.Equal(t, "MONTHLY", in(b, "timeUnit"))
	filter := b.Inputs["costFilters"].([]any)[0].(map[string]any)
	assert.Equal(t, "TagKeyValue", filter["name"])
	assert.Equal(t, []any{"user:Project$study"}, filter["values"])
	var thresholds []string
	for _, n := range b.Inputs["notifications"].([]any) {
		m := n.(map[string]any)
		assert.Equal(t, []any{"pi@example.org"}, m["subscriberEmailAddresses"])
		thresholds = append(thresholds, m["notificationType"].(string)+" "+in2(m["threshold"]))
	}
	assert.ElementsMatch(t, []string{"ACTUAL 80", "ACTUAL 100", "FORECASTED 100"}, thresholds)
}

func in2(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestStoppedInstancesAreStartedForTheirPatches: with the default weekday hours the instances are stopped
// at Sunday's patch window, so the schedule starts them half an hour before it and stops them two hours
// after; hours that keep them running need no such schedules.
func TestStoppedInstancesAreStartedForTheirPatches(t *testing.T) {
	p := planWith(t, nil)
	start := one(t, p, "aws:scheduler/schedule:Schedule", "study-cost-maintenance-start")
	stop := one(t, p, "aws:scheduler/schedule:Schedule", "study-cost-maintenance-stop")
	assert.Equal(t, "cron(30 2 ? * SUN *)", in(start, "scheduleExpression"))
	assert.Equal(t, "cron(0 5 ? * SUN *)", in(stop, "scheduleExpression"))
	assert.Equal(t, "UTC", in(start, "scheduleExpressionTimezone"), "the patch association's cron is UTC")
	assert.Contains(t, nested(t, start, "target")["arn"], "startInstances")
	assert.Contains(t, nested(t, stop, "target")["arn"], "stopInstances")
	patch := p.Find("aws:ssm/association:Association")
	found := false
	for _, a := range patch {
		if in(a, "name") == "AWS-RunPatchBaseline" {
			assert.Equal(t, "cron(0 3 ? * SUN *)", in(a, "scheduleExpression"))
			found = true
		}
	}
	assert.True(t, found, "the patch association runs inside the window")

	allDay := planWith(t, map[string]string{"sce:workingHours": "00:00-23:00", "sce:workingDays": "MON-SUN", "sce:timeZone": "UTC"})
	for _, s := range allDay.Find("aws:scheduler/schedule:Schedule") {
		assert.NotContains(t, s.Name, "maintenance", "instances running through the window need no maintenance schedule")
	}
}

package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestStoppedBySchedule(t *testing.T) {
	unknownArn := res(t, computeTypeSchedule, "stop", `{"target":{}}`)
	unknownArn.Props["target"].(map[string]any)["arn"] = engine.Unknown
	checkRule(t, "ec2-stopped-by-schedule", []ruleCase{
		{name: "a schedule that stops instances is reported", rs: []*engine.Resource{res(t, computeTypeSchedule, "stop",
			`{"scheduleExpression":"cron(0 20 * * ? *)","target":{"arn":"arn:aws:scheduler:::aws-sdk:ec2:stopInstances","roleArn":"r"}}`)},
			want: `target.arn is "arn:aws:scheduler:::aws-sdk:ec2:stopInstances": this schedule stops instances`},
		{name: "a schedule in another partition that stops instances is reported", rs: []*engine.Resource{res(t, computeTypeSchedule, "stop",
			`{"target":{"arn":"arn:aws-us-gov:scheduler:::aws-sdk:ec2:stopInstances"}}`)}, want: "this schedule stops instances"},
		{name: "a schedule that starts instances is not reported", rs: []*engine.Resource{res(t, computeTypeSchedule, "start",
			`{"target":{"arn":"arn:aws:scheduler:::aws-sdk:ec2:startInstances"}}`)}},
		{name: "a schedule without a target is not reported", rs: []*engine.Resource{res(t, computeTypeSchedule, "s", `{}`)}},
		{name: "a target of the wrong shape violates", rs: []*engine.Resource{res(t, computeTypeSchedule, "s", `{"target":"arn:aws:scheduler:::aws-sdk:ec2:stopInstances"}`)},
			want: "target is a string"},
		{name: "a target arn of the wrong shape violates", rs: []*engine.Resource{res(t, computeTypeSchedule, "s", `{"target":{"arn":7}}`)},
			want: "target.arn is a number (7); expected an arn"},
		{name: "an unknown target arn is undecided", rs: []*engine.Resource{unknownArn}, want: "target.arn is unknown", undecided: true},
	})
}

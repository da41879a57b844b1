package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestDocumentSize(t *testing.T) {
	doc := func(content string) *engine.Resource {
		return withProp(res(t, bootTypeDocument, "d", `{}`), "content", content)
	}
	checkRule(t, "ssm-document-size", []ruleCase{
		{name: "a document of exactly 64 KB is compliant", rs: []*engine.Resource{doc(strings.Repeat("x", bootMaxDocument))}},
		{name: "a document one byte over violates", rs: []*engine.Resource{doc(strings.Repeat("x", bootMaxDocument+1))},
			want: "content is 65537 bytes; Systems Manager accepts at most 65536"},
		{name: "a document without content violates", rs: []*engine.Resource{res(t, bootTypeDocument, "d", `{}`)}, want: "content is not set"},
		{name: "unknown content is undecided", rs: []*engine.Resource{unknownValue(res(t, bootTypeDocument, "d", `{}`), "content")},
			want: "content is unknown", undecided: true},
	})
}

func TestAssociationCronInterval(t *testing.T) {
	a := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, bootTypeAssociation, "a", props)}
	}
	checkRule(t, "ssm-association-cron-interval", []ruleCase{
		{name: "a cron schedule only at its interval is compliant", rs: a(`{"applyOnlyAtCronInterval":true,"scheduleExpression":"cron(0 3 ? * SUN *)"}`)},
		{name: "a rate schedule that also runs at creation is compliant", rs: a(`{"scheduleExpression":"rate(30 minutes)"}`)},
		{name: "an association without the option is not judged", rs: a(`{}`)},
		{name: "a rate schedule only at its interval violates", rs: a(`{"applyOnlyAtCronInterval":true,"scheduleExpression":"rate(7 days)"}`),
			want: "AWS accepts only a cron(...) expression"},
		{name: "no schedule at all violates", rs: a(`{"applyOnlyAtCronInterval":"true"}`), want: "would never run"},
		{name: "an unknown schedule is undecided", rs: []*engine.Resource{unknownValue(res(t, bootTypeAssociation, "a", `{"applyOnlyAtCronInterval":true}`), "scheduleExpression")},
			want: "scheduleExpression is unknown", undecided: true},
	})
}

func TestPatchRebootTiming(t *testing.T) {
	patch := func(reboot string, onlyAtCron bool, targets string) *engine.Resource {
		props := map[string]any{"name": "AWS-RunPatchBaseline", "scheduleExpression": "cron(0 3 ? * SUN *)",
			"applyOnlyAtCronInterval": onlyAtCron, "parameters": map[string]any{"Operation": "Install"}}
		if reboot != "" {
			props["parameters"].(map[string]any)["RebootOption"] = reboot
		}
		var list any
		if err := json.Unmarshal([]byte(targets), &list); err != nil {
			t.Fatal(err)
		}
		props["targets"] = list
		return &engine.Resource{URN: "urn:pulumi:test::sce::" + bootTypeAssociation + "::patch", Type: bootTypeAssociation, Name: "patch", Props: props}
	}
	const byID = `[{"key":"InstanceIds","values":["i-0123","i-4567"]}]`
	group := res(t, typeAutoscalingGroup, "workers", `{"name":"study-workers","tags":[{"key":"Project","value":"study","propagateAtLaunch":true},
		{"key":"Internal","value":"yes","propagateAtLaunch":false}]}`)
	template := res(t, typeLaunchTemplate, "lt", `{"tagSpecifications":[{"resourceType":"instance","tags":{"Name":"study-worker"}},
		{"resourceType":"volume","tags":{"Name":"study-volume"}}]}`)
	emr := res(t, typeEMRCluster, "emr", `{"tags":{"Name":"study-emr"}}`)
	emr.Provider = obj(t, `{"defaultTags":{"tags":{"Project":"study"}}}`)
	checkRule(t, "ssm-patch-reboot-timing", []ruleCase{
		{name: "rebooting by id, only at the cron interval, is compliant", rs: []*engine.Resource{patch("RebootIfNeeded", true, byID), group, template, emr}},
		{name: "the workers patched without a reboot at any time are compliant",
			rs: []*engine.Resource{patch("NoReboot", false, `[{"key":"tag:aws:autoscaling:groupName","values":["study-workers"]}]`), group}},
		{name: "a tag the group does not propagate is compliant", rs: []*engine.Resource{patch("RebootIfNeeded", true, `[{"key":"tag:Internal","values":["yes"]}]`), group}},
		{name: "a volume tag of the template is compliant", rs: []*engine.Resource{patch("RebootIfNeeded", true, `[{"key":"tag:Name","values":["study-volume"]}]`), template}},
		{name: "another document is not judged", rs: []*engine.Resource{res(t, bootTypeAssociation, "inv", `{"name":"AWS-GatherSoftwareInventory"}`)}},
		{name: "rebooting at creation violates", rs: []*engine.Resource{patch("RebootIfNeeded", false, byID)}, want: "runs as soon as it is created"},
		{name: "the default reboot option at creation violates", rs: []*engine.Resource{patch("", false, byID)}, want: "runs as soon as it is created"},
		{name: "the Project tag the workers carry violates", rs: []*engine.Resource{patch("RebootIfNeeded", true, `[{"key":"tag:Project","values":["study"]}]`), group},
			want: "target tag:Project=study selects Auto Scaling workers"},
		{name: "a launch template's instance tag violates", rs: []*engine.Resource{patch("RebootIfNeeded", true, `[{"key":"tag:Name","values":["study-worker"]}]`), template},
			want: "target tag:Name=study-worker selects Auto Scaling workers"},
		{name: "the Auto Scaling group tag violates", rs: []*engine.Resource{patch("RebootIfNeeded", true, `[{"key":"tag:aws:autoscaling:groupName","values":["other"]}]`)},
			want: "selects Auto Scaling workers"},
		{name: "every instance of the account violates when there are workers", rs: []*engine.Resource{patch("RebootIfNeeded", true, `[{"key":"InstanceIds","values":["*"]}]`), group},
			want: "target InstanceIds=* selects every instance, Auto Scaling workers and EMR nodes included"},
		{name: "the Project tag EMR gives its nodes from the provider's defaultTags violates",
			rs:   []*engine.Resource{patch("RebootIfNeeded", true, `[{"key":"tag:Project","values":["study"]}]`), emr},
			want: "target tag:Project=study selects EMR nodes"},
		{name: "a cluster tag violates", rs: []*engine.Resource{patch("RebootIfNeeded", true, `[{"key":"tag:Name","values":["study-emr"]}]`), emr},
			want: "selects EMR nodes"},
	})
	unknownReboot := patch("RebootIfNeeded", true, byID)
	unknownReboot.Props["parameters"].(map[string]any)["RebootOption"] = engine.Unknown
	checkRule(t, "ssm-patch-reboot-timing", []ruleCase{
		{name: "an unknown reboot option is undecided", rs: []*engine.Resource{unknownReboot}, want: "parameters.RebootOption is unknown", undecided: true},
	})
}

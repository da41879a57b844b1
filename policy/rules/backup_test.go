package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestInBackupPlan(t *testing.T) {
	const instanceArn = "arn:aws:ec2:us-east-1:123456789012:instance/web-id"
	instance := func(tags string) *engine.Resource {
		r := res(t, typeInstance, "web", `{"tags":`+tags+`}`)
		r.Outputs = map[string]any{"arn": instanceArn}
		return r
	}
	selection := func(props string) *engine.Resource { return res(t, typeBackupSelection, "sel", props) }

	volume := res(t, typeEBSVolume, "data", `{}`)
	previewSel := previewRef(selection(`{}`), "resources", volume)
	byProvider := res(t, typeEBSVolume, "data", `{}`)
	byProvider.Provider = obj(t, `{"defaultTags":{"tags":{"Backup":"daily"}}}`)

	checkRule(t, "ec2-in-backup-plan", []ruleCase{
		{name: "an instance listed by arn is compliant", rs: []*engine.Resource{instance(`{}`), selection(`{"resources":["` + instanceArn + `"]}`)}},
		{name: "every resource under a star is compliant", rs: []*engine.Resource{instance(`{}`), res(t, typeEBSVolume, "v", `{}`), selection(`{"resources":["*"]}`)}},
		{name: "a volume under a volume arn wildcard is compliant", rs: []*engine.Resource{res(t, typeEBSVolume, "v", `{}`),
			selection(`{"resources":["arn:aws:ec2:*:*:volume/*"]}`)}},
		{name: "an instance carrying a selected tag is compliant", rs: []*engine.Resource{instance(`{"Backup":"daily"}`),
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}},
		{name: "a volume tagged by its provider's default tags is compliant", rs: []*engine.Resource{byProvider,
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}},
		{name: "a volume referenced in preview is compliant", rs: []*engine.Resource{volume, previewSel}},
		{name: "a star narrowed by a tag condition the instance meets is compliant", rs: []*engine.Resource{instance(`{"Project":"hipaa"}`),
			selection(`{"resources":["*"],"conditions":[{"stringEquals":[{"key":"aws:ResourceTag/Project","value":"hipaa"}]}]}`)}},
		{name: "a stack without backup selections violates", rs: []*engine.Resource{res(t, typeEBSVolume, "v", `{}`)},
			want: "no aws:backup/selection:Selection covers this volume"},
		{name: "an instance without the selected tag violates", rs: []*engine.Resource{instance(`{"Backup":"never"}`),
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}, want: "covers this instance"},
		{name: "an instance outside a tag condition violates", rs: []*engine.Resource{instance(`{"Project":"other"}`),
			selection(`{"resources":["*"],"conditions":[{"stringEquals":[{"key":"aws:ResourceTag/Project","value":"hipaa"}]}]}`)}, want: "covers this instance"},
		{name: "a star minus another tag value covers an instance without that tag", rs: []*engine.Resource{instance(`{"Project":"hipaa"}`),
			selection(`{"resources":["*"],"conditions":[{"stringNotEquals":[{"key":"aws:ResourceTag/Backup","value":"never"}]}]}`)}},
		{name: "a star minus a tag value leaves out an instance with that tag", rs: []*engine.Resource{instance(`{"Backup":"never"}`),
			selection(`{"resources":["*"],"conditions":[{"stringNotEquals":[{"key":"aws:ResourceTag/Backup","value":"never"}]}]}`)}, want: "covers this instance"},
		{name: "a tag pattern the instance matches is compliant", rs: []*engine.Resource{instance(`{"Project":"hipaa-prod"}`),
			selection(`{"resources":["*"],"conditions":[{"stringLikes":[{"key":"aws:ResourceTag/Project","value":"hipaa*"}]}]}`)}},
		{name: "an instance excluded by notResources violates", rs: []*engine.Resource{instance(`{}`),
			selection(`{"resources":["*"],"notResources":["` + instanceArn + `"]}`)}, want: "covers this instance"},
		{name: "an instance arn wildcard leaves volumes out", rs: []*engine.Resource{res(t, typeEBSVolume, "v", `{}`),
			selection(`{"resources":["arn:aws:ec2:*:*:instance/*"]}`)}, want: "covers this volume"},
		{name: "resources of the wrong shape violate", rs: []*engine.Resource{instance(`{}`), selection(`{"resources":"*"}`)},
			want: `resources is a string ("*"); expected a list of arns`},
		{name: "unknown resources without dependencies are undecided", rs: []*engine.Resource{instance(`{}`), unknownValue(selection(`{}`), "resources")},
			want: "resources of backup selection sel is unknown until deployment", undecided: true},
	})
}

package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestResourcesTaggedWithPIT(t *testing.T) {
	tagged := res(t, typeVPC, "v", `{"tags":{"Project":"hipaa"}}`)
	untagged := res(t, typeVPC, "u", `{"tags":{"Name":"x"}}`)
	byProvider := res(t, typeSubnet, "s", `{}`)
	byProvider.Provider = obj(t, `{"defaultTags":{"tags":{"Project":"hipaa"}}}`)
	route := res(t, "aws:ec2/route:Route", "r", `{}`)
	checkRule(t, "resources-tagged-with-pit", []ruleCase{
		{name: "a resource tagged itself is compliant", rs: []*engine.Resource{tagged}},
		{name: "a resource tagged by its provider's defaultTags is compliant", rs: []*engine.Resource{byProvider}},
		{name: "a resource without the tag violates", rs: []*engine.Resource{untagged}, want: "no Project tag"},
		{name: "a resource without tags or provider violates", rs: []*engine.Resource{res(t, typeSubnet, "s2", `{}`)}, want: "no Project tag"},
		{name: "an untaggable resource is not judged", rs: []*engine.Resource{route}},
		{name: "tags of the wrong shape violate", rs: []*engine.Resource{res(t, typeVPC, "w", `{"tags":["Project"]}`)}, want: "no Project tag"},
	})
}

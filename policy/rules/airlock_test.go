package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestAirlockHasReviewers(t *testing.T) {
	fn := func(reviewers string) *engine.Resource {
		return res(t, typeLambdaFunction, "p-airlock-function", `{"environment":{"variables":{"REVIEWERS":"`+reviewers+`"}}}`)
	}
	checkRule(t, "airlock-has-reviewers", []ruleCase{
		{name: "two reviewers are compliant", rs: []*engine.Resource{fn("arn:aws:iam::111122223333:role/a,arn:aws:iam::111122223333:role/b")}},
		{name: "one reviewer violates", rs: []*engine.Resource{fn("arn:aws:iam::111122223333:role/a")}, want: "knows 1 reviewer(s); a release needs 2 approvals"},
		{name: "none violates and names the key", rs: []*engine.Resource{fn("")}, want: "set sce:outputReviewers"},
		{name: "the variable missing violates", rs: []*engine.Resource{res(t, typeLambdaFunction, "p-airlock-function", `{}`)}, want: "knows 0 reviewer(s)"},
		{name: "another function is not judged", rs: []*engine.Resource{res(t, typeLambdaFunction, "p-ledger-function", `{}`)}},
	})
}

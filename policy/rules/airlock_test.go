package rules

import "testing"

func TestAirlockHasReviewers(t *testing.T) {
	fn := func(reviewers string) *Resource {
		return res(t, typeLambdaFunction, "p-airlock-function", `{"environment":{"variables":{"REVIEWERS":"`+reviewers+`"}}}`)
	}
	checkRule(t, "airlock-has-reviewers", []ruleCase{
		{name: "two reviewers are compliant", rs: []*Resource{fn("arn:aws:iam::111122223333:role/a,arn:aws:iam::111122223333:role/b")}},
		{name: "one reviewer violates", rs: []*Resource{fn("arn:aws:iam::111122223333:role/a")}, want: "knows 1 reviewer(s); a release needs 2 approvals"},
		{name: "none violates and names the key", rs: []*Resource{fn("")}, want: "set sce:outputReviewers"},
		{name: "the variable missing violates", rs: []*Resource{res(t, typeLambdaFunction, "p-airlock-function", `{}`)}, want: "knows 0 reviewer(s)"},
		{name: "another function is not judged", rs: []*Resource{res(t, typeLambdaFunction, "p-ledger-function", `{}`)}},
	})
}

func TestLambdaStreamSourceEnabled(t *testing.T) {
	const stream = "arn:aws:dynamodb:us-west-2:111122223333:table/p-upload-ledger/stream/2026-01-01T00:00:00.000"
	table := func(props string) *Resource {
		r := res(t, typeDynamoDBTable, "p-ledger-table", props)
		r.Outputs = map[string]any{"streamArn": stream}
		return r
	}
	mapping := res(t, typeEventSourceMapping, "p-airlock-stream", `{"eventSourceArn":"`+stream+`"}`)
	checkRule(t, "lambda-stream-source-enabled", []ruleCase{
		{name: "a table with a new-image stream is compliant", rs: []*Resource{mapping, table(`{"streamEnabled":true,"streamViewType":"NEW_IMAGE"}`)}},
		{name: "new and old images are compliant", rs: []*Resource{mapping, table(`{"streamEnabled":true,"streamViewType":"NEW_AND_OLD_IMAGES"}`)}},
		{name: "a stream of keys only violates", rs: []*Resource{mapping, table(`{"streamEnabled":true,"streamViewType":"KEYS_ONLY"}`)}, want: `streamViewType "KEYS_ONLY"`},
		{name: "a table whose stream is off violates", rs: []*Resource{mapping, table(`{"streamEnabled":false,"streamViewType":"NEW_IMAGE"}`)}, want: "streamEnabled is false"},
		{name: "a stream of no table of the stack violates", rs: []*Resource{mapping}, want: "is the stream of no table of the stack"},
		{name: "a mapping of another source is not judged", rs: []*Resource{res(t, typeEventSourceMapping, "q", `{"eventSourceArn":"arn:aws:sqs:us-west-2:111122223333:q"}`)}},
	})
}

package stack_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
	"github.com/sce-project/sce/policy/verify"
)

const (
	reviewerBob   = "arn:aws:iam::111122223333:role/study-reviewer-bob"
	reviewerCarol = "arn:aws:iam::111122223333:role/study-reviewer-carol"
)

var withReviewers = map[string]string{"sce:outputReviewers": `["` + reviewerBob + `","` + reviewerCarol + `"]`}

// withReviewersAndAdmin adds the builder's role, which the bucket's endpoint restriction excepts.
var withReviewersAndAdmin = map[string]string{"sce:outputReviewers": withReviewers["sce:outputReviewers"], "sce:adminRoleArns": `["` + testAdmin + `"]`}

func TestTheReleaseFunctionRunsOnTheLedgersStreamOutsideTheVPC(t *testing.T) {
	p := planWith(t, withReviewers)
	table := one(t, p, "aws:dynamodb/table:Table", "study-ledger-table")
	assert.Equal(t, true, table.Inputs["streamEnabled"])
	assert.Equal(t, "NEW_IMAGE", in(table, "streamViewType"), "the function judges each item's new image")

	fn := one(t, p, lambdaType, "study-airlock-function")
	assert.Nil(t, fn.Inputs["vpcConfig"], "Lambda cannot attach to a dedicated-tenancy VPC")
	assert.Equal(t, "study-airlock-release", in(fn, "name"))
	vars := nested(t, fn, "environment")["variables"].(map[string]any)
	assert.Equal(t, reviewerBob+","+reviewerCarol, vars["REVIEWERS"])
	assert.Equal(t, "study-upload-ledger", vars["LEDGER_TABLE"])
	assert.Equal(t, bucketOf(t, p, "output").ID, vars["OUTPUT_BUCKET"])
	role := one(t, p, "aws:iam/role:Role", "study-airlock-role")
	assert.Equal(t, "study-airlock-release", in(role, "name"), "a fixed name: the bucket's and table's policies name it before it exists")
	assert.Equal(t, out(role, "arn"), in(fn, "role"))

	m := one(t, p, "aws:lambda/eventSourceMapping:EventSourceMapping", "study-airlock-stream")
	assert.Equal(t, out(table, "streamArn"), in(m, "eventSourceArn"))
	assert.Equal(t, out(fn, "arn"), in(m, "functionName"))
	assert.Equal(t, []any{"ReportBatchItemFailures"}, m.Inputs["functionResponseTypes"])
	dlq := one(t, p, "aws:sqs/queue:Queue", "study-ledger-dlq")
	assert.Equal(t, out(dlq, "arn"), nested(t, m, "destinationConfig")["onFailure"].(map[string]any)["destinationArn"])
	filters := nested(t, m, "filterCriteria")["filters"].([]any)
	require.Len(t, filters, 1)
	var pattern map[string]any
	require.NoError(t, json.Unmarshal([]byte(filters[0].(map[string]any)["pattern"].(string)), &pattern))
	assert.Equal(t, map[string]any{"dynamodb": map[string]any{"Keys": map[string]any{"object": map[string]any{"S": []any{map[string]any{"prefix": "airlock#"}}}}}}, pattern,
		"only the airlock's items reach the function, never an upload's")

	pol := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-airlock-policy"), "policy")
	stream := statement(t, pol, "ReadTheLedgerStream")
	assert.ElementsMatch(t, []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}, stream.Action)
	assert.Equal(t, []string{out(table, "arn") + "/stream/*"}, stream.Resource)
	// The mapping sends failed batches' descriptions to the dead-letter queue with the function's role.
	assert.Equal(t, []string{out(dlq, "arn")}, statement(t, pol, "KeepFailedBatches").Resource)
	// Values within the Lambda API's limits (botocore's model of CreateEventSourceMapping).
	for key, want := range map[string]any{"startingPosition": "TRIM_HORIZON", "batchSize": 10.0, "maximumRetryAttempts": 10.0,
		"maximumRecordAgeInSeconds": -1.0, "parallelizationFactor": 1.0, "maximumBatchingWindowInSeconds": 0.0, "bisectBatchOnFunctionError": true} {
		assert.EqualValues(t, want, m.Inputs[key], key)
	}
	assert.EqualValues(t, 900, fn.Inputs["timeout"], "Lambda's longest: hashing and copying 5 GiB")
	assert.Empty(t, p.MandatoryViolations())
}

func TestTheLedgerTablesPolicyKeepsEachKeyToItsWriter(t *testing.T) {
	p := planWith(t, withReviewers)
	table := one(t, p, "aws:dynamodb/table:Table", "study-ledger-table")
	rp := one(t, p, "aws:dynamodb/resourcePolicy:ResourcePolicy", "study-airlock-table-policy")
	assert.Equal(t, out(table, "arn"), in(rp, "resourceArn"))
	doc := policyOf(t, rp, "policy")
	reviews := statement(t, doc, "ReviewersRecordTheirOwnReviews")
	assert.ElementsMatch(t, []string{reviewerBob, reviewerCarol}, reviews.Principal.AWS)
	assert.Equal(t, []string{"airlock#review#${aws:PrincipalArn}#${aws:userid}"}, reviews.Condition["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"])
	records := statement(t, doc, "OnlyTheReleaseFunctionWritesAirlockRecords")
	assert.Equal(t, []string{"arn:aws:iam::111122223333:role/study-airlock-release"}, records.Condition["ArnNotLike"]["aws:PrincipalArn"])
	for _, sid := range []string{"ReviewsOnlyUnderTheirWritersKey", "RequestsOnlyUnderTheirWritersKey", "NoPartiQLWrites"} {
		assert.Equal(t, "Deny", statement(t, doc, sid).Effect, sid)
	}
	key := policyOf(t, p.Find("aws:kms/key:Key")[0], "policy")
	grant := statement(t, key, "AirlockReviewersUseTheKeyForTheLedgerThroughDynamoDB")
	assert.ElementsMatch(t, []string{reviewerBob, reviewerCarol}, grant.Principal.AWS)
	assert.Equal(t, []string{"study-upload-ledger"}, grant.Condition["StringEquals"]["kms:EncryptionContext:aws:dynamodb:tableName"])
}

func TestWithoutReviewersNothingCanBeReleasedAndThePlanSaysSo(t *testing.T) {
	p := planWith(t, nil)
	assert.Empty(t, p.MandatoryViolations())
	found := false
	for _, v := range p.Violations {
		if v.Policy == "airlock-has-reviewers" {
			found = true
			assert.Equal(t, "advisory", v.Level)
			assert.Contains(t, v.Message, "sce:outputReviewers")
		}
	}
	assert.True(t, found, "the plan warns that nothing can be released")
	doc := policyOf(t, one(t, p, "aws:dynamodb/resourcePolicy:ResourcePolicy", "study-airlock-table-policy"), "policy")
	for _, st := range doc.Statement {
		assert.NotEqual(t, "Allow", st.Effect, "nobody is granted anything: %s", st.Sid)
	}
	key := policyOf(t, p.Find("aws:kms/key:Key")[0], "policy")
	for _, st := range key.Statement {
		assert.NotContains(t, st.Sid, "Airlock", "no reviewer uses the key")
	}
}

func TestOnlyReleasedObjectsLeaveTheOutputBucketEvenWithoutTheEndpointRestriction(t *testing.T) {
	p := planWith(t, map[string]string{"sce:restrictToVpcEndpoint": "false"})
	endpoint := one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint")
	doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "output")), "policy")
	reads := statement(t, doc, "OnlyReleasedObjectsLeaveTheVPC")
	assert.Equal(t, []string{endpoint.ID}, reads.Condition["StringNotEquals"]["aws:SourceVpce"])
	assert.Equal(t, []string{out(bucketOf(t, p, "output"), "arn") + "/released/*"}, reads.NotResource)
	writes := statement(t, doc, "OnlyTheReleaseFunctionWritesReleased")
	assert.Contains(t, writes.Action, "s3:PutObject")
	assert.Equal(t, []string{"arn:aws:iam::111122223333:role/study-airlock-release"}, writes.Condition["ArnNotLike"]["aws:PrincipalArn"])
}

func TestReviewersMustBeRolesOfTheAccountThatExist(t *testing.T) {
	raw := baseConfig()
	raw["sce:outputReviewers"] = `["arn:aws:iam::444455556666:role/bob","` + reviewerCarol + `"]`
	_, err := plan.Run(plan.Options{Stack: "test", Config: raw}, stack.Run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a role of account 444455556666, not of the stack's account 111122223333")

	rec := plan.NewRecorder(plan.Project, "test", "us-west-2", "aws").WithoutRoles("study-reviewer-carol")
	raw["sce:outputReviewers"] = withReviewers["sce:outputReviewers"]
	_, err = plan.Run(plan.Options{Stack: "test", Config: raw, Recorder: rec}, stack.Run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the reviewer role "+reviewerCarol+" does not exist")
	for _, r := range rec.Resources() {
		assert.NotEqual(t, "aws:kms/key:Key", r.Type, "nothing that names the role is registered")
	}

	raw["sce:outputReviewers"] = `["arn:aws:iam::111122223333:role/team/study-reviewer-bob","` + reviewerCarol + `"]`
	_, err = plan.Run(plan.Options{Stack: "test", Config: raw}, stack.Run)
	require.Error(t, err, "the mock's role has no path: the ARN given is not the role's")
	assert.Contains(t, err.Error(), "give its ARN with its path")
}

// TestTheAirlockGuardsFailOnTheBrokenForm puts back what AWS or the design would refuse and expects a
// rule or a flow to stop the plan.
func TestTheAirlockGuardsFailOnTheBrokenForm(t *testing.T) {
	t.Run("the ledger table without its stream", func(t *testing.T) {
		p := planWith(t, withReviewers)
		got := policies(reapply(p, func(r *plan.Resource) {
			if r.Type == "aws:dynamodb/table:Table" {
				r.Inputs["streamEnabled"] = false
			}
		}))
		assert.Equal(t, "deployability", got["lambda-stream-source-enabled"])
	})
	t.Run("the workstation may write released/", func(t *testing.T) {
		p := planWith(t, withReviewers)
		vs := reapply(p, func(r *plan.Resource) {
			if r.Type == "aws:s3/bucketPolicy:BucketPolicy" && strings.Contains(in(*r, "policy"), "OnlyTheReleaseFunctionWritesReleased") {
				r.Inputs["policy"] = strings.Replace(in(*r, "policy"), "OnlyTheReleaseFunctionWritesReleased\",\"Effect\":\"Deny", "OnlyTheReleaseFunctionWritesReleased\",\"Effect\":\"Allow", 1)
			}
		})
		assertFlowFails(t, vs, "researcher alice's session writes into released/")
	})
	t.Run("the outbox readable from outside", func(t *testing.T) {
		p := planWith(t, withReviewersAndAdmin)
		vs := reapply(p, func(r *plan.Resource) {
			if r.Type == "aws:s3/bucketPolicy:BucketPolicy" {
				r.Inputs["policy"] = withoutStatement(t, in(*r, "policy"), "OnlyReleasedObjectsLeaveTheVPC")
			}
		})
		assertFlowFails(t, vs, "reads the outbox from outside the VPC")
	})
	t.Run("anyone may write any review", func(t *testing.T) {
		p := planWith(t, withReviewersAndAdmin)
		vs := reapply(p, func(r *plan.Resource) {
			if r.Type == "aws:dynamodb/resourcePolicy:ResourcePolicy" {
				r.Inputs["policy"] = withoutStatement(t, in(*r, "policy"), "ReviewsOnlyUnderTheirWritersKey")
			}
		})
		assertFlowFails(t, vs, "records a review under another reviewer's key")
		assertFlowFails(t, vs, "records a review under a reviewer's key")
	})
	t.Run("anyone may write the release function's records", func(t *testing.T) {
		p := planWith(t, withReviewersAndAdmin)
		vs := reapply(p, func(r *plan.Resource) {
			if r.Type == "aws:dynamodb/resourcePolicy:ResourcePolicy" {
				r.Inputs["policy"] = withoutStatement(t, in(*r, "policy"), "OnlyTheReleaseFunctionWritesAirlockRecords")
			}
		})
		assertFlowFails(t, vs, "writes the release function's record of a request")
	})
}

// withoutStatement removes the statement with that Sid from a JSON policy.
func withoutStatement(t *testing.T, policy, sid string) string {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(policy), &doc))
	var kept []any
	for _, st := range doc["Statement"].([]any) {
		if st.(map[string]any)["Sid"] != sid {
			kept = append(kept, st)
		}
	}
	doc["Statement"] = kept
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return string(b)
}

// assertFlowFails expects a flows-as-designed violation naming the flow.
func assertFlowFails(t *testing.T, vs []plan.Violation, flow string) {
	t.Helper()
	for _, v := range vs {
		if v.Policy == plan.FlowsPolicy && strings.Contains(v.Message, flow) {
			return
		}
	}
	require.Fail(t, "no failed flow", "want %q among %v", flow, vs)
}

// TestTheAirlocksFlowsAreProven: every airlock flow of a stack with reviewers is decided as the design
// needs (the release function writes released/, nobody else can; only released/ is read from outside).
func TestTheAirlocksFlowsAreProven(t *testing.T) {
	p := planWith(t, withReviewersAndAdmin)
	var n int
	for _, f := range p.Flows {
		if strings.Contains(f.Flow, "released/") || strings.Contains(f.Flow, "outbox") || strings.Contains(f.Flow, "review") {
			n++
			assert.True(t, f.OK(), "%s: expected %s, got %s: %s", f.Flow, f.Expected, f.Result, f.Why)
		}
	}
	assert.GreaterOrEqual(t, n, 15)
	assert.Empty(t, verify.Failures(p.Flows))
}

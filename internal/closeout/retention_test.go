package closeout_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/closeout"
	"github.com/sce-project/sce/internal/outputs"
	"github.com/sce-project/sce/internal/plan"
)

func TestCloseOutNamesEveryLogGroupKeptTooShort(t *testing.T) {
	p := planWithChanges(t, "hipaa", map[string]string{"sce:flowLogRetentionDays": "30", "sce:auditLogRetentionDays": "90"})
	rep := closeout.Analyze(p, closeout.Options{})
	assert.ElementsMatch(t, []string{
		"log group /sce/hipaa/vpc-flow-logs (hipaa-flow-logs) keeps its events 30 days, less than the 2192 days of sce:minimumRetentionDays",
		"log group /sce/hipaa/cloudtrail (hipaa-audit-log-group) keeps its events 90 days, less than the 2192 days of sce:minimumRetentionDays",
		"log group /sce/hipaa/bastion (hipaa-bastion-log-group) keeps its events 90 days, less than the 2192 days of sce:minimumRetentionDays",
		"log group /sce/hipaa/workstation (hipaa-workstation-log-group) keeps its events 90 days, less than the 2192 days of sce:minimumRetentionDays",
		"log group /sce/hipaa/upload-ledger (hipaa-ledger-log-group) keeps its events 90 days, less than the 2192 days of sce:minimumRetentionDays",
		"log group /sce/hipaa/airlock-release (hipaa-airlock-log-group) keeps its events 90 days, less than the 2192 days of sce:minimumRetentionDays",
	}, rep.Problems, "auditLogRetentionDays is the instances' and the ledger's retention too")
	var out bytes.Buffer
	require.NoError(t, closeout.Write(&out, rep, "us-west-2"))
	assert.Contains(t, out.String(), "CHECKS FAILED")
	assert.NotContains(t, out.String(), "Checks passed")

	rep = closeout.Analyze(p, closeout.Options{MinimumRetentionDays: 30})
	assert.Empty(t, rep.Problems, "a minimum the builder lowered explicitly")
	out.Reset()
	require.NoError(t, closeout.Write(&out, rep, "us-west-2"))
	assert.Contains(t, out.String(), "before 30 days (sce:minimumRetentionDays);")
}

func TestTheDefaultMinimumIsSixYears(t *testing.T) {
	rep := closeout.Analyze(planOf(t, "hipaa"), closeout.Options{})
	require.Empty(t, rep.Problems)
	var out bytes.Buffer
	require.NoError(t, closeout.Write(&out, rep, "us-west-2"))
	assert.Contains(t, out.String(), "no kept bucket's lifecycle expires objects, before 2192 days (sce:minimumRetentionDays, HIPAA's six years)")
	assert.Contains(t, out.String(), "every log the stack writes goes to a group or bucket it keeps")
}

// change returns the plan with a resource's inputs changed.
func change(t *testing.T, p *plan.Plan, name string, f func(in map[string]any)) *plan.Plan {
	t.Helper()
	for _, r := range p.Resources {
		if r.Name == name {
			f(r.Inputs)
			return p
		}
	}
	require.FailNow(t, "no resource "+name)
	return nil
}

func addRule(rule map[string]any) func(map[string]any) {
	return func(in map[string]any) { in["rules"] = append(in["rules"].([]any), rule) }
}

func TestCloseOutChecksEveryKeptBucketsLifecycle(t *testing.T) {
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		change func(t *testing.T, p *plan.Plan) *plan.Plan
		want   string
	}{
		{"data-in expires uploads after a month", func(t *testing.T, p *plan.Plan) *plan.Plan {
			return change(t, p, "hipaa-data-in-lifecycle", addRule(map[string]any{"id": "tidy", "status": "Enabled", "filter": map[string]any{"prefix": "incoming/"},
				"expiration": map[string]any{"days": float64(30)}}))
		}, `the data-in bucket's lifecycle rule "tidy" expires objects after 30 days`},
		{"the access logs expire on a date", func(t *testing.T, p *plan.Plan) *plan.Plan {
			return change(t, p, "hipaa-access-logs-lifecycle", addRule(map[string]any{"id": "end", "status": "Enabled",
				"expiration": map[string]any{"date": "2028-01-01T00:00:00Z"}}))
		}, `the access-logs bucket's lifecycle rule "end" expires objects on 2028-01-01T00:00:00Z, sooner than the 2192 days`},
		{"the kept ancillary bucket expires its objects", func(t *testing.T, p *plan.Plan) *plan.Plan {
			return change(t, p, "hipaa-ancillary-lifecycle", addRule(map[string]any{"id": "x", "status": "Enabled", "expiration": map[string]any{"days": int64(7)}}))
		}, `the ancillary bucket's lifecycle rule "x" expires objects after 7 days`},
		{"a log group of the workstation", func(t *testing.T, p *plan.Plan) *plan.Plan {
			return change(t, p, "hipaa-workstation-log-group", func(in map[string]any) { in["retentionInDays"] = float64(365) })
		}, "log group /sce/hipaa/workstation (hipaa-workstation-log-group) keeps its events 365 days"},
		{"the flow log writes elsewhere", func(t *testing.T, p *plan.Plan) *plan.Plan {
			return change(t, p, "hipaa-flow-log", func(in map[string]any) {
				in["logDestination"] = "arn:aws:logs:us-west-2:111122223333:log-group:/other/flow-logs"
			})
		}, "aws:ec2/flowLog:FlowLog hipaa-flow-log writes its logs to the log group /other/flow-logs, which the stack does not create"},
		{"the function logs to Lambda's default group", func(t *testing.T, p *plan.Plan) *plan.Plan {
			return change(t, p, "hipaa-ledger-function", func(in map[string]any) { delete(in, "loggingConfig") })
		}, "hipaa-ledger-function writes its logs to the log group /aws/lambda/"},
		{"the trail delivers into a bucket that goes with the stack", func(t *testing.T, p *plan.Plan) *plan.Plan {
			return change(t, p, "hipaa-audit-trail", func(in map[string]any) { in["s3BucketName"] = "someone-elses-bucket" })
		}, `aws:cloudtrail/trail:Trail hipaa-audit-trail writes its logs to the bucket "someone-elses-bucket", which is not a bucket the stack keeps`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := closeout.Analyze(tt.change(t, planOf(t, "hipaa")), closeout.Options{Now: now})
			require.Len(t, rep.Problems, 1)
			assert.Contains(t, rep.Problems[0], tt.want)
		})
	}

	harmless := planOf(t, "hipaa")
	change(t, harmless, "hipaa-data-in-lifecycle", addRule(map[string]any{"id": "off", "status": "Disabled", "expiration": map[string]any{"days": float64(1)}}))
	change(t, harmless, "hipaa-logs-lifecycle", addRule(map[string]any{"id": "far", "status": "Enabled", "expiration": map[string]any{"date": "2040-01-01"}}))
	assert.Empty(t, closeout.Analyze(harmless, closeout.Options{Now: now}).Problems,
		"a disabled rule, a date beyond the minimum and the 90-day expiration of noncurrent versions lose nothing current")
}

func TestTheAncillaryBucketsFateIsPrinted(t *testing.T) {
	kept := closeout.Analyze(planOf(t, "hipaa"), closeout.Options{})
	require.Empty(t, kept.Problems)
	assert.True(t, kept.KeepsAncillary, "kept by default")
	var out bytes.Buffer
	require.NoError(t, closeout.Write(&out, kept, "us-west-2"))
	assert.Contains(t, out.String(), "The ancillary bucket "+kept.Buckets["ancillary"]+" is kept (sce:ancillaryCloseout: keep)")
	assert.Contains(t, out.String(), "delete data-in, output and ancillary when the study's data agreement allows")
	assert.NotContains(t, out.String(), "delete-objects")

	p := planWithChanges(t, "hipaa", map[string]string{"sce:ancillaryCloseout": "destroy"})
	for _, r := range p.Find("aws:s3/bucketV2:BucketV2") {
		if r.Name == "hipaa-ancillary-bucket" {
			assert.False(t, r.RetainOnDelete || r.Protect, "destroy: neither retained nor protected")
		}
	}
	gone := closeout.Analyze(p, closeout.Options{})
	require.Empty(t, gone.Problems)
	assert.False(t, gone.KeepsAncillary)
	assert.Contains(t, strings.Join(kinds(gone.Deleted, "hipaa"), "\n"), "BucketV2 ancillary-bucket")
	out.Reset()
	require.NoError(t, closeout.Write(&out, gone, "us-west-2"))
	text := out.String()
	name := gone.Buckets["ancillary"]
	assert.Contains(t, text, "The ancillary bucket "+name+" is emptied and deleted (sce:ancillaryCloseout: destroy records the data owner's consent)")
	empty := "aws s3api delete-objects --region us-west-2 --bucket " + name
	assert.Contains(t, text, empty)
	assert.Contains(t, text, "--max-items 500 --query '{Objects: [Versions, DeleteMarkers][][].{Key: Key, VersionId: VersionId}, Quiet: `true`}'",
		"at most 500 versions and 500 delete markers: DeleteObjects takes 1,000 keys")
	assert.Less(t, strings.Index(text, empty), strings.Index(text, "pulumi destroy --yes"), "emptied before the destroy")
	assert.Contains(t, text, "delete data-in and output when")
}

func TestCloseOutRefusesOutputsWithoutTheNamesItPrints(t *testing.T) {
	rep := closeout.Analyze(planOf(t, "hipaa"), closeout.Options{})
	outs, err := outputs.Parse("outputs.json", []byte(`{"pit":"hipaa","outputBucket":"hipaa-output-0a1b2c3d","logBucket":"hipaa-logs-4e5f6a7b"}`))
	require.NoError(t, err)
	err = rep.UseOutputs(outs)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stack outputs outputs.json lack accessLogBucket, ancillaryBucket, dataInBucket, kmsKeyArn, ledgerTable:")
	assert.False(t, rep.Deployed, "nothing taken from refused outputs")
}

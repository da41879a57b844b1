package closeout_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/closeout"
	"github.com/sce-project/sce/internal/plan"
)

func planOf(t *testing.T, name string) *plan.Plan {
	t.Helper()
	return planWithChanges(t, name, nil)
}

// kinds summarises resources as "type name-without-pit" so that the expectation reads the same for any PIT.
func kinds(rs []plan.Resource, pit string) []string {
	var out []string
	for _, r := range rs {
		short := r.Type[strings.LastIndex(r.Type, ":")+1:]
		out = append(out, short+" "+strings.TrimPrefix(r.Name, pit+"-"))
	}
	sort.Strings(out)
	return out
}

// TestOnlyDataLogsAndTheKeySurviveADestroy is the close-out's promise: "data and results are preserved, log
// files preserved, the SCE is deleted; no trace remains".
func TestOnlyDataLogsAndTheKeySurviveADestroy(t *testing.T) {
	rep := closeout.Analyze(planOf(t, "hipaa"), closeout.Options{})
	require.Empty(t, rep.Problems)
	var want []string
	for _, purpose := range []string{"data-in", "output", "ancillary", "logs", "access-logs"} {
		for _, part := range []string{"BucketV2 %s-bucket", "BucketVersioningV2 %s-versioning", "BucketLifecycleConfigurationV2 %s-lifecycle",
			"BucketServerSideEncryptionConfigurationV2 %s-encryption", "BucketPublicAccessBlock %s-public-access-block",
			"BucketOwnershipControls %s-ownership", "BucketPolicy %s-policy"} {
			want = append(want, strings.Replace(part, "%s", purpose, 1))
		}
		if purpose != "access-logs" {
			want = append(want, "BucketLoggingV2 "+purpose+"-access-logging")
		}
	}
	want = append(want,
		"Key key",
		"LogGroup airlock-log-group", "LogGroup audit-log-group", "LogGroup bastion-log-group", "LogGroup flow-logs", "LogGroup workstation-log-group",
		"LogGroup ledger-log-group", "Table ledger-table", "Vault backup-vault",
		"AccountPublicAccessBlock account-s3-public-access-block", "EncryptionByDefault account-ebs-encryption-by-default",
	)
	sort.Strings(want)
	assert.Equal(t, want, kinds(rep.Kept, "hipaa"))

	deleted := strings.Join(kinds(rep.Deleted, "hipaa"), "\n")
	for _, gone := range []string{"Instance bastion-instance", "Instance workstation-instance", "Volume workstation-data", "Vpc vpc",
		"NatGateway nat", "Trail audit-trail", "Topic audit-alerts", "Function ledger-function",
		"BucketNotification ledger-notification"} {
		assert.Contains(t, deleted, gone, "%s does not outlive the project", gone)
	}
}

func TestOMOPCloseOutKeepsRedshiftAuditLogs(t *testing.T) {
	rep := closeout.Analyze(planOf(t, "omop"), closeout.Options{})
	require.Empty(t, rep.Problems)
	kept := strings.Join(kinds(rep.Kept, "omop"), "\n")
	for _, export := range []string{"connectionlog", "useractivitylog", "userlog"} {
		assert.Contains(t, kept, "LogGroup omop-log-"+export, "every query on PHI stays on record")
	}
	assert.NotContains(t, kept, "Cluster omop-cluster", "the cluster is deleted (its final snapshot is taken)")
}

func TestCloseOutRefusesToLoseWhatMustBeKept(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *plan.Plan)
		want   string
	}{
		{"a data bucket that is not retained", func(p *plan.Plan) { setRetain(p, "hipaa-data-in-bucket", false) }, "data-in bucket's aws:s3/bucketV2:BucketV2"},
		{"a key that is not retained", func(p *plan.Plan) { setRetain(p, "hipaa-key", false) }, "could no longer be decrypted"},
		{"a log group that is not retained", func(p *plan.Plan) { setRetain(p, "hipaa-flow-logs", false) }, "audit evidence"},
		{"logs that expire too soon", func(p *plan.Plan) { expireLogsAfter(p, 365) },
			`the logs bucket's lifecycle rule "archive-then-expire" expires objects after 365 days, less than the 2192 days of sce:minimumRetentionDays`},
		{"an unversioned output bucket", func(p *plan.Plan) { unversion(p, "hipaa-output-versioning") }, "output bucket is not versioned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planOf(t, "hipaa")
			tt.change(p)
			rep := closeout.Analyze(p, closeout.Options{})
			require.NotEmpty(t, rep.Problems)
			assert.Contains(t, strings.Join(rep.Problems, "\n"), tt.want)
			var out bytes.Buffer
			require.NoError(t, closeout.Write(&out, rep, "us-west-2"))
			assert.Contains(t, out.String(), "CHECKS FAILED")
			assert.NotContains(t, out.String(), "pulumi destroy --yes", "no procedure is printed when a check fails")
		})
	}
}

func TestCloseOutProcedureUsesTheStacksNames(t *testing.T) {
	p := planOf(t, "hipaa")
	rep := closeout.Analyze(p, closeout.Options{})
	var out bytes.Buffer
	require.NoError(t, closeout.Write(&out, rep, "us-west-2"))
	text := out.String()
	assert.Contains(t, text, "s3://"+rep.Buckets["output"]+"/results/")
	assert.Contains(t, text, "pulumi state unprotect --all --yes")
	assert.Contains(t, text, "aws dynamodb export-table-to-point-in-time", "the upload ledger is exported")
	assert.Less(t, strings.Index(text, "pulumi stack export"), strings.Index(text, "pulumi destroy --yes"), "the state is saved first")
	assert.Contains(t, text, "--tag-filters Key=Project,Values=hipaa")
}

func setRetain(p *plan.Plan, name string, retain bool) {
	for i := range p.Resources {
		if p.Resources[i].Name == name {
			p.Resources[i].RetainOnDelete = retain
		}
	}
}

func expireLogsAfter(p *plan.Plan, days int64) {
	for i, r := range p.Resources {
		if r.Name != "hipaa-logs-lifecycle" {
			continue
		}
		for _, rule := range r.Inputs["rules"].([]any) {
			if exp, ok := rule.(map[string]any)["expiration"].(map[string]any); ok {
				exp["days"] = days
			}
		}
		p.Resources[i] = r
	}
}

func unversion(p *plan.Plan, name string) {
	for _, r := range p.Resources {
		if r.Name == name {
			r.Inputs["versioningConfiguration"].(map[string]any)["status"] = "Suspended"
		}
	}
}

func TestCloseOutUsesTheDeployedNamesWhenGiven(t *testing.T) {
	p := planOf(t, "hipaa")
	rep := closeout.Analyze(p, closeout.Options{})
	var planned bytes.Buffer
	require.NoError(t, closeout.Write(&planned, rep, "us-west-2"))
	assert.Contains(t, planned.String(), "NOTE: the bucket and table names below are the offline plan's")

	rep.UseDeployedNames(map[string]string{"outputBucket": "hipaa-output-0a1b2c3d", "logBucket": "hipaa-logs-4e5f6a7b",
		"ledgerTable": "hipaa-ledger-table-9c8d7e6"})
	var deployed bytes.Buffer
	require.NoError(t, closeout.Write(&deployed, rep, "us-west-2"))
	text := deployed.String()
	assert.NotContains(t, text, "NOTE: the bucket and table names")
	assert.Contains(t, text, "aws s3 cp --recursive /hipaa/results s3://hipaa-output-0a1b2c3d/results/", "the PIT is the mount point; no --sse: aws:kms without a key would get aws/s3 and be refused")
	assert.Contains(t, text, "--table-name hipaa-ledger-table-9c8d7e6 --query Table.TableArn")
	assert.Contains(t, text, "--s3-bucket hipaa-logs-4e5f6a7b --s3-prefix ledger/")
	assert.Contains(t, text, "s3://hipaa-logs-4e5f6a7b/closeout/")
	kept := text[:strings.Index(text, "\nDeleted")]
	assert.Contains(t, kept, "aws:s3/bucketV2:BucketV2 hipaa-logs-bucket (hipaa-logs-4e5f6a7b)", "the kept list names the deployed bucket")
	assert.Contains(t, kept, "aws:s3/bucketVersioningV2:BucketVersioningV2 hipaa-output-versioning (hipaa-output-0a1b2c3d)", "and what configures it")
	assert.Contains(t, kept, "aws:dynamodb/table:Table hipaa-ledger-table (hipaa-ledger-table-9c8d7e6)")
	assert.Contains(t, kept, "hipaa-data-in-bucket ("+rep.Buckets["data-in"]+")", "a bucket the outputs do not name keeps the plan's name")
}

// TestCloseOutCommandsNeverAskForKMSWithoutTheKey: `--sse aws:kms` alone makes S3 use aws/s3, which the
// PHI buckets refuse; the commands rely on the buckets' default encryption instead.
func TestCloseOutCommandsNeverAskForKMSWithoutTheKey(t *testing.T) {
	for _, dir := range []string{"."} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, line := range strings.Split(string(b), "\n") {
				if strings.Contains(line, "--sse aws:kms") {
					assert.Contains(t, line, "--sse-kms-key-id", "%s: %s", f, strings.TrimSpace(line))
				}
			}
		}
	}
}

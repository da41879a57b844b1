package stack_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
)

func TestUploadsInvokeTheLedgerFunction(t *testing.T) {
	p := planWith(t, map[string]string{"sce:phiNames": `["Bigboote","Smallberries"]`})
	dataIn := bucketOf(t, p, "data-in")
	fn := one(t, p, "aws:lambda/function:Function", "study-ledger-function")
	assert.Equal(t, "provided.al2023", in(fn, "runtime"))
	assert.Equal(t, []any{"arm64"}, fn.Inputs["architectures"])
	assert.Equal(t, "bootstrap", in(fn, "handler"))
	assert.EqualValues(t, 300, fn.Inputs["timeout"], "time for a multipart quarantine copy")
	dlq := one(t, p, "aws:sqs/queue:Queue", "study-ledger-dlq")
	assert.Equal(t, out(dlq, "arn"), fn.Inputs["deadLetterConfig"].(map[string]any)["targetArn"], "a dead-letter queue")
	assert.NotContains(t, fn.Inputs, "vpcConfig", "Lambda cannot attach to a dedicated-tenancy VPC; the ledger needs none")
	env := fn.Inputs["environment"].(map[string]any)["variables"].(map[string]any)
	table := one(t, p, "aws:dynamodb/table:Table", "study-ledger-table")
	queue := one(t, p, "aws:sqs/queue:Queue", "study-ledger-queue")
	assert.Equal(t, table.ID, env["LEDGER_TABLE"])
	assert.Equal(t, queue.ID, env["QUEUE_URL"])
	assert.Equal(t, p.Find("aws:sns/topic:Topic")[0].ID, env["TOPIC_ARN"])
	assert.Equal(t, "Bigboote,Smallberries", env["PHI_NAMES"])
	assert.Equal(t, "quarantine/", env["QUARANTINE_PREFIX"])
	assert.Equal(t, "/sce/study/upload-ledger", fn.Inputs["loggingConfig"].(map[string]any)["logGroup"])

	notifications := p.Find("aws:s3/bucketNotification:BucketNotification")
	require.Len(t, notifications, 1)
	n := notifications[0]
	assert.Equal(t, dataIn.ID, in(n, "bucket"))
	target := n.Inputs["lambdaFunctions"].([]any)[0].(map[string]any)
	assert.Equal(t, out(fn, "arn"), target["lambdaFunctionArn"])
	assert.Equal(t, []any{"s3:ObjectCreated:*"}, target["events"])
	perm := one(t, p, "aws:lambda/permission:Permission", "study-ledger-s3-invoke")
	assert.Equal(t, "s3.amazonaws.com", in(perm, "principal"))
	assert.Equal(t, out(dataIn, "arn"), in(perm, "sourceArn"), "only data-in may invoke it")
	assert.Equal(t, "111122223333", in(perm, "sourceAccount"))
	assert.Contains(t, n.DependsOn, perm.URN)
}

func TestLedgerTableIsEncryptedRecoverableAndKept(t *testing.T) {
	p := planWith(t, nil)
	table := one(t, p, "aws:dynamodb/table:Table", "study-ledger-table")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	assert.Equal(t, "PAY_PER_REQUEST", in(table, "billingMode"), "on demand")
	assert.Equal(t, true, table.Inputs["pointInTimeRecovery"].(map[string]any)["enabled"])
	sse := table.Inputs["serverSideEncryption"].(map[string]any)
	assert.Equal(t, true, sse["enabled"])
	assert.Equal(t, key, sse["kmsKeyArn"])
	assert.True(t, table.RetainOnDelete)
	for _, q := range p.Find("aws:sqs/queue:Queue") {
		assert.Equal(t, key, in(q, "kmsMasterKeyId"), q.Name)
	}
	var redrive map[string]any
	require.NoError(t, json.Unmarshal([]byte(in(one(t, p, "aws:sqs/queue:Queue", "study-ledger-queue"), "redrivePolicy")), &redrive))
	assert.Equal(t, out(one(t, p, "aws:sqs/queue:Queue", "study-ledger-dlq"), "arn"), redrive["deadLetterTargetArn"])
	policies := p.Find("aws:sqs/queuePolicy:QueuePolicy")
	require.Len(t, policies, 2)
	for _, qp := range policies {
		tls := statement(t, policyOf(t, qp, "policy"), "DenyRequestsWithoutTLS")
		assert.Equal(t, components.Deny, tls.Effect)
		assert.Equal(t, []string{"false"}, tls.Condition["Bool"]["aws:SecureTransport"])
	}
}

func TestLedgerRoleIsLeastPrivilege(t *testing.T) {
	p := planWith(t, nil)
	dataIn := out(bucketOf(t, p, "data-in"), "arn")
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-ledger-policy"), "policy")
	assert.Equal(t, []string{dataIn + "/*"}, statement(t, doc, "ReadNewObjects").Resource)
	assert.Equal(t, []string{dataIn + "/quarantine/*"}, statement(t, doc, "QuarantineLookalikePHIKeys").Resource, "writes only into quarantine")
	assert.Equal(t, []string{"dynamodb:PutItem", "dynamodb:UpdateItem"}, statement(t, doc, "RecordInLedger").Action,
		"the handler records the item, then marks each step done (queued, notified) so that a retry repeats only the rest")
	assert.Equal(t, []string{"s3:PutObject", "s3:AbortMultipartUpload"}, statement(t, doc, "QuarantineLookalikePHIKeys").Action,
		"a quarantine copy above 5 GiB is multipart, aborted when a part fails")
	assert.Equal(t, []string{out(one(t, p, "aws:dynamodb/table:Table", "study-ledger-table"), "arn")}, statement(t, doc, "RecordInLedger").Resource)
	assert.Equal(t, []string{"sns:Publish"}, statement(t, doc, "Notify").Action)
	for _, s := range doc.Statement {
		assert.NotContains(t, s.Resource, "*", "%s is scoped", s.Sid)
		for _, a := range s.Action {
			assert.False(t, strings.HasSuffix(a, ":*"), "%s grants %s", s.Sid, a)
		}
	}
}

// TestQuarantineIsReadableByAdministratorsOnly: and by the malware scanner, which scans the quarantined
// copies so that an administrator knows whether one holds malware before opening it.
func TestQuarantineIsReadableByAdministratorsOnly(t *testing.T) {
	admin := "arn:aws:iam::111122223333:role/sce-admin"
	p := planWith(t, map[string]string{"sce:adminRoleArns": `["` + admin + `"]`})
	doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "data-in")), "policy")
	q := statement(t, doc, "QuarantineReadableByAdministratorsOnly")
	assert.Equal(t, components.Deny, q.Effect)
	assert.Equal(t, []string{out(bucketOf(t, p, "data-in"), "arn") + "/quarantine/*"}, q.Resource)
	assert.Contains(t, q.Action, "s3:GetObject")
	assert.Equal(t, []string{admin, "arn:aws:iam::111122223333:role/study-malware-scan"}, q.Condition["ArnNotLike"]["aws:PrincipalArn"])
}

// TestLedgerCodeIsTheZipFileTheBuildWrites: the function's code is the zip file lambdabuild.Package
// writes (bootstrap with mode 0755), never a directory, which Pulumi would zip without file modes
// (pulumi/pulumi#3593), leaving a bootstrap Lambda cannot run.
func TestLedgerCodeIsTheZipFileTheBuildWrites(t *testing.T) {
	p := planWith(t, nil)
	fn := one(t, p, "aws:lambda/function:Function", "study-ledger-function")
	code, ok := fn.Inputs["code"].(map[string]any)
	require.True(t, ok, "the code is an archive: %v", fn.Inputs["code"])
	path, _ := code["archive"].(string)
	assert.True(t, strings.HasSuffix(path, string(os.PathSeparator)+"ledger.zip"), "a zip file, not a directory: %q", path)
}

// TestLedgerReservesConcurrencyOnlyWhenConfigured: Lambda refuses a reservation that leaves fewer than 100
// executions unreserved (PutFunctionConcurrency), and a new account's quota can be lower, so the ledger
// reserves none unless the builder sets sce:ledgerReservedConcurrency. Unset, the lambda-concurrency-limit
// rule's finding is covered by its declared exemption (reported, not dropped); set, the rule passes.
func TestLedgerReservesConcurrencyOnlyWhenConfigured(t *testing.T) {
	tests := []struct {
		name       string
		changes    map[string]string
		want       any // the reservedConcurrentExecutions input, nil when absent
		wantExempt bool
	}{
		{"by default none is reserved and the exemption is reported", nil, nil, true},
		{"an explicit 0 reserves none", map[string]string{"sce:ledgerReservedConcurrency": "0"}, nil, true},
		{"a configured reservation is the function's limit", map[string]string{"sce:ledgerReservedConcurrency": "10"}, 10.0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planWith(t, tt.changes)
			fn := one(t, p, "aws:lambda/function:Function", "study-ledger-function")
			got, ok := fn.Inputs["reservedConcurrentExecutions"]
			if tt.want == nil {
				assert.False(t, ok, "no reservation: %v", got)
			} else {
				assert.EqualValues(t, tt.want, got)
			}
			exempt := false
			for _, e := range p.Exemptions {
				if e.Policy == "lambda-concurrency-limit" && e.URN == fn.URN {
					exempt = true
				}
			}
			assert.Equal(t, tt.wantExempt, exempt)
			for _, v := range p.Violations {
				assert.NotEqual(t, "lambda-concurrency-limit", v.Policy, "%s", v.Message)
			}
		})
	}
}

// TestTheWorkersQueueNeverGetsTheOMOPLoadsFiles: the data-in notification has no filter (the ledger
// records every object), and the function is told not to queue objects under the prefixes the COPY role
// reads: exactly those, so that the two never drift apart. Without OMOP nothing but the quarantine
// prefix (which the function always treats so) is held back.
func TestTheWorkersQueueNeverGetsTheOMOPLoadsFiles(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"without OMOP nothing is held back", nil, nil},
		{"with OMOP the vocabulary prefix", map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default"}, []string{"omop/vocabulary/"}},
		{"and the clinical data prefix when one is loaded",
			map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default", "sce:omopDataPrefix": "omop/synpuf/"},
			[]string{"omop/vocabulary/", "omop/synpuf/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planWith(t, tt.changes)
			fn := one(t, p, "aws:lambda/function:Function", "study-ledger-function")
			env := fn.Inputs["environment"].(map[string]any)["variables"].(map[string]any)
			raw, _ := env["RECORD_ONLY_PREFIXES"].(string)
			var got []string
			if raw != "" {
				got = strings.Split(raw, ",")
			}
			assert.ElementsMatch(t, tt.want, got)
			target := one(t, p, "aws:s3/bucketNotification:BucketNotification", "study-ledger-notification").Inputs["lambdaFunctions"].([]any)[0].(map[string]any)
			assert.NotContains(t, target, "filterPrefix", "the ledger records every object")
			assert.NotContains(t, target, "filterSuffix", "the ledger records every object")
			if tt.want == nil {
				return
			}
			doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-omop-copy-policy"), "policy")
			var copied []string
			for _, c := range statement(t, doc, "ListCopyPrefixes").Condition["StringLike"]["s3:prefix"] {
				copied = append(copied, strings.TrimSuffix(c, "*"))
			}
			assert.ElementsMatch(t, copied, got, "held back from the queue: exactly what COPY reads")
		})
	}
}

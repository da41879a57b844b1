package verify_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/policy/verify"
)

func TestEveryServiceFlowOfTheReferenceStacksIsAsDesigned(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]string
		want    []string
		absent  []string
	}{
		{"hipaa", nil, []string{
			"researcher alice's session has S3 use the project key",
			"the workstation's instance role has S3 decrypt a data-in object's data key",
			"the bastion decrypts",
			"an anonymous caller decrypts with the project key",
			"CloudTrail checks the log bucket's ACL and delivers",
			"another account's trail delivers into the log bucket",
			"CloudTrail encrypts the trail's logs with the project key",
			"S3 server access logging delivers the data-in bucket's access logs",
			"S3 server access logging delivers another account's",
			"CloudWatch Logs encrypts the log group /sce/hipaa/workstation",
			"CloudWatch Logs encrypts the log group /sce/hipaa/cloudtrail",
			"CloudWatch Logs encrypts another account's log group",
			"AWS Config delivers configuration history",
			"AWS Config delivers another account's configuration history",
		}, nil},
		{"omop", nil, []string{
			"CloudWatch Logs encrypts the log group /aws/redshift/cluster/omop-omop/userlog",
			"CloudTrail encrypts the trail's logs",
		}, []string{"AWS Config delivers"}},
		{"hipaa", everything, []string{"CloudWatch Logs encrypts the log group"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flows := verify.Services(referencePlan(t, tc.name, tc.changes).RulesStack())
			for _, f := range flows {
				assert.True(t, f.OK(), "%s: expected %s, got %s: %s", f.Flow, f.Expected, f.Result, f.Why)
			}
			for _, w := range tc.want {
				flowNamed(t, flows, w)
			}
			for _, a := range tc.absent {
				for _, f := range flows {
					assert.NotContains(t, f.Flow, a, "a flow is listed only when its resources exist")
				}
			}
		})
	}
}

// dropStatement removes the statement with the Sid from a policy document's JSON text.
func dropStatement(t *testing.T, text, sid string) string {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(text), &doc))
	var kept []any
	for _, st := range doc["Statement"].([]any) {
		if st.(map[string]any)["Sid"] != sid {
			kept = append(kept, st)
		}
	}
	require.Len(t, kept, len(doc["Statement"].([]any))-1, "the statement %s was found", sid)
	doc["Statement"] = kept
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return string(b)
}

// TestServiceMutationsMakeTheMatchingFlowFail removes the grant a service delivery rests on, one at a
// time, and expects the flow that depends on it to fail.
func TestServiceMutationsMakeTheMatchingFlowFail(t *testing.T) {
	for _, tc := range []struct {
		name, stack, typ, suffix, sid, flow string
	}{
		{"the log bucket policy without CloudTrail's write", "hipaa", "aws:s3/bucketPolicy:BucketPolicy", "-logs-policy", "CloudTrailWrite",
			"CloudTrail checks the log bucket's ACL and delivers"},
		{"the log bucket policy without CloudTrail's ACL check", "omop", "aws:s3/bucketPolicy:BucketPolicy", "-logs-policy", "CloudTrailAclCheck",
			"CloudTrail checks the log bucket's ACL and delivers"},
		{"the key policy without CloudWatch Logs", "hipaa", "aws:kms/key:Key", "-key", "CloudWatchLogsEncryptsProjectLogGroups",
			"CloudWatch Logs encrypts the log group /sce/hipaa/workstation"},
		{"the key policy without CloudTrail's encryption", "hipaa", "aws:kms/key:Key", "-key", "CloudTrailEncryptsProjectTrailLogs",
			"CloudTrail encrypts the trail's logs with the project key"},
		{"the access-log bucket policy without S3 server access logging", "omop", "aws:s3/bucketPolicy:BucketPolicy", "-access-logs-policy", "S3ServerAccessLogsDelivery",
			"S3 server access logging delivers the data-in bucket's access logs"},
		{"the key policy without the account's delegation to IAM", "hipaa", "aws:kms/key:Key", "-key", "AccountAdministersKeyThroughIAM",
			"researcher alice's session has S3 use the project key"},
		{"the Config role's policy without the project key", "hipaa", "aws:iam/policy:Policy", "-account-config-delivery-policy", "ConfigEncryptsWithTheProjectKey",
			"AWS Config delivers configuration history"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := referencePlan(t, tc.stack, nil)
			require.True(t, flowNamed(t, verify.All(p.RulesStack()), tc.flow).OK(), "the flow holds before the mutation")
			changed := 0
			for i := range p.Resources {
				r := &p.Resources[i]
				if r.Type == tc.typ && strings.HasSuffix(r.Name, tc.suffix) && !strings.Contains(strings.TrimSuffix(r.Name, tc.suffix), "-") {
					r.Inputs["policy"] = dropStatement(t, r.Inputs["policy"].(string), tc.sid)
					changed++
				}
			}
			require.Equal(t, 1, changed, "one policy was changed")
			f := flowNamed(t, verify.All(p.RulesStack()), tc.flow)
			assert.False(t, f.OK(), "%s: %s", f.Flow, f.Why)
			assert.Equal(t, verify.Denied, f.Result, f.Why)
		})
	}
}

func TestAKeyPolicyThatCannotBeParsedIsReported(t *testing.T) {
	p := referencePlan(t, "hipaa", nil)
	for i := range p.Resources {
		if p.Resources[i].Type == "aws:kms/key:Key" {
			p.Resources[i].Inputs["policy"] = `{"Statement":[{"Effect":"Permit"}]}`
		}
	}
	f := flowNamed(t, verify.Services(p.RulesStack()), "the project key's policy can be evaluated")
	assert.False(t, f.OK(), f.Why)
	assert.Equal(t, verify.Unknown, flowNamed(t, verify.Services(p.RulesStack()), "CloudTrail encrypts").Result)
}

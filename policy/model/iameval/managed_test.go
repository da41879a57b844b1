package iameval

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShippedManagedPoliciesAreWhatTheIndexSays: every file is indexed, every indexed policy parses,
// its version and creation date are its file's, and the component the index names attaches it.
func TestShippedManagedPoliciesAreWhatTheIndexSays(t *testing.T) {
	files, err := filepath.Glob("managed/*.json")
	require.NoError(t, err)
	index := ManagedPolicies()
	assert.Len(t, files, len(index), "every embedded file is in the index and the other way round")
	for _, m := range index {
		t.Run(m.ARN, func(t *testing.T) {
			doc, source, ok := ManagedPolicy(m.ARN)
			require.True(t, ok)
			assert.NotEmpty(t, doc.Statements)
			assert.Equal(t, VariablesVersion, doc.Version)
			assert.Contains(t, source, m.Version)
			assert.Contains(t, source, m.Text)
			assert.Contains(t, source, m.Page)
			assert.True(t, strings.HasPrefix(m.Page, "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/"))

			raw, err := os.ReadFile(filepath.Join("managed", m.file))
			require.NoError(t, err)
			var v struct {
				PolicyVersion struct{ VersionID, CreateDate string }
			}
			require.NoError(t, json.Unmarshal(raw, &v))
			assert.Equal(t, m.Created, v.PolicyVersion.CreateDate)

			component, err := os.ReadFile(filepath.Join("..", "..", "..", m.AttachedBy))
			require.NoError(t, err)
			name := m.ARN[strings.LastIndex(m.ARN, "/")+1:]
			assert.Contains(t, string(component), name, "%s attaches %s", m.AttachedBy, name)
		})
	}
	for _, arn := range []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore", "AmazonSSMManagedInstanceCore"} {
		_, _, ok := ManagedPolicy(arn)
		assert.False(t, ok, "%s is not shipped", arn)
	}
}

func managed(t *testing.T, name string) *Document {
	t.Helper()
	for _, m := range ManagedPolicies() {
		if strings.HasSuffix(m.ARN, "/"+name) {
			d, _, ok := ManagedPolicy(m.ARN)
			require.True(t, ok)
			return d
		}
	}
	t.Fatalf("%s is not shipped", name)
	return nil
}

// TestManagedPoliciesGrantWhatTheStackReliesOn: the calls the stack's service roles make, judged
// against the shipped documents.
func TestManagedPoliciesGrantWhatTheStackReliesOn(t *testing.T) {
	const account = "111122223333"
	instance := "arn:aws:sts::111122223333:assumed-role/study-workstation-role/i-0abc"
	backup := "arn:aws:sts::111122223333:assumed-role/study-backup-role/AWSBackup-study"
	emr := "arn:aws:sts::111122223333:assumed-role/study-emr-service-role/emr"
	config := "arn:aws:sts::111122223333:assumed-role/study-config-role/AWSConfig"
	key := "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	ssm, forBackup, forRestores, emrPolicy, configRole := managed(t, "AmazonSSMManagedInstanceCore"), managed(t, "AWSBackupServiceRolePolicyForBackup"),
		managed(t, "AWSBackupServiceRolePolicyForRestores"), managed(t, "AmazonEMRServicePolicy_v2"), managed(t, "AWS_ConfigRole")
	subnet := "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-1"
	checkDecisions(t, []authorizes{
		{"Session Manager opens its data channel", Request{Principal: instance, Action: "ssmmessages:OpenDataChannel", Resource: "*"},
			Policies{Identity: []*Document{ssm}, ResourceAccount: account}, true, "identity policy 0"},
		{"the SSM agent reports in", Request{Principal: instance, Action: "ssm:UpdateInstanceInformation", Resource: "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc"},
			Policies{Identity: []*Document{ssm}, ResourceAccount: account}, true, "identity policy 0"},
		{"the SSM core policy reads no bucket", Request{Principal: instance, Action: "s3:GetObject", Resource: "arn:aws:s3:::study-data-in/x"},
			Policies{Identity: []*Document{ssm}, ResourceAccount: account}, false, "implicit deny"},
		{"AWS Backup snapshots a volume", Request{Principal: backup, Action: "ec2:CreateSnapshot", Resource: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1"},
			Policies{Identity: []*Document{forBackup}, ResourceAccount: account}, true, "identity policy 0"},
		{"AWS Backup creates a grant on the project key for EBS, which the default key policy delegates", Request{Principal: backup, Action: "kms:CreateGrant", Resource: key,
			Context: map[string][]string{"kms:GrantIsForAWSResource": {"true"}}},
			Policies{Identity: []*Document{forBackup}, KeyPolicy: defaultKeyPolicy, ResourceAccount: account}, true, "delegates to IAM"},
		{"but not a grant for itself", Request{Principal: backup, Action: "kms:CreateGrant", Resource: key, Context: map[string][]string{"kms:GrantIsForAWSResource": {"false"}}},
			Policies{Identity: []*Document{forBackup}, KeyPolicy: defaultKeyPolicy, ResourceAccount: account}, false, "no identity policy allows"},
		{"AWS Backup tags a recovery point of its own account (${aws:ResourceAccount})", Request{Principal: backup, Action: "backup:TagResource", Resource: "arn:aws:backup:us-east-1:111122223333:recovery-point:abc"},
			Policies{Identity: []*Document{forBackup}, ResourceAccount: account}, true, "identity policy 0"},
		{"a restore decrypts through EC2", Request{Principal: backup, Action: "kms:Decrypt", Resource: key, Context: map[string][]string{"kms:ViaService": {"ec2.us-east-1.amazonaws.com"}}},
			Policies{Identity: []*Document{forRestores}, KeyPolicy: defaultKeyPolicy, ResourceAccount: account}, true, "delegates to IAM"},
		{"a restore does not decrypt directly", Request{Principal: backup, Action: "kms:Decrypt", Resource: key},
			Policies{Identity: []*Document{forRestores}, KeyPolicy: defaultKeyPolicy, ResourceAccount: account}, false, "no identity policy allows"},
		{"EMR launches into a subnet tagged for its managed policies", Request{Principal: emr, Action: "ec2:RunInstances", Resource: subnet,
			Context: map[string][]string{"aws:ResourceTag/for-use-with-amazon-emr-managed-policies": {"true"}}},
			Policies{Identity: []*Document{emrPolicy}, ResourceAccount: account}, true, "identity policy 0"},
		{"not into an untagged one", Request{Principal: emr, Action: "ec2:RunInstances", Resource: subnet},
			Policies{Identity: []*Document{emrPolicy}, ResourceAccount: account}, false, "implicit deny"},
		{"AWS Config puts its evaluations (config:Put*)", Request{Principal: config, Action: "config:PutEvaluations", Resource: "*"},
			Policies{Identity: []*Document{configRole}, ResourceAccount: account}, true, "identity policy 0"},
		{"AWS Config describes a security group (ec2:Describe*)", Request{Principal: config, Action: "ec2:DescribeSecurityGroups", Resource: "*"},
			Policies{Identity: []*Document{configRole}, ResourceAccount: account}, true, "identity policy 0"},
		{"AWS Config writes rule evaluation logs", Request{Principal: config, Action: "logs:PutLogEvents",
			Resource: "arn:aws:logs:us-east-1:111122223333:log-group:/aws/config/study:log-stream:config-rule-evaluation/r1"},
			Policies{Identity: []*Document{configRole}, ResourceAccount: account}, true, "identity policy 0"},
		{"AWS_ConfigRole does not deliver snapshots to S3: the stack's delivery policy must", Request{Principal: config, Action: "s3:PutObject", Resource: "arn:aws:s3:::study-config/AWSLogs/x"},
			Policies{Identity: []*Document{configRole}, ResourceAccount: account}, false, "implicit deny"},
	})
}

package components

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parsePolicy(t *testing.T, js string) map[string]Statement {
	t.Helper()
	var doc PolicyDocument
	require.NoError(t, json.Unmarshal([]byte(js), &doc))
	out := map[string]Statement{}
	for _, s := range doc.Statement {
		out[s.Sid] = s
	}
	return out
}

func TestDeliveryStatementsFollowEachServicesDocumentation(t *testing.T) {
	cluster := "arn:aws:redshift:us-west-2:111122223333:cluster:omop"
	js, err := BucketPolicy(BucketPolicyArgs{ARNs: testARNs, Bucket: "p-access-logs-1", Deliveries: []Delivery{
		{Service: DeliveryRedshift, Prefix: "redshift", SourceARNs: []string{cluster}},
		{Service: DeliveryELB, Prefix: "elb"},
	}})
	require.NoError(t, err)
	st := parsePolicy(t, js)
	rs := st["RedshiftAuditLogDelivery"]
	assert.Equal(t, []string{"redshift.amazonaws.com"}, rs.Principal.Service)
	assert.ElementsMatch(t, []string{"s3:PutObject", "s3:GetBucketAcl"}, rs.Action)
	assert.ElementsMatch(t, []string{"arn:aws:s3:::p-access-logs-1", "arn:aws:s3:::p-access-logs-1/*"}, rs.Resource)
	assert.Equal(t, []string{cluster}, rs.Condition["StringEquals"]["aws:SourceArn"])
	elb := st["ELBAccessLogDelivery"]
	assert.Equal(t, []string{"arn:aws:iam::797873946194:root"}, elb.Principal.AWS, "us-west-2 uses its legacy ELB account")
	assert.Equal(t, []string{"arn:aws:s3:::p-access-logs-1/elb/AWSLogs/111122223333/*"}, elb.Resource)

	newer := testARNs
	newer.Region = "me-central-1"
	js, err = BucketPolicy(BucketPolicyArgs{ARNs: newer, Bucket: "b", Deliveries: []Delivery{{Service: DeliveryELB}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"logdelivery.elasticloadbalancing.amazonaws.com"}, parsePolicy(t, js)["ELBAccessLogDelivery"].Principal.Service)
}

func TestBucketPolicyRefusesIncompleteArgs(t *testing.T) {
	tests := []struct {
		name string
		args BucketPolicyArgs
		want string
	}{
		{"no bucket", BucketPolicyArgs{ARNs: testARNs}, "bucket name is required"},
		{"a PHI bucket without the key", BucketPolicyArgs{ARNs: testARNs, Bucket: "b", PHI: true}, "needs the project key"},
		{"a trail delivery without the trail", BucketPolicyArgs{ARNs: testARNs, Bucket: "b", Deliveries: []Delivery{{Service: DeliveryCloudTrail}}}, "trail ARNs"},
		{"an unknown service", BucketPolicyArgs{ARNs: testARNs, Bucket: "b", Deliveries: []Delivery{{Service: "guardduty"}}}, `"guardduty" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BucketPolicy(tt.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestEncryptedBucketRefusesUnsafeCombinations(t *testing.T) {
	key := testKeyInput()
	tests := []struct {
		name string
		args EncryptedBucketArgs
		want string
	}{
		{"a PHI bucket with SSE-S3", EncryptedBucketArgs{PIT: "p", Purpose: "x", ARNs: testARNs, Encryption: EncryptionS3, PHI: true}, "PHI bucket must use SSE-KMS"},
		{"SSE-KMS without the key", EncryptedBucketArgs{PIT: "p", Purpose: "x", ARNs: testARNs, Encryption: EncryptionKMS}, "needs the project key"},
		{"Redshift logs into an SSE-KMS bucket", EncryptedBucketArgs{PIT: "p", Purpose: "x", ARNs: testARNs, Encryption: EncryptionKMS, KMSKeyARN: key,
			Deliveries: []Delivery{{Service: DeliveryRedshift}}}, "can only deliver into an SSE-S3 bucket"},
		{"an object lock without retention", EncryptedBucketArgs{PIT: "p", Purpose: "x", ARNs: testARNs, Encryption: EncryptionKMS, KMSKeyARN: key,
			ObjectLock: &ObjectLock{Mode: ObjectLockGovernance}}, "at least one day"},
		{"a name too long for S3", EncryptedBucketArgs{PIT: "abcdefghijkl", Purpose: "a-purpose-far-too-long-for-any-bucket-name-x", ARNs: testARNs,
			Encryption: EncryptionKMS, KMSKeyARN: key}, "exceed 63"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.args.check()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func testKeyInput() pulumi.StringInput {
	return pulumi.String("arn:aws:kms:us-west-2:111122223333:key/k")
}

package components

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The bucket names follow the EMR Management Guide, "Sample policies for private subnets that access
// Amazon S3".
func TestEMRSystemBucketsAreNamedForTheRegion(t *testing.T) {
	cases := []struct {
		region, logs, appInfo string
	}{
		{"us-east-1", "aws157-logs-prod", "prod.us-east-1.appinfo.src"},
		{"us-west-2", "aws157-logs-prod-us-west-2", "prod.us-west-2.appinfo.src"},
		{"us-gov-west-1", "aws157-logs-prod-us-gov-west-1", "prod.us-gov-west-1.appinfo.src"},
	}
	for _, tc := range cases {
		t.Run(tc.region, func(t *testing.T) {
			assert.Equal(t, tc.logs, EMRSystemLogBucket(tc.region))
			assert.Equal(t, tc.appInfo, EMRAppInfoBucket(tc.region))
		})
	}
}

func TestEMRRepositoryBucketsFollowTheRelease(t *testing.T) {
	cases := []struct {
		release string
		want    []string
	}{
		{"emr-6.7.0", []string{"repo.eu-west-1.emr.amazonaws.com", "eu-west-1.elasticmapreduce", "amazonlinux.eu-west-1.amazonaws.com", "amazonlinux-2-repos-eu-west-1"}},
		{"emr-6.15.0", []string{"repo.eu-west-1.emr.amazonaws.com", "eu-west-1.elasticmapreduce", "amazonlinux.eu-west-1.amazonaws.com", "amazonlinux-2-repos-eu-west-1"}},
		{"emr-7.0.0", []string{"repo.eu-west-1.emr.amazonaws.com", "eu-west-1.elasticmapreduce"}},
		{"emr-7.5.0", []string{"repo.eu-west-1.emr.amazonaws.com", "eu-west-1.elasticmapreduce"}},
	}
	for _, tc := range cases {
		t.Run(tc.release, func(t *testing.T) {
			assert.Equal(t, tc.want, EMRRepositoryBuckets("eu-west-1", tc.release))
		})
	}
}

func TestEMRServiceStatementsScopeEBSToEC2AndTheKey(t *testing.T) {
	arns := ARNs{Partition: "aws", Region: "eu-west-1", AccountID: "111122223333"}
	const key = "arn:aws:kms:eu-west-1:111122223333:key/k"
	granted := map[string]Statement{}
	for _, s := range EMRServiceStatements(arns, "arn:aws:iam::111122223333:role/node", key) {
		for _, a := range s.Action {
			granted[a] = s
		}
	}
	for _, action := range EMREBSKeyActions {
		s, ok := granted[action]
		if assert.True(t, ok, "%s is granted", action) {
			assert.Equal(t, []string{key}, s.Resource, action)
		}
	}
	assert.Equal(t, []string{"ec2.eu-west-1.amazonaws.com"}, granted["kms:Decrypt"].Condition["StringEquals"]["kms:ViaService"])
	assert.Equal(t, []string{"true"}, granted["kms:CreateGrant"].Condition["Bool"]["kms:GrantIsForAWSResource"])
}

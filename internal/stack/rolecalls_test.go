package stack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/model/iameval"
)

// The S3 calls each role really makes, evaluated by policy/model/iameval against the policies of the recorded
// plan: a role that lacks one of them fails at run time, which no mock shows.

// call is one S3 request: the action it is authorised as, on which ARN, with which context keys.
type call struct {
	name, action, resource string
	ctx                    map[string][]string
}

func authorizeAll(t *testing.T, principal string, calls []call, p iameval.Policies) {
	t.Helper()
	for _, c := range calls {
		ctx := map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {principal}}
		for k, v := range c.ctx {
			ctx[k] = v
		}
		d, err := iameval.Authorize(iameval.Request{Principal: principal, Action: c.action, Resource: c.resource, Context: ctx}, p)
		require.NoError(t, err, c.name)
		assert.True(t, d.Allowed, "%s (%s on %s): %s", c.name, c.action, c.resource, d.Reason)
	}
}

// TestCopyRoleCanLocateTheBucketAndListOnlyItsPrefixes: Redshift's COPY asks GetBucketLocation, which
// carries no s3:prefix, so it cannot sit under the listing's prefix condition.
func TestCopyRoleCanLocateTheBucketAndListOnlyItsPrefixes(t *testing.T) {
	p := omopPlan(t, nil)
	policy := docOf(t, one(t, p, "aws:iam/policy:Policy", "study-omop-copy-policy"), "policy")
	role := out(one(t, p, "aws:iam/role:Role", "study-omop-copy-role"), "arn")
	dataIn := bucketOf(t, p, "data-in")
	bucketPolicy := docOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", dataIn), "policy")
	arn := out(dataIn, "arn")
	// COPY runs in Redshift, whose enhanced VPC routing sends it through the S3 endpoint.
	endpoint := one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint")
	through := map[string][]string{"aws:SourceVpce": {endpoint.ID}, "aws:ResourceAccount": {plan.AccountID}}
	policies := iameval.Policies{Identity: []*iameval.Document{policy}, Resource: bucketPolicy, Endpoint: docOf(t, endpoint, "policy"), ResourceAccount: plan.AccountID}
	with := func(extra map[string][]string) map[string][]string {
		m := map[string][]string{}
		for k, v := range through {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	authorizeAll(t, role, []call{
		{"GetBucketLocation", "s3:GetBucketLocation", arn, with(nil)},
		{"ListObjectsV2 of the vocabulary", "s3:ListBucket", arn, with(map[string][]string{"s3:prefix": {"omop/vocabulary/CONCEPT"}})},
		// The vocabulary is uploaded like any file: scanned, and tagged clean before COPY reads it.
		{"GetObject of a vocabulary file", "s3:GetObject", arn + "/omop/vocabulary/CONCEPT.csv",
			with(map[string][]string{"s3:ExistingObjectTag/GuardDutyMalwareScanStatus": {"NO_THREATS_FOUND"}})},
	}, policies)
	d, err := iameval.Authorize(iameval.Request{Principal: role, Action: "s3:ListBucket", Resource: arn,
		Context: with(map[string][]string{"aws:SecureTransport": {"true"}, "s3:prefix": {"cohort/"}})}, policies)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "the copy role lists only its prefixes")
}

// TestLedgerRoleCoversEveryCallOfTheHandler: HeadObject of a version (and of a missing one, which needs
// ListBucket to answer 404), the quarantine copy (single and multipart), and the purge of the original
// version (DeleteObject with a version id is s3:DeleteObjectVersion). The ledger runs outside the VPC.
func TestLedgerRoleCoversEveryCallOfTheHandler(t *testing.T) {
	p := planWith(t, nil)
	policy := docOf(t, one(t, p, "aws:iam/policy:Policy", "study-ledger-policy"), "policy")
	role := out(one(t, p, "aws:iam/role:Role", "study-ledger-role"), "arn")
	dataIn := bucketOf(t, p, "data-in")
	bucketPolicy := docOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", dataIn), "policy")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	arn := out(dataIn, "arn")
	original, quarantined := arn+"/Smith_John_visits.csv", arn+"/quarantine/3f2a"
	sse := map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"}, "s3:x-amz-server-side-encryption-aws-kms-key-id": {key}}
	authorizeAll(t, role, []call{
		{"HeadObject of the version", "s3:GetObjectVersion", original, nil},
		{"HeadObject of a missing version answers 404", "s3:ListBucket", arn, nil},
		{"CopyObject reads the source version", "s3:GetObjectVersion", original, nil},
		{"CopyObject writes the quarantined copy", "s3:PutObject", quarantined, sse},
		{"CreateMultipartUpload of a large copy", "s3:PutObject", quarantined, sse},
		{"UploadPartCopy", "s3:PutObject", quarantined, nil},
		{"CompleteMultipartUpload", "s3:PutObject", quarantined, nil},
		{"AbortMultipartUpload", "s3:AbortMultipartUpload", quarantined, nil},
		{"DeleteObject of the original version", "s3:DeleteObjectVersion", original, nil},
	}, iameval.Policies{Identity: []*iameval.Document{policy}, Resource: bucketPolicy, ResourceAccount: plan.AccountID})
}

// TestEveryS3ActionOfAnInstanceRoleIsAdmittedByTheEndpoint: whatever an instance role in the VPC may do on
// the project's buckets, the S3 endpoint's policy must admit too, or the call fails with 403 although the
// role allows it.
func TestEveryS3ActionOfAnInstanceRoleIsAdmittedByTheEndpoint(t *testing.T) {
	p := workersPlan(t, map[string]string{"sce:emrEnabled": "true"})
	endpoint := one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint")
	endpointPolicy := docOf(t, endpoint, "policy")
	checked := 0
	for _, name := range []string{"study-workstation-policy", "study-workers-policy", "study-bastion-policy"} {
		r, ok := findNamed(p, "aws:iam/policy:Policy", name)
		if !ok {
			continue
		}
		doc := docOf(t, r, "policy")
		for _, st := range doc.Statements {
			if st.Effect != "Allow" {
				continue
			}
			for _, action := range st.Actions {
				if !strings.HasPrefix(action, "s3:") {
					continue
				}
				for _, res := range st.Resources {
					if !strings.HasPrefix(res, "arn:aws:s3:::study-") {
						continue
					}
					concrete := strings.ReplaceAll(res, "*", "probe")
					d, err := iameval.Authorize(iameval.Request{Principal: "arn:aws:iam::111122223333:role/probe", Action: action, Resource: concrete,
						Context: map[string][]string{"aws:SourceVpce": {endpoint.ID}, "aws:ResourceAccount": {plan.AccountID}}},
						iameval.Policies{Endpoint: endpointPolicy, Identity: []*iameval.Document{doc}, ResourceAccount: plan.AccountID})
					require.NoError(t, err)
					assert.True(t, d.Allowed, "%s: %s %s (%s): %s", name, st.Sid, action, concrete, d.Reason)
					checked++
				}
			}
		}
	}
	assert.Greater(t, checked, 5, "the roles' S3 actions were found and judged")
}

func findNamed(p *plan.Plan, typ, name string) (plan.Resource, bool) {
	for _, r := range p.Find(typ) {
		if r.Name == name {
			return r, true
		}
	}
	return plan.Resource{}, false
}

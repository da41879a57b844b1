package stack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/upload"
	"github.com/sce-project/sce/policy/model/iameval"
)

// The upload path judged as AWS judges it: the requests `sce upload` and the workstation really send,
// evaluated by policy/model/iameval against the bucket, endpoint and identity policies of the recorded plan.

const uploadAdmin = "arn:aws:iam::111122223333:role/sce-builder"

// multipartCalls are the requests of one multipart upload of size bytes as sce upload sends it: the
// encryption headers on CreateMultipartUpload only (UploadPart and CompleteMultipartUpload cannot carry
// them; all three are authorised as s3:PutObject), then HeadObject (s3:GetObject) to verify.
func multipartCalls(object, keyARN string, size int64, base map[string][]string) []struct {
	call string
	req  iameval.Request
} {
	with := func(extra map[string][]string) map[string][]string {
		ctx := map[string][]string{}
		for k, v := range base {
			ctx[k] = v
		}
		for k, v := range extra {
			ctx[k] = v
		}
		return ctx
	}
	principal := base["aws:PrincipalArn"][0]
	put := func(ctx map[string][]string) iameval.Request {
		return iameval.Request{Principal: principal, Action: "s3:PutObject", Resource: object, Context: ctx}
	}
	calls := []struct {
		call string
		req  iameval.Request
	}{{"CreateMultipartUpload", put(with(map[string][]string{
		"s3:x-amz-server-side-encryption": {"aws:kms"}, "s3:x-amz-server-side-encryption-aws-kms-key-id": {keyARN}}))}}
	part := upload.PartSizeFor(size, upload.DefaultPartSize)
	for n := int64(0); n*part < size; n++ {
		calls = append(calls, struct {
			call string
			req  iameval.Request
		}{"UploadPart", put(with(nil))})
	}
	calls = append(calls,
		struct {
			call string
			req  iameval.Request
		}{"CompleteMultipartUpload", put(with(nil))},
		struct {
			call string
			req  iameval.Request
		}{"HeadObject", iameval.Request{Principal: principal, Action: "s3:GetObject", Resource: object, Context: with(nil)}})
	return calls
}

func docOf(t *testing.T, r plan.Resource, key string) *iameval.Document {
	t.Helper()
	d, err := iameval.Parse(in(r, key))
	require.NoError(t, err, "%s of %s", key, r.Name)
	return d
}

// adminIdentity stands for the builder's own role, which may use S3 and the key: the bucket policy's
// denies are what is judged.
var adminIdentity = iameval.MustParse(`{"Statement":[{"Effect":"Allow","Action":["s3:*","kms:*"],"Resource":"*"}]}`)

func TestALargeUploadFromOutsideTheVPCPassesEveryPolicy(t *testing.T) {
	p := planWith(t, map[string]string{"sce:adminRoleArns": `["` + uploadAdmin + `"]`})
	dataIn := bucketOf(t, p, "data-in")
	bucketPolicy := docOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", dataIn), "policy")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	object := out(dataIn, "arn") + "/cohort/visits.csv"
	base := map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {uploadAdmin}}

	calls := multipartCalls(object, key, 100<<20, base)
	require.Greater(t, len(calls), 4, "a 100 MiB file goes in several parts")
	for _, c := range calls {
		d, err := iameval.Authorize(c.req, iameval.Policies{Identity: []*iameval.Document{adminIdentity}, Resource: bucketPolicy, ResourceAccount: plan.AccountID})
		require.NoError(t, err)
		assert.True(t, d.Allowed, "%s: %s", c.call, d.Reason)
	}

	refused := []struct {
		what string
		ctx  map[string][]string
	}{
		{"SSE-S3", map[string][]string{"s3:x-amz-server-side-encryption": {"AES256"}}},
		{"another key", map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"},
			"s3:x-amz-server-side-encryption-aws-kms-key-id": {"arn:aws:kms:us-west-2:111122223333:key/ffffffff-ffff-ffff-ffff-ffffffffffff"}}},
		{"aws:kms without a key (S3 would use aws/s3)", map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"}}},
		{"no TLS", map[string][]string{"aws:SecureTransport": {"false"}}},
	}
	for _, r := range refused {
		ctx := map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {uploadAdmin}}
		for k, v := range r.ctx {
			ctx[k] = v
		}
		d, err := iameval.Authorize(iameval.Request{Principal: uploadAdmin, Action: "s3:PutObject", Resource: object, Context: ctx},
			iameval.Policies{Identity: []*iameval.Document{adminIdentity}, Resource: bucketPolicy, ResourceAccount: plan.AccountID})
		require.NoError(t, err)
		assert.False(t, d.Allowed, "an upload asking for %s is refused", r.what)
	}

	other := "arn:aws:iam::111122223333:role/someone-else"
	d, err := iameval.Authorize(iameval.Request{Principal: other, Action: "s3:PutObject", Resource: object,
		Context: map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {other}}},
		iameval.Policies{Identity: []*iameval.Document{adminIdentity}, Resource: bucketPolicy, ResourceAccount: plan.AccountID})
	require.NoError(t, err)
	assert.False(t, d.Allowed, "a role that is not an administrator cannot write from outside the endpoint: %s", d.Reason)
}

// TestTheWorkstationWritesLargeResultsThroughTheEndpoint: the workstation's own role, through the S3
// endpoint, writing a multipart result into output with the bucket default's encryption.
func TestAResearcherWritesLargeResultsThroughTheEndpoint(t *testing.T) {
	p := planWith(t, nil)
	output := bucketOf(t, p, "output")
	bucketPolicy := docOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", output), "policy")
	endpoint := one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint")
	endpointPolicy := docOf(t, endpoint, "policy")
	identity := docOf(t, one(t, p, "aws:iam/policy:Policy", "study-workstation-researcher-policy"), "policy")
	role := out(one(t, p, "aws:iam/role:Role", "study-workstation-researcher-role"), "arn")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	object := out(output, "arn") + "/results/model.parquet"
	base := map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {role},
		"aws:SourceVpce": {endpoint.ID}, "aws:ResourceAccount": {plan.AccountID}}
	policies := iameval.Policies{Identity: []*iameval.Document{identity}, Resource: bucketPolicy, Endpoint: endpointPolicy, ResourceAccount: plan.AccountID}
	for _, c := range multipartCalls(object, key, 64<<20, base) {
		if c.call == "HeadObject" {
			continue // a researcher may not read output back: write-only by design
		}
		d, err := iameval.Authorize(c.req, policies)
		require.NoError(t, err)
		assert.True(t, d.Allowed, "%s: %s", c.call, d.Reason)
	}
}

// TestTheOldIfExistsPolicyWouldHaveRefusedEveryPart keeps the evaluator honest: the statement the
// project shipped before (StringNotEqualsIfExists) refuses UploadPart, as AWS would.
func TestTheOldIfExistsPolicyWouldHaveRefusedEveryPart(t *testing.T) {
	old := iameval.MustParse(`{"Statement":[{"Sid":"Old","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*",` +
		`"Condition":{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}`)
	part := iameval.Request{Principal: uploadAdmin, Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k",
		Context: map[string][]string{"aws:SecureTransport": {"true"}}}
	d, err := iameval.Authorize(part, iameval.Policies{Identity: []*iameval.Document{adminIdentity}, Resource: old, ResourceAccount: plan.AccountID})
	require.NoError(t, err)
	assert.False(t, d.Allowed)
	assert.Contains(t, d.Reason, `"Old"`)
}

// TestAnUploaderSendsALargeFileFromOutsideTheVPC: the seed's laptop L, as an upload-only role, sends a
// multipart upload from outside the VPC; it may not read the object back (sce upload then trusts what S3
// answered to the upload).
func TestAnUploaderSendsALargeFileFromOutsideTheVPC(t *testing.T) {
	uploader := "arn:aws:iam::111122223333:role/study-uploader"
	p := planWith(t, map[string]string{"sce:uploaderRoleArns": `["` + uploader + `"]`})
	dataIn := bucketOf(t, p, "data-in")
	bucketPolicy := docOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", dataIn), "policy")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	policies := iameval.Policies{Identity: []*iameval.Document{adminIdentity}, Resource: bucketPolicy, ResourceAccount: plan.AccountID}
	base := map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {uploader}}
	for _, c := range multipartCalls(out(dataIn, "arn")+"/incoming/labs.csv", key, 40<<20, base) {
		d, err := iameval.Authorize(c.req, policies)
		require.NoError(t, err)
		if c.call == "HeadObject" {
			assert.False(t, d.Allowed, "an uploader may not read back")
			continue
		}
		assert.True(t, d.Allowed, "%s: %s", c.call, d.Reason)
	}
}

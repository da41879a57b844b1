package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

// TestPolicyAdmitsUploadsWithoutEncryptionHeaders: a Deny that fires when the header is absent refuses every
// UploadPart; the design's Null-paired denies do not.
func TestPolicyAdmitsUploadsWithoutEncryptionHeaders(t *testing.T) {
	const id = "s3-policy-admits-uploads-without-encryption-headers"
	bucket := func() *engine.Resource { return bucketNamed(t, "data", "sce-data", `{}`) }
	bp := func(doc string) *engine.Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	deny := func(condition string) string {
		return `{"Sid":"S","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*","Condition":` + condition + `}`
	}
	endpoint := `{"Sid":"E","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0123456789abcdef0"}}}`
	checkRule(t, id, []ruleCase{
		{name: "the design's denies admit parts", rs: []*engine.Resource{bucket(), bp(policyOf(sslDeny, kmsUploadDeny, endpoint))}},
		{name: "StringNotEqualsIfExists refuses parts", rs: []*engine.Resource{bucket(), bp(policyOf(deny(`{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))},
			want: `statement "S" denies an s3:PutObject that carries no encryption header`},
		{name: "a plain StringNotEquals refuses parts", rs: []*engine.Resource{bucket(), bp(policyOf(deny(`{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))},
			want: "multipart uploads"},
		{name: "Null true refuses parts", rs: []*engine.Resource{bucket(), bp(policyOf(deny(`{"Null":{"s3:x-amz-server-side-encryption":"true"}}`)))},
			want: "multipart uploads"},
		{name: "a key-id IfExists deny refuses parts", rs: []*engine.Resource{bucket(), bp(policyOf(deny(`{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"` + projectKey + `"}}`)))},
			want: "multipart uploads"},
		{name: "a deny of every PutObject is not this rule's concern", rs: []*engine.Resource{bucket(), bp(policyOf(deny(`{"Bool":{"aws:SecureTransport":"true"}}`)))}},
	})
}

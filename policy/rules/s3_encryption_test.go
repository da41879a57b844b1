package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestS3DefaultEncryption(t *testing.T) {
	const id = "s3-default-encryption"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	sse := func(algo string) *engine.Resource {
		return linked(t, typeS3Encryption, "sse", "sce-data", `{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"`+algo+`"}}]}`)
	}
	unknownAlgo := sse("x")
	unknownAlgo.Props["rules"].([]any)[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)["sseAlgorithm"] = engine.Unknown
	checkRule(t, id, []ruleCase{
		{name: "a bucket encrypted with AES256 is compliant", rs: []*engine.Resource{b, sse("AES256")}},
		{name: "a bucket encrypted with KMS is compliant", rs: []*engine.Resource{b, sse("aws:kms")}},
		{name: "an encryption configuration linked through property dependencies is found", rs: []*engine.Resource{b, previewLinked(t, typeS3Encryption, "sse", b,
			`{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"aws:kms"}}]}`)}},
		{name: "an unknown algorithm counts as set", rs: []*engine.Resource{b, unknownAlgo}},
		{name: "a legacy bucket with inline encryption is compliant", rs: []*engine.Resource{res(t, typeS3Bucket, "l",
			`{"serverSideEncryptionConfiguration":{"rule":{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"AES256"}}}}`)}},
		{name: "a bucket with deprecated inline encryption is compliant", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data",
			`{"serverSideEncryptionConfigurations":[{"rules":[{"applyServerSideEncryptionByDefaults":[{"sseAlgorithm":"aws:kms"}]}]}]}`)}},
		{name: "a bucket without encryption violates", rs: []*engine.Resource{b}, want: "no BucketServerSideEncryptionConfigurationV2 refers to this bucket"},
		{name: "a configuration without an algorithm violates", rs: []*engine.Resource{b, linked(t, typeS3Encryption, "sse", "sce-data", `{"rules":[{"bucketKeyEnabled":true}]}`)}, want: "no rule sets applyServerSideEncryptionByDefault.sseAlgorithm"},
		{name: "rules of the wrong shape violate", rs: []*engine.Resource{b, linked(t, typeS3Encryption, "sse", "sce-data", `{"rules":"aws:kms"}`)}, want: "rules is a string"},
		{name: "an algorithm of the wrong shape violates", rs: []*engine.Resource{b, linked(t, typeS3Encryption, "sse", "sce-data",
			`{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":1}}]}`)}, want: "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is a number"},
		{name: "an empty algorithm violates", rs: []*engine.Resource{b, sse("")}, want: "sseAlgorithm is empty"},
		{name: "a configuration naming an unknown bucket makes it undecided", rs: []*engine.Resource{b, unlinked(t, typeS3Encryption, "sse", `{"rules":[]}`)}, want: "unknown until deployment", undecided: true},
	})
}

func TestS3DefaultEncryptionKMS(t *testing.T) {
	const id = "s3-default-encryption-kms"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	sse := func(algo string) *engine.Resource {
		return linked(t, typeS3Encryption, "sse", "sce-data",
			`{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"`+algo+`","kmsMasterKeyId":"arn:aws:kms:us-east-1:111122223333:key/k"},"bucketKeyEnabled":true}]}`)
	}
	unknownAlgo := sse("x")
	unknownAlgo.Props["rules"].([]any)[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)["sseAlgorithm"] = engine.Unknown
	checkRule(t, id, []ruleCase{
		{name: "aws:kms is compliant", rs: []*engine.Resource{b, sse("aws:kms")}},
		{name: "aws:kms:dsse is compliant", rs: []*engine.Resource{b, sse("aws:kms:dsse")}},
		{name: "a bucket with deprecated inline KMS encryption is compliant", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data",
			`{"serverSideEncryptionConfigurations":[{"rules":[{"applyServerSideEncryptionByDefaults":[{"sseAlgorithm":"aws:kms"}]}]}]}`)}},
		{name: "AES256 violates", rs: []*engine.Resource{b, sse("AES256")}, want: `rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"; it must be aws:kms or aws:kms:dsse`},
		{name: "inline AES256 on a legacy bucket violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l",
			`{"serverSideEncryptionConfiguration":{"rule":{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"AES256"}}}}`)},
			want: `serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"`},
		{name: "a bucket without encryption violates", rs: []*engine.Resource{b}, want: "no BucketServerSideEncryptionConfigurationV2 refers to this bucket"},
		{name: "an unknown algorithm is undecided", rs: []*engine.Resource{b, unknownAlgo}, want: "sseAlgorithm is unknown", undecided: true},
		{name: "an algorithm of the wrong shape violates", rs: []*engine.Resource{b, linked(t, typeS3Encryption, "sse", "sce-data",
			`{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":["aws:kms"]}}]}`)}, want: "sseAlgorithm is a list"},
	})
	t.Run("AES256 is reported on the encryption configuration", func(t *testing.T) {
		cfg := sse("AES256")
		requireFindingOn(t, id, cfg, "AES256", b, cfg)
	})
}

func TestS3SSLRequestsOnly(t *testing.T) {
	const id = "s3-ssl-requests-only"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	bp := func(doc string) *engine.Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	deny := func(resources, condition string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + resources + `,"Condition":` + condition + `}`
	}
	both := `["arn:aws:s3:::sce-data","arn:aws:s3:::sce-data/*"]`
	insecure := `{"Bool":{"aws:SecureTransport":"false"}}`
	previewBucket := bucketNamed(t, "data", "sce-data", `{}`)
	previewBucket.ID = ""
	previewBucket.Props["bucket"] = engine.Unknown
	checkRule(t, id, []ruleCase{
		{name: "a deny of insecure transport on the bucket and its objects is compliant", rs: []*engine.Resource{b, bp(policyOf(sslDeny))}},
		{name: "the condition as a JSON boolean is compliant", rs: []*engine.Resource{b, bp(policyOf(deny(both, `{"Bool":{"aws:SecureTransport":false}}`)))}},
		{name: "a wildcard resource covering the bucket and its objects is compliant", rs: []*engine.Resource{b, bp(policyOf(deny(`"arn:aws:s3:::sce-data*"`, insecure)))}},
		{name: "another partition is compliant", rs: []*engine.Resource{b, bp(policyOf(deny(`["arn:aws-us-gov:s3:::sce-data","arn:aws-us-gov:s3:::sce-data/*"]`, insecure)))}},
		{name: "principal AWS * and action * are compliant", rs: []*engine.Resource{b, bp(policyOf(
			`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"*","Resource":` + both + `,"Condition":` + insecure + `}`))}},
		{name: "a policy given as an object is compliant", rs: []*engine.Resource{b, withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", obj(t, policyOf(sslDeny)))}},
		{name: "an inline policy on a legacy bucket is compliant", rs: []*engine.Resource{withProp(res(t, typeS3Bucket, "l", `{"bucket":"sce-data"}`), "policy", policyOf(sslDeny))}},
		{name: "a policy linked through property dependencies is found", rs: []*engine.Resource{b, withProp(previewLinked(t, typeS3Policy, "pol", b, `{}`), "policy", policyOf(sslDeny))}},
		{name: "a bucket whose name is unknown is judged by the policy's own pairs of resources", rs: []*engine.Resource{previewBucket,
			withProp(previewLinked(t, typeS3Policy, "pol", previewBucket, `{}`), "policy", policyOf(sslDeny))}},
		{name: "a bucket without a policy violates", rs: []*engine.Resource{b}, want: "no bucket policy, so requests without TLS are served"},
		{name: "a deny on the objects alone violates", rs: []*engine.Resource{b, bp(policyOf(deny(`"arn:aws:s3:::sce-data/*"`, insecure)))}, want: "policy does not deny requests without TLS"},
		{name: "a deny on the bucket alone violates", rs: []*engine.Resource{b, bp(policyOf(deny(`"arn:aws:s3:::sce-data"`, insecure)))}, want: "policy does not deny requests without TLS"},
		{name: "a deny on another bucket violates", rs: []*engine.Resource{b, bp(policyOf(deny(`["arn:aws:s3:::other","arn:aws:s3:::other/*"]`, insecure)))}, want: "policy does not deny requests without TLS"},
		{name: "a deny without the transport condition violates", rs: []*engine.Resource{b, bp(policyOf(deny(both, `{"Bool":{"aws:SecureTransport":"true"}}`)))}, want: "policy does not deny requests without TLS"},
		{name: "a deny of some actions only violates", rs: []*engine.Resource{b, bp(policyOf(
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":` + both + `,"Condition":` + insecure + `}`))}, want: "policy does not deny"},
		{name: "a deny to one principal violates", rs: []*engine.Resource{b, bp(policyOf(
			`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":` + both + `,"Condition":` + insecure + `}`))}, want: "policy does not deny"},
		{name: "an allow with the condition violates", rs: []*engine.Resource{b, bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":` + insecure + `}`))}, want: "policy does not deny"},
		{name: "a bucket policy without a policy document violates", rs: []*engine.Resource{b, linked(t, typeS3Policy, "pol", "sce-data", `{}`)}, want: "policy does not deny requests without TLS"},
		{name: "a policy that is not JSON violates", rs: []*engine.Resource{b, bp("{")}, want: "policy is not valid JSON"},
		{name: "an unknown policy is undecided", rs: []*engine.Resource{b, withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", engine.Unknown)}, want: "policy is unknown", undecided: true},
		{name: "a bucket policy naming an unknown bucket makes it undecided", rs: []*engine.Resource{b, withProp(unlinked(t, typeS3Policy, "pol", `{}`), "policy", policyOf(sslDeny))}, want: "unknown until deployment", undecided: true},
	})
	t.Run("a policy without the deny is reported on the bucket policy", func(t *testing.T) {
		pol := bp(policyOf(deny(`"arn:aws:s3:::sce-data/*"`, insecure)))
		requireFindingOn(t, id, pol, "does not deny", b, pol)
	})
}

func TestS3DenyUnencryptedUploads(t *testing.T) {
	const id = "s3-deny-unencrypted-uploads"
	phi := func() *engine.Resource {
		return bucketNamed(t, "data", "sce-data", `{"tags":{"DataClassification":"PHI","Project":"p"}}`)
	}
	bp := func(doc string) *engine.Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	upload := func(action, resource, condition string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"` + action + `","Resource":"` + resource + `","Condition":` + condition + `}`
	}
	byProvider := bucketNamed(t, "data", "sce-data", `{}`)
	byProvider.Provider = obj(t, `{"defaultTags":{"tags":{"DataClassification":"PHI"}}}`)
	overridden := bucketNamed(t, "data", "sce-data", `{"tags":{"DataClassification":"Internal"}}`)
	overridden.Provider = obj(t, `{"defaultTags":{"tags":{"DataClassification":"PHI"}}}`)
	unknownTag := bucketNamed(t, "data", "sce-data", `{"tags":{}}`)
	unknownTag.Props["tags"].(map[string]any)["DataClassification"] = engine.Unknown
	otherKeyOnly := `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*",` +
		`"Condition":{"Null":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"false"},"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"` + projectKey + `"}}}`
	checkRule(t, id, []ruleCase{
		{name: "a bucket not tagged PHI is not judged", rs: []*engine.Resource{bucketNamed(t, "logs", "sce-logs", `{"tags":{"DataClassification":"Internal"}}`)}},
		{name: "an untagged bucket is not judged", rs: []*engine.Resource{bucketNamed(t, "logs", "sce-logs", `{}`)}},
		{name: "the design's three denies are compliant", rs: []*engine.Resource{phi(), bp(policyOf(sslDeny, kmsUploadDeny))}},
		{name: "the old IfExists form refuses other encryption too (and fails the multipart rule instead)", rs: []*engine.Resource{phi(), bp(policyOf(
			upload("s3:PutObject", "arn:aws:s3:::sce-data/*", `{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}`),
			upload("s3:PutObject", "arn:aws:s3:::sce-data/*", `{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"`+projectKey+`"}}`)))}},
		{name: "a PHI tag from the provider's default tags is judged", rs: []*engine.Resource{byProvider}, want: "no bucket policy, so uploads asking for another encryption than the project key are accepted"},
		{name: "the bucket's own tag overrides the provider's default", rs: []*engine.Resource{overridden}},
		{name: "tags of the wrong shape violate", rs: []*engine.Resource{bucketNamed(t, "data", "sce-data", `{"tags":"PHI"}`)}, want: "tags is a string"},
		{name: "unknown tags without the deny are undecided", rs: []*engine.Resource{withProp(bucketNamed(t, "data", "sce-data", `{}`), "tags", engine.Unknown)}, want: "tags.DataClassification is unknown", undecided: true},
		{name: "a PHI bucket without a policy violates", rs: []*engine.Resource{phi()}, want: "no bucket policy"},
		{name: "a PHI bucket whose policy only requires TLS violates", rs: []*engine.Resource{phi(), bp(policyOf(sslDeny))},
			want: "policy accepts uploads asking for SSE-S3 (AES256); SSE-KMS with another key; SSE-KMS without a key"},
		{name: "a deny of other algorithms alone lets another key in", rs: []*engine.Resource{phi(), bp(policyOf(
			upload("s3:PutObject", "arn:aws:s3:::sce-data/*", `{"Null":{"s3:x-amz-server-side-encryption":"false"},"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))},
			want: "SSE-KMS with another key"},
		{name: "denying other keys alone lets SSE-S3 and the aws/s3 key in", rs: []*engine.Resource{phi(), bp(policyOf(otherKeyOnly))},
			want: "policy accepts uploads asking for SSE-S3 (AES256); SSE-KMS without a key"},
		{name: "a deny that also lets AES256 through violates", rs: []*engine.Resource{phi(), bp(policyOf(
			`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":["AES256","aws:kms"]}}}`, otherKeyOnly))},
			want: "SSE-S3 (AES256)"},
		{name: "a deny on the bucket rather than its objects violates", rs: []*engine.Resource{phi(), bp(policyOf(
			upload("s3:PutObject", "arn:aws:s3:::sce-data", `{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))}, want: "policy accepts uploads"},
		{name: "a deny of reads violates", rs: []*engine.Resource{phi(), bp(policyOf(
			upload("s3:GetObject", "arn:aws:s3:::sce-data/*", `{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))}, want: "policy accepts uploads"},
		{name: "a policy that is not JSON violates", rs: []*engine.Resource{phi(), bp("[")}, want: "cannot be evaluated"},
		{name: "an unknown policy is undecided", rs: []*engine.Resource{phi(), withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", engine.Unknown)}, want: "policy is unknown", undecided: true},
		{name: "an unknown classification without the deny is undecided", rs: []*engine.Resource{unknownTag}, want: "tags.DataClassification is unknown", undecided: true},
		{name: "an unknown classification with the deny is compliant", rs: []*engine.Resource{unknownTag, bp(policyOf(kmsUploadDeny))}},
	})
}

package rules

import (
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
)

// The S3 upload rule judges a bucket policy by what it does to real upload requests (s3_probe.go): a policy
// that refuses an upload for carrying no encryption header refuses every multipart upload.

// s3UploadRules returns the rule that bucket policies admit uploads without encryption headers, as
// multipart uploads must be.
func s3UploadRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "s3-policy-admits-uploads-without-encryption-headers",
			Description: "No bucket policy refuses an s3:PutObject request for carrying no encryption header when it would accept the same request " +
				"asking for SSE-KMS: UploadPart and CompleteMultipartUpload are authorised as s3:PutObject and cannot carry the header, " +
				"so such a policy refuses every multipart upload (and every upload relying on the bucket's default encryption).",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaRiskManagement},
			Sources: engine.Sources{Other: "IAM User Guide, \"Condition operators\" (a key absent from the request: ...IfExists and negated operators hold); " +
				"S3 API Reference, UploadPart (no server-side encryption request headers); boto/botocore#471, aws/aws-cli#4251"},
			Types:      s3Types(typeS3Policy),
			CheckStack: checkUploadsWithoutHeadersAdmitted,
		},
	}
}

// checkUploadsWithoutHeadersAdmitted probes each policy of a named bucket with an upload asking for SSE-KMS
// with the key the policy names and the same upload without encryption headers: refusing only the second is a
// finding.
func checkUploadsWithoutHeadersAdmitted(s *engine.Stack) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		name := s3BucketName(b)
		if name == "" {
			return nil
		}
		var out []engine.Finding
		for _, text := range bucketPolicyTexts(s, b) {
			doc, err := iameval.Parse(text)
			if err != nil {
				out = append(out, engine.Fail("the bucket policy cannot be evaluated: %v", err)...)
				continue
			}
			p := newUploadProbe(text, name)
			withHeaders, _, err1 := denied(doc, p.put("aws:kms", p.keyARN))
			bare, sid, err2 := denied(doc, p.put("", ""))
			if err1 != nil || err2 != nil {
				out = append(out, engine.Fail("the bucket policy cannot be evaluated: %v", firstErr(err1, err2))...)
				continue
			}
			if bare && !withHeaders {
				out = append(out, engine.Fail("statement %q denies an s3:PutObject that carries no encryption header, as every UploadPart and "+
					"CompleteMultipartUpload does, while it accepts the same request asking for SSE-KMS: multipart uploads and uploads "+
					"relying on the bucket's default encryption are refused; deny only requests that ask for another encryption "+
					"(Null false together with StringNotEquals)", sid)...)
			}
		}
		return out
	})
}

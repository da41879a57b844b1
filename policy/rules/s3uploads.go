package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/sce-project/sce/internal/iameval"
)

// The upload rules judge a bucket policy by what it does to real requests, evaluated with AWS's documented
// condition semantics (internal/iameval), rather than by the operators it is written with: the same intent
// written with StringNotEqualsIfExists and with Null plus StringNotEquals does opposite things to a request
// that carries no encryption header.

// uploadProbe is the request context shared by the probe requests of one bucket: TLS, from a role of the
// bucket's account, through the VPC endpoint the policy names (if any), so that only the encryption headers
// differ between the probes.
type uploadProbe struct {
	principal, object, keyARN string
	base                      map[string][]string
}

var accountInARN = regexp.MustCompile(`arn:aws[a-z-]*:(?:iam|kms)::?(?:[a-z0-9-]+:)?(\d{12}):`)

// newUploadProbe prepares the probes of one bucket's policy document.
func newUploadProbe(policy, bucket string) uploadProbe {
	account := "111122223333"
	if m := accountInARN.FindStringSubmatch(policy); m != nil {
		account = m[1]
	}
	p := uploadProbe{
		principal: fmt.Sprintf("arn:aws:iam::%s:role/sce-policy-probe", account),
		object:    "arn:aws:s3:::" + bucket + "/probe/object",
		keyARN:    fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/00000000-0000-0000-0000-000000000000", account),
		base:      map[string][]string{"aws:SecureTransport": {"true"}},
	}
	doc, err := iameval.Parse(policy)
	if err != nil {
		return p
	}
	for _, st := range doc.Statements {
		for _, keys := range st.Conditions {
			for key, vals := range keys {
				switch {
				case strings.EqualFold(key, "aws:SourceVpce") && len(vals) > 0:
					p.base["aws:SourceVpce"] = vals[:1]
				case strings.EqualFold(key, "s3:x-amz-server-side-encryption-aws-kms-key-id") && len(vals) > 0:
					p.keyARN = vals[0]
				}
			}
		}
	}
	p.base["aws:PrincipalArn"] = []string{p.principal}
	return p
}

// put is an s3:PutObject request of the probe with the given encryption headers ("" leaves one out).
func (p uploadProbe) put(sse, key string) iameval.Request {
	ctx := map[string][]string{}
	for k, v := range p.base {
		ctx[k] = v
	}
	if sse != "" {
		ctx["s3:x-amz-server-side-encryption"] = []string{sse}
	}
	if key != "" {
		ctx["s3:x-amz-server-side-encryption-aws-kms-key-id"] = []string{key}
	}
	return iameval.Request{Principal: p.principal, Action: "s3:PutObject", Resource: p.object, Context: ctx}
}

// denied reports whether the policy explicitly denies the request, and by which statement.
func denied(doc *iameval.Document, r iameval.Request) (bool, string, error) {
	res, err := doc.Evaluate(r, true)
	if err != nil {
		return false, "", err
	}
	return res.Effect == iameval.Denied, res.Sid, nil
}

// PolicyJSON returns a resource's policy property as JSON text (a string input as it is, an object
// encoded); ok is false when it is absent, unknown or of another shape. The flow analyses read policies
// through it too.
func PolicyJSON(r *Resource, prop string) (string, bool) {
	v, ok := r.Get(prop)
	if !ok || IsUnknown(v) {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return "", false
		}
		return string(b), true
	}
	return "", false
}

// bucketPolicyTexts returns the policy documents of a bucket (BucketPolicy resources and an inline policy).
func bucketPolicyTexts(s *Stack, b *Resource) []string {
	cfgs, _ := s3ConfigsOf(s, b, typeS3Policy)
	var out []string
	for _, r := range append(cfgs, b) {
		if text, ok := PolicyJSON(r, "policy"); ok {
			out = append(out, text)
		}
	}
	return out
}

func uploadRules() []Rule {
	return []Rule{
		{
			ID: "s3-policy-admits-uploads-without-encryption-headers",
			Description: "No bucket policy refuses an s3:PutObject request for carrying no encryption header when it would accept the same request " +
				"asking for SSE-KMS: UploadPart and CompleteMultipartUpload are authorised as s3:PutObject and cannot carry the header, " +
				"so such a policy refuses every multipart upload (and every upload relying on the bucket's default encryption).",
			Level:    Mandatory,
			Category: CategoryDeployability,
			HIPAA:    []string{hipaaRiskManagement},
			Sources: Sources{Other: "IAM User Guide, \"Condition operators\" (a key absent from the request: ...IfExists and negated operators hold); " +
				"S3 API Reference, UploadPart (no server-side encryption request headers); boto/botocore#471, aws/aws-cli#4251"},
			Types:      s3Types(typeS3Policy),
			CheckStack: checkUploadsWithoutHeadersAdmitted,
		},
	}
}

func checkUploadsWithoutHeadersAdmitted(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		name := s3BucketName(b)
		if name == "" {
			return nil
		}
		var out []Finding
		for _, text := range bucketPolicyTexts(s, b) {
			doc, err := iameval.Parse(text)
			if err != nil {
				out = append(out, fail("the bucket policy cannot be evaluated: %v", err)...)
				continue
			}
			p := newUploadProbe(text, name)
			withHeaders, _, err1 := denied(doc, p.put("aws:kms", p.keyARN))
			bare, sid, err2 := denied(doc, p.put("", ""))
			if err1 != nil || err2 != nil {
				out = append(out, fail("the bucket policy cannot be evaluated: %v", firstErr(err1, err2))...)
				continue
			}
			if bare && !withHeaders {
				out = append(out, fail("statement %q denies an s3:PutObject that carries no encryption header, as every UploadPart and "+
					"CompleteMultipartUpload does, while it accepts the same request asking for SSE-KMS: multipart uploads and uploads "+
					"relying on the bucket's default encryption are refused; deny only requests that ask for another encryption "+
					"(Null false together with StringNotEquals)", sid)...)
			}
		}
		return out
	})
}

// phiUploadProbes are the uploads a PHI bucket's policy must refuse, each with what it asks for.
func phiUploadProbes(p uploadProbe) []struct {
	what string
	req  iameval.Request
} {
	other := p.keyARN[:strings.LastIndex(p.keyARN, "/")+1] + "ffffffff-ffff-ffff-ffff-ffffffffffff"
	return []struct {
		what string
		req  iameval.Request
	}{
		{"SSE-S3 (AES256)", p.put("AES256", "")},
		{"SSE-KMS with another key", p.put("aws:kms", other)},
		{"SSE-KMS without a key, which S3 serves with the AWS managed key aws/s3", p.put("aws:kms", "")},
	}
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

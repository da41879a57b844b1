package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sce-project/sce/policy/model/iameval"
)

// Probing a bucket policy with requests: the rules that judge what a policy does (refuses uploads, gates
// reads on the malware scan, admits someone from outside the VPC) evaluate concrete requests against it with
// AWS's documented condition semantics (policy/model/iameval), rather than reading the operators it is written
// with: the same intent written with StringNotEqualsIfExists and with Null plus StringNotEquals does
// opposite things to a request that carries no encryption header.

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
	ctx := with(p.base, nil)
	if sse != "" {
		ctx["s3:x-amz-server-side-encryption"] = []string{sse}
	}
	if key != "" {
		ctx["s3:x-amz-server-side-encryption-aws-kms-key-id"] = []string{key}
	}
	return iameval.Request{Principal: p.principal, Action: "s3:PutObject", Resource: p.object, Context: ctx}
}

// with returns a copy of base with extra's keys added.
func with(base, extra map[string][]string) map[string][]string {
	out := make(map[string][]string, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// denied reports whether the policy explicitly denies the request, and by which statement.
func denied(doc *iameval.Document, r iameval.Request) (bool, string, error) {
	res, err := doc.Evaluate(r, true)
	if err != nil {
		return false, "", err
	}
	return res.Effect == iameval.Denied, res.Sid, nil
}

// parsePolicies parses policy texts for policy/model/iameval; unreadable is true when one of them cannot be
// parsed, which counts as denying: a deny that cannot be read is not assumed away.
func parsePolicies(texts []string) (docs []*iameval.Document, unreadable bool) {
	for _, text := range texts {
		doc, err := iameval.Parse(text)
		if err != nil {
			return nil, true
		}
		docs = append(docs, doc)
	}
	return docs, false
}

// deniedByAny reports whether a Deny of any of the policies applies to the request; a policy that cannot
// be evaluated counts as denying.
func deniedByAny(docs []*iameval.Document, req iameval.Request) bool {
	for _, doc := range docs {
		if d, _, err := denied(doc, req); err != nil || d {
			return true
		}
	}
	return false
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

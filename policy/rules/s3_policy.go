package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// Bucket policies as the S3 rules read them: the documents that govern a bucket (its BucketPolicy resources
// and its inline policy), and the predicates on their statements that several rules share.

// s3Policy is one policy document that governs a bucket, with the resource that holds it.
type s3Policy struct {
	urn string
	doc *policydoc.PolicyDoc
}

// s3PoliciesOf returns the policy documents of a bucket: its BucketPolicy resources' and its inline policy.
func s3PoliciesOf(s *engine.Stack, b *engine.Resource) ([]s3Policy, []engine.Finding) {
	cfgs, _ := s3ConfigsOf(s, b, typeS3Policy)
	return s3ParsePolicies(append(cfgs, b))
}

// s3AllPolicies returns every bucket policy of the stack: BucketPolicy resources and buckets' inline
// policies, for rules that forbid statements wherever they are.
func s3AllPolicies(s *engine.Stack) ([]s3Policy, []engine.Finding) {
	return s3ParsePolicies(s.OfType(append([]string{typeS3Policy}, s3BucketTypes()...)...))
}

// s3ParsePolicies parses the policy of each resource. Unknown and unparseable policies come back as
// findings on their resource; a BucketPolicy without a policy contributes an empty document.
func s3ParsePolicies(rs []*engine.Resource) ([]s3Policy, []engine.Finding) {
	var docs []s3Policy
	var out []engine.Finding
	for _, r := range rs {
		doc, fs := policydoc.PolicyAt(r, "policy")
		out = append(out, engine.WithURN(r.URN, fs)...)
		switch {
		case doc != nil:
			docs = append(docs, s3Policy{r.URN, doc})
		case len(fs) == 0 && r.Type == typeS3Policy:
			docs = append(docs, s3Policy{r.URN, &policydoc.PolicyDoc{}})
		}
	}
	return docs, out
}

// PolicyJSON returns a resource's policy property as JSON text (a string input as it is, an object
// encoded); ok is false when it is absent, unknown or of another shape. The flow analyses read policies
// through it too.
func PolicyJSON(r *engine.Resource, prop string) (string, bool) {
	v, ok := r.Get(prop)
	if !ok || engine.IsUnknown(v) {
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
func bucketPolicyTexts(s *engine.Stack, b *engine.Resource) []string {
	cfgs, _ := s3ConfigsOf(s, b, typeS3Policy)
	var out []string
	for _, r := range append(cfgs, b) {
		if text, ok := PolicyJSON(r, "policy"); ok {
			out = append(out, text)
		}
	}
	return out
}

// s3Statement names a statement for messages.
func s3Statement(i int, st policydoc.PolicyStatement) string {
	if st.Sid != "" {
		return fmt.Sprintf("statement %d (%q)", i, st.Sid)
	}
	return fmt.Sprintf("statement %d", i)
}

// s3AnyPrincipal reports whether a statement applies to anyone: Principal "*" or a principal list holding "*".
func s3AnyPrincipal(st policydoc.PolicyStatement) bool {
	if st.AnyPrincipal {
		return true
	}
	for _, ps := range st.Principals {
		if slices.Contains(ps, "*") {
			return true
		}
	}
	return false
}

// s3ResourcePath returns the part of an S3 ARN after ":::" ("name" or "name/key"), or "*" for a bare
// wildcard; ok is false for resources that are not S3 ARNs.
func s3ResourcePath(arn string) (string, bool) {
	if arn == "*" {
		return "*", true
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || !strings.EqualFold(parts[0], "arn") || !policydoc.GlobMatch(parts[2], "s3") {
		return "", false
	}
	return parts[5], true
}

// s3Covers reports whether a statement's resources cover a bucket and all its objects. name may be empty
// (not known before deployment): then any bucket-level resource X with a resource covering X/* counts.
func s3Covers(resources []string, name string) (bucket, objects bool) {
	var paths []string
	for _, r := range resources {
		if p, ok := s3ResourcePath(r); ok {
			paths = append(paths, p)
		}
	}
	coversObjects := func(of string) bool {
		for _, p := range paths {
			if policydoc.GlobMatch(p, of+"/*") {
				return true
			}
		}
		return false
	}
	if name != "" {
		for _, p := range paths {
			bucket = bucket || policydoc.GlobMatch(p, name)
		}
		return bucket, coversObjects(name)
	}
	for _, p := range paths {
		if !strings.Contains(p, "/") {
			bucket = true
			if coversObjects(p) {
				return true, true
			}
		}
	}
	for _, p := range paths {
		objects = objects || strings.HasSuffix(p, "*")
	}
	return bucket, objects
}

// s3DeniesAll reports whether a Deny statement covers every S3 action: s3:* or *.
func s3DeniesAll(st policydoc.PolicyStatement) bool {
	for _, a := range st.Actions {
		if a == "*" || strings.EqualFold(a, "s3:*") {
			return true
		}
	}
	return false
}

// s3RequireStatement judges a bucket for a rule that needs a statement in its policy: absentMsg when the
// bucket has no policy, lackMsg on each policy that has no statement satisfying ok.
func s3RequireStatement(s *engine.Stack, b *engine.Resource, ok func(policydoc.PolicyStatement) bool, absentMsg, lackMsg string) []engine.Finding {
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Policy)
	if _, inline := b.Get("policy"); len(cfgs) == 0 && !inline {
		if unresolved {
			return s3Absent(b, typeS3Policy, true, "")
		}
		return []engine.Finding{{URN: b.URN, Message: absentMsg}}
	}
	docs, out := s3PoliciesOf(s, b)
	for _, d := range docs {
		found := false
		for _, st := range d.doc.Statements {
			if ok(st) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, engine.Finding{URN: d.urn, Message: lackMsg})
		}
	}
	return out
}

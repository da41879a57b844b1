package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
)

// The data path rule: a PHI bucket whose policy admits only the project's S3 endpoint must still admit
// someone from outside the VPC for its purpose (an upload into data-in, a read of released results), judged
// by probing the policy (s3_probe.go) with that someone's request.

// s3DataPathRules judge whether data can reach the project and results leave it. They are advisory: a stack
// without such a path is safe, only not yet usable, and the builder may add the roles later.
func s3DataPathRules() []engine.Rule {
	return []engine.Rule{{
		ID: "s3-phi-data-path-outside-vpc",
		Description: "A PHI bucket whose policy refuses object access outside the project's S3 endpoint still admits someone from " +
			"outside the VPC for its purpose: an upload into data-in (the seed's laptop L), a read of output (results leaving " +
			"after review). The project's own roles do not count, nor roles of another account, which a bucket policy that " +
			"grants them nothing leaves nothing to use.",
		Level: engine.Advisory,
		HIPAA: []string{hipaaAccessAuthorize},
		Sources: engine.Sources{Other: "the seed, Part 1 (\"use a Laptop L or other cloud-external data source to feed data into an SCE\"; 1E); " +
			"IAM User Guide, \"Cross-account policy evaluation logic\" and \"AWS global condition context keys\" (aws:SourceVpce, aws:PrincipalArn)"},
		Types:      []string{typeS3BucketV2, typeS3Policy, iamRoleType},
		CheckStack: checkPHIDataPath,
	}}
}

// dataPurpose is what a PHI bucket is for, by its Purpose tag: the action someone outside the VPC must be
// able to take, and the configuration keys that provide such a someone.
type dataPurpose struct {
	action, verb, why, keys string
	// key is the object probed: results leave the output bucket only from released/, the airlock's.
	key string
}

var dataPurposes = map[string]dataPurpose{
	"data-in": {"s3:PutObject", "upload into", " (the path from a computer outside AWS, the seed's laptop L)",
		"set sce:adminRoleArns (read and write from outside the VPC) or sce:uploaderRoleArns (upload only), or sce:restrictToVpcEndpoint: false", "probe"},
	"output": {"s3:GetObject", "take released results out of", " (released/, where the airlock puts what two reviewers approved)",
		"set sce:adminRoleArns to the roles that collect the released results, or sce:restrictToVpcEndpoint: false", "released/probe"},
}

// checkPHIDataPath judges each PHI bucket with a known purpose whose policy restricts it to the VPC endpoint:
// one of the principals the restriction excepts, not the project's own role nor another account's, must be
// able to take the purpose's action, or the finding says which keys provide one.
func checkPHIDataPath(s *engine.Stack) []engine.Finding {
	own, account := ownRoles(s)
	var out []engine.Finding
	for _, b := range s.OfType(typeS3BucketV2) {
		phi, _ := s3HoldsPHI(b)
		purpose, known := dataPurposes[engine.StringAtOr(b.Props, "tags.Purpose")]
		name := s3BucketName(b)
		if !phi || !known || name == "" {
			continue
		}
		policies, _ := s3PoliciesOf(s, b)
		candidates, restricted := outsidePrincipals(policies)
		if !restricted {
			continue // no endpoint restriction: the bucket is reached like any other
		}
		req := iameval.Request{Action: purpose.action, Resource: objectARN(policies, name, purpose.key), Context: map[string][]string{"aws:SecureTransport": {"true"}}}
		if key := bucketKMSKey(s, b); key != "" && purpose.action == "s3:PutObject" {
			req.Context["s3:x-amz-server-side-encryption"] = []string{"aws:kms"}
			req.Context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = []string{key}
		}
		docs, unreadable := parsePolicies(bucketPolicyTexts(s, b))
		var foreign []string
		usable := false
		for _, arn := range candidates {
			switch {
			case own[arn]:
				continue
			case account != "" && arnAccount(arn) != account && !strings.ContainsAny(arnAccount(arn), "*?"):
				foreign = append(foreign, arn)
				continue
			}
			req.Principal = arn
			req.Context["aws:PrincipalArn"] = []string{arn}
			if !unreadable && !deniedByAny(docs, req) {
				usable = true
				break
			}
		}
		if usable {
			continue
		}
		msg := fmt.Sprintf("nobody from outside the VPC may %s bucket %s%s: its policy admits only requests through the project's S3 endpoint and the project's own roles",
			purpose.verb, name, purpose.why)
		if len(foreign) > 0 {
			msg += fmt.Sprintf(" (%s %s of another account than this stack's %s, which this bucket's policy grants nothing)", strings.Join(foreign, ", "), isOrAre(len(foreign)), account)
		}
		out = append(out, engine.Finding{URN: urnOfPolicy(policies, b), Message: msg + "; " + purpose.keys})
	}
	return out
}

// outsidePrincipals returns the principal ARNs that the policies' VPC-endpoint denies except, and whether
// there is such a deny at all (a Deny conditioned on aws:SourceVpce not being the endpoint).
func outsidePrincipals(policies []s3Policy) ([]string, bool) {
	seen := map[string]bool{}
	restricted := false
	for _, p := range policies {
		for _, st := range p.doc.Statements {
			// A deny of everything but some objects (NotResource: the airlock's, which leaves released/ open)
			// does not restrict the bucket as a whole; whether it refuses the probe is judged below.
			if st.Effect != "Deny" || len(st.NotResources) > 0 || len(st.ConditionValues("aws:SourceVpce", "StringNotEquals", "StringNotEqualsIfExists")) == 0 {
				continue
			}
			restricted = true
			for _, arn := range st.ConditionValues("aws:PrincipalArn", "ArnNotLike", "ArnNotEquals", "StringNotLike", "StringNotEquals") {
				seen[arn] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for arn := range seen {
		out = append(out, arn)
	}
	sort.Strings(out)
	return out, restricted
}

// ownRoles returns the ARNs of the stack's own roles, and the stack's account as their ARNs give it (empty
// while unknown, during a first preview).
func ownRoles(s *engine.Stack) (map[string]bool, string) {
	own := map[string]bool{}
	account := ""
	for _, r := range s.OfType(iamRoleType) {
		arn, _ := r.Outputs["arn"].(string)
		if arn == "" || engine.IsUnknown(arn) {
			continue
		}
		own[arn] = true
		if account == "" {
			account = arnAccount(arn)
		}
	}
	return own, account
}

// arnAccount returns the account part of an ARN.
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// bucketKMSKey returns the KMS key of a bucket's default encryption, for a request that asks for it as an
// upload of PHI must.
func bucketKMSKey(s *engine.Stack, b *engine.Resource) string {
	cfgs, _ := s3ConfigsOf(s, b, typeS3Encryption)
	for _, c := range cfgs {
		rules, _ := s3BlocksAt(c.Props, "rules", "rules")
		for _, r := range rules {
			if key := engine.StringAtOr(r.m, "applyServerSideEncryptionByDefault.kmsMasterKeyId"); key != "" {
				return key
			}
		}
	}
	return ""
}

// objectARN is the ARN of an object of the bucket, in the partition its policy names it with.
func objectARN(policies []s3Policy, bucket, key string) string {
	for _, p := range policies {
		for _, st := range p.doc.Statements {
			for _, r := range st.Resources {
				if prefix, rest, ok := strings.Cut(r, ":::"); ok && strings.HasPrefix(rest, bucket) {
					return prefix + ":::" + bucket + "/" + key
				}
			}
		}
	}
	return "arn:aws:s3:::" + bucket + "/" + key
}

// urnOfPolicy is where a data path finding belongs: the bucket's first BucketPolicy resource, else the bucket.
func urnOfPolicy(policies []s3Policy, b *engine.Resource) string {
	for _, p := range policies {
		if p.urn != b.URN {
			return p.urn
		}
	}
	return b.URN
}

// isOrAre is the verb that agrees with a count.
func isOrAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

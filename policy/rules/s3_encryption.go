package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The S3 encryption rules: default encryption at rest (any algorithm, then KMS), TLS only in transit, and
// PHI buckets refusing uploads that ask for another encryption than the project key.

// s3EncryptionRules returns the rules on how a bucket's objects are encrypted, at rest and in transit.
func s3EncryptionRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "s3-default-encryption",
			Description: "Every S3 bucket has default server-side encryption configured, with any algorithm.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaEncryptionAtRest, "164.312(c)(2)", hipaaTransmissionCrypt},
			Sources:     engine.Sources{Config: "s3-bucket-server-side-encryption-enabled", Checklist: []int{54}},
			Types:       s3Types(typeS3Encryption),
			CheckStack:  checkS3DefaultEncryption,
		},
		{
			ID: "s3-default-encryption-kms",
			Description: "Every S3 bucket encrypts by default with KMS (sseAlgorithm aws:kms or aws:kms:dsse). Log buckets that AWS services cannot write " +
				"with a customer key are declared exemptions.",
			Level:      engine.Mandatory,
			HIPAA:      hipaaEncryption(),
			Sources:    engine.Sources{CdkNag: "HIPAA.Security-S3DefaultEncryptionKMS", Config: "s3-default-encryption-kms", Checklist: []int{57}},
			Types:      s3Types(typeS3Encryption),
			CheckStack: checkS3EncryptionKMS,
		},
		{
			ID: "s3-ssl-requests-only",
			Description: "Every S3 bucket has a policy that denies s3:* to any principal on the bucket and its objects when aws:SecureTransport is false, " +
				"so that only TLS requests are served.",
			Level: engine.Mandatory,
			HIPAA: []string{hipaaEncryptionAtRest, "164.312(c)(2)", hipaaTransmission, "164.312(e)(2)(i)", hipaaTransmissionCrypt},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-S3BucketSSLRequestsOnly", Config: "s3-bucket-ssl-requests-only",
				Checklist: []int{55}},
			Types:      s3Types(typeS3Policy),
			CheckStack: checkS3SSLOnly,
		},
		{
			ID: "s3-deny-unencrypted-uploads",
			Description: "Every S3 bucket tagged DataClassification PHI has a policy that refuses uploads asking for another encryption than the project key: " +
				"SSE-S3, SSE-KMS with another key, or SSE-KMS without a key (which S3 serves with aws/s3). Judged by evaluating those requests against " +
				"the policy with AWS's condition semantics. An upload asking for no encryption is left to the bucket's default SSE-KMS with the project key " +
				"(s3-default-encryption-kms), because multipart parts cannot carry the header (s3-policy-admits-uploads-without-encryption-headers).",
			Level:      engine.Mandatory,
			HIPAA:      hipaaEncryption(),
			Sources:    engine.Sources{Other: "seed 1E: only accept uploads that request server-side encryption"},
			Types:      s3Types(typeS3Policy),
			CheckStack: checkS3DenyUnencryptedUploads,
		},
	}
}

// s3Algorithm is one default encryption algorithm setting of a bucket.
type s3Algorithm struct {
	urn, path string
	value     any
}

// s3EncryptionOf returns a bucket's default encryption algorithms: from its encryption configuration
// resources, else inline (Bucket's serverSideEncryptionConfiguration.rule, BucketV2's deprecated
// serverSideEncryptionConfigurations[*].rules). With none, the findings say what is missing, where.
func s3EncryptionOf(s *engine.Stack, b *engine.Resource) ([]s3Algorithm, []engine.Finding) {
	var algos []s3Algorithm
	var out []engine.Finding
	collect := func(urn string, rules []s3Block, byDefault string) {
		for _, r := range rules {
			defaults, fs := s3BlocksAt(r.m, byDefault, r.path+"."+byDefault)
			out = append(out, engine.WithURN(urn, fs)...)
			for _, d := range defaults {
				if v, ok := engine.Lookup(d.m, "sseAlgorithm"); ok {
					algos = append(algos, s3Algorithm{urn, d.path + ".sseAlgorithm", v})
				}
			}
		}
	}
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Encryption)
	if len(cfgs) > 0 {
		for _, c := range cfgs {
			rules, fs := s3BlocksAt(c.Props, "rules", "rules")
			out = append(out, engine.WithURN(c.URN, fs)...)
			before := len(algos)
			collect(c.URN, rules, "applyServerSideEncryptionByDefault")
			if len(algos) == before && len(fs) == 0 {
				out = append(out, engine.Finding{URN: c.URN, Message: "no rule sets applyServerSideEncryptionByDefault.sseAlgorithm; default encryption needs an algorithm"})
			}
		}
		return algos, out
	}
	legacy, fs := s3BlocksAt(b.Props, "serverSideEncryptionConfiguration.rule", "serverSideEncryptionConfiguration.rule")
	out = append(out, engine.WithURN(b.URN, fs)...)
	collect(b.URN, legacy, "applyServerSideEncryptionByDefault")
	configs, fs := s3BlocksAt(b.Props, "serverSideEncryptionConfigurations", "serverSideEncryptionConfigurations")
	out = append(out, engine.WithURN(b.URN, fs)...)
	for _, c := range configs {
		rules, fs := s3BlocksAt(c.m, "rules", c.path+".rules")
		out = append(out, engine.WithURN(b.URN, fs)...)
		collect(b.URN, rules, "applyServerSideEncryptionByDefaults")
	}
	if len(algos) == 0 && len(out) == 0 {
		out = append(out, s3Absent(b, typeS3Encryption, unresolved,
			"default server-side encryption must be configured (applyServerSideEncryptionByDefault.sseAlgorithm)")...)
	}
	return algos, out
}

// checkS3DefaultEncryption requires a default encryption algorithm, any non-empty one (or one unknown until
// deployment).
func checkS3DefaultEncryption(s *engine.Stack) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		algos, out := s3EncryptionOf(s, b)
		var bad []engine.Finding
		for _, a := range algos {
			switch v := a.value.(type) {
			case string:
				if strings.TrimSpace(v) != "" {
					return out
				}
				bad = append(bad, engine.Finding{URN: a.urn, Message: a.path + " is empty; default encryption needs an algorithm"})
			default:
				if engine.IsUnknown(v) {
					return out // an algorithm will be set
				}
				bad = append(bad, engine.Finding{URN: a.urn, Message: fmt.Sprintf("%s is %s (%s); expected an algorithm name", a.path, engine.Kind(v), engine.Describe(v))})
			}
		}
		return append(out, bad...)
	})
}

// checkS3EncryptionKMS requires every default encryption algorithm of a bucket to be aws:kms or aws:kms:dsse.
func checkS3EncryptionKMS(s *engine.Stack) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		algos, out := s3EncryptionOf(s, b)
		for _, a := range algos {
			fs := engine.StringAt(map[string]any{"v": a.value}, "v", a.path, false, "aws:kms", "aws:kms:dsse")
			out = append(out, engine.WithURN(a.urn, fs)...)
		}
		return out
	})
}

// checkS3SSLOnly requires a policy statement denying s3:* to anyone on the bucket and its objects when
// aws:SecureTransport is false.
func checkS3SSLOnly(s *engine.Stack) []engine.Finding {
	const want = "a Deny of s3:* to principal \"*\" on the bucket and its objects (arn and arn/*) with Bool aws:SecureTransport false"
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		name := s3BucketName(b)
		denies := func(st policydoc.PolicyStatement) bool {
			if st.Effect != "Deny" || !s3AnyPrincipal(st) || !s3DeniesAll(st) {
				return false
			}
			if bucket, objects := s3Covers(st.Resources, name); !bucket || !objects {
				return false
			}
			for _, v := range st.ConditionValues("aws:SecureTransport", "Bool", "BoolIfExists") {
				if strings.EqualFold(v, "false") {
					return true
				}
			}
			return false
		}
		return s3RequireStatement(s, b, denies,
			"no bucket policy, so requests without TLS are served; the policy must hold "+want,
			"policy does not deny requests without TLS; it must hold "+want)
	})
}

// checkS3DenyUnencryptedUploads requires the policy of each bucket tagged PHI (or whose tag is unknown) to
// refuse the uploads phiUploadProbes lists.
func checkS3DenyUnencryptedUploads(s *engine.Stack) []engine.Finding {
	const want = "Deny statements that refuse s3:PutObject asking for SSE-S3, for SSE-KMS with another key, or for SSE-KMS without a key " +
		"(S3 then uses aws/s3), and nothing else: uploads without an encryption header get the bucket's default, the project key"
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		if tags, ok := b.Get("tags"); ok && !engine.IsUnknown(tags) {
			if _, isMap := tags.(map[string]any); !isMap {
				return engine.Fail("tags is %s (%s); expected an object, so the rule cannot tell whether the bucket holds PHI", engine.Kind(tags), engine.Describe(tags))
			}
		}
		phi, unknown := s3HoldsPHI(b)
		if !phi && !unknown {
			return nil
		}
		out := s3UploadsRefused(s, b, want)
		if unknown && len(out) > 0 {
			return []engine.Finding{{URN: b.URN, Undecided: true,
				Message: "tags.DataClassification is unknown until deployment, so the rule cannot tell whether this bucket holds PHI; if it does, its policy must hold " + want}}
		}
		return out
	})
}

// s3UploadsRefused evaluates the probes every PHI bucket must refuse against the bucket's policies.
func s3UploadsRefused(s *engine.Stack, b *engine.Resource, want string) []engine.Finding {
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Policy)
	texts := bucketPolicyTexts(s, b)
	if len(texts) == 0 {
		if _, inline := b.Get("policy"); len(cfgs) > 0 || inline {
			return []engine.Finding{{URN: b.URN, Undecided: true, Message: "the bucket policy is unknown until deployment, so the rule cannot judge it"}}
		}
		if unresolved {
			return s3Absent(b, typeS3Policy, true, "")
		}
		return engine.Fail("no bucket policy, so uploads asking for another encryption than the project key are accepted into a PHI bucket; the policy must hold %s", want)
	}
	name := s3BucketName(b)
	var docs []*iameval.Document
	for _, text := range texts {
		doc, err := iameval.Parse(text)
		if err != nil {
			return engine.Fail("the bucket policy cannot be evaluated: %v", err)
		}
		docs = append(docs, doc)
	}
	var accepted []string
	for _, probe := range phiUploadProbes(newUploadProbe(strings.Join(texts, "\n"), name)) {
		refused := false
		for _, doc := range docs {
			d, _, err := denied(doc, probe.req)
			if err != nil {
				return engine.Fail("the bucket policy cannot be evaluated: %v", err)
			}
			refused = refused || d
		}
		if !refused {
			accepted = append(accepted, probe.what)
		}
	}
	if len(accepted) > 0 {
		return engine.Fail("policy accepts uploads asking for %s into a PHI bucket; it must hold %s", strings.Join(accepted, "; "), want)
	}
	return nil
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

package rules

import (
	"fmt"
	"github.com/sce-project/sce/internal/iameval"
	"strings"
)

// S3 resource type tokens. pulumi-aws v6 splits a bucket into the bucket itself and configuration resources
// that name it through their bucket input; the legacy Bucket (and, deprecated, BucketV2) can also carry the
// settings inline.
const (
	typeS3Bucket             = "aws:s3/bucket:Bucket"
	typeS3BucketV2           = "aws:s3/bucketV2:BucketV2"
	typeS3Versioning         = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeS3Encryption         = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeS3PublicAccessBlock  = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeS3Logging            = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typeS3Policy             = "aws:s3/bucketPolicy:BucketPolicy"
	typeS3OwnershipControls  = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeS3Lifecycle          = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeS3Notification       = "aws:s3/bucketNotification:BucketNotification"
	typeS3ObjectLock         = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	typeS3Replication        = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	typeS3ACL                = "aws:s3/bucketAclV2:BucketAclV2"
	s3AllUsersGroup          = "/groups/global/AllUsers"
	s3AuthenticatedUserGroup = "/groups/global/AuthenticatedUsers"
)

// storageRules returns the storage rules: S3 buckets, each judged together with its configuration resources.
func storageRules() []Rule {
	publicAccess := []string{hipaaWorkforce, "164.308(a)(4)(ii)(A)", hipaaAccessEstablish, hipaaAccessControl, hipaaTransmission}
	return []Rule{
		{
			ID:          "s3-acl-prohibited",
			Description: "Every S3 bucket has ownership controls with objectOwnership BucketOwnerEnforced, which disables ACLs so that only policies grant access.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaWorkforce, hipaaAccessEstablish, hipaaAccessControl},
			Sources:     Sources{Config: "s3-bucket-acl-prohibited", Checklist: []int{46}},
			Types:       s3Types(typeS3OwnershipControls),
			CheckStack:  checkS3ACLProhibited,
		},
		{
			ID:          "s3-object-lock-enabled",
			Description: "Every S3 bucket has object lock: objectLockEnabled on the bucket or an object lock configuration resource.",
			Level:       Advisory,
			HIPAA:       []string{hipaaIntegrity, "164.312(c)(2)"},
			Sources:     Sources{Config: "s3-bucket-default-lock-enabled", Checklist: []int{47}},
			Types:       s3Types(typeS3ObjectLock),
			CheckStack:  checkS3ObjectLock,
		},
		{
			ID:          "s3-bucket-level-public-access-blocked",
			Description: "Every S3 bucket has a public access block with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
			Level:       Mandatory,
			HIPAA:       publicAccess,
			Sources: Sources{CdkNag: "HIPAA.Security-S3BucketLevelPublicAccessProhibited",
				Config: "s3-bucket-level-public-access-prohibited", Checklist: []int{48}},
			Types:      s3Types(typeS3PublicAccessBlock),
			CheckStack: checkS3PublicAccessBlock,
		},
		{
			ID: "s3-public-read-prohibited",
			Description: "No S3 bucket grants public read: no public-read, public-read-write or authenticated-read ACL, no ACL grant of READ or FULL_CONTROL " +
				"to AllUsers or AuthenticatedUsers, and no bucket policy allowing s3:GetObject to any principal without a condition restricting the caller.",
			Level:   Mandatory,
			HIPAA:   publicAccess,
			Sources: Sources{CdkNag: "HIPAA.Security-S3BucketPublicReadProhibited", Config: "s3-bucket-public-read-prohibited", Checklist: []int{51}},
			Types:   s3Types(typeS3ACL, typeS3Policy),
			CheckStack: func(s *Stack) []Finding {
				return checkS3Public(s, s3PublicRead())
			},
		},
		{
			ID: "s3-public-write-prohibited",
			Description: "No S3 bucket grants public write: no public-read-write ACL, no ACL grant of WRITE or FULL_CONTROL to AllUsers or AuthenticatedUsers, " +
				"and no bucket policy allowing s3:PutObject or s3:DeleteObject to any principal without a condition restricting the caller.",
			Level:   Mandatory,
			HIPAA:   publicAccess,
			Sources: Sources{CdkNag: "HIPAA.Security-S3BucketPublicWriteProhibited", Config: "s3-bucket-public-write-prohibited", Checklist: []int{52}},
			Types:   s3Types(typeS3ACL, typeS3Policy),
			CheckStack: func(s *Stack) []Finding {
				return checkS3Public(s, s3PublicWrite())
			},
		},
		{
			ID: "s3-server-access-logging",
			Description: "Every S3 bucket has server access logging to a target bucket. The bucket that receives the access logs is judged too; " +
				"where it logs nowhere, that is a declared exemption.",
			Level:      Mandatory,
			HIPAA:      []string{"164.308(a)(3)(ii)(A)", hipaaAuditControls},
			Sources:    Sources{CdkNag: "HIPAA.Security-S3BucketLoggingEnabled", Config: "s3-bucket-logging-enabled", AWSGuard: "s3-bucket-logging-enabled", Checklist: []int{49}},
			Types:      s3Types(typeS3Logging),
			CheckStack: checkS3Logging,
		},
		{
			ID: "s3-policy-grantee-restricted",
			Description: "Every Allow statement of an S3 bucket policy names a specific principal (not \"*\") or has a condition restricting the caller " +
				"(aws:SourceVpce, aws:SourceVpc, aws:SourceArn, aws:SourceAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:ResourceAccount or aws:SourceIp).",
			Level:      Mandatory,
			HIPAA:      publicAccess,
			Sources:    Sources{Config: "s3-bucket-policy-grantee-check", Checklist: []int{50}},
			Types:      s3Types(typeS3Policy),
			CheckStack: checkS3PolicyGrantee,
		},
		{
			ID:          "s3-replication-enabled",
			Description: "Every S3 bucket has a replication configuration.",
			Level:       Advisory,
			HIPAA:       []string{hipaaContingency, hipaaBackup, "164.308(a)(7)(ii)(B)"},
			Sources:     Sources{CdkNag: "HIPAA.Security-S3BucketReplicationEnabled", Config: "s3-bucket-replication-enabled", Checklist: []int{53}},
			Types:       s3Types(typeS3Replication),
			CheckStack:  checkS3Replication,
		},
		{
			ID:          "s3-default-encryption",
			Description: "Every S3 bucket has default server-side encryption configured, with any algorithm.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaEncryptionAtRest, "164.312(c)(2)", hipaaTransmissionCrypt},
			Sources:     Sources{Config: "s3-bucket-server-side-encryption-enabled", Checklist: []int{54}},
			Types:       s3Types(typeS3Encryption),
			CheckStack:  checkS3DefaultEncryption,
		},
		{
			ID: "s3-default-encryption-kms",
			Description: "Every S3 bucket encrypts by default with KMS (sseAlgorithm aws:kms or aws:kms:dsse). Log buckets that AWS services cannot write " +
				"with a customer key are declared exemptions.",
			Level:      Mandatory,
			HIPAA:      []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt},
			Sources:    Sources{CdkNag: "HIPAA.Security-S3DefaultEncryptionKMS", Config: "s3-default-encryption-kms", Checklist: []int{57}},
			Types:      s3Types(typeS3Encryption),
			CheckStack: checkS3EncryptionKMS,
		},
		{
			ID: "s3-ssl-requests-only",
			Description: "Every S3 bucket has a policy that denies s3:* to any principal on the bucket and its objects when aws:SecureTransport is false, " +
				"so that only TLS requests are served.",
			Level: Mandatory,
			HIPAA: []string{hipaaEncryptionAtRest, "164.312(c)(2)", hipaaTransmission, "164.312(e)(2)(i)", hipaaTransmissionCrypt},
			Sources: Sources{CdkNag: "HIPAA.Security-S3BucketSSLRequestsOnly", Config: "s3-bucket-ssl-requests-only",
				Checklist: []int{55}},
			Types:      s3Types(typeS3Policy),
			CheckStack: checkS3SSLOnly,
		},
		{
			ID:          "s3-versioning-enabled",
			Description: "Every S3 bucket has versioning with status Enabled.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaContingency, hipaaBackup, "164.308(a)(7)(ii)(B)", hipaaIntegrity, "164.312(c)(2)"},
			Sources:     Sources{CdkNag: "HIPAA.Security-S3BucketVersioningEnabled", Config: "s3-bucket-versioning-enabled", Checklist: []int{56}},
			Types:       s3Types(typeS3Versioning),
			CheckStack:  checkS3Versioning,
		},
		{
			ID:          "s3-noncurrent-version-lifecycle",
			Description: "Every versioned S3 bucket has an Enabled lifecycle rule that expires or transitions noncurrent versions.",
			Level:       Advisory,
			HIPAA:       []string{hipaaContingency, hipaaBackupStorage},
			Sources:     Sources{Config: "s3-version-lifecycle-policy-check", Checklist: []int{59}},
			Types:       s3Types(typeS3Versioning, typeS3Lifecycle),
			CheckStack:  checkS3NoncurrentLifecycle,
		},
		{
			ID:          "s3-event-notifications",
			Description: "Every S3 bucket has an event notification configuration with at least one destination.",
			Level:       Advisory,
			HIPAA:       []string{hipaaActivityReview, hipaaAuditControls},
			Sources:     Sources{Config: "s3-event-notifications-enabled", Checklist: []int{58}},
			Types:       s3Types(typeS3Notification),
			CheckStack:  checkS3Notifications,
		},
		{
			ID: "s3-deny-unencrypted-uploads",
			Description: "Every S3 bucket tagged DataClassification PHI has a policy that refuses uploads asking for another encryption than the project key: " +
				"SSE-S3, SSE-KMS with another key, or SSE-KMS without a key (which S3 serves with aws/s3). Judged by evaluating those requests against " +
				"the policy with AWS's condition semantics. An upload asking for no encryption is left to the bucket's default SSE-KMS with the project key " +
				"(s3-default-encryption-kms), because multipart parts cannot carry the header (s3-policy-admits-uploads-without-encryption-headers).",
			Level:      Mandatory,
			HIPAA:      []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt},
			Sources:    Sources{Other: "seed 1E: only accept uploads that request server-side encryption"},
			Types:      s3Types(typeS3Policy),
			CheckStack: checkS3DenyUnencryptedUploads,
		},
	}
}

// s3BucketTypes are the bucket resources.
func s3BucketTypes() []string { return []string{typeS3BucketV2, typeS3Bucket} }

// s3Types lists the bucket types followed by configuration types.
func s3Types(configs ...string) []string { return append(s3BucketTypes(), configs...) }

// s3ConfigsOf returns the configuration resources of a type that belong to a bucket through their bucket
// input (property dependencies in preview, the bucket's name or id in the offline plan). unresolved reports,
// when none belongs to it, that a resource of that type names a bucket not known until deployment: it may be
// this bucket's.
func s3ConfigsOf(s *Stack, bucket *Resource, typ string) (configs []*Resource, unresolved bool) {
	if configs = s.ReferringTo(bucket, "bucket", typ); len(configs) > 0 {
		return configs, false
	}
	for _, c := range s.OfType(typ) {
		if v, ok := c.Get("bucket"); ok && IsUnknown(v) && len(s.Refs(c, "bucket", s3BucketTypes()...)) == 0 {
			return nil, true
		}
	}
	return nil, false
}

// s3EachBucket judges every bucket; findings without a URN are the bucket's.
func s3EachBucket(s *Stack, judge func(b *Resource) []Finding) []Finding {
	var out []Finding
	for _, b := range s.OfType(s3BucketTypes()...) {
		out = append(out, withURN(b.URN, judge(b))...)
	}
	return out
}

// s3Short is the resource name of a type token ("BucketVersioningV2").
func s3Short(typ string) string { return typ[strings.LastIndex(typ, ":")+1:] }

// s3Absent reports that a bucket has no configuration resource of a type; want says what is required. It is
// undecided when a resource of that type names a bucket not known until deployment.
func s3Absent(b *Resource, typ string, unresolved bool, want string) []Finding {
	if unresolved {
		return []Finding{{URN: b.URN, Undecided: true, Message: fmt.Sprintf(
			"no %s is linked to this bucket and one names a bucket unknown until deployment, so the rule cannot judge it", s3Short(typ))}}
	}
	return []Finding{{URN: b.URN, Message: fmt.Sprintf("no %s refers to this bucket; %s", s3Short(typ), want)}}
}

// s3Block is one object of a nested block, with its display path.
type s3Block struct {
	path string
	m    map[string]any
}

// s3BlocksAt returns the objects at path below node (a single object or a list of objects), each named by
// its path for messages. Shape problems come back as findings; an absent path has no blocks.
func s3BlocksAt(node any, path, display string) ([]s3Block, []Finding) {
	v, ok := lookup(node, path)
	if !ok {
		return nil, nil
	}
	switch x := v.(type) {
	case map[string]any:
		return []s3Block{{display, x}}, nil
	case []any:
		var out []s3Block
		var fs []Finding
		for i, e := range x {
			p := fmt.Sprintf("%s[%d]", display, i)
			switch m := e.(type) {
			case map[string]any:
				out = append(out, s3Block{p, m})
			default:
				if IsUnknown(e) {
					fs = append(fs, undecided(p)...)
				} else {
					fs = append(fs, fail("%s is %s; expected an object", p, kind(e))...)
				}
			}
		}
		return out, fs
	}
	if IsUnknown(v) {
		return nil, undecided(display)
	}
	return nil, fail("%s is %s (%s); expected an object or a list of objects", display, kind(v), describe(v))
}

// s3Present reports whether a value is set: non-empty, or unknown (it will hold a value).
func s3Present(node any, path string) bool {
	v, ok := lookup(node, path)
	if !ok {
		return false
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x) != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// s3AllUndecided reports whether there are findings and all are undecided.
func s3AllUndecided(fs []Finding) bool {
	for _, f := range fs {
		if !f.Undecided {
			return false
		}
	}
	return len(fs) > 0
}

// --- ownership controls, object lock, public access block ---

func checkS3ACLProhibited(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3OwnershipControls)
		if len(cfgs) == 0 {
			return s3Absent(b, typeS3OwnershipControls, unresolved, "rule.objectOwnership must be BucketOwnerEnforced so that ACLs are disabled")
		}
		var out []Finding
		for _, c := range cfgs {
			out = append(out, withURN(c.URN, stringAt(c.Props, "rule.objectOwnership", "rule.objectOwnership", false, "BucketOwnerEnforced"))...)
		}
		return out
	})
}

func checkS3ObjectLock(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3ObjectLock)
		if len(cfgs) > 0 {
			var out []Finding
			for _, c := range cfgs {
				out = append(out, withURN(c.URN, stringAt(c.Props, "objectLockEnabled", "objectLockEnabled", true, "Enabled"))...)
			}
			return out
		}
		// The bucket's own flag (BucketV2) or its inline configuration (legacy Bucket, deprecated on BucketV2).
		var problems []Finding
		if _, ok := b.Get("objectLockEnabled"); ok {
			fs := boolAt(b.Props, "objectLockEnabled", "objectLockEnabled", true, false)
			if len(fs) == 0 {
				return nil
			}
			problems = append(problems, fs...)
		}
		if _, ok := b.Get("objectLockConfiguration"); ok {
			fs := stringAt(b.Props, "objectLockConfiguration.objectLockEnabled", "objectLockConfiguration.objectLockEnabled", false, "Enabled")
			if len(fs) == 0 {
				return nil
			}
			problems = append(problems, fs...)
		}
		switch {
		case unresolved && !s3AllUndecided(problems):
			return s3Absent(b, typeS3ObjectLock, true, "")
		case len(problems) > 0:
			return problems
		}
		return s3Absent(b, typeS3ObjectLock, false, "objectLockEnabled is not set either; object lock must be enabled")
	})
}

func checkS3PublicAccessBlock(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3PublicAccessBlock)
		if len(cfgs) == 0 {
			return s3Absent(b, typeS3PublicAccessBlock, unresolved,
				"blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets must all be true")
		}
		var out []Finding
		for _, c := range cfgs {
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				out = append(out, withURN(c.URN, boolAt(c.Props, k, k, true, false))...)
			}
		}
		return out
	})
}

// --- public read and write ---

// s3Access is what a public-access rule looks for.
type s3Access struct {
	what        string          // "read" or "write"
	cannedACLs  map[string]bool // canned ACLs that grant it
	permissions map[string]bool // ACL grant permissions that grant it
	actions     []string        // policy actions that grant it
}

// s3PublicRead is what grants public read.
func s3PublicRead() s3Access {
	return s3Access{
		what:        "read",
		cannedACLs:  map[string]bool{"public-read": true, "public-read-write": true, "authenticated-read": true},
		permissions: map[string]bool{"READ": true, "FULL_CONTROL": true},
		actions:     []string{"s3:GetObject"},
	}
}

// s3PublicWrite is what grants public write.
func s3PublicWrite() s3Access {
	return s3Access{
		what:        "write",
		cannedACLs:  map[string]bool{"public-read-write": true},
		permissions: map[string]bool{"WRITE": true, "FULL_CONTROL": true},
		actions:     []string{"s3:PutObject", "s3:DeleteObject"},
	}
}

// checkS3Public judges every ACL resource, every bucket's inline acl and grants, and every bucket policy: a
// public grant is a fault wherever it is, whichever bucket it ends up on.
func checkS3Public(s *Stack, access s3Access) []Finding {
	var out []Finding
	for _, a := range s.OfType(typeS3ACL) {
		fs := s3CannedACL(a, access)
		grants, problems := s3BlocksAt(a.Props, "accessControlPolicy.grants", "accessControlPolicy.grants")
		fs = append(fs, problems...)
		for _, g := range grants {
			fs = append(fs, s3Grant(g, "grantee.uri", "permission", access)...)
		}
		out = append(out, withURN(a.URN, fs)...)
	}
	for _, b := range s.OfType(s3BucketTypes()...) {
		fs := s3CannedACL(b, access)
		grants, problems := s3BlocksAt(b.Props, "grants", "grants")
		fs = append(fs, problems...)
		for _, g := range grants {
			fs = append(fs, s3Grant(g, "uri", "permissions", access)...)
		}
		out = append(out, withURN(b.URN, fs)...)
	}
	docs, fs := s3AllPolicies(s)
	out = append(out, fs...)
	for _, d := range docs {
		for i, st := range d.doc.Statements {
			if st.Effect != "Allow" || !s3AnyPrincipal(st) || s3Restricted(st) {
				continue
			}
			for _, a := range access.actions {
				if st.Allows(a) {
					out = append(out, Finding{URN: d.urn, Message: fmt.Sprintf(
						"policy %s allows %s to any principal without a condition restricting the caller; public %s must be prohibited",
						s3Statement(i, st), a, access.what)})
					break
				}
			}
		}
	}
	return out
}

// s3CannedACL judges a resource's acl property.
func s3CannedACL(r *Resource, access s3Access) []Finding {
	v, ok := r.Get("acl")
	switch {
	case !ok:
		return nil
	case IsUnknown(v):
		return undecided("acl")
	}
	acl, isString := v.(string)
	if !isString {
		return fail("acl is %s (%s); expected a canned ACL name", kind(v), describe(v))
	}
	if access.cannedACLs[strings.ToLower(acl)] {
		return fail("acl is %q, which grants public %s; use private", acl, access.what)
	}
	return nil
}

// s3Grant judges one ACL grant: the grantee's group uri at uriKey and the permission (a string or a list of
// strings) at permKey.
func s3Grant(g s3Block, uriKey, permKey string, access s3Access) []Finding {
	path, permission := g.path, g.m[permKey]
	uriVal, ok := lookup(g.m, uriKey)
	if !ok {
		return nil // a grantee named by id or e-mail is not public
	}
	if IsUnknown(uriVal) {
		return undecided(path + "." + uriKey)
	}
	uri, _ := uriVal.(string)
	if !strings.HasSuffix(uri, s3AllUsersGroup) && !strings.HasSuffix(uri, s3AuthenticatedUserGroup) {
		return nil
	}
	if IsUnknown(permission) {
		return undecided(path + "." + permKey)
	}
	perms := stringsOf(permission)
	if len(perms) == 0 && permission != nil {
		return fail("%s.%s is %s; expected a permission name", path, permKey, kind(permission))
	}
	for _, p := range perms {
		if access.permissions[strings.ToUpper(p)] {
			return fail("%s grants %s to %s; public %s must be prohibited", path, p, uri, access.what)
		}
	}
	return nil
}

// --- bucket policies ---

// s3Policy is one policy document that governs a bucket, with the resource that holds it.
type s3Policy struct {
	urn string
	doc *PolicyDoc
}

// s3PoliciesOf returns the policy documents of a bucket: its BucketPolicy resources' and its inline policy.
func s3PoliciesOf(s *Stack, b *Resource) ([]s3Policy, []Finding) {
	cfgs, _ := s3ConfigsOf(s, b, typeS3Policy)
	return s3ParsePolicies(append(cfgs, b))
}

// s3AllPolicies returns every bucket policy of the stack: BucketPolicy resources and buckets' inline
// policies, for rules that forbid statements wherever they are.
func s3AllPolicies(s *Stack) ([]s3Policy, []Finding) {
	return s3ParsePolicies(s.OfType(append([]string{typeS3Policy}, s3BucketTypes()...)...))
}

// s3ParsePolicies parses the policy of each resource. Unknown and unparseable policies come back as
// findings on their resource; a BucketPolicy without a policy contributes an empty document.
func s3ParsePolicies(rs []*Resource) ([]s3Policy, []Finding) {
	var docs []s3Policy
	var out []Finding
	for _, r := range rs {
		doc, fs := policyAt(r, "policy")
		out = append(out, withURN(r.URN, fs)...)
		switch {
		case doc != nil:
			docs = append(docs, s3Policy{r.URN, doc})
		case len(fs) == 0 && r.Type == typeS3Policy:
			docs = append(docs, s3Policy{r.URN, &PolicyDoc{}})
		}
	}
	return docs, out
}

// s3Statement names a statement for messages.
func s3Statement(i int, st PolicyStatement) string {
	if st.Sid != "" {
		return fmt.Sprintf("statement %d (%q)", i, st.Sid)
	}
	return fmt.Sprintf("statement %d", i)
}

// s3AnyPrincipal reports whether a statement applies to anyone: Principal "*" or a principal list holding "*".
func s3AnyPrincipal(st PolicyStatement) bool {
	if st.AnyPrincipal {
		return true
	}
	for _, ps := range st.Principals {
		if contains(ps, "*") {
			return true
		}
	}
	return false
}

// s3RestrictingKeys are the condition keys that confine a statement to known callers or networks.
func s3RestrictingKeys() []string {
	return []string{"aws:SourceVpce", "aws:SourceVpc", "aws:SourceArn", "aws:SourceAccount", "aws:PrincipalAccount",
		"aws:PrincipalOrgID", "aws:ResourceAccount", "aws:SourceIp"}
}

// s3Restricted reports whether a statement has a condition that confines it to known callers: a restricting
// key under a positive operator (StringEquals, ArnLike, IpAddress, ForAnyValue:...), with values that are not
// all "*". Negated operators, IfExists (which passes when the key is absent), Null and ForAllValues (true for
// an absent key) do not restrict.
func s3Restricted(st PolicyStatement) bool {
	for op, keys := range st.Conditions {
		lop := strings.ToLower(op)
		lop = strings.TrimPrefix(lop, "foranyvalue:")
		if strings.HasPrefix(lop, "forallvalues:") || strings.Contains(lop, "not") || strings.HasSuffix(lop, "ifexists") || lop == "null" {
			continue
		}
		for key, values := range keys {
			for _, rk := range s3RestrictingKeys() {
				if strings.EqualFold(key, rk) && s3Specific(values) {
					return true
				}
			}
		}
	}
	return false
}

// s3Specific reports whether condition values name something: non-empty and not a bare wildcard.
func s3Specific(values []string) bool {
	for _, v := range values {
		if strings.Trim(v, "*?") == "" {
			return false
		}
	}
	return len(values) > 0
}

// checkS3PolicyGrantee judges every bucket policy of the stack, linked to a bucket or not.
func checkS3PolicyGrantee(s *Stack) []Finding {
	docs, out := s3AllPolicies(s)
	for _, d := range docs {
		for i, st := range d.doc.Statements {
			if st.Effect != "Allow" || s3Restricted(st) {
				continue
			}
			switch p, wildcard := s3WildcardPrincipal(st); {
			case s3AnyPrincipal(st):
				out = append(out, Finding{URN: d.urn, Message: fmt.Sprintf(
					"policy %s allows principal \"*\" without a condition restricting the caller; name a specific principal or add a condition on %s",
					s3Statement(i, st), strings.Join(s3RestrictingKeys(), ", "))})
			case len(st.Principals) == 0:
				out = append(out, Finding{URN: d.urn, Message: fmt.Sprintf(
					"policy %s allows without a Principal; name a specific principal", s3Statement(i, st))})
			case wildcard:
				out = append(out, Finding{URN: d.urn, Message: fmt.Sprintf(
					"policy %s allows principal %q, which holds a wildcard; name a specific principal or add a restricting condition", s3Statement(i, st), p)})
			}
		}
	}
	return out
}

// s3WildcardPrincipal returns a principal that holds a wildcard.
func s3WildcardPrincipal(st PolicyStatement) (string, bool) {
	for _, k := range sortedKeys(st.Principals) {
		for _, p := range st.Principals[k] {
			if strings.ContainsAny(p, "*?") {
				return p, true
			}
		}
	}
	return "", false
}

// s3BucketName returns a bucket's name when known: its bucket output or input, else its id.
func s3BucketName(b *Resource) string {
	if n := stringAtOr(b.Outputs, "bucket"); n != "" {
		return n
	}
	if n := stringAtOr(b.Props, "bucket"); n != "" {
		return n
	}
	return b.ID
}

// s3ResourcePath returns the part of an S3 ARN after ":::" ("name" or "name/key"), or "*" for a bare
// wildcard; ok is false for resources that are not S3 ARNs.
func s3ResourcePath(arn string) (string, bool) {
	if arn == "*" {
		return "*", true
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || !strings.EqualFold(parts[0], "arn") || !globMatch(parts[2], "s3") {
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
			if globMatch(p, of+"/*") {
				return true
			}
		}
		return false
	}
	if name != "" {
		for _, p := range paths {
			bucket = bucket || globMatch(p, name)
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
func s3DeniesAll(st PolicyStatement) bool {
	for _, a := range st.Actions {
		if a == "*" || strings.EqualFold(a, "s3:*") {
			return true
		}
	}
	return false
}

// s3RequireStatement judges a bucket for a rule that needs a statement in its policy: absentMsg when the
// bucket has no policy, lackMsg on each policy that has no statement satisfying ok.
func s3RequireStatement(s *Stack, b *Resource, ok func(PolicyStatement) bool, absentMsg, lackMsg string) []Finding {
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Policy)
	if _, inline := b.Get("policy"); len(cfgs) == 0 && !inline {
		if unresolved {
			return s3Absent(b, typeS3Policy, true, "")
		}
		return []Finding{{URN: b.URN, Message: absentMsg}}
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
			out = append(out, Finding{URN: d.urn, Message: lackMsg})
		}
	}
	return out
}

func checkS3SSLOnly(s *Stack) []Finding {
	const want = "a Deny of s3:* to principal \"*\" on the bucket and its objects (arn and arn/*) with Bool aws:SecureTransport false"
	return s3EachBucket(s, func(b *Resource) []Finding {
		name := s3BucketName(b)
		denies := func(st PolicyStatement) bool {
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

func checkS3DenyUnencryptedUploads(s *Stack) []Finding {
	const want = "Deny statements that refuse s3:PutObject asking for SSE-S3, for SSE-KMS with another key, or for SSE-KMS without a key " +
		"(S3 then uses aws/s3), and nothing else: uploads without an encryption header get the bucket's default, the project key"
	return s3EachBucket(s, func(b *Resource) []Finding {
		if tags, ok := b.Get("tags"); ok && !IsUnknown(tags) {
			if _, isMap := tags.(map[string]any); !isMap {
				return fail("tags is %s (%s); expected an object, so the rule cannot tell whether the bucket holds PHI", kind(tags), describe(tags))
			}
		}
		phi, unknown := s3HoldsPHI(b)
		if !phi && !unknown {
			return nil
		}
		out := s3UploadsRefused(s, b, want)
		if unknown && len(out) > 0 {
			return []Finding{{URN: b.URN, Undecided: true,
				Message: "tags.DataClassification is unknown until deployment, so the rule cannot tell whether this bucket holds PHI; if it does, its policy must hold " + want}}
		}
		return out
	})
}

// s3UploadsRefused evaluates the probes every PHI bucket must refuse against the bucket's policies.
func s3UploadsRefused(s *Stack, b *Resource, want string) []Finding {
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Policy)
	texts := bucketPolicyTexts(s, b)
	if len(texts) == 0 {
		if _, inline := b.Get("policy"); len(cfgs) > 0 || inline {
			return []Finding{{URN: b.URN, Undecided: true, Message: "the bucket policy is unknown until deployment, so the rule cannot judge it"}}
		}
		if unresolved {
			return s3Absent(b, typeS3Policy, true, "")
		}
		return fail("no bucket policy, so uploads asking for another encryption than the project key are accepted into a PHI bucket; the policy must hold %s", want)
	}
	name := s3BucketName(b)
	var docs []*iameval.Document
	for _, text := range texts {
		doc, err := iameval.Parse(text)
		if err != nil {
			return fail("the bucket policy cannot be evaluated: %v", err)
		}
		docs = append(docs, doc)
	}
	var accepted []string
	for _, probe := range phiUploadProbes(newUploadProbe(strings.Join(texts, "\n"), name)) {
		refused := false
		for _, doc := range docs {
			d, _, err := denied(doc, probe.req)
			if err != nil {
				return fail("the bucket policy cannot be evaluated: %v", err)
			}
			refused = refused || d
		}
		if !refused {
			accepted = append(accepted, probe.what)
		}
	}
	if len(accepted) > 0 {
		return fail("policy accepts uploads asking for %s into a PHI bucket; it must hold %s", strings.Join(accepted, "; "), want)
	}
	return nil
}

// s3HoldsPHI reports whether a bucket is tagged DataClassification PHI, by its own tags or its provider's
// default tags; unknown when its tag is not known until deployment.
func s3HoldsPHI(b *Resource) (phi, unknown bool) {
	for _, src := range []struct {
		node any
		path string
	}{{b.Props, "tags.DataClassification"}, {b.Provider, "defaultTags.tags.DataClassification"}} {
		v, ok := lookup(src.node, src.path)
		if !ok {
			continue
		}
		if IsUnknown(v) {
			return false, true
		}
		if tag, _ := v.(string); strings.EqualFold(tag, "PHI") {
			return true, false
		}
		if src.path == "tags.DataClassification" {
			return false, false // the resource's own tag overrides the provider's default
		}
	}
	return false, false
}

// --- logging, replication, notifications ---

func checkS3Logging(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3Logging)
		if len(cfgs) > 0 {
			var out []Finding
			for _, c := range cfgs {
				out = append(out, withURN(c.URN, setAt(c.Props, "targetBucket", "targetBucket", "access logs need a target bucket"))...)
			}
			return out
		}
		var problems []Finding
		for _, key := range []string{"loggings", "logging"} {
			blocks, fs := s3BlocksAt(b.Props, key, key)
			problems = append(problems, fs...)
			for _, blk := range blocks {
				fs := setAt(blk.m, "targetBucket", blk.path+".targetBucket", "access logs need a target bucket")
				if len(fs) == 0 {
					return nil
				}
				problems = append(problems, fs...)
			}
		}
		switch {
		case unresolved && !s3AllUndecided(problems):
			return s3Absent(b, typeS3Logging, true, "")
		case len(problems) > 0:
			return problems
		}
		want := "server access logging must deliver to a target bucket"
		if s3IsLogTarget(s, b) {
			want += " (this bucket receives other buckets' access logs; if it is to log nowhere, that needs a declared exemption)"
		}
		return s3Absent(b, typeS3Logging, false, want)
	})
}

// s3IsLogTarget reports whether a bucket is the target of another bucket's access logging.
func s3IsLogTarget(s *Stack, b *Resource) bool {
	if len(s.ReferringTo(b, "targetBucket", typeS3Logging)) > 0 {
		return true
	}
	for _, other := range s.OfType(s3BucketTypes()...) {
		for _, key := range []string{"loggings", "logging"} {
			blocks, _ := s3BlocksAt(other.Props, key, key)
			for _, blk := range blocks {
				if t := stringAtOr(blk.m, "targetBucket"); other != b && b.identifiedBy(t) {
					return true
				}
			}
		}
	}
	return false
}

func checkS3Replication(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3Replication)
		if len(cfgs) > 0 {
			return nil
		}
		var problems []Finding
		for _, key := range []string{"replicationConfiguration", "replicationConfigurations"} {
			blocks, fs := s3BlocksAt(b.Props, key, key)
			if len(blocks) > 0 || (len(fs) > 0 && s3AllUndecided(fs)) {
				return nil // an unknown inline configuration will be set
			}
			problems = append(problems, fs...)
		}
		if len(problems) > 0 && !unresolved {
			return problems
		}
		return s3Absent(b, typeS3Replication, unresolved, "replication must copy the bucket's objects to another bucket")
	})
}

func checkS3Notifications(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3Notification)
		if len(cfgs) == 0 {
			return s3Absent(b, typeS3Notification, unresolved, "event notifications must go to a topic, queue, function or EventBridge")
		}
		var out []Finding
		for _, c := range cfgs {
			if s3Present(c.Props, "topics") || s3Present(c.Props, "queues") || s3Present(c.Props, "lambdaFunctions") {
				continue
			}
			fs := boolAt(c.Props, "eventbridge", "eventbridge", true, false)
			if len(fs) > 0 && !s3AllUndecided(fs) {
				fs = fail("no destination: topics, queues and lambdaFunctions are empty and eventbridge is not true; event notifications need a destination")
			}
			out = append(out, withURN(c.URN, fs)...)
		}
		return out
	})
}

// --- encryption ---

// s3Algorithm is one default encryption algorithm setting of a bucket.
type s3Algorithm struct {
	urn, path string
	value     any
}

// s3EncryptionOf returns a bucket's default encryption algorithms: from its encryption configuration
// resources, else inline (Bucket's serverSideEncryptionConfiguration.rule, BucketV2's deprecated
// serverSideEncryptionConfigurations[*].rules). With none, the findings say what is missing, where.
func s3EncryptionOf(s *Stack, b *Resource) ([]s3Algorithm, []Finding) {
	var algos []s3Algorithm
	var out []Finding
	collect := func(urn string, rules []s3Block, byDefault string) {
		for _, r := range rules {
			defaults, fs := s3BlocksAt(r.m, byDefault, r.path+"."+byDefault)
			out = append(out, withURN(urn, fs)...)
			for _, d := range defaults {
				if v, ok := lookup(d.m, "sseAlgorithm"); ok {
					algos = append(algos, s3Algorithm{urn, d.path + ".sseAlgorithm", v})
				}
			}
		}
	}
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Encryption)
	if len(cfgs) > 0 {
		for _, c := range cfgs {
			rules, fs := s3BlocksAt(c.Props, "rules", "rules")
			out = append(out, withURN(c.URN, fs)...)
			before := len(algos)
			collect(c.URN, rules, "applyServerSideEncryptionByDefault")
			if len(algos) == before && len(fs) == 0 {
				out = append(out, Finding{URN: c.URN, Message: "no rule sets applyServerSideEncryptionByDefault.sseAlgorithm; default encryption needs an algorithm"})
			}
		}
		return algos, out
	}
	legacy, fs := s3BlocksAt(b.Props, "serverSideEncryptionConfiguration.rule", "serverSideEncryptionConfiguration.rule")
	out = append(out, withURN(b.URN, fs)...)
	collect(b.URN, legacy, "applyServerSideEncryptionByDefault")
	configs, fs := s3BlocksAt(b.Props, "serverSideEncryptionConfigurations", "serverSideEncryptionConfigurations")
	out = append(out, withURN(b.URN, fs)...)
	for _, c := range configs {
		rules, fs := s3BlocksAt(c.m, "rules", c.path+".rules")
		out = append(out, withURN(b.URN, fs)...)
		collect(b.URN, rules, "applyServerSideEncryptionByDefaults")
	}
	if len(algos) == 0 && len(out) == 0 {
		out = append(out, s3Absent(b, typeS3Encryption, unresolved,
			"default server-side encryption must be configured (applyServerSideEncryptionByDefault.sseAlgorithm)")...)
	}
	return algos, out
}

func checkS3DefaultEncryption(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		algos, out := s3EncryptionOf(s, b)
		var bad []Finding
		for _, a := range algos {
			switch v := a.value.(type) {
			case string:
				if strings.TrimSpace(v) != "" {
					return out
				}
				bad = append(bad, Finding{URN: a.urn, Message: a.path + " is empty; default encryption needs an algorithm"})
			default:
				if IsUnknown(v) {
					return out // an algorithm will be set
				}
				bad = append(bad, Finding{URN: a.urn, Message: fmt.Sprintf("%s is %s (%s); expected an algorithm name", a.path, kind(v), describe(v))})
			}
		}
		return append(out, bad...)
	})
}

func checkS3EncryptionKMS(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		algos, out := s3EncryptionOf(s, b)
		for _, a := range algos {
			fs := stringAt(map[string]any{"v": a.value}, "v", a.path, false, "aws:kms", "aws:kms:dsse")
			out = append(out, withURN(a.urn, fs)...)
		}
		return out
	})
}

// --- versioning and lifecycle ---

// s3VersioningOf judges whether a bucket's versioning is enabled: through its versioning resources, else
// inline (Bucket's versioning.enabled, BucketV2's deprecated versionings[*].enabled). No findings means
// enabled; findings that are all undecided mean unknown until deployment.
func s3VersioningOf(s *Stack, b *Resource) []Finding {
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Versioning)
	if len(cfgs) > 0 {
		var out []Finding
		for _, c := range cfgs {
			out = append(out, withURN(c.URN, stringAt(c.Props, "versioningConfiguration.status", "versioningConfiguration.status", false, "Enabled"))...)
		}
		return out
	}
	var problems []Finding
	for _, key := range []string{"versioning", "versionings"} {
		blocks, fs := s3BlocksAt(b.Props, key, key)
		problems = append(problems, fs...)
		for _, blk := range blocks {
			fs := boolAt(blk.m, "enabled", blk.path+".enabled", true, false)
			if len(fs) == 0 {
				return nil
			}
			problems = append(problems, fs...)
		}
	}
	switch {
	case unresolved && !s3AllUndecided(problems):
		return withURN(b.URN, s3Absent(b, typeS3Versioning, true, ""))
	case len(problems) > 0:
		return withURN(b.URN, problems)
	}
	return s3Absent(b, typeS3Versioning, false, "versioningConfiguration.status must be Enabled")
}

func checkS3Versioning(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding { return s3VersioningOf(s, b) })
}

func checkS3NoncurrentLifecycle(s *Stack) []Finding {
	return s3EachBucket(s, func(b *Resource) []Finding {
		versioning := s3VersioningOf(s, b)
		if len(versioning) > 0 && !s3AllUndecided(versioning) {
			return nil // not versioned: nothing to judge
		}
		out := s3NoncurrentLifecycleOf(s, b)
		if len(out) > 0 && len(versioning) > 0 {
			return []Finding{{URN: b.URN, Undecided: true, Message: "versioning is unknown until deployment and the bucket has no lifecycle rule " +
				"for noncurrent versions, so the rule cannot judge it: " + s3JoinMessages(out)}}
		}
		return out
	})
}

// s3JoinMessages joins finding messages.
func s3JoinMessages(fs []Finding) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		parts = append(parts, f.Message)
	}
	return strings.Join(parts, "; ")
}

// s3NoncurrentLifecycleOf requires an Enabled lifecycle rule with a noncurrent-version expiration or
// transition: in the bucket's lifecycle configuration resources, else in its inline lifecycleRules.
func s3NoncurrentLifecycleOf(s *Stack, b *Resource) []Finding {
	const want = "a versioned bucket needs an Enabled rule with noncurrentVersionExpiration or noncurrentVersionTransitions"
	// judge returns nil when a rule qualifies, else what it lacks.
	judge := func(urn string, rules []s3Block, statusKey string, enabled func(v any) (bool, bool), expirationKeys ...string) []Finding {
		var out []Finding
		for _, r := range rules {
			v, ok := lookup(r.m, statusKey)
			if ok && IsUnknown(v) {
				out = append(out, Finding{URN: urn, Undecided: true, Message: r.path + "." + statusKey + " is unknown until deployment, so the rule cannot judge it"})
				continue
			}
			if on, valid := enabled(v); !ok || !valid || !on {
				continue
			}
			for _, k := range append(expirationKeys, "noncurrentVersionTransitions") {
				if s3Present(r.m, k) {
					return nil
				}
			}
		}
		if len(out) > 0 {
			return out
		}
		return []Finding{{URN: urn, Message: "no Enabled lifecycle rule expires or transitions noncurrent versions; " + want}}
	}
	status := func(v any) (bool, bool) {
		str, ok := v.(string)
		return strings.EqualFold(str, "Enabled"), ok
	}
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Lifecycle)
	if len(cfgs) > 0 {
		var out []Finding
		for _, c := range cfgs {
			rules, fs := s3BlocksAt(c.Props, "rules", "rules")
			if len(fs) > 0 {
				out = append(out, withURN(c.URN, fs)...)
				continue
			}
			out = append(out, judge(c.URN, rules, "status", status, "noncurrentVersionExpiration")...)
		}
		return out
	}
	rules, fs := s3BlocksAt(b.Props, "lifecycleRules", "lifecycleRules")
	if len(fs) > 0 {
		return withURN(b.URN, fs)
	}
	if len(rules) > 0 {
		out := judge(b.URN, rules, "enabled", asBool, "noncurrentVersionExpiration", "noncurrentVersionExpirations")
		if len(out) == 0 || !unresolved {
			return out
		}
	}
	return s3Absent(b, typeS3Lifecycle, unresolved, want)
}

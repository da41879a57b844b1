package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The S3 access rules: who may reach a bucket's objects. ACLs are disabled, the public access block is on,
// no ACL or policy grants public read or write, and every Allow of a bucket policy names its grantee.

// The S3 groups whose ACL grants make a bucket public.
const (
	s3AllUsersGroup          = "/groups/global/AllUsers"
	s3AuthenticatedUserGroup = "/groups/global/AuthenticatedUsers"
)

// s3AccessRules returns the rules on who may reach a bucket: ACLs, the public access block, public grants
// and policy grantees.
func s3AccessRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "s3-acl-prohibited",
			Description: "Every S3 bucket has ownership controls with objectOwnership BucketOwnerEnforced, which disables ACLs so that only policies grant access.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaWorkforce, hipaaAccessEstablish, hipaaAccessControl},
			Sources:     engine.Sources{Config: "s3-bucket-acl-prohibited", Checklist: []int{46}},
			Types:       s3Types(typeS3OwnershipControls),
			CheckStack:  checkS3ACLProhibited,
		},
		{
			ID:          "s3-bucket-level-public-access-blocked",
			Description: "Every S3 bucket has a public access block with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
			Level:       engine.Mandatory,
			HIPAA:       hipaaNotReachable(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-S3BucketLevelPublicAccessProhibited",
				Config: "s3-bucket-level-public-access-prohibited", Checklist: []int{48}},
			Types:      s3Types(typeS3PublicAccessBlock),
			CheckStack: checkS3PublicAccessBlock,
		},
		{
			ID: "s3-public-read-prohibited",
			Description: "No S3 bucket grants public read: no public-read, public-read-write or authenticated-read ACL, no ACL grant of READ or FULL_CONTROL " +
				"to AllUsers or AuthenticatedUsers, and no bucket policy allowing s3:GetObject to any principal without a condition restricting the caller.",
			Level:   engine.Mandatory,
			HIPAA:   hipaaNotReachable(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-S3BucketPublicReadProhibited", Config: "s3-bucket-public-read-prohibited", Checklist: []int{51}},
			Types:   s3Types(typeS3ACL, typeS3Policy),
			CheckStack: func(s *engine.Stack) []engine.Finding {
				return checkS3Public(s, s3PublicRead())
			},
		},
		{
			ID: "s3-public-write-prohibited",
			Description: "No S3 bucket grants public write: no public-read-write ACL, no ACL grant of WRITE or FULL_CONTROL to AllUsers or AuthenticatedUsers, " +
				"and no bucket policy allowing s3:PutObject or s3:DeleteObject to any principal without a condition restricting the caller.",
			Level:   engine.Mandatory,
			HIPAA:   hipaaNotReachable(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-S3BucketPublicWriteProhibited", Config: "s3-bucket-public-write-prohibited", Checklist: []int{52}},
			Types:   s3Types(typeS3ACL, typeS3Policy),
			CheckStack: func(s *engine.Stack) []engine.Finding {
				return checkS3Public(s, s3PublicWrite())
			},
		},
		{
			ID: "s3-policy-grantee-restricted",
			Description: "Every Allow statement of an S3 bucket policy names a specific principal (not \"*\") or has a condition restricting the caller " +
				"(aws:SourceVpce, aws:SourceVpc, aws:SourceArn, aws:SourceAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:ResourceAccount or aws:SourceIp).",
			Level:      engine.Mandatory,
			HIPAA:      hipaaNotReachable(),
			Sources:    engine.Sources{Config: "s3-bucket-policy-grantee-check", Checklist: []int{50}},
			Types:      s3Types(typeS3Policy),
			CheckStack: checkS3PolicyGrantee,
		},
	}
}

// checkS3ACLProhibited requires each bucket's ownership controls to enforce bucket ownership, which disables
// ACLs.
func checkS3ACLProhibited(s *engine.Stack) []engine.Finding {
	return s3RequireConfig(s, typeS3OwnershipControls, "rule.objectOwnership must be BucketOwnerEnforced so that ACLs are disabled",
		func(c *engine.Resource) []engine.Finding {
			return engine.StringAt(c.Props, "rule.objectOwnership", "rule.objectOwnership", false, "BucketOwnerEnforced")
		})
}

// checkS3PublicAccessBlock requires each bucket's public access block to set all four of its flags.
func checkS3PublicAccessBlock(s *engine.Stack) []engine.Finding {
	return s3RequireConfig(s, typeS3PublicAccessBlock, "blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets must all be true",
		func(c *engine.Resource) []engine.Finding {
			var out []engine.Finding
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				out = append(out, engine.BoolAt(c.Props, k, k, true, false)...)
			}
			return out
		})
}

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
func checkS3Public(s *engine.Stack, access s3Access) []engine.Finding {
	var out []engine.Finding
	for _, a := range s.OfType(typeS3ACL) {
		fs := s3CannedACL(a, access)
		grants, problems := s3BlocksAt(a.Props, "accessControlPolicy.grants", "accessControlPolicy.grants")
		fs = append(fs, problems...)
		for _, g := range grants {
			fs = append(fs, s3Grant(g, "grantee.uri", "permission", access)...)
		}
		out = append(out, engine.WithURN(a.URN, fs)...)
	}
	for _, b := range s.OfType(s3BucketTypes()...) {
		fs := s3CannedACL(b, access)
		grants, problems := s3BlocksAt(b.Props, "grants", "grants")
		fs = append(fs, problems...)
		for _, g := range grants {
			fs = append(fs, s3Grant(g, "uri", "permissions", access)...)
		}
		out = append(out, engine.WithURN(b.URN, fs)...)
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
					out = append(out, engine.Finding{URN: d.urn, Message: fmt.Sprintf(
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
func s3CannedACL(r *engine.Resource, access s3Access) []engine.Finding {
	v, ok := r.Get("acl")
	switch {
	case !ok:
		return nil
	case engine.IsUnknown(v):
		return engine.Undecided("acl")
	}
	acl, isString := v.(string)
	if !isString {
		return engine.Fail("acl is %s (%s); expected a canned ACL name", engine.Kind(v), engine.Describe(v))
	}
	if access.cannedACLs[strings.ToLower(acl)] {
		return engine.Fail("acl is %q, which grants public %s; use private", acl, access.what)
	}
	return nil
}

// s3Grant judges one ACL grant: the grantee's group uri at uriKey and the permission (a string or a list of
// strings) at permKey.
func s3Grant(g s3Block, uriKey, permKey string, access s3Access) []engine.Finding {
	path, permission := g.path, g.m[permKey]
	uriVal, ok := engine.Lookup(g.m, uriKey)
	if !ok {
		return nil // a grantee named by id or e-mail is not public
	}
	if engine.IsUnknown(uriVal) {
		return engine.Undecided(path + "." + uriKey)
	}
	uri, _ := uriVal.(string)
	if !strings.HasSuffix(uri, s3AllUsersGroup) && !strings.HasSuffix(uri, s3AuthenticatedUserGroup) {
		return nil
	}
	if engine.IsUnknown(permission) {
		return engine.Undecided(path + "." + permKey)
	}
	perms := engine.StringsOf(permission)
	if len(perms) == 0 && permission != nil {
		return engine.Fail("%s.%s is %s; expected a permission name", path, permKey, engine.Kind(permission))
	}
	for _, p := range perms {
		if access.permissions[strings.ToUpper(p)] {
			return engine.Fail("%s grants %s to %s; public %s must be prohibited", path, p, uri, access.what)
		}
	}
	return nil
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
func s3Restricted(st policydoc.PolicyStatement) bool {
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
func checkS3PolicyGrantee(s *engine.Stack) []engine.Finding {
	docs, out := s3AllPolicies(s)
	for _, d := range docs {
		for i, st := range d.doc.Statements {
			if st.Effect != "Allow" || s3Restricted(st) {
				continue
			}
			switch p, wildcard := s3WildcardPrincipal(st); {
			case s3AnyPrincipal(st):
				out = append(out, engine.Finding{URN: d.urn, Message: fmt.Sprintf(
					"policy %s allows principal \"*\" without a condition restricting the caller; name a specific principal or add a condition on %s",
					s3Statement(i, st), strings.Join(s3RestrictingKeys(), ", "))})
			case len(st.Principals) == 0:
				out = append(out, engine.Finding{URN: d.urn, Message: fmt.Sprintf(
					"policy %s allows without a Principal; name a specific principal", s3Statement(i, st))})
			case wildcard:
				out = append(out, engine.Finding{URN: d.urn, Message: fmt.Sprintf(
					"policy %s allows principal %q, which holds a wildcard; name a specific principal or add a restricting condition", s3Statement(i, st), p)})
			}
		}
	}
	return out
}

// s3WildcardPrincipal returns a principal that holds a wildcard.
func s3WildcardPrincipal(st policydoc.PolicyStatement) (string, bool) {
	for _, k := range slices.Sorted(maps.Keys(st.Principals)) {
		for _, p := range st.Principals[k] {
			if strings.ContainsAny(p, "*?") {
				return p, true
			}
		}
	}
	return "", false
}

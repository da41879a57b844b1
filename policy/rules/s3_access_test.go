package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/require"
)

func TestS3ACLProhibited(t *testing.T) {
	const id = "s3-acl-prohibited"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	enforced := `{"rule":{"objectOwnership":"BucketOwnerEnforced"}}`
	unknownOwnership := linked(t, typeS3OwnershipControls, "own", "sce-data", `{"rule":{}}`)
	unknownOwnership.Props["rule"].(map[string]any)["objectOwnership"] = engine.Unknown
	byID := res(t, typeS3BucketV2, "noname", `{}`)
	checkRule(t, id, []ruleCase{
		{name: "a bucket with BucketOwnerEnforced ownership controls is compliant", rs: []*engine.Resource{b, linked(t, typeS3OwnershipControls, "own", "sce-data", enforced)}},
		{name: "ownership controls linked through property dependencies are found", rs: []*engine.Resource{b, previewLinked(t, typeS3OwnershipControls, "own", b, enforced)}},
		{name: "ownership controls naming the bucket by id are found", rs: []*engine.Resource{byID, linked(t, typeS3OwnershipControls, "own", "noname-id", enforced)}},
		{name: "a bucket without ownership controls violates", rs: []*engine.Resource{b}, want: "no BucketOwnershipControls refers to this bucket"},
		{name: "ownership controls of another bucket do not count", rs: []*engine.Resource{b, linked(t, typeS3OwnershipControls, "own", "other", enforced)}, want: "no BucketOwnershipControls"},
		{name: "ObjectWriter ownership violates", rs: []*engine.Resource{b, linked(t, typeS3OwnershipControls, "own", "sce-data", `{"rule":{"objectOwnership":"ObjectWriter"}}`)}, want: `rule.objectOwnership is "ObjectWriter"; it must be BucketOwnerEnforced`},
		{name: "ownership controls without a rule violate", rs: []*engine.Resource{b, linked(t, typeS3OwnershipControls, "own", "sce-data", `{}`)}, want: "rule.objectOwnership is not set"},
		{name: "a rule of the wrong shape violates", rs: []*engine.Resource{b, linked(t, typeS3OwnershipControls, "own", "sce-data", `{"rule":"BucketOwnerEnforced"}`)}, want: "rule.objectOwnership is not set"},
		{name: "an unknown ownership is undecided", rs: []*engine.Resource{b, unknownOwnership}, want: "rule.objectOwnership is unknown", undecided: true},
		{name: "ownership controls naming an unknown bucket make it undecided", rs: []*engine.Resource{b, unlinked(t, typeS3OwnershipControls, "own", enforced)}, want: "names a bucket unknown until deployment", undecided: true},
		{name: "a legacy bucket without ownership controls violates", rs: []*engine.Resource{res(t, typeS3Bucket, "legacy", `{"bucket":"old"}`)}, want: "no BucketOwnershipControls"},
	})
	t.Run("a wrong ownership is reported on the ownership controls", func(t *testing.T) {
		own := linked(t, typeS3OwnershipControls, "own", "sce-data", `{"rule":{"objectOwnership":"BucketOwnerPreferred"}}`)
		requireFindingOn(t, id, own, "BucketOwnerPreferred", b, own)
	})
}

func TestS3BucketLevelPublicAccessBlocked(t *testing.T) {
	const id = "s3-bucket-level-public-access-blocked"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	all := `{"blockPublicAcls":true,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`
	unknown := linked(t, typeS3PublicAccessBlock, "pab", "sce-data", all)
	unknown.Props["blockPublicPolicy"] = engine.Unknown
	checkRule(t, id, []ruleCase{
		{name: "a block with all four settings true is compliant", rs: []*engine.Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data", all)}},
		{name: "a block linked through property dependencies is found", rs: []*engine.Resource{b, previewLinked(t, typeS3PublicAccessBlock, "pab", b, all)}},
		{name: "a block with the settings as strings is compliant", rs: []*engine.Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data",
			`{"blockPublicAcls":"true","blockPublicPolicy":"true","ignorePublicAcls":"true","restrictPublicBuckets":"true"}`)}},
		{name: "a bucket without a block violates", rs: []*engine.Resource{b}, want: "no BucketPublicAccessBlock refers to this bucket"},
		{name: "a setting that is false violates", rs: []*engine.Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data",
			`{"blockPublicAcls":true,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":false}`)}, want: "restrictPublicBuckets is false; it must be true"},
		{name: "a missing setting violates", rs: []*engine.Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data",
			`{"blockPublicAcls":true,"blockPublicPolicy":true,"restrictPublicBuckets":true}`)}, want: "ignorePublicAcls is not set"},
		{name: "a setting of the wrong shape violates", rs: []*engine.Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data",
			`{"blockPublicAcls":1,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`)}, want: "blockPublicAcls is a number"},
		{name: "an unknown setting is undecided", rs: []*engine.Resource{b, unknown}, want: "blockPublicPolicy is unknown", undecided: true},
	})
	t.Run("a weak block is reported on the block", func(t *testing.T) {
		pab := linked(t, typeS3PublicAccessBlock, "pab", "sce-data", `{"blockPublicAcls":false,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`)
		requireFindingOn(t, id, pab, "blockPublicAcls is false", b, pab)
	})
}

func TestS3PublicReadProhibited(t *testing.T) {
	const id = "s3-public-read-prohibited"
	b := func() *engine.Resource { return bucketNamed(t, "data", "sce-data", `{}`) }
	bp := func(doc string) *engine.Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	publicGet := `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*"}`
	checkRule(t, id, []ruleCase{
		{name: "a private bucket without a policy is compliant", rs: []*engine.Resource{b()}},
		{name: "a private canned acl is compliant", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"acl":"private"}`)}},
		{name: "a legacy bucket with a public-read acl violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"acl":"public-read"}`)}, want: `acl is "public-read", which grants public read`},
		{name: "an authenticated-read acl violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"acl":"authenticated-read"}`)}, want: "authenticated-read"},
		{name: "an acl resource with public-read-write violates", rs: []*engine.Resource{b(), linked(t, typeS3ACL, "acl", "sce-data", `{"acl":"public-read-write"}`)}, want: `acl is "public-read-write"`},
		{name: "an acl grant of READ to AllUsers violates", rs: []*engine.Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"owner":{"id":"o"},"grants":[{"grantee":{"type":"CanonicalUser","id":"o"},"permission":"FULL_CONTROL"},`+
				`{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"},"permission":"READ"}]}}`)},
			want: "accessControlPolicy.grants[1] grants READ to http://acs.amazonaws.com/groups/global/AllUsers"},
		{name: "an acl grant of FULL_CONTROL to AuthenticatedUsers violates", rs: []*engine.Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"permission":"FULL_CONTROL"}]}}`)},
			want: "grants FULL_CONTROL"},
		{name: "an acl grant of WRITE to AllUsers is not public read", rs: []*engine.Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"},"permission":"WRITE"}]}}`)}},
		{name: "an acl grant to the log delivery group is compliant", rs: []*engine.Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/s3/LogDelivery"},"permission":"READ"}]}}`)}},
		{name: "an acl grant to the owner's canonical user is compliant", rs: []*engine.Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"owner":{"id":"o"},"grants":[{"grantee":{"type":"CanonicalUser","id":"o"},"permission":"FULL_CONTROL"}]}}`)}},
		{name: "a public acl resource whose bucket is unknown still violates", rs: []*engine.Resource{b(), unlinked(t, typeS3ACL, "acl", `{"acl":"public-read"}`)}, want: `acl is "public-read"`},
		{name: "grants of the wrong shape violate", rs: []*engine.Resource{b(), linked(t, typeS3ACL, "acl", "sce-data", `{"accessControlPolicy":{"grants":"public"}}`)}, want: "accessControlPolicy.grants is a string"},
		{name: "an inline grant of READ to AllUsers violates", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data",
			`{"grants":[{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers","permissions":["READ_ACP","READ"]}]}`)}, want: "grants[0] grants READ"},
		{name: "an acl of the wrong shape violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"acl":["public-read"]}`)}, want: "acl is a list"},
		{name: "an unknown acl is undecided", rs: []*engine.Resource{withProp(res(t, typeS3Bucket, "l", `{}`), "acl", engine.Unknown)}, want: "acl is unknown", undecided: true},
		{name: "a policy allowing s3:GetObject to anyone violates", rs: []*engine.Resource{b(), bp(policyOf(publicGet))}, want: "policy statement 0 allows s3:GetObject to any principal"},
		{name: "a policy allowing s3:* to AWS * violates", rs: []*engine.Resource{b(), bp(policyOf(`{"Sid":"All","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}`))}, want: `statement 0 ("All") allows s3:GetObject`},
		{name: "a public policy restricted to a VPC endpoint is compliant", rs: []*engine.Resource{b(), bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}`))}},
		{name: "a negated condition does not restrict", rs: []*engine.Resource{b(), bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`))}, want: "allows s3:GetObject"},
		{name: "a policy allowing a specific role is compliant", rs: []*engine.Resource{b(), bp(policyOf(
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*"}`))}},
		{name: "a public inline policy on a legacy bucket violates", rs: []*engine.Resource{withProp(res(t, typeS3Bucket, "l", `{}`), "policy", policyOf(publicGet))}, want: "allows s3:GetObject"},
		{name: "a policy that is not JSON violates", rs: []*engine.Resource{b(), bp(`{"Statement":`)}, want: "policy is not valid JSON"},
		{name: "an unknown policy is undecided", rs: []*engine.Resource{b(), withProp(bp(""), "policy", engine.Unknown)}, want: "policy is unknown", undecided: true},
	})
}

func TestS3PublicWriteProhibited(t *testing.T) {
	const id = "s3-public-write-prohibited"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	bp := func(doc string) *engine.Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	checkRule(t, id, []ruleCase{
		{name: "a bucket without acl or policy is compliant", rs: []*engine.Resource{b}},
		{name: "a public-read acl is not public write", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"acl":"public-read"}`)}},
		{name: "a public-read-write acl violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"acl":"public-read-write"}`)}, want: `acl is "public-read-write", which grants public write`},
		{name: "an acl grant of WRITE to AllUsers violates", rs: []*engine.Resource{b, linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"},"permission":"WRITE"}]}}`)}, want: "grants WRITE"},
		{name: "an acl grant of READ to AllUsers is not public write", rs: []*engine.Resource{b, linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"},"permission":"READ"}]}}`)}},
		{name: "an unknown grantee is undecided", rs: []*engine.Resource{b, func() *engine.Resource {
			r := linked(t, typeS3ACL, "acl", "sce-data", `{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group"},"permission":"WRITE"}]}}`)
			r.Props["accessControlPolicy"].(map[string]any)["grants"].([]any)[0].(map[string]any)["grantee"].(map[string]any)["uri"] = engine.Unknown
			return r
		}()}, want: "accessControlPolicy.grants[0].grantee.uri is unknown", undecided: true},
		{name: "a policy allowing s3:PutObject to anyone violates", rs: []*engine.Resource{b, bp(policyOf(`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*"}`))}, want: "allows s3:PutObject to any principal"},
		{name: "a policy allowing s3:DeleteObject to anyone violates", rs: []*engine.Resource{b, bp(policyOf(`{"Effect":"Allow","Principal":"*","Action":["s3:DeleteObject"],"Resource":"arn:aws:s3:::sce-data/*"}`))}, want: "allows s3:DeleteObject"},
		{name: "a policy allowing only reads to anyone is not public write", rs: []*engine.Resource{b, bp(policyOf(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*"}`))}},
		{name: "a public write restricted to the organization is compliant", rs: []*engine.Resource{b, bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}`))}},
		{name: "a public write restricted only if the key exists violates", rs: []*engine.Resource{b, bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}`))}, want: "allows s3:PutObject"},
		{name: "a policy of the wrong shape violates", rs: []*engine.Resource{b, bp(`{"Statement":"all"}`)}, want: "policy Statement is a string"},
	})
}

func TestS3PolicyGranteeRestricted(t *testing.T) {
	const id = "s3-policy-grantee-restricted"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	bp := func(stmt string) *engine.Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", policyOf(stmt))
	}
	allow := func(principal, condition string) string {
		s := `{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*"`
		if condition != "" {
			s += `,"Condition":` + condition
		}
		return s + "}"
	}
	checkRule(t, id, []ruleCase{
		{name: "a bucket without a policy is compliant", rs: []*engine.Resource{b}},
		{name: "an allow to a specific role is compliant", rs: []*engine.Resource{b, bp(allow(`{"AWS":"arn:aws:iam::111122223333:role/app"}`, ""))}},
		{name: "an allow to a service principal is compliant", rs: []*engine.Resource{b, bp(allow(`{"Service":"logging.s3.amazonaws.com"}`, ""))}},
		{name: "an allow to anyone from a VPC endpoint is compliant", rs: []*engine.Resource{b, bp(allow(`"*"`, `{"StringEquals":{"aws:SourceVpce":["vpce-1"]}}`))}},
		{name: "an allow to anyone from an address range is compliant", rs: []*engine.Resource{b, bp(allow(`"*"`, `{"IpAddress":{"aws:SourceIp":"10.0.0.0/16"}}`))}},
		{name: "an allow to anyone in the account is compliant", rs: []*engine.Resource{b, bp(allow(`{"AWS":"*"}`, `{"ForAnyValue:StringEquals":{"aws:PrincipalAccount":["111122223333"]}}`))}},
		{name: "an allow to anyone without a condition violates", rs: []*engine.Resource{b, bp(allow(`"*"`, ""))}, want: `policy statement 0 allows principal "*" without a condition restricting the caller`},
		{name: "a condition on an unrelated key does not restrict", rs: []*engine.Resource{b, bp(allow(`"*"`, `{"Bool":{"aws:SecureTransport":"true"}}`))}, want: `allows principal "*"`},
		{name: "an IfExists condition does not restrict", rs: []*engine.Resource{b, bp(allow(`"*"`, `{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}`))}, want: `allows principal "*"`},
		{name: "a ForAllValues condition does not restrict", rs: []*engine.Resource{b, bp(allow(`"*"`, `{"ForAllValues:StringEquals":{"aws:SourceVpc":"vpc-1"}}`))}, want: `allows principal "*"`},
		{name: "a wildcard condition value does not restrict", rs: []*engine.Resource{b, bp(allow(`"*"`, `{"StringLike":{"aws:SourceVpce":"*"}}`))}, want: `allows principal "*"`},
		{name: "a principal with a wildcard account violates", rs: []*engine.Resource{b, bp(allow(`{"AWS":"arn:aws:iam::*:root"}`, ""))}, want: `allows principal "arn:aws:iam::*:root", which holds a wildcard`},
		{name: "an allow without a principal violates", rs: []*engine.Resource{b, bp(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)}, want: "allows without a Principal"},
		{name: "a deny to anyone is compliant", rs: []*engine.Resource{b, bp(sslDeny)}},
		{name: "an inline policy of a legacy bucket is judged", rs: []*engine.Resource{withProp(res(t, typeS3Bucket, "l", `{}`), "policy", policyOf(allow(`"*"`, "")))}, want: `allows principal "*"`},
		{name: "a policy that is not JSON violates", rs: []*engine.Resource{b, withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", "not json")}, want: "policy is not valid JSON"},
		{name: "an unknown policy is undecided", rs: []*engine.Resource{b, withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", engine.Unknown)}, want: "policy is unknown", undecided: true},
	})
	t.Run("a policy fault is reported once, on the bucket policy", func(t *testing.T) {
		pol := bp(allow(`"*"`, ""))
		requireFindingOn(t, id, pol, `allows principal "*"`, b, pol)
		require.Len(t, findingsOf(t, id, b, pol), 1)
	})
	t.Run("a bucket policy linked to no bucket is judged too", func(t *testing.T) {
		pol := withProp(unlinked(t, typeS3Policy, "pol", `{}`), "policy", policyOf(allow(`"*"`, "")))
		requireFindingOn(t, id, pol, `allows principal "*"`, b, pol)
	})
}

package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// bucketNamed builds a BucketV2 whose bucket input is name, with further props.
func bucketNamed(t *testing.T, logical, name, props string) *Resource {
	t.Helper()
	b := res(t, typeS3BucketV2, logical, props)
	b.Props["bucket"] = name
	return b
}

// linked builds a configuration resource whose bucket input holds the bucket's name, as in the offline plan.
func linked(t *testing.T, typ, logical, bucketName, props string) *Resource {
	t.Helper()
	r := res(t, typ, logical, props)
	r.Props["bucket"] = bucketName
	return r
}

// previewLinked builds a configuration resource whose bucket is unknown and known only through its
// property dependencies, as in preview.
func previewLinked(t *testing.T, typ, logical string, b *Resource, props string) *Resource {
	t.Helper()
	r := res(t, typ, logical, props)
	r.ID = ""
	r.Props["bucket"] = Unknown
	r.PropertyDependencies = map[string][]string{"bucket": {b.URN}}
	return r
}

// unlinked builds a configuration resource whose bucket is unknown and has no dependencies.
func unlinked(t *testing.T, typ, logical, props string) *Resource {
	t.Helper()
	r := res(t, typ, logical, props)
	r.Props["bucket"] = Unknown
	return r
}

// withProp sets a property after the fixture is built (Unknown values, policies as JSON strings).
func withProp(r *Resource, key string, v any) *Resource {
	r.Props[key] = v
	return r
}

// requireFindingOn runs a rule and requires a finding on the resource, containing want.
func requireFindingOn(t *testing.T, ruleID string, on *Resource, want string, rs ...*Resource) {
	t.Helper()
	fs := findingsOf(t, ruleID, rs...)
	for _, f := range fs {
		if f.URN == on.URN {
			require.Contains(t, f.Message, want)
			return
		}
	}
	require.Failf(t, "no finding on the resource", "rule %s: want a finding on %s, got: %+v", ruleID, on.URN, fs)
}

const (
	sslDeny = `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::sce-data","arn:aws:s3:::sce-data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	// kmsUploadDeny are the three statements of the design's PHI buckets (components.phiEncryptionStatements):
	// another algorithm, another key, aws:kms without a key.
	kmsUploadDeny = `{"Sid":"OtherEncryption","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*",` +
		`"Condition":{"Null":{"s3:x-amz-server-side-encryption":"false"},"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}},` +
		`{"Sid":"OtherKey","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*",` +
		`"Condition":{"Null":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"false"},"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"` + projectKey + `"}}},` +
		`{"Sid":"KMSWithoutKey","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*",` +
		`"Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"},"Null":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"true"}}}`
	projectKey = "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666"
)

// policyOf wraps statements into a policy document.
func policyOf(statements ...string) string {
	doc := `{"Version":"2012-10-17","Statement":[`
	for i, s := range statements {
		if i > 0 {
			doc += ","
		}
		doc += s
	}
	return doc + "]}"
}

func TestS3ACLProhibited(t *testing.T) {
	const id = "s3-acl-prohibited"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	enforced := `{"rule":{"objectOwnership":"BucketOwnerEnforced"}}`
	unknownOwnership := linked(t, typeS3OwnershipControls, "own", "sce-data", `{"rule":{}}`)
	unknownOwnership.Props["rule"].(map[string]any)["objectOwnership"] = Unknown
	byID := res(t, typeS3BucketV2, "noname", `{}`)
	checkRule(t, id, []ruleCase{
		{name: "a bucket with BucketOwnerEnforced ownership controls is compliant", rs: []*Resource{b, linked(t, typeS3OwnershipControls, "own", "sce-data", enforced)}},
		{name: "ownership controls linked through property dependencies are found", rs: []*Resource{b, previewLinked(t, typeS3OwnershipControls, "own", b, enforced)}},
		{name: "ownership controls naming the bucket by id are found", rs: []*Resource{byID, linked(t, typeS3OwnershipControls, "own", "noname-id", enforced)}},
		{name: "a bucket without ownership controls violates", rs: []*Resource{b}, want: "no BucketOwnershipControls refers to this bucket"},
		{name: "ownership controls of another bucket do not count", rs: []*Resource{b, linked(t, typeS3OwnershipControls, "own", "other", enforced)}, want: "no BucketOwnershipControls"},
		{name: "ObjectWriter ownership violates", rs: []*Resource{b, linked(t, typeS3OwnershipControls, "own", "sce-data", `{"rule":{"objectOwnership":"ObjectWriter"}}`)}, want: `rule.objectOwnership is "ObjectWriter"; it must be BucketOwnerEnforced`},
		{name: "ownership controls without a rule violate", rs: []*Resource{b, linked(t, typeS3OwnershipControls, "own", "sce-data", `{}`)}, want: "rule.objectOwnership is not set"},
		{name: "a rule of the wrong shape violates", rs: []*Resource{b, linked(t, typeS3OwnershipControls, "own", "sce-data", `{"rule":"BucketOwnerEnforced"}`)}, want: "rule.objectOwnership is not set"},
		{name: "an unknown ownership is undecided", rs: []*Resource{b, unknownOwnership}, want: "rule.objectOwnership is unknown", undecided: true},
		{name: "ownership controls naming an unknown bucket make it undecided", rs: []*Resource{b, unlinked(t, typeS3OwnershipControls, "own", enforced)}, want: "names a bucket unknown until deployment", undecided: true},
		{name: "a legacy bucket without ownership controls violates", rs: []*Resource{res(t, typeS3Bucket, "legacy", `{"bucket":"old"}`)}, want: "no BucketOwnershipControls"},
	})
	t.Run("a wrong ownership is reported on the ownership controls", func(t *testing.T) {
		own := linked(t, typeS3OwnershipControls, "own", "sce-data", `{"rule":{"objectOwnership":"BucketOwnerPreferred"}}`)
		requireFindingOn(t, id, own, "BucketOwnerPreferred", b, own)
	})
}

func TestS3ObjectLockEnabled(t *testing.T) {
	const id = "s3-object-lock-enabled"
	checkRule(t, id, []ruleCase{
		{name: "a bucket with objectLockEnabled is compliant", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{"objectLockEnabled":true}`)}},
		{name: "a legacy bucket with an inline object lock configuration is compliant", rs: []*Resource{res(t, typeS3Bucket, "l", `{"objectLockConfiguration":{"objectLockEnabled":"Enabled"}}`)}},
		{name: "an object lock configuration resource is compliant", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{}`),
			linked(t, typeS3ObjectLock, "lock", "sce-data", `{"objectLockEnabled":"Enabled","rule":{"defaultRetention":{"mode":"GOVERNANCE","days":30}}}`)}},
		{name: "a bucket without object lock violates", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{}`)}, want: "no BucketObjectLockConfigurationV2 refers to this bucket"},
		{name: "objectLockEnabled false violates", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{"objectLockEnabled":false}`)}, want: "objectLockEnabled is false; it must be true"},
		{name: "objectLockEnabled of the wrong shape violates", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{"objectLockEnabled":"yes"}`)}, want: "expected the boolean true"},
		{name: "an inline configuration that is not Enabled violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"objectLockConfiguration":{"objectLockEnabled":"Disabled"}}`)}, want: `objectLockConfiguration.objectLockEnabled is "Disabled"`},
		{name: "an unknown objectLockEnabled is undecided", rs: []*Resource{withProp(bucketNamed(t, "d", "sce-data", `{}`), "objectLockEnabled", Unknown)}, want: "objectLockEnabled is unknown", undecided: true},
		{name: "a configuration resource that is not Enabled violates", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{}`),
			linked(t, typeS3ObjectLock, "lock", "sce-data", `{"objectLockEnabled":"Disabled"}`)}, want: `objectLockEnabled is "Disabled"`},
		{name: "a configuration naming an unknown bucket makes it undecided", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{}`), unlinked(t, typeS3ObjectLock, "lock", `{}`)}, want: "unknown until deployment", undecided: true},
	})
}

func TestS3BucketLevelPublicAccessBlocked(t *testing.T) {
	const id = "s3-bucket-level-public-access-blocked"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	all := `{"blockPublicAcls":true,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`
	unknown := linked(t, typeS3PublicAccessBlock, "pab", "sce-data", all)
	unknown.Props["blockPublicPolicy"] = Unknown
	checkRule(t, id, []ruleCase{
		{name: "a block with all four settings true is compliant", rs: []*Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data", all)}},
		{name: "a block linked through property dependencies is found", rs: []*Resource{b, previewLinked(t, typeS3PublicAccessBlock, "pab", b, all)}},
		{name: "a block with the settings as strings is compliant", rs: []*Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data",
			`{"blockPublicAcls":"true","blockPublicPolicy":"true","ignorePublicAcls":"true","restrictPublicBuckets":"true"}`)}},
		{name: "a bucket without a block violates", rs: []*Resource{b}, want: "no BucketPublicAccessBlock refers to this bucket"},
		{name: "a setting that is false violates", rs: []*Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data",
			`{"blockPublicAcls":true,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":false}`)}, want: "restrictPublicBuckets is false; it must be true"},
		{name: "a missing setting violates", rs: []*Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data",
			`{"blockPublicAcls":true,"blockPublicPolicy":true,"restrictPublicBuckets":true}`)}, want: "ignorePublicAcls is not set"},
		{name: "a setting of the wrong shape violates", rs: []*Resource{b, linked(t, typeS3PublicAccessBlock, "pab", "sce-data",
			`{"blockPublicAcls":1,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`)}, want: "blockPublicAcls is a number"},
		{name: "an unknown setting is undecided", rs: []*Resource{b, unknown}, want: "blockPublicPolicy is unknown", undecided: true},
	})
	t.Run("a weak block is reported on the block", func(t *testing.T) {
		pab := linked(t, typeS3PublicAccessBlock, "pab", "sce-data", `{"blockPublicAcls":false,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`)
		requireFindingOn(t, id, pab, "blockPublicAcls is false", b, pab)
	})
}

func TestS3PublicReadProhibited(t *testing.T) {
	const id = "s3-public-read-prohibited"
	b := func() *Resource { return bucketNamed(t, "data", "sce-data", `{}`) }
	bp := func(doc string) *Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	publicGet := `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*"}`
	checkRule(t, id, []ruleCase{
		{name: "a private bucket without a policy is compliant", rs: []*Resource{b()}},
		{name: "a private canned acl is compliant", rs: []*Resource{res(t, typeS3Bucket, "l", `{"acl":"private"}`)}},
		{name: "a legacy bucket with a public-read acl violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"acl":"public-read"}`)}, want: `acl is "public-read", which grants public read`},
		{name: "an authenticated-read acl violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"acl":"authenticated-read"}`)}, want: "authenticated-read"},
		{name: "an acl resource with public-read-write violates", rs: []*Resource{b(), linked(t, typeS3ACL, "acl", "sce-data", `{"acl":"public-read-write"}`)}, want: `acl is "public-read-write"`},
		{name: "an acl grant of READ to AllUsers violates", rs: []*Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"owner":{"id":"o"},"grants":[{"grantee":{"type":"CanonicalUser","id":"o"},"permission":"FULL_CONTROL"},`+
				`{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"},"permission":"READ"}]}}`)},
			want: "accessControlPolicy.grants[1] grants READ to http://acs.amazonaws.com/groups/global/AllUsers"},
		{name: "an acl grant of FULL_CONTROL to AuthenticatedUsers violates", rs: []*Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"permission":"FULL_CONTROL"}]}}`)},
			want: "grants FULL_CONTROL"},
		{name: "an acl grant of WRITE to AllUsers is not public read", rs: []*Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"},"permission":"WRITE"}]}}`)}},
		{name: "an acl grant to the log delivery group is compliant", rs: []*Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/s3/LogDelivery"},"permission":"READ"}]}}`)}},
		{name: "an acl grant to the owner's canonical user is compliant", rs: []*Resource{b(), linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"owner":{"id":"o"},"grants":[{"grantee":{"type":"CanonicalUser","id":"o"},"permission":"FULL_CONTROL"}]}}`)}},
		{name: "a public acl resource whose bucket is unknown still violates", rs: []*Resource{b(), unlinked(t, typeS3ACL, "acl", `{"acl":"public-read"}`)}, want: `acl is "public-read"`},
		{name: "grants of the wrong shape violate", rs: []*Resource{b(), linked(t, typeS3ACL, "acl", "sce-data", `{"accessControlPolicy":{"grants":"public"}}`)}, want: "accessControlPolicy.grants is a string"},
		{name: "an inline grant of READ to AllUsers violates", rs: []*Resource{bucketNamed(t, "d", "sce-data",
			`{"grants":[{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers","permissions":["READ_ACP","READ"]}]}`)}, want: "grants[0] grants READ"},
		{name: "an acl of the wrong shape violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"acl":["public-read"]}`)}, want: "acl is a list"},
		{name: "an unknown acl is undecided", rs: []*Resource{withProp(res(t, typeS3Bucket, "l", `{}`), "acl", Unknown)}, want: "acl is unknown", undecided: true},
		{name: "a policy allowing s3:GetObject to anyone violates", rs: []*Resource{b(), bp(policyOf(publicGet))}, want: "policy statement 0 allows s3:GetObject to any principal"},
		{name: "a policy allowing s3:* to AWS * violates", rs: []*Resource{b(), bp(policyOf(`{"Sid":"All","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}`))}, want: `statement 0 ("All") allows s3:GetObject`},
		{name: "a public policy restricted to a VPC endpoint is compliant", rs: []*Resource{b(), bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}`))}},
		{name: "a negated condition does not restrict", rs: []*Resource{b(), bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`))}, want: "allows s3:GetObject"},
		{name: "a policy allowing a specific role is compliant", rs: []*Resource{b(), bp(policyOf(
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*"}`))}},
		{name: "a public inline policy on a legacy bucket violates", rs: []*Resource{withProp(res(t, typeS3Bucket, "l", `{}`), "policy", policyOf(publicGet))}, want: "allows s3:GetObject"},
		{name: "a policy that is not JSON violates", rs: []*Resource{b(), bp(`{"Statement":`)}, want: "policy is not valid JSON"},
		{name: "an unknown policy is undecided", rs: []*Resource{b(), withProp(bp(""), "policy", Unknown)}, want: "policy is unknown", undecided: true},
	})
}

func TestS3PublicWriteProhibited(t *testing.T) {
	const id = "s3-public-write-prohibited"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	bp := func(doc string) *Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	checkRule(t, id, []ruleCase{
		{name: "a bucket without acl or policy is compliant", rs: []*Resource{b}},
		{name: "a public-read acl is not public write", rs: []*Resource{res(t, typeS3Bucket, "l", `{"acl":"public-read"}`)}},
		{name: "a public-read-write acl violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"acl":"public-read-write"}`)}, want: `acl is "public-read-write", which grants public write`},
		{name: "an acl grant of WRITE to AllUsers violates", rs: []*Resource{b, linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"},"permission":"WRITE"}]}}`)}, want: "grants WRITE"},
		{name: "an acl grant of READ to AllUsers is not public write", rs: []*Resource{b, linked(t, typeS3ACL, "acl", "sce-data",
			`{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"},"permission":"READ"}]}}`)}},
		{name: "an unknown grantee is undecided", rs: []*Resource{b, func() *Resource {
			r := linked(t, typeS3ACL, "acl", "sce-data", `{"accessControlPolicy":{"grants":[{"grantee":{"type":"Group"},"permission":"WRITE"}]}}`)
			r.Props["accessControlPolicy"].(map[string]any)["grants"].([]any)[0].(map[string]any)["grantee"].(map[string]any)["uri"] = Unknown
			return r
		}()}, want: "accessControlPolicy.grants[0].grantee.uri is unknown", undecided: true},
		{name: "a policy allowing s3:PutObject to anyone violates", rs: []*Resource{b, bp(policyOf(`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*"}`))}, want: "allows s3:PutObject to any principal"},
		{name: "a policy allowing s3:DeleteObject to anyone violates", rs: []*Resource{b, bp(policyOf(`{"Effect":"Allow","Principal":"*","Action":["s3:DeleteObject"],"Resource":"arn:aws:s3:::sce-data/*"}`))}, want: "allows s3:DeleteObject"},
		{name: "a policy allowing only reads to anyone is not public write", rs: []*Resource{b, bp(policyOf(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sce-data/*"}`))}},
		{name: "a public write restricted to the organization is compliant", rs: []*Resource{b, bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}`))}},
		{name: "a public write restricted only if the key exists violates", rs: []*Resource{b, bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}`))}, want: "allows s3:PutObject"},
		{name: "a policy of the wrong shape violates", rs: []*Resource{b, bp(`{"Statement":"all"}`)}, want: "policy Statement is a string"},
	})
}

func TestS3ServerAccessLogging(t *testing.T) {
	const id = "s3-server-access-logging"
	data := bucketNamed(t, "data", "sce-data", `{}`)
	logs := bucketNamed(t, "logs", "sce-logs", `{}`)
	toLogs := `{"targetBucket":"sce-logs","targetPrefix":"data/"}`
	unknownTarget := linked(t, typeS3Logging, "log", "sce-data", `{}`)
	unknownTarget.Props["targetBucket"] = Unknown
	checkRule(t, id, []ruleCase{
		{name: "a bucket logging to a target bucket is compliant", rs: []*Resource{data, linked(t, typeS3Logging, "log", "sce-data", toLogs)}},
		{name: "a logging configuration linked through property dependencies is found", rs: []*Resource{data, previewLinked(t, typeS3Logging, "log", data, toLogs)}},
		{name: "an unknown target bucket counts as set", rs: []*Resource{data, unknownTarget}},
		{name: "a legacy bucket with inline loggings is compliant", rs: []*Resource{res(t, typeS3Bucket, "l", `{"loggings":[{"targetBucket":"sce-logs"}]}`)}},
		{name: "a legacy bucket with an inline logging object is compliant", rs: []*Resource{res(t, typeS3Bucket, "l", `{"logging":{"targetBucket":"sce-logs"}}`)}},
		{name: "a bucket without logging violates", rs: []*Resource{data}, want: "no BucketLoggingV2 refers to this bucket; server access logging must deliver to a target bucket"},
		{name: "the log bucket that logs nowhere violates and says it is the destination", rs: []*Resource{data, logs, linked(t, typeS3Logging, "log", "sce-data", toLogs)},
			want: "this bucket receives other buckets' access logs"},
		{name: "a logging configuration without a target violates", rs: []*Resource{data, linked(t, typeS3Logging, "log", "sce-data", `{"targetPrefix":"x/"}`)}, want: "targetBucket is not set"},
		{name: "an inline logging without a target violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"loggings":[{"targetPrefix":"x/"}]}`)}, want: "loggings[0].targetBucket is not set"},
		{name: "inline loggings of the wrong shape violate", rs: []*Resource{res(t, typeS3Bucket, "l", `{"loggings":"sce-logs"}`)}, want: "loggings is a string"},
		{name: "a logging configuration naming an unknown bucket makes it undecided", rs: []*Resource{data, unlinked(t, typeS3Logging, "log", toLogs)}, want: "unknown until deployment", undecided: true},
	})
	t.Run("the log bucket is reported on its own URN", func(t *testing.T) {
		requireFindingOn(t, id, logs, "receives other buckets' access logs", data, logs, linked(t, typeS3Logging, "log", "sce-data", toLogs))
		fs := findingsOf(t, id, data, logs, linked(t, typeS3Logging, "log", "sce-data", toLogs))
		require.Len(t, fs, 1, "only the log bucket lacks logging: %s", messages(fs))
	})
}

func TestS3PolicyGranteeRestricted(t *testing.T) {
	const id = "s3-policy-grantee-restricted"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	bp := func(stmt string) *Resource {
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
		{name: "a bucket without a policy is compliant", rs: []*Resource{b}},
		{name: "an allow to a specific role is compliant", rs: []*Resource{b, bp(allow(`{"AWS":"arn:aws:iam::111122223333:role/app"}`, ""))}},
		{name: "an allow to a service principal is compliant", rs: []*Resource{b, bp(allow(`{"Service":"logging.s3.amazonaws.com"}`, ""))}},
		{name: "an allow to anyone from a VPC endpoint is compliant", rs: []*Resource{b, bp(allow(`"*"`, `{"StringEquals":{"aws:SourceVpce":["vpce-1"]}}`))}},
		{name: "an allow to anyone from an address range is compliant", rs: []*Resource{b, bp(allow(`"*"`, `{"IpAddress":{"aws:SourceIp":"10.0.0.0/16"}}`))}},
		{name: "an allow to anyone in the account is compliant", rs: []*Resource{b, bp(allow(`{"AWS":"*"}`, `{"ForAnyValue:StringEquals":{"aws:PrincipalAccount":["111122223333"]}}`))}},
		{name: "an allow to anyone without a condition violates", rs: []*Resource{b, bp(allow(`"*"`, ""))}, want: `policy statement 0 allows principal "*" without a condition restricting the caller`},
		{name: "a condition on an unrelated key does not restrict", rs: []*Resource{b, bp(allow(`"*"`, `{"Bool":{"aws:SecureTransport":"true"}}`))}, want: `allows principal "*"`},
		{name: "an IfExists condition does not restrict", rs: []*Resource{b, bp(allow(`"*"`, `{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}`))}, want: `allows principal "*"`},
		{name: "a ForAllValues condition does not restrict", rs: []*Resource{b, bp(allow(`"*"`, `{"ForAllValues:StringEquals":{"aws:SourceVpc":"vpc-1"}}`))}, want: `allows principal "*"`},
		{name: "a wildcard condition value does not restrict", rs: []*Resource{b, bp(allow(`"*"`, `{"StringLike":{"aws:SourceVpce":"*"}}`))}, want: `allows principal "*"`},
		{name: "a principal with a wildcard account violates", rs: []*Resource{b, bp(allow(`{"AWS":"arn:aws:iam::*:root"}`, ""))}, want: `allows principal "arn:aws:iam::*:root", which holds a wildcard`},
		{name: "an allow without a principal violates", rs: []*Resource{b, bp(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)}, want: "allows without a Principal"},
		{name: "a deny to anyone is compliant", rs: []*Resource{b, bp(sslDeny)}},
		{name: "an inline policy of a legacy bucket is judged", rs: []*Resource{withProp(res(t, typeS3Bucket, "l", `{}`), "policy", policyOf(allow(`"*"`, "")))}, want: `allows principal "*"`},
		{name: "a policy that is not JSON violates", rs: []*Resource{b, withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", "not json")}, want: "policy is not valid JSON"},
		{name: "an unknown policy is undecided", rs: []*Resource{b, withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", Unknown)}, want: "policy is unknown", undecided: true},
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

func TestS3ReplicationEnabled(t *testing.T) {
	const id = "s3-replication-enabled"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	repl := `{"role":"arn:aws:iam::111122223333:role/repl","rules":[{"status":"Enabled","destination":{"bucket":"arn:aws:s3:::sce-data-replica"}}]}`
	checkRule(t, id, []ruleCase{
		{name: "a bucket with a replication configuration is compliant", rs: []*Resource{b, linked(t, typeS3Replication, "repl", "sce-data", repl)}},
		{name: "a replication configuration linked through property dependencies is found", rs: []*Resource{b, previewLinked(t, typeS3Replication, "repl", b, repl)}},
		{name: "a legacy bucket with inline replication is compliant", rs: []*Resource{res(t, typeS3Bucket, "l", `{"replicationConfiguration":{"role":"r","rules":[{"status":"Enabled"}]}}`)}},
		{name: "a bucket with deprecated inline replication configurations is compliant", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{"replicationConfigurations":[{"role":"r"}]}`)}},
		{name: "a bucket without replication violates", rs: []*Resource{b}, want: "no BucketReplicationConfig refers to this bucket"},
		{name: "an unknown inline replication configuration counts as set", rs: []*Resource{withProp(res(t, typeS3Bucket, "l", `{}`), "replicationConfiguration", Unknown)}},
		{name: "an inline replication configuration of the wrong shape violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"replicationConfiguration":"on"}`)}, want: "replicationConfiguration is a string"},
		{name: "an empty inline replication list violates", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{"replicationConfigurations":[]}`)}, want: "no BucketReplicationConfig"},
		{name: "a replication configuration naming an unknown bucket makes it undecided", rs: []*Resource{b, unlinked(t, typeS3Replication, "repl", repl)}, want: "unknown until deployment", undecided: true},
	})
}

func TestS3DefaultEncryption(t *testing.T) {
	const id = "s3-default-encryption"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	sse := func(algo string) *Resource {
		return linked(t, typeS3Encryption, "sse", "sce-data", `{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"`+algo+`"}}]}`)
	}
	unknownAlgo := sse("x")
	unknownAlgo.Props["rules"].([]any)[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)["sseAlgorithm"] = Unknown
	checkRule(t, id, []ruleCase{
		{name: "a bucket encrypted with AES256 is compliant", rs: []*Resource{b, sse("AES256")}},
		{name: "a bucket encrypted with KMS is compliant", rs: []*Resource{b, sse("aws:kms")}},
		{name: "an encryption configuration linked through property dependencies is found", rs: []*Resource{b, previewLinked(t, typeS3Encryption, "sse", b,
			`{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"aws:kms"}}]}`)}},
		{name: "an unknown algorithm counts as set", rs: []*Resource{b, unknownAlgo}},
		{name: "a legacy bucket with inline encryption is compliant", rs: []*Resource{res(t, typeS3Bucket, "l",
			`{"serverSideEncryptionConfiguration":{"rule":{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"AES256"}}}}`)}},
		{name: "a bucket with deprecated inline encryption is compliant", rs: []*Resource{bucketNamed(t, "d", "sce-data",
			`{"serverSideEncryptionConfigurations":[{"rules":[{"applyServerSideEncryptionByDefaults":[{"sseAlgorithm":"aws:kms"}]}]}]}`)}},
		{name: "a bucket without encryption violates", rs: []*Resource{b}, want: "no BucketServerSideEncryptionConfigurationV2 refers to this bucket"},
		{name: "a configuration without an algorithm violates", rs: []*Resource{b, linked(t, typeS3Encryption, "sse", "sce-data", `{"rules":[{"bucketKeyEnabled":true}]}`)}, want: "no rule sets applyServerSideEncryptionByDefault.sseAlgorithm"},
		{name: "rules of the wrong shape violate", rs: []*Resource{b, linked(t, typeS3Encryption, "sse", "sce-data", `{"rules":"aws:kms"}`)}, want: "rules is a string"},
		{name: "an algorithm of the wrong shape violates", rs: []*Resource{b, linked(t, typeS3Encryption, "sse", "sce-data",
			`{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":1}}]}`)}, want: "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is a number"},
		{name: "an empty algorithm violates", rs: []*Resource{b, sse("")}, want: "sseAlgorithm is empty"},
		{name: "a configuration naming an unknown bucket makes it undecided", rs: []*Resource{b, unlinked(t, typeS3Encryption, "sse", `{"rules":[]}`)}, want: "unknown until deployment", undecided: true},
	})
}

func TestS3DefaultEncryptionKMS(t *testing.T) {
	const id = "s3-default-encryption-kms"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	sse := func(algo string) *Resource {
		return linked(t, typeS3Encryption, "sse", "sce-data",
			`{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"`+algo+`","kmsMasterKeyId":"arn:aws:kms:us-east-1:111122223333:key/k"},"bucketKeyEnabled":true}]}`)
	}
	unknownAlgo := sse("x")
	unknownAlgo.Props["rules"].([]any)[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)["sseAlgorithm"] = Unknown
	checkRule(t, id, []ruleCase{
		{name: "aws:kms is compliant", rs: []*Resource{b, sse("aws:kms")}},
		{name: "aws:kms:dsse is compliant", rs: []*Resource{b, sse("aws:kms:dsse")}},
		{name: "a bucket with deprecated inline KMS encryption is compliant", rs: []*Resource{bucketNamed(t, "d", "sce-data",
			`{"serverSideEncryptionConfigurations":[{"rules":[{"applyServerSideEncryptionByDefaults":[{"sseAlgorithm":"aws:kms"}]}]}]}`)}},
		{name: "AES256 violates", rs: []*Resource{b, sse("AES256")}, want: `rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"; it must be aws:kms or aws:kms:dsse`},
		{name: "inline AES256 on a legacy bucket violates", rs: []*Resource{res(t, typeS3Bucket, "l",
			`{"serverSideEncryptionConfiguration":{"rule":{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"AES256"}}}}`)},
			want: `serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"`},
		{name: "a bucket without encryption violates", rs: []*Resource{b}, want: "no BucketServerSideEncryptionConfigurationV2 refers to this bucket"},
		{name: "an unknown algorithm is undecided", rs: []*Resource{b, unknownAlgo}, want: "sseAlgorithm is unknown", undecided: true},
		{name: "an algorithm of the wrong shape violates", rs: []*Resource{b, linked(t, typeS3Encryption, "sse", "sce-data",
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
	bp := func(doc string) *Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	deny := func(resources, condition string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + resources + `,"Condition":` + condition + `}`
	}
	both := `["arn:aws:s3:::sce-data","arn:aws:s3:::sce-data/*"]`
	insecure := `{"Bool":{"aws:SecureTransport":"false"}}`
	previewBucket := bucketNamed(t, "data", "sce-data", `{}`)
	previewBucket.ID = ""
	previewBucket.Props["bucket"] = Unknown
	checkRule(t, id, []ruleCase{
		{name: "a deny of insecure transport on the bucket and its objects is compliant", rs: []*Resource{b, bp(policyOf(sslDeny))}},
		{name: "the condition as a JSON boolean is compliant", rs: []*Resource{b, bp(policyOf(deny(both, `{"Bool":{"aws:SecureTransport":false}}`)))}},
		{name: "a wildcard resource covering the bucket and its objects is compliant", rs: []*Resource{b, bp(policyOf(deny(`"arn:aws:s3:::sce-data*"`, insecure)))}},
		{name: "another partition is compliant", rs: []*Resource{b, bp(policyOf(deny(`["arn:aws-us-gov:s3:::sce-data","arn:aws-us-gov:s3:::sce-data/*"]`, insecure)))}},
		{name: "principal AWS * and action * are compliant", rs: []*Resource{b, bp(policyOf(
			`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"*","Resource":` + both + `,"Condition":` + insecure + `}`))}},
		{name: "a policy given as an object is compliant", rs: []*Resource{b, withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", obj(t, policyOf(sslDeny)))}},
		{name: "an inline policy on a legacy bucket is compliant", rs: []*Resource{withProp(res(t, typeS3Bucket, "l", `{"bucket":"sce-data"}`), "policy", policyOf(sslDeny))}},
		{name: "a policy linked through property dependencies is found", rs: []*Resource{b, withProp(previewLinked(t, typeS3Policy, "pol", b, `{}`), "policy", policyOf(sslDeny))}},
		{name: "a bucket whose name is unknown is judged by the policy's own pairs of resources", rs: []*Resource{previewBucket,
			withProp(previewLinked(t, typeS3Policy, "pol", previewBucket, `{}`), "policy", policyOf(sslDeny))}},
		{name: "a bucket without a policy violates", rs: []*Resource{b}, want: "no bucket policy, so requests without TLS are served"},
		{name: "a deny on the objects alone violates", rs: []*Resource{b, bp(policyOf(deny(`"arn:aws:s3:::sce-data/*"`, insecure)))}, want: "policy does not deny requests without TLS"},
		{name: "a deny on the bucket alone violates", rs: []*Resource{b, bp(policyOf(deny(`"arn:aws:s3:::sce-data"`, insecure)))}, want: "policy does not deny requests without TLS"},
		{name: "a deny on another bucket violates", rs: []*Resource{b, bp(policyOf(deny(`["arn:aws:s3:::other","arn:aws:s3:::other/*"]`, insecure)))}, want: "policy does not deny requests without TLS"},
		{name: "a deny without the transport condition violates", rs: []*Resource{b, bp(policyOf(deny(both, `{"Bool":{"aws:SecureTransport":"true"}}`)))}, want: "policy does not deny requests without TLS"},
		{name: "a deny of some actions only violates", rs: []*Resource{b, bp(policyOf(
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":` + both + `,"Condition":` + insecure + `}`))}, want: "policy does not deny"},
		{name: "a deny to one principal violates", rs: []*Resource{b, bp(policyOf(
			`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":` + both + `,"Condition":` + insecure + `}`))}, want: "policy does not deny"},
		{name: "an allow with the condition violates", rs: []*Resource{b, bp(policyOf(
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":` + insecure + `}`))}, want: "policy does not deny"},
		{name: "a bucket policy without a policy document violates", rs: []*Resource{b, linked(t, typeS3Policy, "pol", "sce-data", `{}`)}, want: "policy does not deny requests without TLS"},
		{name: "a policy that is not JSON violates", rs: []*Resource{b, bp("{")}, want: "policy is not valid JSON"},
		{name: "an unknown policy is undecided", rs: []*Resource{b, withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", Unknown)}, want: "policy is unknown", undecided: true},
		{name: "a bucket policy naming an unknown bucket makes it undecided", rs: []*Resource{b, withProp(unlinked(t, typeS3Policy, "pol", `{}`), "policy", policyOf(sslDeny))}, want: "unknown until deployment", undecided: true},
	})
	t.Run("a policy without the deny is reported on the bucket policy", func(t *testing.T) {
		pol := bp(policyOf(deny(`"arn:aws:s3:::sce-data/*"`, insecure)))
		requireFindingOn(t, id, pol, "does not deny", b, pol)
	})
}

func TestS3VersioningEnabled(t *testing.T) {
	const id = "s3-versioning-enabled"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	ver := func(status string) *Resource {
		return linked(t, typeS3Versioning, "ver", "sce-data", `{"versioningConfiguration":{"status":"`+status+`"}}`)
	}
	unknownStatus := ver("x")
	unknownStatus.Props["versioningConfiguration"].(map[string]any)["status"] = Unknown
	checkRule(t, id, []ruleCase{
		{name: "versioning Enabled is compliant", rs: []*Resource{b, ver("Enabled")}},
		{name: "a versioning resource linked through property dependencies is found", rs: []*Resource{b, previewLinked(t, typeS3Versioning, "ver", b, `{"versioningConfiguration":{"status":"Enabled"}}`)}},
		{name: "a legacy bucket with inline versioning is compliant", rs: []*Resource{res(t, typeS3Bucket, "l", `{"versioning":{"enabled":true}}`)}},
		{name: "a bucket with deprecated inline versionings is compliant", rs: []*Resource{bucketNamed(t, "d", "sce-data", `{"versionings":[{"enabled":true}]}`)}},
		{name: "versioning Suspended violates", rs: []*Resource{b, ver("Suspended")}, want: `versioningConfiguration.status is "Suspended"; it must be Enabled`},
		{name: "a bucket without versioning violates", rs: []*Resource{b}, want: "no BucketVersioningV2 refers to this bucket"},
		{name: "a versioning resource without a status violates", rs: []*Resource{b, linked(t, typeS3Versioning, "ver", "sce-data", `{}`)}, want: "versioningConfiguration.status is not set"},
		{name: "inline versioning disabled violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"versioning":{"enabled":false}}`)}, want: "versioning.enabled is false"},
		{name: "inline versioning of the wrong shape violates", rs: []*Resource{res(t, typeS3Bucket, "l", `{"versioning":"on"}`)}, want: "versioning is a string"},
		{name: "an unknown status is undecided", rs: []*Resource{b, unknownStatus}, want: "versioningConfiguration.status is unknown", undecided: true},
		{name: "a versioning resource naming an unknown bucket makes it undecided", rs: []*Resource{b, unlinked(t, typeS3Versioning, "ver", `{"versioningConfiguration":{"status":"Enabled"}}`)}, want: "unknown until deployment", undecided: true},
	})
	t.Run("Suspended is reported on the versioning resource", func(t *testing.T) {
		v := ver("Suspended")
		requireFindingOn(t, id, v, "Suspended", b, v)
	})
	t.Run("a missing versioning is reported on the bucket", func(t *testing.T) {
		requireFindingOn(t, id, b, "no BucketVersioningV2", b)
	})
}

func TestS3NoncurrentVersionLifecycle(t *testing.T) {
	const id = "s3-noncurrent-version-lifecycle"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	enabled := linked(t, typeS3Versioning, "ver", "sce-data", `{"versioningConfiguration":{"status":"Enabled"}}`)
	lifecycle := func(rules string) *Resource {
		return linked(t, typeS3Lifecycle, "lc", "sce-data", `{"rules":`+rules+`}`)
	}
	unknownVersioning := linked(t, typeS3Versioning, "ver", "sce-data", `{"versioningConfiguration":{}}`)
	unknownVersioning.Props["versioningConfiguration"].(map[string]any)["status"] = Unknown
	unknownStatus := lifecycle(`[{"id":"nc","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)
	unknownStatus.Props["rules"].([]any)[0].(map[string]any)["status"] = Unknown
	checkRule(t, id, []ruleCase{
		{name: "an unversioned bucket is not judged", rs: []*Resource{b}},
		{name: "a suspended bucket is not judged", rs: []*Resource{b, linked(t, typeS3Versioning, "ver", "sce-data", `{"versioningConfiguration":{"status":"Suspended"}}`)}},
		{name: "an Enabled rule expiring noncurrent versions is compliant", rs: []*Resource{b, enabled,
			lifecycle(`[{"id":"nc","status":"Enabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)}},
		{name: "an Enabled rule transitioning noncurrent versions is compliant", rs: []*Resource{b, enabled,
			lifecycle(`[{"id":"a","status":"Disabled","noncurrentVersionExpiration":{"noncurrentDays":1}},{"id":"nc","status":"Enabled","noncurrentVersionTransitions":[{"noncurrentDays":30,"storageClass":"GLACIER"}]}]`)}},
		{name: "a lifecycle linked through property dependencies is found", rs: []*Resource{b, enabled, previewLinked(t, typeS3Lifecycle, "lc", b,
			`{"rules":[{"id":"nc","status":"Enabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]}`)}},
		{name: "a legacy bucket with inline versioning and lifecycle is compliant", rs: []*Resource{res(t, typeS3Bucket, "l",
			`{"versioning":{"enabled":true},"lifecycleRules":[{"enabled":true,"noncurrentVersionExpiration":{"days":90}}]}`)}},
		{name: "a bucket with deprecated inline rules is compliant", rs: []*Resource{bucketNamed(t, "d", "sce-data",
			`{"versionings":[{"enabled":true}],"lifecycleRules":[{"enabled":true,"noncurrentVersionExpirations":[{"days":90}]}]}`)}},
		{name: "a versioned bucket without a lifecycle violates", rs: []*Resource{b, enabled}, want: "no BucketLifecycleConfigurationV2 refers to this bucket"},
		{name: "a disabled rule violates", rs: []*Resource{b, enabled, lifecycle(`[{"id":"nc","status":"Disabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)},
			want: "no Enabled lifecycle rule expires or transitions noncurrent versions"},
		{name: "a rule for current versions only violates", rs: []*Resource{b, enabled, lifecycle(`[{"id":"x","status":"Enabled","expiration":{"days":365}}]`)},
			want: "no Enabled lifecycle rule"},
		{name: "an inline rule without noncurrent handling violates", rs: []*Resource{res(t, typeS3Bucket, "l",
			`{"versioning":{"enabled":true},"lifecycleRules":[{"enabled":true,"expiration":{"days":30}}]}`)}, want: "no Enabled lifecycle rule"},
		{name: "rules of the wrong shape violate", rs: []*Resource{b, enabled, lifecycle(`"keep"`)}, want: "rules is a string"},
		{name: "an unknown rule status is undecided", rs: []*Resource{b, enabled, unknownStatus}, want: "rules[0].status is unknown", undecided: true},
		{name: "an unknown versioning status without a lifecycle is undecided", rs: []*Resource{b, unknownVersioning}, want: "versioning is unknown until deployment", undecided: true},
		{name: "an unknown versioning status with a lifecycle is compliant", rs: []*Resource{b, unknownVersioning,
			lifecycle(`[{"id":"nc","status":"Enabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)}},
	})
	t.Run("a lifecycle without noncurrent handling is reported on the lifecycle", func(t *testing.T) {
		lc := lifecycle(`[{"id":"nc","status":"Disabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)
		requireFindingOn(t, id, lc, "no Enabled lifecycle rule", b, enabled, lc)
	})
}

func TestS3EventNotifications(t *testing.T) {
	const id = "s3-event-notifications"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	unknownTopics := linked(t, typeS3Notification, "n", "sce-data", `{}`)
	unknownTopics.Props["topics"] = Unknown
	unknownBridge := linked(t, typeS3Notification, "n", "sce-data", `{}`)
	unknownBridge.Props["eventbridge"] = Unknown
	checkRule(t, id, []ruleCase{
		{name: "notifications to a topic are compliant", rs: []*Resource{b, linked(t, typeS3Notification, "n", "sce-data",
			`{"topics":[{"topicArn":"arn:aws:sns:us-east-1:111122223333:t","events":["s3:ObjectCreated:*"]}]}`)}},
		{name: "notifications to EventBridge are compliant", rs: []*Resource{b, linked(t, typeS3Notification, "n", "sce-data", `{"eventbridge":true}`)}},
		{name: "notifications linked through property dependencies are found", rs: []*Resource{b, previewLinked(t, typeS3Notification, "n", b, `{"eventbridge":true}`)}},
		{name: "unknown topics count as a destination", rs: []*Resource{b, unknownTopics}},
		{name: "a bucket without notifications violates", rs: []*Resource{b}, want: "no BucketNotification refers to this bucket"},
		{name: "notifications without a destination violate", rs: []*Resource{b, linked(t, typeS3Notification, "n", "sce-data", `{"topics":[],"eventbridge":false}`)}, want: "no destination"},
		{name: "an unknown eventbridge flag is undecided", rs: []*Resource{b, unknownBridge}, want: "eventbridge is unknown", undecided: true},
		{name: "notifications naming an unknown bucket make it undecided", rs: []*Resource{b, unlinked(t, typeS3Notification, "n", `{"eventbridge":true}`)}, want: "unknown until deployment", undecided: true},
	})
}

func TestS3DenyUnencryptedUploads(t *testing.T) {
	const id = "s3-deny-unencrypted-uploads"
	phi := func() *Resource {
		return bucketNamed(t, "data", "sce-data", `{"tags":{"DataClassification":"PHI","Project":"p"}}`)
	}
	bp := func(doc string) *Resource {
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
	unknownTag.Props["tags"].(map[string]any)["DataClassification"] = Unknown
	otherKeyOnly := `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*",` +
		`"Condition":{"Null":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"false"},"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"` + projectKey + `"}}}`
	checkRule(t, id, []ruleCase{
		{name: "a bucket not tagged PHI is not judged", rs: []*Resource{bucketNamed(t, "logs", "sce-logs", `{"tags":{"DataClassification":"Internal"}}`)}},
		{name: "an untagged bucket is not judged", rs: []*Resource{bucketNamed(t, "logs", "sce-logs", `{}`)}},
		{name: "the design's three denies are compliant", rs: []*Resource{phi(), bp(policyOf(sslDeny, kmsUploadDeny))}},
		{name: "the old IfExists form refuses other encryption too (and fails the multipart rule instead)", rs: []*Resource{phi(), bp(policyOf(
			upload("s3:PutObject", "arn:aws:s3:::sce-data/*", `{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}`),
			upload("s3:PutObject", "arn:aws:s3:::sce-data/*", `{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"`+projectKey+`"}}`)))}},
		{name: "a PHI tag from the provider's default tags is judged", rs: []*Resource{byProvider}, want: "no bucket policy, so uploads asking for another encryption than the project key are accepted"},
		{name: "the bucket's own tag overrides the provider's default", rs: []*Resource{overridden}},
		{name: "tags of the wrong shape violate", rs: []*Resource{bucketNamed(t, "data", "sce-data", `{"tags":"PHI"}`)}, want: "tags is a string"},
		{name: "unknown tags without the deny are undecided", rs: []*Resource{withProp(bucketNamed(t, "data", "sce-data", `{}`), "tags", Unknown)}, want: "tags.DataClassification is unknown", undecided: true},
		{name: "a PHI bucket without a policy violates", rs: []*Resource{phi()}, want: "no bucket policy"},
		{name: "a PHI bucket whose policy only requires TLS violates", rs: []*Resource{phi(), bp(policyOf(sslDeny))},
			want: "policy accepts uploads asking for SSE-S3 (AES256); SSE-KMS with another key; SSE-KMS without a key"},
		{name: "a deny of other algorithms alone lets another key in", rs: []*Resource{phi(), bp(policyOf(
			upload("s3:PutObject", "arn:aws:s3:::sce-data/*", `{"Null":{"s3:x-amz-server-side-encryption":"false"},"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))},
			want: "SSE-KMS with another key"},
		{name: "denying other keys alone lets SSE-S3 and the aws/s3 key in", rs: []*Resource{phi(), bp(policyOf(otherKeyOnly))},
			want: "policy accepts uploads asking for SSE-S3 (AES256); SSE-KMS without a key"},
		{name: "a deny that also lets AES256 through violates", rs: []*Resource{phi(), bp(policyOf(
			`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":["AES256","aws:kms"]}}}`, otherKeyOnly))},
			want: "SSE-S3 (AES256)"},
		{name: "a deny on the bucket rather than its objects violates", rs: []*Resource{phi(), bp(policyOf(
			upload("s3:PutObject", "arn:aws:s3:::sce-data", `{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))}, want: "policy accepts uploads"},
		{name: "a deny of reads violates", rs: []*Resource{phi(), bp(policyOf(
			upload("s3:GetObject", "arn:aws:s3:::sce-data/*", `{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))}, want: "policy accepts uploads"},
		{name: "a policy that is not JSON violates", rs: []*Resource{phi(), bp("[")}, want: "cannot be evaluated"},
		{name: "an unknown policy is undecided", rs: []*Resource{phi(), withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", Unknown)}, want: "policy is unknown", undecided: true},
		{name: "an unknown classification without the deny is undecided", rs: []*Resource{unknownTag}, want: "tags.DataClassification is unknown", undecided: true},
		{name: "an unknown classification with the deny is compliant", rs: []*Resource{unknownTag, bp(policyOf(kmsUploadDeny))}},
	})
}

// TestPolicyAdmitsUploadsWithoutEncryptionHeaders: a Deny that fires when the header is absent refuses every
// UploadPart; the design's Null-paired denies do not.
func TestPolicyAdmitsUploadsWithoutEncryptionHeaders(t *testing.T) {
	const id = "s3-policy-admits-uploads-without-encryption-headers"
	bucket := func() *Resource { return bucketNamed(t, "data", "sce-data", `{}`) }
	bp := func(doc string) *Resource {
		return withProp(linked(t, typeS3Policy, "pol", "sce-data", `{}`), "policy", doc)
	}
	deny := func(condition string) string {
		return `{"Sid":"S","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::sce-data/*","Condition":` + condition + `}`
	}
	endpoint := `{"Sid":"E","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::sce-data/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0123456789abcdef0"}}}`
	checkRule(t, id, []ruleCase{
		{name: "the design's denies admit parts", rs: []*Resource{bucket(), bp(policyOf(sslDeny, kmsUploadDeny, endpoint))}},
		{name: "StringNotEqualsIfExists refuses parts", rs: []*Resource{bucket(), bp(policyOf(deny(`{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))},
			want: `statement "S" denies an s3:PutObject that carries no encryption header`},
		{name: "a plain StringNotEquals refuses parts", rs: []*Resource{bucket(), bp(policyOf(deny(`{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}`)))},
			want: "multipart uploads"},
		{name: "Null true refuses parts", rs: []*Resource{bucket(), bp(policyOf(deny(`{"Null":{"s3:x-amz-server-side-encryption":"true"}}`)))},
			want: "multipart uploads"},
		{name: "a key-id IfExists deny refuses parts", rs: []*Resource{bucket(), bp(policyOf(deny(`{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"` + projectKey + `"}}`)))},
			want: "multipart uploads"},
		{name: "a deny of every PutObject is not this rule's concern", rs: []*Resource{bucket(), bp(policyOf(deny(`{"Bool":{"aws:SecureTransport":"true"}}`)))}},
	})
}

// designBuckets builds a PHI data bucket and its access-log bucket the way the design intends, with every
// configuration resource, linked by value as in the offline plan.
func designBuckets(t *testing.T) []*Resource {
	t.Helper()
	var rs []*Resource
	for _, b := range []struct{ logical, name, class, logTo string }{
		{"data", "sce-data", "PHI", "sce-logs"},
		{"logs", "sce-logs", "Internal", ""},
	} {
		arn := "arn:aws:s3:::" + b.name
		ssl := `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
		upload := strings.ReplaceAll(kmsUploadDeny, "arn:aws:s3:::sce-data/*", arn+"/*")
		logDelivery := `{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"` + arn + `/*",` +
			`"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`
		rs = append(rs,
			bucketNamed(t, b.logical, b.name, `{"objectLockEnabled":true,"tags":{"DataClassification":"`+b.class+`"}}`),
			linked(t, typeS3OwnershipControls, b.logical+"-own", b.name, `{"rule":{"objectOwnership":"BucketOwnerEnforced"}}`),
			linked(t, typeS3PublicAccessBlock, b.logical+"-pab", b.name, `{"blockPublicAcls":true,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`),
			linked(t, typeS3Versioning, b.logical+"-ver", b.name, `{"versioningConfiguration":{"status":"Enabled"}}`),
			linked(t, typeS3Encryption, b.logical+"-sse", b.name, `{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"aws:kms","kmsMasterKeyId":"k"},"bucketKeyEnabled":true}]}`),
			linked(t, typeS3Lifecycle, b.logical+"-lc", b.name, `{"rules":[{"id":"noncurrent","status":"Enabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]}`),
			linked(t, typeS3Notification, b.logical+"-events", b.name, `{"eventbridge":true}`),
			linked(t, typeS3Replication, b.logical+"-repl", b.name, `{"role":"r","rules":[{"status":"Enabled"}]}`),
			withProp(linked(t, typeS3Policy, b.logical+"-policy", b.name, `{}`), "policy", policyOf(ssl, upload, logDelivery)),
		)
		if b.logTo != "" {
			rs = append(rs, linked(t, typeS3Logging, b.logical+"-log", b.name, `{"targetBucket":"`+b.logTo+`","targetPrefix":"`+b.logical+`/"}`))
		}
	}
	return rs
}

func TestS3RulesPassTheDesignBucketsButTheLogBucketsOwnLogging(t *testing.T) {
	rep := Evaluate(NewStack(designBuckets(t)), storageRules())
	require.Len(t, rep.Violations, 1, "violations: %+v", rep.Violations)
	v := rep.Violations[0]
	require.Equal(t, "s3-server-access-logging", v.Rule)
	require.Equal(t, "urn:pulumi:test::sce::"+typeS3BucketV2+"::logs", v.URN)
	require.Contains(t, v.Message, "receives other buckets' access logs")
}

func TestS3RulesNeverPanicOnMalformedProperties(t *testing.T) {
	malformed := `{"bucket":5,"acl":{"x":1},"grants":[1,{"uri":7,"permissions":{"a":1}}],"policy":["x"],"tags":"PHI",` +
		`"versioning":[1],"versionings":"x","loggings":{"targetBucket":[]},"logging":3,"lifecycleRules":[{"enabled":"maybe","noncurrentVersionTransitions":"x"}],` +
		`"objectLockEnabled":[],"objectLockConfiguration":"on","replicationConfiguration":1,"serverSideEncryptionConfiguration":{"rule":[1,{"applyServerSideEncryptionByDefault":"x"}]},` +
		`"serverSideEncryptionConfigurations":[{"rules":{"applyServerSideEncryptionByDefaults":7}}],"rules":[null,{"status":1,"applyServerSideEncryptionByDefault":[]}],` +
		`"rule":"x","versioningConfiguration":[],"accessControlPolicy":{"grants":[{"grantee":"AllUsers","permission":["READ"]}]},"targetBucket":{},` +
		`"topics":3,"eventbridge":"sometimes","blockPublicAcls":null}`
	var rs []*Resource
	for _, typ := range s3Types(typeS3Versioning, typeS3Encryption, typeS3PublicAccessBlock, typeS3Logging, typeS3Policy, typeS3OwnershipControls,
		typeS3Lifecycle, typeS3Notification, typeS3ObjectLock, typeS3Replication, typeS3ACL) {
		rs = append(rs, res(t, typ, "m-"+s3Short(typ), malformed))
	}
	for _, rule := range storageRules() {
		fs := findings(NewStack(rs), rule)
		for _, f := range fs {
			require.NotContains(t, f.Message, "could not judge", "rule %s", rule.ID)
			require.NotEmpty(t, f.URN, "rule %s: %s", rule.ID, f.Message)
		}
	}
}

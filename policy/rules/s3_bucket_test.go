package rules

import (
	"strings"
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/require"
)

// Fixtures shared by the S3 rules' tests, and the tests that run all the bucket rules together.

// s3BucketRules are the rules that judge a bucket together with its configuration resources: access,
// encryption, durability and logging (what storageRules returned before the S3 rules were split by concern).
func s3BucketRules() []engine.Rule {
	var out []engine.Rule
	for _, family := range [][]engine.Rule{s3AccessRules(), s3EncryptionRules(), s3DurabilityRules(), s3LoggingRules()} {
		out = append(out, family...)
	}
	return out
}

// bucketNamed builds a BucketV2 whose bucket input is name, with further props.
func bucketNamed(t *testing.T, logical, name, props string) *engine.Resource {
	t.Helper()
	b := res(t, typeS3BucketV2, logical, props)
	b.Props["bucket"] = name
	return b
}

// linked builds a configuration resource whose bucket input holds the bucket's name, as in the offline plan.
func linked(t *testing.T, typ, logical, bucketName, props string) *engine.Resource {
	t.Helper()
	r := res(t, typ, logical, props)
	r.Props["bucket"] = bucketName
	return r
}

// previewLinked builds a configuration resource whose bucket is unknown and known only through its
// property dependencies, as in preview.
func previewLinked(t *testing.T, typ, logical string, b *engine.Resource, props string) *engine.Resource {
	t.Helper()
	r := res(t, typ, logical, props)
	r.ID = ""
	r.Props["bucket"] = engine.Unknown
	r.PropertyDependencies = map[string][]string{"bucket": {b.URN}}
	return r
}

// unlinked builds a configuration resource whose bucket is unknown and has no dependencies.
func unlinked(t *testing.T, typ, logical, props string) *engine.Resource {
	t.Helper()
	r := res(t, typ, logical, props)
	r.Props["bucket"] = engine.Unknown
	return r
}

// withProp sets a property after the fixture is built (Unknown values, policies as JSON strings).
func withProp(r *engine.Resource, key string, v any) *engine.Resource {
	r.Props[key] = v
	return r
}

// requireFindingOn runs a rule and requires a finding on the resource, containing want.
func requireFindingOn(t *testing.T, ruleID string, on *engine.Resource, want string, rs ...*engine.Resource) {
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

// designBuckets builds a PHI data bucket and its access-log bucket the way the design intends, with every
// configuration resource, linked by value as in the offline plan.
func designBuckets(t *testing.T) []*engine.Resource {
	t.Helper()
	var rs []*engine.Resource
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
	rep := Evaluate(engine.NewStack(designBuckets(t)), s3BucketRules())
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
	var rs []*engine.Resource
	for _, typ := range s3Types(typeS3Versioning, typeS3Encryption, typeS3PublicAccessBlock, typeS3Logging, typeS3Policy, typeS3OwnershipControls,
		typeS3Lifecycle, typeS3Notification, typeS3ObjectLock, typeS3Replication, typeS3ACL) {
		rs = append(rs, res(t, typ, "m-"+s3Short(typ), malformed))
	}
	for _, rule := range s3BucketRules() {
		fs := engine.Findings(engine.NewStack(rs), rule)
		for _, f := range fs {
			require.NotContains(t, f.Message, "could not judge", "rule %s", rule.ID)
			require.NotEmpty(t, f.URN, "rule %s: %s", rule.ID, f.Message)
		}
	}
}

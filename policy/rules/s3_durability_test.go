package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestS3ObjectLockEnabled(t *testing.T) {
	const id = "s3-object-lock-enabled"
	checkRule(t, id, []ruleCase{
		{name: "a bucket with objectLockEnabled is compliant", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{"objectLockEnabled":true}`)}},
		{name: "a legacy bucket with an inline object lock configuration is compliant", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"objectLockConfiguration":{"objectLockEnabled":"Enabled"}}`)}},
		{name: "an object lock configuration resource is compliant", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{}`),
			linked(t, typeS3ObjectLock, "lock", "sce-data", `{"objectLockEnabled":"Enabled","rule":{"defaultRetention":{"mode":"GOVERNANCE","days":30}}}`)}},
		{name: "a bucket without object lock violates", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{}`)}, want: "no BucketObjectLockConfigurationV2 refers to this bucket"},
		{name: "objectLockEnabled false violates", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{"objectLockEnabled":false}`)}, want: "objectLockEnabled is false; it must be true"},
		{name: "objectLockEnabled of the wrong shape violates", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{"objectLockEnabled":"yes"}`)}, want: "expected the boolean true"},
		{name: "an inline configuration that is not Enabled violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"objectLockConfiguration":{"objectLockEnabled":"Disabled"}}`)}, want: `objectLockConfiguration.objectLockEnabled is "Disabled"`},
		{name: "an unknown objectLockEnabled is undecided", rs: []*engine.Resource{withProp(bucketNamed(t, "d", "sce-data", `{}`), "objectLockEnabled", engine.Unknown)}, want: "objectLockEnabled is unknown", undecided: true},
		{name: "a configuration resource that is not Enabled violates", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{}`),
			linked(t, typeS3ObjectLock, "lock", "sce-data", `{"objectLockEnabled":"Disabled"}`)}, want: `objectLockEnabled is "Disabled"`},
		{name: "a configuration naming an unknown bucket makes it undecided", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{}`), unlinked(t, typeS3ObjectLock, "lock", `{}`)}, want: "unknown until deployment", undecided: true},
	})
}

func TestS3VersioningEnabled(t *testing.T) {
	const id = "s3-versioning-enabled"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	ver := func(status string) *engine.Resource {
		return linked(t, typeS3Versioning, "ver", "sce-data", `{"versioningConfiguration":{"status":"`+status+`"}}`)
	}
	unknownStatus := ver("x")
	unknownStatus.Props["versioningConfiguration"].(map[string]any)["status"] = engine.Unknown
	checkRule(t, id, []ruleCase{
		{name: "versioning Enabled is compliant", rs: []*engine.Resource{b, ver("Enabled")}},
		{name: "a versioning resource linked through property dependencies is found", rs: []*engine.Resource{b, previewLinked(t, typeS3Versioning, "ver", b, `{"versioningConfiguration":{"status":"Enabled"}}`)}},
		{name: "a legacy bucket with inline versioning is compliant", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"versioning":{"enabled":true}}`)}},
		{name: "a bucket with deprecated inline versionings is compliant", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{"versionings":[{"enabled":true}]}`)}},
		{name: "versioning Suspended violates", rs: []*engine.Resource{b, ver("Suspended")}, want: `versioningConfiguration.status is "Suspended"; it must be Enabled`},
		{name: "a bucket without versioning violates", rs: []*engine.Resource{b}, want: "no BucketVersioningV2 refers to this bucket"},
		{name: "a versioning resource without a status violates", rs: []*engine.Resource{b, linked(t, typeS3Versioning, "ver", "sce-data", `{}`)}, want: "versioningConfiguration.status is not set"},
		{name: "inline versioning disabled violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"versioning":{"enabled":false}}`)}, want: "versioning.enabled is false"},
		{name: "inline versioning of the wrong shape violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"versioning":"on"}`)}, want: "versioning is a string"},
		{name: "an unknown status is undecided", rs: []*engine.Resource{b, unknownStatus}, want: "versioningConfiguration.status is unknown", undecided: true},
		{name: "a versioning resource naming an unknown bucket makes it undecided", rs: []*engine.Resource{b, unlinked(t, typeS3Versioning, "ver", `{"versioningConfiguration":{"status":"Enabled"}}`)}, want: "unknown until deployment", undecided: true},
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
	lifecycle := func(rules string) *engine.Resource {
		return linked(t, typeS3Lifecycle, "lc", "sce-data", `{"rules":`+rules+`}`)
	}
	unknownVersioning := linked(t, typeS3Versioning, "ver", "sce-data", `{"versioningConfiguration":{}}`)
	unknownVersioning.Props["versioningConfiguration"].(map[string]any)["status"] = engine.Unknown
	unknownStatus := lifecycle(`[{"id":"nc","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)
	unknownStatus.Props["rules"].([]any)[0].(map[string]any)["status"] = engine.Unknown
	checkRule(t, id, []ruleCase{
		{name: "an unversioned bucket is not judged", rs: []*engine.Resource{b}},
		{name: "a suspended bucket is not judged", rs: []*engine.Resource{b, linked(t, typeS3Versioning, "ver", "sce-data", `{"versioningConfiguration":{"status":"Suspended"}}`)}},
		{name: "an Enabled rule expiring noncurrent versions is compliant", rs: []*engine.Resource{b, enabled,
			lifecycle(`[{"id":"nc","status":"Enabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)}},
		{name: "an Enabled rule transitioning noncurrent versions is compliant", rs: []*engine.Resource{b, enabled,
			lifecycle(`[{"id":"a","status":"Disabled","noncurrentVersionExpiration":{"noncurrentDays":1}},{"id":"nc","status":"Enabled","noncurrentVersionTransitions":[{"noncurrentDays":30,"storageClass":"GLACIER"}]}]`)}},
		{name: "a lifecycle linked through property dependencies is found", rs: []*engine.Resource{b, enabled, previewLinked(t, typeS3Lifecycle, "lc", b,
			`{"rules":[{"id":"nc","status":"Enabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]}`)}},
		{name: "a legacy bucket with inline versioning and lifecycle is compliant", rs: []*engine.Resource{res(t, typeS3Bucket, "l",
			`{"versioning":{"enabled":true},"lifecycleRules":[{"enabled":true,"noncurrentVersionExpiration":{"days":90}}]}`)}},
		{name: "a bucket with deprecated inline rules is compliant", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data",
			`{"versionings":[{"enabled":true}],"lifecycleRules":[{"enabled":true,"noncurrentVersionExpirations":[{"days":90}]}]}`)}},
		{name: "a versioned bucket without a lifecycle violates", rs: []*engine.Resource{b, enabled}, want: "no BucketLifecycleConfigurationV2 refers to this bucket"},
		{name: "a disabled rule violates", rs: []*engine.Resource{b, enabled, lifecycle(`[{"id":"nc","status":"Disabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)},
			want: "no Enabled lifecycle rule expires or transitions noncurrent versions"},
		{name: "a rule for current versions only violates", rs: []*engine.Resource{b, enabled, lifecycle(`[{"id":"x","status":"Enabled","expiration":{"days":365}}]`)},
			want: "no Enabled lifecycle rule"},
		{name: "an inline rule without noncurrent handling violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l",
			`{"versioning":{"enabled":true},"lifecycleRules":[{"enabled":true,"expiration":{"days":30}}]}`)}, want: "no Enabled lifecycle rule"},
		{name: "rules of the wrong shape violate", rs: []*engine.Resource{b, enabled, lifecycle(`"keep"`)}, want: "rules is a string"},
		{name: "an unknown rule status is undecided", rs: []*engine.Resource{b, enabled, unknownStatus}, want: "rules[0].status is unknown", undecided: true},
		{name: "an unknown versioning status without a lifecycle is undecided", rs: []*engine.Resource{b, unknownVersioning}, want: "versioning is unknown until deployment", undecided: true},
		{name: "an unknown versioning status with a lifecycle is compliant", rs: []*engine.Resource{b, unknownVersioning,
			lifecycle(`[{"id":"nc","status":"Enabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)}},
	})
	t.Run("a lifecycle without noncurrent handling is reported on the lifecycle", func(t *testing.T) {
		lc := lifecycle(`[{"id":"nc","status":"Disabled","noncurrentVersionExpiration":{"noncurrentDays":90}}]`)
		requireFindingOn(t, id, lc, "no Enabled lifecycle rule", b, enabled, lc)
	})
}

func TestS3ReplicationEnabled(t *testing.T) {
	const id = "s3-replication-enabled"
	b := bucketNamed(t, "data", "sce-data", `{}`)
	repl := `{"role":"arn:aws:iam::111122223333:role/repl","rules":[{"status":"Enabled","destination":{"bucket":"arn:aws:s3:::sce-data-replica"}}]}`
	checkRule(t, id, []ruleCase{
		{name: "a bucket with a replication configuration is compliant", rs: []*engine.Resource{b, linked(t, typeS3Replication, "repl", "sce-data", repl)}},
		{name: "a replication configuration linked through property dependencies is found", rs: []*engine.Resource{b, previewLinked(t, typeS3Replication, "repl", b, repl)}},
		{name: "a legacy bucket with inline replication is compliant", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"replicationConfiguration":{"role":"r","rules":[{"status":"Enabled"}]}}`)}},
		{name: "a bucket with deprecated inline replication configurations is compliant", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{"replicationConfigurations":[{"role":"r"}]}`)}},
		{name: "a bucket without replication violates", rs: []*engine.Resource{b}, want: "no BucketReplicationConfig refers to this bucket"},
		{name: "an unknown inline replication configuration counts as set", rs: []*engine.Resource{withProp(res(t, typeS3Bucket, "l", `{}`), "replicationConfiguration", engine.Unknown)}},
		{name: "an inline replication configuration of the wrong shape violates", rs: []*engine.Resource{res(t, typeS3Bucket, "l", `{"replicationConfiguration":"on"}`)}, want: "replicationConfiguration is a string"},
		{name: "an empty inline replication list violates", rs: []*engine.Resource{bucketNamed(t, "d", "sce-data", `{"replicationConfigurations":[]}`)}, want: "no BucketReplicationConfig"},
		{name: "a replication configuration naming an unknown bucket makes it undecided", rs: []*engine.Resource{b, unlinked(t, typeS3Replication, "repl", repl)}, want: "unknown until deployment", undecided: true},
	})
}

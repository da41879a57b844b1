package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestRedshiftBackupEnabled(t *testing.T) {
	cluster := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeRedshiftCluster, "c", props)}
	}
	unknown := res(t, typeRedshiftCluster, "c", `{}`)
	unknown.Props["automatedSnapshotRetentionPeriod"] = engine.Unknown
	checkRule(t, "redshift-backup-enabled", []ruleCase{
		{name: "seven days of snapshots are compliant", rs: cluster(`{"automatedSnapshotRetentionPeriod":7}`)},
		{name: "35 days, the maximum, are compliant", rs: cluster(`{"automatedSnapshotRetentionPeriod":35}`)},
		{name: "a missing period (the provider's default of 1) is compliant", rs: cluster(`{}`)},
		{name: "0 days (snapshots off) violates", rs: cluster(`{"automatedSnapshotRetentionPeriod":0}`), want: "automatedSnapshotRetentionPeriod is 0; it must be between 1 and 35"},
		{name: "36 days violates", rs: cluster(`{"automatedSnapshotRetentionPeriod":36}`), want: "is 36"},
		{name: "a period of the wrong shape violates", rs: cluster(`{"automatedSnapshotRetentionPeriod":"week"}`), want: "expected a whole number"},
		{name: "an unknown period is undecided", rs: []*engine.Resource{unknown}, want: "unknown until deployment", undecided: true},
	})
}

func TestRedshiftEncrypted(t *testing.T) {
	cluster := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeRedshiftCluster, "c", props)}
	}
	unknown := res(t, typeRedshiftCluster, "c", `{}`)
	unknown.Props["encrypted"] = engine.Unknown
	checkRule(t, "redshift-encrypted", []ruleCase{
		{name: "an encrypted cluster is compliant", rs: cluster(`{"encrypted":true}`)},
		{name: "an unencrypted cluster violates", rs: cluster(`{"encrypted":false}`), want: "encrypted is false; it must be true"},
		{name: "a cluster without the flag violates", rs: cluster(`{}`), want: "encrypted is not set"},
		{name: "a flag of the wrong shape violates", rs: cluster(`{"encrypted":1}`), want: "expected the boolean true"},
		{name: "an unknown flag is undecided", rs: []*engine.Resource{unknown}, want: "encrypted is unknown until deployment", undecided: true},
	})
}

func TestRedshiftAuditLogging(t *testing.T) {
	cluster := func(props string) *engine.Resource {
		r := res(t, typeRedshiftCluster, "c", props)
		r.ID = "sce-warehouse"
		return r
	}
	logging := func(props string) *engine.Resource { return res(t, typeRedshiftLogging, "log", props) }

	byDependency := cluster(`{}`)
	byDependency.ID = ""
	loggingByDependency := logging(`{"logDestinationType":"s3","bucketName":"sce-audit"}`)
	loggingByDependency.Props["clusterIdentifier"] = engine.Unknown
	loggingByDependency.PropertyDependencies = map[string][]string{"clusterIdentifier": {byDependency.URN}}

	byIdentifierInput := cluster(`{"clusterIdentifier":"warehouse"}`)
	byIdentifierInput.ID = "c-123"

	unknownEnable := cluster(`{"logging":{}}`)
	unknownEnable.Props["logging"].(map[string]any)["enable"] = engine.Unknown

	unknownBucket := logging(`{"clusterIdentifier":"sce-warehouse","logDestinationType":"s3"}`)
	unknownBucket.Props["bucketName"] = engine.Unknown

	unknownType := logging(`{"clusterIdentifier":"sce-warehouse","bucketName":"b"}`)
	unknownType.Props["logDestinationType"] = engine.Unknown

	checkRule(t, "redshift-audit-logging", []ruleCase{
		{name: "inline logging to a bucket is compliant", rs: []*engine.Resource{cluster(`{"logging":{"enable":true,"bucketName":"sce-audit"}}`)}},
		{name: "inline logging to CloudWatch is compliant", rs: []*engine.Resource{cluster(`{"logging":{"enable":true,"logDestinationType":"cloudwatch","logExports":["userlog","useractivitylog"]}}`)}},
		{name: "a Logging resource linked by the cluster's id (offline plan) is compliant", rs: []*engine.Resource{cluster(`{}`),
			logging(`{"clusterIdentifier":"sce-warehouse","logDestinationType":"s3","bucketName":"sce-audit"}`)}},
		{name: "a Logging resource linked by the clusterIdentifier input is compliant", rs: []*engine.Resource{byIdentifierInput,
			logging(`{"clusterIdentifier":"warehouse","logDestinationType":"cloudwatch","logExports":["connectionlog"]}`)}},
		{name: "a Logging resource linked through its dependencies (preview) is compliant", rs: []*engine.Resource{byDependency, loggingByDependency}},
		{name: "an unknown bucket name (preview) counts as set", rs: []*engine.Resource{cluster(`{}`), unknownBucket}},
		{name: "a cluster without logging violates", rs: []*engine.Resource{cluster(`{}`)},
			want: "the cluster has no audit logging: logging.enable is not set and no aws:redshift/logging:Logging resource refers to it"},
		{name: "inline logging turned off violates", rs: []*engine.Resource{cluster(`{"logging":{"enable":false}}`)}, want: "logging.enable is false and no aws:redshift/logging:Logging"},
		{name: "a Logging resource of another cluster does not count", rs: []*engine.Resource{cluster(`{}`),
			logging(`{"clusterIdentifier":"other","bucketName":"sce-audit"}`)}, want: "the cluster has no audit logging"},
		{name: "inline logging to S3 without a bucket violates", rs: []*engine.Resource{cluster(`{"logging":{"enable":true,"logDestinationType":"s3"}}`)},
			want: "logging.bucketName is not set"},
		{name: "a Logging resource to CloudWatch without log types violates", rs: []*engine.Resource{cluster(`{}`),
			logging(`{"clusterIdentifier":"sce-warehouse","logDestinationType":"cloudwatch","logExports":[]}`)}, want: "logExports is empty"},
		{name: "an unsupported destination violates", rs: []*engine.Resource{cluster(`{}`),
			logging(`{"clusterIdentifier":"sce-warehouse","logDestinationType":"kinesis"}`)}, want: `logDestinationType is "kinesis"; it must be s3 or cloudwatch`},
		{name: "a logging block of the wrong shape violates", rs: []*engine.Resource{cluster(`{"logging":["enable"]}`)}, want: "logging is a list"},
		{name: "an enable flag of the wrong shape violates", rs: []*engine.Resource{cluster(`{"logging":{"enable":"yes"}}`)}, want: "logging.enable is a string"},
		{name: "an unknown enable flag is undecided", rs: []*engine.Resource{unknownEnable}, want: "logging.enable is unknown until deployment", undecided: true},
		{name: "an unknown destination type is undecided", rs: []*engine.Resource{cluster(`{}`), unknownType}, want: "logDestinationType is unknown until deployment", undecided: true},
	})
	bad := logging(`{"clusterIdentifier":"sce-warehouse","logDestinationType":"s3"}`)
	fs := findingsOf(t, "redshift-audit-logging", cluster(`{}`), bad)
	if len(fs) != 1 || fs[0].URN != bad.URN {
		t.Errorf("a Logging resource without a bucket is reported on itself: %+v", fs)
	}
}

func TestRedshiftKMS(t *testing.T) {
	cluster := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeRedshiftCluster, "c", props)}
	}
	unknown := res(t, typeRedshiftCluster, "c", `{}`)
	unknown.Props["kmsKeyId"] = engine.Unknown
	checkRule(t, "redshift-kms", []ruleCase{
		{name: "a cluster with the project key is compliant", rs: cluster(`{"encrypted":true,"kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}`)},
		{name: "an unknown key (preview) counts as set", rs: []*engine.Resource{unknown}},
		{name: "a cluster without a key violates", rs: cluster(`{"encrypted":true}`), want: "kmsKeyId is not set"},
		{name: "the AWS managed Redshift key violates", rs: cluster(`{"kmsKeyId":"alias/aws/redshift"}`), want: "an AWS managed key"},
		{name: "a key of the wrong shape violates", rs: cluster(`{"kmsKeyId":{"id":"k"}}`), want: "kmsKeyId is an object"},
	})
}

func TestRedshiftMaintenanceSettings(t *testing.T) {
	cluster := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeRedshiftCluster, "c", props)}
	}
	unknown := res(t, typeRedshiftCluster, "c", `{"preferredMaintenanceWindow":"sun:03:00-sun:03:30"}`)
	unknown.Props["allowVersionUpgrade"] = engine.Unknown
	checkRule(t, "redshift-maintenance-settings", []ruleCase{
		{name: "explicit settings are compliant", rs: cluster(`{"allowVersionUpgrade":true,"preferredMaintenanceWindow":"sun:03:00-sun:03:30","automatedSnapshotRetentionPeriod":7}`)},
		{name: "defaults for upgrades and retention with a window are compliant", rs: cluster(`{"preferredMaintenanceWindow":"sun:03:00-sun:03:30"}`)},
		{name: "a missing window violates", rs: cluster(`{"allowVersionUpgrade":true}`), want: "preferredMaintenanceWindow is not set"},
		{name: "version upgrades turned off violate", rs: cluster(`{"allowVersionUpgrade":false,"preferredMaintenanceWindow":"sun:03:00-sun:03:30"}`),
			want: "allowVersionUpgrade is false; it must be true"},
		{name: "a retention of 0 violates", rs: cluster(`{"preferredMaintenanceWindow":"sun:03:00-sun:03:30","automatedSnapshotRetentionPeriod":0}`),
			want: "automatedSnapshotRetentionPeriod is 0, which turns automated snapshots off"},
		{name: "a window of the wrong shape violates", rs: cluster(`{"preferredMaintenanceWindow":3}`), want: "preferredMaintenanceWindow is a number"},
		{name: "a retention of the wrong shape violates", rs: cluster(`{"preferredMaintenanceWindow":"sun:03:00-sun:03:30","automatedSnapshotRetentionPeriod":[1]}`),
			want: "automatedSnapshotRetentionPeriod is a list"},
		{name: "an unknown upgrade flag is undecided", rs: []*engine.Resource{unknown}, want: "allowVersionUpgrade is unknown until deployment", undecided: true},
	})
}

func TestRedshiftNotPublic(t *testing.T) {
	cluster := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeRedshiftCluster, "c", props)}
	}
	unknown := res(t, typeRedshiftCluster, "c", `{}`)
	unknown.Props["publiclyAccessible"] = engine.Unknown
	checkRule(t, "redshift-not-public", []ruleCase{
		{name: "a cluster that is explicitly private is compliant", rs: cluster(`{"publiclyAccessible":false}`)},
		{name: "a public cluster violates", rs: cluster(`{"publiclyAccessible":true}`), want: "publiclyAccessible is true; it must be false"},
		{name: "a cluster without the flag violates", rs: cluster(`{}`), want: "publiclyAccessible is not set; set it to false explicitly"},
		{name: "a flag of the wrong shape violates", rs: cluster(`{"publiclyAccessible":"no"}`), want: "expected the boolean false"},
		{name: "an unknown flag is undecided", rs: []*engine.Resource{unknown}, want: "publiclyAccessible is unknown until deployment", undecided: true},
	})
}

func TestRedshiftEnhancedVPCRouting(t *testing.T) {
	cluster := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeRedshiftCluster, "c", props)}
	}
	unknown := res(t, typeRedshiftCluster, "c", `{}`)
	unknown.Props["enhancedVpcRouting"] = engine.Unknown
	checkRule(t, "redshift-enhanced-vpc-routing", []ruleCase{
		{name: "enhanced VPC routing on is compliant", rs: cluster(`{"enhancedVpcRouting":true}`)},
		{name: "enhanced VPC routing off violates", rs: cluster(`{"enhancedVpcRouting":false}`), want: "enhancedVpcRouting is false; it must be true"},
		{name: "a cluster without the flag violates", rs: cluster(`{}`), want: "enhancedVpcRouting is not set"},
		{name: "a flag of the wrong shape violates", rs: cluster(`{"enhancedVpcRouting":[true]}`), want: "enhancedVpcRouting is a list"},
		{name: "an unknown flag is undecided", rs: []*engine.Resource{unknown}, want: "enhancedVpcRouting is unknown until deployment", undecided: true},
	})
}

func TestRedshiftNotInDedicatedVPC(t *testing.T) {
	checkRule(t, "redshift-not-in-dedicated-vpc", []ruleCase{
		{name: "Redshift in a default-tenancy VPC is compliant", rs: tenancyStack(t, "default", redshiftIn(t)...)},
		{name: "Redshift in a dedicated VPC violates", rs: tenancyStack(t, "dedicated", redshiftIn(t)...), want: "Redshift refuses to launch into a dedicated-tenancy VPC"},
		{name: "a dedicated VPC without Redshift is compliant", rs: tenancyStack(t, "dedicated")},
	})
}

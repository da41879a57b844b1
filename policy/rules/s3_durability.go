package rules

import (
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The S3 durability rules: what keeps a bucket's objects from being lost or overwritten. Object lock,
// versioning, lifecycle rules for noncurrent versions and replication to another bucket.

// s3DurabilityRules returns the rules on keeping a bucket's objects: object lock, versioning, noncurrent
// version lifecycle and replication.
func s3DurabilityRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "s3-object-lock-enabled",
			Description: "Every S3 bucket has object lock: objectLockEnabled on the bucket or an object lock configuration resource.",
			Level:       engine.Advisory,
			HIPAA:       []string{hipaaIntegrity, "164.312(c)(2)"},
			Sources:     engine.Sources{Config: "s3-bucket-default-lock-enabled", Checklist: []int{47}},
			Types:       s3Types(typeS3ObjectLock),
			CheckStack:  checkS3ObjectLock,
		},
		{
			ID:          "s3-versioning-enabled",
			Description: "Every S3 bucket has versioning with status Enabled.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaContingency, hipaaBackup, "164.308(a)(7)(ii)(B)", hipaaIntegrity, "164.312(c)(2)"},
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-S3BucketVersioningEnabled", Config: "s3-bucket-versioning-enabled", Checklist: []int{56}},
			Types:       s3Types(typeS3Versioning),
			CheckStack:  checkS3Versioning,
		},
		{
			ID:          "s3-noncurrent-version-lifecycle",
			Description: "Every versioned S3 bucket has an Enabled lifecycle rule that expires or transitions noncurrent versions.",
			Level:       engine.Advisory,
			HIPAA:       []string{hipaaContingency, hipaaBackupStorage},
			Sources:     engine.Sources{Config: "s3-version-lifecycle-policy-check", Checklist: []int{59}},
			Types:       s3Types(typeS3Versioning, typeS3Lifecycle),
			CheckStack:  checkS3NoncurrentLifecycle,
		},
		{
			ID:          "s3-replication-enabled",
			Description: "Every S3 bucket has a replication configuration.",
			Level:       engine.Advisory,
			HIPAA:       hipaaRecovery(),
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-S3BucketReplicationEnabled", Config: "s3-bucket-replication-enabled", Checklist: []int{53}},
			Types:       s3Types(typeS3Replication),
			CheckStack:  checkS3Replication,
		},
	}
}

// checkS3ObjectLock requires object lock through an object lock configuration resource, else the bucket's
// own objectLockEnabled flag or inline objectLockConfiguration.
func checkS3ObjectLock(s *engine.Stack) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3ObjectLock)
		if len(cfgs) > 0 {
			return s3EachConfig(cfgs, func(c *engine.Resource) []engine.Finding {
				return engine.StringAt(c.Props, "objectLockEnabled", "objectLockEnabled", true, "Enabled")
			})
		}
		// The bucket's own flag (BucketV2) or its inline configuration (legacy Bucket, deprecated on BucketV2).
		var problems []engine.Finding
		if _, ok := b.Get("objectLockEnabled"); ok {
			fs := engine.BoolAt(b.Props, "objectLockEnabled", "objectLockEnabled", true, false)
			if len(fs) == 0 {
				return nil
			}
			problems = append(problems, fs...)
		}
		if _, ok := b.Get("objectLockConfiguration"); ok {
			fs := engine.StringAt(b.Props, "objectLockConfiguration.objectLockEnabled", "objectLockConfiguration.objectLockEnabled", false, "Enabled")
			if len(fs) == 0 {
				return nil
			}
			problems = append(problems, fs...)
		}
		return s3Unconfigured(b, typeS3ObjectLock, unresolved, problems, "objectLockEnabled is not set either; object lock must be enabled")
	})
}

// s3VersioningOf judges whether a bucket's versioning is enabled: through its versioning resources, else
// inline (Bucket's versioning.enabled, BucketV2's deprecated versionings[*].enabled). No findings means
// enabled; findings that are all undecided mean unknown until deployment.
func s3VersioningOf(s *engine.Stack, b *engine.Resource) []engine.Finding {
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Versioning)
	if len(cfgs) > 0 {
		return s3EachConfig(cfgs, func(c *engine.Resource) []engine.Finding {
			return engine.StringAt(c.Props, "versioningConfiguration.status", "versioningConfiguration.status", false, "Enabled")
		})
	}
	problems, ok := s3InlineBlocks(b, []string{"versioning", "versionings"}, func(blk s3Block) []engine.Finding {
		return engine.BoolAt(blk.m, "enabled", blk.path+".enabled", true, false)
	})
	if ok {
		return nil
	}
	return engine.WithURN(b.URN, s3Unconfigured(b, typeS3Versioning, unresolved, problems, "versioningConfiguration.status must be Enabled"))
}

// checkS3Versioning requires every bucket's versioning to be enabled.
func checkS3Versioning(s *engine.Stack) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding { return s3VersioningOf(s, b) })
}

// checkS3NoncurrentLifecycle requires a noncurrent-version lifecycle rule of versioned buckets; while
// versioning is unknown, a missing rule is undecided.
func checkS3NoncurrentLifecycle(s *engine.Stack) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		versioning := s3VersioningOf(s, b)
		if len(versioning) > 0 && !s3AllUndecided(versioning) {
			return nil // not versioned: nothing to judge
		}
		out := s3NoncurrentLifecycleOf(s, b)
		if len(out) > 0 && len(versioning) > 0 {
			return []engine.Finding{{URN: b.URN, Undecided: true, Message: "versioning is unknown until deployment and the bucket has no lifecycle rule " +
				"for noncurrent versions, so the rule cannot judge it: " + s3JoinMessages(out)}}
		}
		return out
	})
}

// s3JoinMessages joins finding messages.
func s3JoinMessages(fs []engine.Finding) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		parts = append(parts, f.Message)
	}
	return strings.Join(parts, "; ")
}

// s3NoncurrentLifecycleOf requires an Enabled lifecycle rule with a noncurrent-version expiration or
// transition: in the bucket's lifecycle configuration resources, else in its inline lifecycleRules.
func s3NoncurrentLifecycleOf(s *engine.Stack, b *engine.Resource) []engine.Finding {
	const want = "a versioned bucket needs an Enabled rule with noncurrentVersionExpiration or noncurrentVersionTransitions"
	// judge returns nil when a rule qualifies, else what it lacks.
	judge := func(urn string, rules []s3Block, statusKey string, enabled func(v any) (bool, bool), expirationKeys ...string) []engine.Finding {
		var out []engine.Finding
		for _, r := range rules {
			v, ok := engine.Lookup(r.m, statusKey)
			if ok && engine.IsUnknown(v) {
				out = append(out, engine.Finding{URN: urn, Undecided: true, Message: r.path + "." + statusKey + " is unknown until deployment, so the rule cannot judge it"})
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
		return []engine.Finding{{URN: urn, Message: "no Enabled lifecycle rule expires or transitions noncurrent versions; " + want}}
	}
	status := func(v any) (bool, bool) {
		str, ok := v.(string)
		return strings.EqualFold(str, "Enabled"), ok
	}
	cfgs, unresolved := s3ConfigsOf(s, b, typeS3Lifecycle)
	if len(cfgs) > 0 {
		var out []engine.Finding
		for _, c := range cfgs {
			rules, fs := s3BlocksAt(c.Props, "rules", "rules")
			if len(fs) > 0 {
				out = append(out, engine.WithURN(c.URN, fs)...)
				continue
			}
			out = append(out, judge(c.URN, rules, "status", status, "noncurrentVersionExpiration")...)
		}
		return out
	}
	rules, fs := s3BlocksAt(b.Props, "lifecycleRules", "lifecycleRules")
	if len(fs) > 0 {
		return engine.WithURN(b.URN, fs)
	}
	if len(rules) > 0 {
		out := judge(b.URN, rules, "enabled", engine.AsBool, "noncurrentVersionExpiration", "noncurrentVersionExpirations")
		if len(out) == 0 || !unresolved {
			return out
		}
	}
	return s3Absent(b, typeS3Lifecycle, unresolved, want)
}

// checkS3Replication requires a replication configuration resource or an inline replication configuration;
// an inline one that is unknown until deployment counts as set.
func checkS3Replication(s *engine.Stack) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3Replication)
		if len(cfgs) > 0 {
			return nil
		}
		var problems []engine.Finding
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

package rules

import "github.com/sce-project/sce/policy/engine"

// The S3 logging rules: every bucket records who accessed it (server access logging) and announces changes
// to its objects (event notifications).

// s3LoggingRules returns the rules on what a bucket records and announces: server access logs and event
// notifications.
func s3LoggingRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "s3-server-access-logging",
			Description: "Every S3 bucket has server access logging to a target bucket. The bucket that receives the access logs is judged too; " +
				"where it logs nowhere, that is a declared exemption.",
			Level:      engine.Mandatory,
			HIPAA:      []string{"164.308(a)(3)(ii)(A)", hipaaAuditControls},
			Sources:    engine.Sources{CdkNag: "HIPAA.Security-S3BucketLoggingEnabled", Config: "s3-bucket-logging-enabled", AWSGuard: "s3-bucket-logging-enabled", Checklist: []int{49}},
			Types:      s3Types(typeS3Logging),
			CheckStack: checkS3Logging,
		},
		{
			ID:          "s3-event-notifications",
			Description: "Every S3 bucket has an event notification configuration with at least one destination.",
			Level:       engine.Advisory,
			HIPAA:       []string{hipaaActivityReview, hipaaAuditControls},
			Sources:     engine.Sources{Config: "s3-event-notifications-enabled", Checklist: []int{58}},
			Types:       s3Types(typeS3Notification),
			CheckStack:  checkS3Notifications,
		},
	}
}

// checkS3Logging requires server access logging to a target bucket, through a logging resource or the
// bucket's inline logging; a bucket that receives others' logs is told that logging nowhere needs an exemption.
func checkS3Logging(s *engine.Stack) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typeS3Logging)
		if len(cfgs) > 0 {
			return s3EachConfig(cfgs, func(c *engine.Resource) []engine.Finding {
				return engine.SetAt(c.Props, "targetBucket", "targetBucket", "access logs need a target bucket")
			})
		}
		problems, ok := s3InlineBlocks(b, []string{"loggings", "logging"}, func(blk s3Block) []engine.Finding {
			return engine.SetAt(blk.m, "targetBucket", blk.path+".targetBucket", "access logs need a target bucket")
		})
		if ok {
			return nil
		}
		want := "server access logging must deliver to a target bucket"
		if s3IsLogTarget(s, b) {
			want += " (this bucket receives other buckets' access logs; if it is to log nowhere, that needs a declared exemption)"
		}
		return s3Unconfigured(b, typeS3Logging, unresolved, problems, want)
	})
}

// s3IsLogTarget reports whether a bucket is the target of another bucket's access logging.
func s3IsLogTarget(s *engine.Stack, b *engine.Resource) bool {
	if len(s.ReferringTo(b, "targetBucket", typeS3Logging)) > 0 {
		return true
	}
	for _, other := range s.OfType(s3BucketTypes()...) {
		for _, key := range []string{"loggings", "logging"} {
			blocks, _ := s3BlocksAt(other.Props, key, key)
			for _, blk := range blocks {
				if t := engine.StringAtOr(blk.m, "targetBucket"); other != b && b.IdentifiedBy(t) {
					return true
				}
			}
		}
	}
	return false
}

// checkS3Notifications requires a bucket notification with a destination: a topic, queue or function, or
// EventBridge.
func checkS3Notifications(s *engine.Stack) []engine.Finding {
	return s3RequireConfig(s, typeS3Notification, "event notifications must go to a topic, queue, function or EventBridge",
		func(c *engine.Resource) []engine.Finding {
			if s3Present(c.Props, "topics") || s3Present(c.Props, "queues") || s3Present(c.Props, "lambdaFunctions") {
				return nil
			}
			fs := engine.BoolAt(c.Props, "eventbridge", "eventbridge", true, false)
			if len(fs) > 0 && !s3AllUndecided(fs) {
				fs = engine.Fail("no destination: topics, queues and lambdaFunctions are empty and eventbridge is not true; event notifications need a destination")
			}
			return fs
		})
}

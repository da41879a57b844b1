package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The S3 rules are kept one file per concern, as cdk-nag keeps its rules per service: access (s3_access.go),
// encryption (s3_encryption.go), durability (s3_durability.go), logging and events (s3_logging.go), uploads
// (s3_uploads.go), the data path from outside the VPC (s3_datapath.go) and malware scanning (s3_malware.go).
// This file holds what they share: the resource types, and how a bucket's separate configuration resources
// and inline settings are found and reported on.

// S3 resource type tokens. pulumi-aws v6 splits a bucket into the bucket itself and configuration resources
// that name it through their bucket input; the legacy Bucket (and, deprecated, BucketV2) can also carry the
// settings inline.
const (
	typeS3Bucket            = "aws:s3/bucket:Bucket"
	typeS3BucketV2          = "aws:s3/bucketV2:BucketV2"
	typeS3Versioning        = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeS3Encryption        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeS3PublicAccessBlock = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeS3Logging           = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typeS3Policy            = "aws:s3/bucketPolicy:BucketPolicy"
	typeS3OwnershipControls = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeS3Lifecycle         = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeS3Notification      = "aws:s3/bucketNotification:BucketNotification"
	typeS3ObjectLock        = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	typeS3Replication       = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	typeS3ACL               = "aws:s3/bucketAclV2:BucketAclV2"
)

// s3BucketTypes are the bucket resources.
func s3BucketTypes() []string { return []string{typeS3BucketV2, typeS3Bucket} }

// s3Types lists the bucket types followed by configuration types.
func s3Types(configs ...string) []string { return append(s3BucketTypes(), configs...) }

// s3ConfigsOf returns the configuration resources of a type that belong to a bucket through their bucket
// input (property dependencies in preview, the bucket's name or id in the offline plan). unresolved reports,
// when none belongs to it, that a resource of that type names a bucket not known until deployment: it may be
// this bucket's.
func s3ConfigsOf(s *engine.Stack, bucket *engine.Resource, typ string) (configs []*engine.Resource, unresolved bool) {
	if configs = s.ReferringTo(bucket, "bucket", typ); len(configs) > 0 {
		return configs, false
	}
	for _, c := range s.OfType(typ) {
		if v, ok := c.Get("bucket"); ok && engine.IsUnknown(v) && len(s.Refs(c, "bucket", s3BucketTypes()...)) == 0 {
			return nil, true
		}
	}
	return nil, false
}

// s3EachBucket judges every bucket; findings without a URN are the bucket's.
func s3EachBucket(s *engine.Stack, judge func(b *engine.Resource) []engine.Finding) []engine.Finding {
	var out []engine.Finding
	for _, b := range s.OfType(s3BucketTypes()...) {
		out = append(out, engine.WithURN(b.URN, judge(b))...)
	}
	return out
}

// s3Short is the resource name of a type token ("BucketVersioningV2").
func s3Short(typ string) string { return typ[strings.LastIndex(typ, ":")+1:] }

// s3Absent reports that a bucket has no configuration resource of a type; want says what is required. It is
// undecided when a resource of that type names a bucket not known until deployment.
func s3Absent(b *engine.Resource, typ string, unresolved bool, want string) []engine.Finding {
	if unresolved {
		return []engine.Finding{{URN: b.URN, Undecided: true, Message: fmt.Sprintf(
			"no %s is linked to this bucket and one names a bucket unknown until deployment, so the rule cannot judge it", s3Short(typ))}}
	}
	return []engine.Finding{{URN: b.URN, Message: fmt.Sprintf("no %s refers to this bucket; %s", s3Short(typ), want)}}
}

// s3EachConfig judges each of a bucket's configuration resources; findings without a URN are the resource's.
func s3EachConfig(cfgs []*engine.Resource, judge func(c *engine.Resource) []engine.Finding) []engine.Finding {
	var out []engine.Finding
	for _, c := range cfgs {
		out = append(out, engine.WithURN(c.URN, judge(c))...)
	}
	return out
}

// s3RequireConfig judges every bucket by its configuration resources of a type, each with judge, for rules
// that accept no inline setting: a bucket with none is reported absent (s3Absent), want saying what is
// required.
func s3RequireConfig(s *engine.Stack, typ, want string, judge func(c *engine.Resource) []engine.Finding) []engine.Finding {
	return s3EachBucket(s, func(b *engine.Resource) []engine.Finding {
		cfgs, unresolved := s3ConfigsOf(s, b, typ)
		if len(cfgs) == 0 {
			return s3Absent(b, typ, unresolved, want)
		}
		return s3EachConfig(cfgs, judge)
	})
}

// s3InlineBlocks judges a bucket's inline settings: the blocks under each of keys, in order, with judge. ok
// is true as soon as one block passes; otherwise problems holds the shape problems and what each block lacks.
func s3InlineBlocks(b *engine.Resource, keys []string, judge func(blk s3Block) []engine.Finding) (problems []engine.Finding, ok bool) {
	for _, key := range keys {
		blocks, fs := s3BlocksAt(b.Props, key, key)
		problems = append(problems, fs...)
		for _, blk := range blocks {
			fs := judge(blk)
			if len(fs) == 0 {
				return nil, true
			}
			problems = append(problems, fs...)
		}
	}
	return problems, false
}

// s3Unconfigured judges a bucket that has no configuration resource of a type and whose inline settings did
// not pass, by their problems: undecided when a resource of the type names a bucket unknown until deployment
// (unless the problems are all undecided already), the problems when there are some, else that the
// configuration is absent, with want saying what is required.
func s3Unconfigured(b *engine.Resource, typ string, unresolved bool, problems []engine.Finding, want string) []engine.Finding {
	switch {
	case unresolved && !s3AllUndecided(problems):
		return s3Absent(b, typ, true, "")
	case len(problems) > 0:
		return problems
	}
	return s3Absent(b, typ, false, want)
}

// s3Block is one object of a nested block, with its display path.
type s3Block struct {
	path string
	m    map[string]any
}

// s3BlocksAt returns the objects at path below node (a single object or a list of objects), each named by
// its path for messages. Shape problems come back as findings; an absent path has no blocks.
func s3BlocksAt(node any, path, display string) ([]s3Block, []engine.Finding) {
	v, ok := engine.Lookup(node, path)
	if !ok {
		return nil, nil
	}
	switch x := v.(type) {
	case map[string]any:
		return []s3Block{{display, x}}, nil
	case []any:
		var out []s3Block
		var fs []engine.Finding
		for i, e := range x {
			p := fmt.Sprintf("%s[%d]", display, i)
			switch m := e.(type) {
			case map[string]any:
				out = append(out, s3Block{p, m})
			default:
				if engine.IsUnknown(e) {
					fs = append(fs, engine.Undecided(p)...)
				} else {
					fs = append(fs, engine.Fail("%s is %s; expected an object", p, engine.Kind(e))...)
				}
			}
		}
		return out, fs
	}
	if engine.IsUnknown(v) {
		return nil, engine.Undecided(display)
	}
	return nil, engine.Fail("%s is %s (%s); expected an object or a list of objects", display, engine.Kind(v), engine.Describe(v))
}

// s3Present reports whether a value is set: non-empty, or unknown (it will hold a value).
func s3Present(node any, path string) bool {
	v, ok := engine.Lookup(node, path)
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
func s3AllUndecided(fs []engine.Finding) bool {
	for _, f := range fs {
		if !f.Undecided {
			return false
		}
	}
	return len(fs) > 0
}

// s3BucketName returns a bucket's name when known: its bucket output or input, else its id.
func s3BucketName(b *engine.Resource) string {
	if n := engine.StringAtOr(b.Outputs, "bucket"); n != "" {
		return n
	}
	if n := engine.StringAtOr(b.Props, "bucket"); n != "" {
		return n
	}
	return b.ID
}

// s3HoldsPHI reports whether a bucket is tagged DataClassification PHI, by its own tags or its provider's
// default tags; unknown when its tag is not known until deployment.
func s3HoldsPHI(b *engine.Resource) (phi, unknown bool) {
	for _, src := range []struct {
		node any
		path string
	}{{b.Props, "tags.DataClassification"}, {b.Provider, "defaultTags.tags.DataClassification"}} {
		v, ok := engine.Lookup(src.node, src.path)
		if !ok {
			continue
		}
		if engine.IsUnknown(v) {
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

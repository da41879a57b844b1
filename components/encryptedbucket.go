package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BucketEncryption is a bucket's default encryption.
type BucketEncryption string

// Default encryptions. SSE-KMS with the project key is the default; SSE-S3 is only for the log bucket of
// services that cannot write into an SSE-KMS bucket (S3 server access logs, Redshift audit logs, ELB).
const (
	EncryptionKMS BucketEncryption = "aws:kms"
	EncryptionS3  BucketEncryption = "AES256"
)

// Object lock modes.
const (
	ObjectLockGovernance = "GOVERNANCE"
	ObjectLockCompliance = "COMPLIANCE"
)

// Tag keys set on buckets.
const (
	// TagDataClassification marks where PHI may rest; the policy pack's PHI rules key on it.
	TagDataClassification = "DataClassification"
	// DataClassificationPHI is the value of TagDataClassification on PHI buckets.
	DataClassificationPHI = "PHI"
	// TagPurpose names a bucket's purpose.
	TagPurpose = "Purpose"
)

// Retention periods, in days.
const (
	// SixYearsDays is HIPAA's documentation retention period, 45 CFR 164.316(b)(2)(i).
	SixYearsDays = 2192
	// DefaultNoncurrentVersionDays keeps overwritten and deleted versions of data this long.
	DefaultNoncurrentVersionDays = 90
	// abortIncompleteUploadDays removes the parts of abandoned multipart uploads.
	abortIncompleteUploadDays = 7
)

// Archive moves objects to Glacier Deep Archive after AfterDays and deletes them after ExpireDays.
type Archive struct {
	AfterDays  int
	ExpireDays int
}

// ObjectLock configures a default retention for new objects.
type ObjectLock struct {
	// Mode is ObjectLockGovernance or ObjectLockCompliance.
	Mode string
	// Days is the default retention period.
	Days int
}

// EncryptedBucketArgs configures an EncryptedBucket.
type EncryptedBucketArgs struct {
	// PIT and Purpose name the bucket "<PIT>-<Purpose>-<8 hex digits>". Required; Purpose is lower-case
	// letters, digits and hyphens.
	PIT, Purpose string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// Encryption is the default encryption. Default: EncryptionKMS.
	Encryption BucketEncryption
	// KMSKeyARN is the project key. Required with EncryptionKMS.
	KMSKeyARN pulumi.StringInput
	// PHI tags the bucket DataClassification=PHI and denies uploads that do not request SSE-KMS with the
	// project key. Requires EncryptionKMS. Default: false.
	PHI bool
	// PHIRecords marks a bucket that holds records about PHI rather than PHI itself: S3 server access logs
	// name every object key of the PHI buckets, and a key can name a person. It is tagged
	// DataClassification=PHI and its objects are readable by AdminRoleARNs only; its encryption is left as
	// set (server access logs can be delivered only into SSE-S3). Default: false.
	PHIRecords bool
	// AccessLogBucket is the name of the bucket that receives this bucket's server access logs. Empty only
	// for the access-log bucket itself.
	AccessLogBucket pulumi.StringInput
	// VPCEndpointID restricts object access to requests through that endpoint. Default: none.
	VPCEndpointID pulumi.StringInput
	// AdminRoleARNs are excepted from the VPC-endpoint restriction. Default: none.
	AdminRoleARNs []string
	// ServiceRoleARNs are the project's roles that work outside the VPC, excepted from the VPC-endpoint
	// restriction only. Default: none.
	ServiceRoleARNs []string
	// UploaderARNs may only write into the bucket. Default: none.
	UploaderARNs []string
	// QuarantinePrefix holds objects whose keys looked like PHI, readable by AdminRoleARNs only. Default: none.
	QuarantinePrefix string
	// ScannerRoleARN is the role of the bucket's malware protection plan: objects are readable only once
	// it has tagged them clean (BucketPolicyArgs.ScannerRoleARN). It must be among ServiceRoleARNs.
	// Default: none, no scan gate.
	ScannerRoleARN string
	// Deliveries are the AWS services that deliver logs into the bucket. Default: none.
	Deliveries []Delivery
	// NoDataRoleARNs may read or write no object of the bucket, except under NoDataExceptPrefix when that
	// is set (BucketPolicyArgs). Default: none.
	NoDataRoleARNs     []string
	NoDataExceptPrefix string
	// NoncurrentVersionDays is how long overwritten and deleted versions are kept. Default: 90.
	NoncurrentVersionDays int
	// Archive, if set, moves current objects to Glacier Deep Archive and expires them.
	Archive *Archive
	// ObjectLock, if set, enables object lock with a default retention. It cannot be added later.
	ObjectLock *ObjectLock
	// Airlock, when set, adds the airlock's statements (bucketpolicy_airlock.go): released/ written by the
	// release role only, and nothing else readable from outside the endpoint. Default: none.
	Airlock *AirlockBucketArgs
	// Retain keeps the bucket and its objects when the stack is destroyed. Protect also makes `pulumi
	// destroy` refuse to delete it. Default: false.
	Retain, Protect bool
}

// AirlockBucketArgs are the airlock's inputs of a bucket: the release function's role, and the S3 endpoint
// whose reads are the workstation's (given whether or not sce:restrictToVpcEndpoint restricts the
// bucket as a whole).
type AirlockBucketArgs struct {
	ReleaseRoleARN string
	EndpointID     pulumi.StringInput
}

// EncryptedBucket is one S3 bucket with everything that makes it safe: a DNS-valid unique name, default
// encryption, a policy that denies requests without TLS (and, for PHI, uploads without SSE-KMS), Block
// Public Access, BucketOwnerEnforced ownership, versioning with a lifecycle for old versions, and server
// access logging.
type EncryptedBucket struct {
	pulumi.ResourceState

	// Bucket is the bucket.
	Bucket *s3.BucketV2
	// Policy is the bucket policy.
	Policy *s3.BucketPolicy
	// Name and ARN are the bucket's name and ARN.
	Name, ARN pulumi.StringOutput
}

// check refuses arguments that lack a required value or combine encryption, PHI and object lock wrongly.
func (a *EncryptedBucketArgs) check() error {
	switch {
	case a.PIT == "" || a.Purpose == "":
		return fmt.Errorf("PIT and purpose are required")
	case a.ARNs.AccountID == "" || a.ARNs.Partition == "" || a.ARNs.Region == "":
		return fmt.Errorf("partition, region and account id are required")
	case a.Encryption != EncryptionKMS && a.Encryption != EncryptionS3:
		return fmt.Errorf("encryption %q is neither %s nor %s", a.Encryption, EncryptionKMS, EncryptionS3)
	case a.Encryption == EncryptionKMS && a.KMSKeyARN == nil:
		return fmt.Errorf("SSE-KMS needs the project key")
	case a.PHI && a.Encryption != EncryptionKMS:
		return fmt.Errorf("a PHI bucket must use SSE-KMS with the project key")
	case a.ObjectLock != nil && a.ObjectLock.Mode != ObjectLockGovernance && a.ObjectLock.Mode != ObjectLockCompliance:
		return fmt.Errorf("object lock mode %q is neither %s nor %s", a.ObjectLock.Mode, ObjectLockGovernance, ObjectLockCompliance)
	case a.ObjectLock != nil && a.ObjectLock.Days <= 0:
		return fmt.Errorf("object lock needs a retention of at least one day")
	}
	for _, d := range a.Deliveries {
		if d.Service.NeedsSSES3() && a.Encryption != EncryptionS3 {
			return fmt.Errorf("%s can only deliver into an SSE-S3 bucket", d.Service)
		}
	}
	if len(a.PIT)+len(a.Purpose)+10 > 63 {
		return fmt.Errorf("bucket name %s-%s-xxxxxxxx would exceed 63 characters", a.PIT, a.Purpose)
	}
	return nil
}

// NewEncryptedBucket creates the bucket and its configuration resources.
func NewEncryptedBucket(ctx *pulumi.Context, name string, args *EncryptedBucketArgs, opts ...pulumi.ResourceOption) (*EncryptedBucket, error) {
	if args == nil {
		return nil, fmt.Errorf("encrypted bucket %s: args are required", name)
	}
	a := *args
	setDefault(&a.Encryption, EncryptionKMS)
	setDefault(&a.NoncurrentVersionDays, DefaultNoncurrentVersionDays)
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("encrypted bucket %s: %w", name, err)
	}
	b := &EncryptedBucket{}
	child, parent, err := registerComponent(ctx, "sce:storage:EncryptedBucket", "encrypted bucket", name, b, opts...)
	if err != nil {
		return nil, err
	}
	keep := []pulumi.ResourceOption{parent, pulumi.RetainOnDelete(a.Retain), pulumi.Protect(a.Protect)}

	suffix, err := random.NewRandomId(ctx, child("suffix"), &random.RandomIdArgs{ByteLength: pulumi.Int(4)}, parent)
	if err != nil {
		return nil, fmt.Errorf("create bucket name suffix: %w", err)
	}
	tags := pulumi.StringMap{TagPurpose: pulumi.String(a.Purpose)}
	if a.PHI || a.PHIRecords {
		tags[TagDataClassification] = pulumi.String(DataClassificationPHI)
	}
	b.Bucket, err = s3.NewBucketV2(ctx, child("bucket"), &s3.BucketV2Args{
		Bucket:            pulumi.Sprintf("%s-%s-%s", a.PIT, a.Purpose, suffix.Hex),
		ObjectLockEnabled: pulumi.Bool(a.ObjectLock != nil),
		ForceDestroy:      pulumi.Bool(false),
		Tags:              tags,
	}, keep...)
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", name, err)
	}
	b.Name = b.Bucket.Bucket
	b.ARN = b.Bucket.Arn

	// Configuration resources are retained with the bucket: deleting them would leave a kept bucket
	// unencrypted by default, public-accessible or unversioned.
	cfg := []pulumi.ResourceOption{parent, pulumi.RetainOnDelete(a.Retain)}
	access, err := s3.NewBucketPublicAccessBlock(ctx, child("public-access-block"), &s3.BucketPublicAccessBlockArgs{
		Bucket:                b.Bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, cfg...)
	if err != nil {
		return nil, fmt.Errorf("block public access on %s: %w", name, err)
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, child("ownership"), &s3.BucketOwnershipControlsArgs{
		Bucket: b.Bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, cfg...); err != nil {
		return nil, fmt.Errorf("enforce bucket ownership on %s: %w", name, err)
	}
	if err := b.encryption(ctx, child, a, cfg); err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, child("versioning"), &s3.BucketVersioningV2Args{
		Bucket:                  b.Bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, cfg...)
	if err != nil {
		return nil, fmt.Errorf("enable versioning on %s: %w", name, err)
	}
	if err := b.lifecycle(ctx, child, a, versioning, cfg); err != nil {
		return nil, err
	}
	if a.AccessLogBucket != nil {
		if _, err := s3.NewBucketLoggingV2(ctx, child("access-logging"), &s3.BucketLoggingV2Args{
			Bucket:       b.Bucket.ID(),
			TargetBucket: a.AccessLogBucket,
			TargetPrefix: pulumi.Sprintf("%s/", a.Purpose),
		}, cfg...); err != nil {
			return nil, fmt.Errorf("enable access logging on %s: %w", name, err)
		}
	}
	if a.ObjectLock != nil {
		if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, child("object-lock"), &s3.BucketObjectLockConfigurationV2Args{
			Bucket: b.Bucket.ID(),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
				Mode: pulumi.String(a.ObjectLock.Mode),
				Days: pulumi.Int(a.ObjectLock.Days),
			}},
		}, append(cfg, pulumi.DependsOn([]pulumi.Resource{versioning}))...); err != nil {
			return nil, fmt.Errorf("configure object lock on %s: %w", name, err)
		}
	}
	if err := b.policy(ctx, child, a, access, cfg); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"name": b.Name, "arn": b.ARN}); err != nil {
		return nil, fmt.Errorf("register encrypted bucket outputs: %w", err)
	}
	return b, nil
}

// encryption sets the bucket's default encryption: SSE-KMS with the project key and a bucket key, or SSE-S3.
func (b *EncryptedBucket) encryption(ctx *pulumi.Context, child func(string) string, a EncryptedBucketArgs, opts []pulumi.ResourceOption) error {
	def := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String(string(a.Encryption)),
	}
	rule := &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{ApplyServerSideEncryptionByDefault: def}
	if a.Encryption == EncryptionKMS {
		def.KmsMasterKeyId = a.KMSKeyARN
		rule.BucketKeyEnabled = pulumi.Bool(true)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, child("encryption"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.Bucket.ID(),
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{rule},
	}, opts...); err != nil {
		return fmt.Errorf("configure default encryption of %s: %w", child("bucket"), err)
	}
	return nil
}

// lifecycle sets the bucket's lifecycle rules: noncurrent versions expire and incomplete uploads are
// aborted; with Archive, objects move to Deep Archive and then expire.
func (b *EncryptedBucket) lifecycle(ctx *pulumi.Context, child func(string) string, a EncryptedBucketArgs, versioning pulumi.Resource, opts []pulumi.ResourceOption) error {
	rules := s3.BucketLifecycleConfigurationV2RuleArray{
		&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("expire-noncurrent-versions"),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(a.NoncurrentVersionDays),
			},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(abortIncompleteUploadDays),
			},
		},
	}
	if a.Archive != nil {
		rules = append(rules, &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("archive-then-expire"),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			Transitions: s3.BucketLifecycleConfigurationV2RuleTransitionArray{&s3.BucketLifecycleConfigurationV2RuleTransitionArgs{
				Days:         pulumi.Int(a.Archive.AfterDays),
				StorageClass: pulumi.String("DEEP_ARCHIVE"),
			}},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(a.Archive.ExpireDays)},
		})
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, child("lifecycle"), &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.Bucket.ID(),
		Rules:  rules,
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{versioning}))...); err != nil {
		return fmt.Errorf("configure lifecycle of %s: %w", child("bucket"), err)
	}
	return nil
}

// policy builds the bucket policy once the bucket's name, the key and the endpoint are known.
func (b *EncryptedBucket) policy(ctx *pulumi.Context, child func(string) string, a EncryptedBucketArgs, access pulumi.Resource, opts []pulumi.ResourceOption) error {
	key := pulumi.StringInput(pulumi.String(""))
	if a.KMSKeyARN != nil {
		key = a.KMSKeyARN
	}
	endpoint := pulumi.StringInput(pulumi.String(""))
	if a.VPCEndpointID != nil {
		endpoint = a.VPCEndpointID
	}
	airlockEndpoint := pulumi.StringInput(pulumi.String(""))
	if a.Airlock != nil && a.Airlock.EndpointID != nil {
		airlockEndpoint = a.Airlock.EndpointID
	}
	doc := pulumi.All(b.Bucket.Bucket, key, endpoint, airlockEndpoint).ApplyT(func(v []any) (string, error) {
		var airlock *AirlockBucket
		if a.Airlock != nil {
			airlock = &AirlockBucket{ReleaseRoleARN: a.Airlock.ReleaseRoleARN, EndpointID: v[3].(string)}
		}
		return BucketPolicy(BucketPolicyArgs{
			ARNs:             a.ARNs,
			Bucket:           v[0].(string),
			PHI:              a.PHI,
			KMSKeyARN:        v[1].(string),
			VPCEndpointID:    v[2].(string),
			AdminRoleARNs:    a.AdminRoleARNs,
			ServiceRoleARNs:  a.ServiceRoleARNs,
			UploaderARNs:     a.UploaderARNs,
			Deliveries:       a.Deliveries,
			QuarantinePrefix: a.QuarantinePrefix,
			ScannerRoleARN:   a.ScannerRoleARN,
			AdminReadsOnly:   a.PHIRecords,
			NoDataRoleARNs:   a.NoDataRoleARNs, NoDataExceptPrefix: a.NoDataExceptPrefix,
			Airlock: airlock,
		})
	}).(pulumi.StringOutput)
	var err error
	// The policy waits for Block Public Access, which S3 evaluates when a policy is put.
	b.Policy, err = s3.NewBucketPolicy(ctx, child("policy"), &s3.BucketPolicyArgs{
		Bucket: b.Bucket.ID(),
		Policy: doc,
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{access}))...)
	if err != nil {
		return fmt.Errorf("create bucket policy of %s: %w", child("bucket"), err)
	}
	return nil
}

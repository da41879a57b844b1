package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// Bucket purposes: the seed's S3D, S3O, S3L and S3A, plus the SSE-S3 bucket for the services that cannot
// write into an SSE-KMS bucket.
const (
	PurposeDataIn     = "data-in"
	PurposeOutput     = "output"
	PurposeLogs       = "logs"
	PurposeAncillary  = "ancillary"
	PurposeAccessLogs = "access-logs"
)

// Key prefixes in the log bucket.
const (
	PrefixCloudTrail = "cloudtrail"
	PrefixConfig     = "config"
)

// logArchiveAfterDays moves logs to Glacier Deep Archive after three months.
const logArchiveAfterDays = 90

// Buckets are the project's buckets.
type Buckets struct {
	DataIn, Output, Logs, Ancillary, AccessLogs *components.EncryptedBucket
}

// PHI returns the buckets that may hold PHI.
func (b *Buckets) PHI() []*components.EncryptedBucket {
	return []*components.EncryptedBucket{b.DataIn, b.Output, b.Ancillary}
}

// TrailName is the name of the project's CloudTrail trail.
func TrailName(pit string) string { return pit + "-trail" }

// TrailARN is the ARN of the project's trail, known before it exists so that policies can name it.
func TrailARN(arns components.ARNs, pit string) string {
	return fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", arns.Partition, arns.Region, arns.AccountID, TrailName(pit))
}

// buildBuckets creates the project's buckets.
func buildBuckets(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, key *components.ProjectKey,
	endpointID pulumi.StringInput, opts ...pulumi.ResourceOption) (*Buckets, error) {
	pit := cfg.PIT
	logArchive := &components.Archive{AfterDays: logArchiveAfterDays, ExpireDays: components.SixYearsDays}
	b := &Buckets{}
	var err error
	bucket := func(purpose string, args components.EncryptedBucketArgs) (*components.EncryptedBucket, error) {
		args.PIT, args.Purpose, args.ARNs = pit, purpose, arns
		eb, err := components.NewEncryptedBucket(ctx, pit+"-"+purpose, &args, opts...)
		if err != nil {
			return nil, err
		}
		return eb, nil
	}

	// S3 server access logs can only be delivered into an SSE-S3 bucket: this bucket takes them, for every
	// project bucket, and is itself the one bucket that logs nowhere (it would log its own deliveries).
	b.AccessLogs, err = bucket(PurposeAccessLogs, components.EncryptedBucketArgs{
		Encryption: components.EncryptionS3,
		Deliveries: []components.Delivery{{
			Service:    components.DeliveryS3AccessLogs,
			SourceARNs: []string{arns.Bucket(components.ProjectBucketPattern(pit))},
		}},
		Archive: logArchive,
		// The access logs name every object key of the PHI buckets, and a key can name a person: the
		// bucket is classified PHI and only administrators may read it.
		PHIRecords: true, AdminRoleARNs: cfg.AdminRoleARNs,
		Retain: true, Protect: cfg.Protect,
	})
	if err != nil {
		return nil, err
	}
	accessLogs := b.AccessLogs.Name

	deliveries := []components.Delivery{{Service: components.DeliveryCloudTrail, Prefix: PrefixCloudTrail, SourceARNs: []string{TrailARN(arns, pit)}}}
	if cfg.CreatesConfigRecorder() {
		deliveries = append(deliveries, components.Delivery{Service: components.DeliveryConfig, Prefix: PrefixConfig})
	}
	var lock *components.ObjectLock
	if cfg.LogBucketObjectLock {
		lock = &components.ObjectLock{Mode: components.ObjectLockGovernance, Days: components.SixYearsDays}
	}
	b.Logs, err = bucket(PurposeLogs, components.EncryptedBucketArgs{
		KMSKeyARN:       key.ARN,
		AccessLogBucket: accessLogs,
		Deliveries:      deliveries,
		Archive:         logArchive,
		ObjectLock:      lock,
		Retain:          true, Protect: cfg.Protect,
	})
	if err != nil {
		return nil, err
	}

	// The workstation's instance role reads and writes no object: every access from the workstation is a
	// researcher's session (components.ResearcherRoleName), which CloudTrail names.
	noData := []string{workstationRoleARN(arns, pit)}
	var endpoint pulumi.StringInput
	if cfg.RestrictToVPCEndpoint {
		endpoint = endpointID
	}
	b.DataIn, err = bucket(PurposeDataIn, components.EncryptedBucketArgs{
		KMSKeyARN: key.ARN, PHI: true, AccessLogBucket: accessLogs,
		VPCEndpointID: endpoint, AdminRoleARNs: cfg.AdminRoleARNs, UploaderARNs: cfg.UploaderRoleARNs,
		// The ledger and the malware scanner work outside the VPC; the scanner's tags are the gate of every
		// read of the bucket's objects (components/bucketpolicy_scan.go).
		ServiceRoleARNs:  []string{components.LedgerRoleARN(arns, pit), components.ScannerRoleARN(arns, pit)},
		ScannerRoleARN:   components.ScannerRoleARN(arns, pit),
		QuarantinePrefix: components.DefaultQuarantinePrefix, NoDataRoleARNs: noData,
		Retain: true, Protect: cfg.Protect,
	})
	if err != nil {
		return nil, err
	}
	// The airlock: the release function, outside the VPC, reads the outbox and is the only writer of
	// released/, the only prefix readable from outside (components/bucketpolicy_airlock.go).
	release := components.ReleaseRoleARN(arns, pit)
	b.Output, err = bucket(PurposeOutput, components.EncryptedBucketArgs{
		KMSKeyARN: key.ARN, PHI: true, AccessLogBucket: accessLogs,
		VPCEndpointID: endpoint, AdminRoleARNs: cfg.AdminRoleARNs, NoDataRoleARNs: noData,
		ServiceRoleARNs: []string{release},
		Airlock:         &components.AirlockBucketArgs{ReleaseRoleARN: release, EndpointID: endpointID},
		Retain:          true, Protect: cfg.Protect,
	})
	if err != nil {
		return nil, err
	}
	// The ancillary bucket is meant for non-PHI material, but is treated as PHI in case some lands there;
	// it outlives the stack unless the configuration records the data owner's consent to delete it.
	keep := cfg.KeepsAncillary()
	b.Ancillary, err = bucket(PurposeAncillary, components.EncryptedBucketArgs{
		KMSKeyARN: key.ARN, PHI: true, AccessLogBucket: accessLogs,
		NoDataRoleARNs: noData, NoDataExceptPrefix: components.BrokerPrefix,
		Retain: keep, Protect: keep && cfg.Protect,
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

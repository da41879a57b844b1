package components

import "fmt"

// LogService is an AWS service that delivers logs into a log bucket.
type LogService string

// Services that deliver into the project's log buckets, each with the bucket-policy statements its
// documentation requires.
const (
	// DeliveryCloudTrail: trail log files (KMS-encrypted by the trail's own key).
	DeliveryCloudTrail LogService = "cloudtrail"
	// DeliveryConfig: AWS Config configuration history and snapshots.
	DeliveryConfig LogService = "config"
	// DeliveryS3AccessLogs: S3 server access logs. The target bucket must use SSE-S3.
	DeliveryS3AccessLogs LogService = "s3-access-logs"
	// DeliveryRedshift: Redshift audit logs. The bucket must use SSE-S3.
	DeliveryRedshift LogService = "redshift"
	// DeliveryELB: load balancer access logs. The bucket must use SSE-S3.
	DeliveryELB LogService = "elb"
)

// NeedsSSES3 reports whether a service can only deliver into a bucket whose default encryption is SSE-S3.
func (s LogService) NeedsSSES3() bool {
	return s == DeliveryS3AccessLogs || s == DeliveryRedshift || s == DeliveryELB
}

// Delivery is one service's delivery into a log bucket.
type Delivery struct {
	// Service is the delivering service.
	Service LogService
	// Prefix is the key prefix the service writes under (no leading or trailing slash).
	Prefix string
	// SourceARNs limit the delivery to these sources (trail ARNs, source bucket ARN patterns, cluster ARNs).
	// Empty: limited to this account (aws:SourceAccount).
	SourceARNs []string
}

// legacyELBAccounts are the Elastic Load Balancing accounts of the regions that predate its service
// principal; other regions use logdelivery.elasticloadbalancing.amazonaws.com.
var legacyELBAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"eu-west-1": "156460612806", "eu-central-1": "054676820928",
}

// objectActions are the data-plane actions that the VPC-endpoint restriction and the write-only mode cover.
// Bucket configuration (policy, encryption, versioning) is left to IAM, so that the deployment itself can
// never be locked out of the bucket.
var objectReadActions = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectTagging",
	"s3:GetObjectVersionTagging", "s3:GetObjectAcl", "s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"}

var objectWriteActions = []string{"s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion",
	"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:RestoreObject"}

// BucketPolicyArgs describes the policy of one bucket.
type BucketPolicyArgs struct {
	// ARNs gives the partition, region and account.
	ARNs ARNs
	// Bucket is the bucket's name.
	Bucket string
	// PHI buckets deny uploads that do not request SSE-KMS with KMSKeyARN.
	PHI bool
	// KMSKeyARN is the project key, required for PHI buckets.
	KMSKeyARN string
	// VPCEndpointID, when set, denies object access that does not come through that endpoint, except for
	// the AdminRoleARNs.
	VPCEndpointID string
	// AdminRoleARNs are excepted from the VPC-endpoint restriction (role ARNs, wildcards allowed).
	AdminRoleARNs []string
	// ServiceRoleARNs are the project's own roles that work outside the VPC (the upload ledger's function,
	// which Lambda cannot attach to a dedicated-tenancy VPC): excepted from the VPC-endpoint restriction
	// only, not from the quarantine's.
	ServiceRoleARNs []string
	// UploaderARNs may only write: reads and listings are denied to them (the seed's "only accept PUT").
	// With VPCEndpointID, they may upload from outside the VPC (bucketpolicy_uploads.go), and do nothing
	// else there.
	UploaderARNs []string
	// QuarantinePrefix, when set, holds objects whose keys looked like PHI or that held malware: only
	// AdminRoleARNs (and the ScannerRoleARN, which scans the quarantined copies) may read it.
	QuarantinePrefix string
	// ScannerRoleARN, when set, is the role GuardDuty Malware Protection for S3 scans and tags the bucket's
	// objects with: objects are readable only once it has tagged them clean, and only it may tag them
	// (bucketpolicy_scan.go). It must be among ServiceRoleARNs, since it works outside the VPC.
	ScannerRoleARN string
	// AdminReadsOnly denies every object read to principals other than the AdminRoleARNs (to everyone when
	// there are none): the bucket holds records that can name PHI.
	AdminReadsOnly bool
	// Deliveries are the AWS services that deliver logs into the bucket.
	Deliveries []Delivery
	// NoDataRoleARNs may neither read nor write any object, whatever their own policies say: the
	// workstation's instance role, whose sessions name no person, so that every object a workstation
	// reads or writes is read or written by a researcher's session (ResearcherRoleName).
	NoDataRoleARNs []string
	// NoDataExceptPrefix, when set, is the one key prefix NoDataRoleARNs may still read (the software the
	// workstation installs from the ancillary bucket).
	NoDataExceptPrefix string
	// Airlock, when set, makes released/ the one prefix readable from outside the VPC and writable by the
	// release function only (bucketpolicy_airlock.go).
	Airlock *AirlockBucket
}

// BucketPolicy returns the bucket's policy document.
func BucketPolicy(a BucketPolicyArgs) (string, error) {
	if a.Bucket == "" {
		return "", fmt.Errorf("bucket policy: bucket name is required")
	}
	if a.PHI && a.KMSKeyARN == "" {
		return "", fmt.Errorf("bucket policy for %s: a PHI bucket needs the project key", a.Bucket)
	}
	if a.ScannerRoleARN != "" && !containsString(a.ServiceRoleARNs, a.ScannerRoleARN) {
		return "", fmt.Errorf("bucket policy for %s: the scanner role %s must be one of the service roles, which read objects before their scan", a.Bucket, a.ScannerRoleARN)
	}
	bucket := a.ARNs.Bucket(a.Bucket)
	objects := a.ARNs.Objects(a.Bucket)
	anyone := &Principal{Anyone: true}
	doc := PolicyDocument{Version: PolicyVersion, ID: a.Bucket + "-policy", Statement: []Statement{{
		Sid:       "DenyRequestsWithoutTLS",
		Effect:    Deny,
		Principal: anyone,
		Action:    []string{"s3:*"},
		Resource:  []string{bucket, objects},
		Condition: Condition{"Bool": {"aws:SecureTransport": {"false"}}},
	}}}
	if a.PHI {
		doc.Statement = append(doc.Statement, phiEncryptionStatements(objects, a.KMSKeyARN)...)
	}
	if a.VPCEndpointID != "" {
		cond := Condition{"StringNotEquals": {"aws:SourceVpce": {a.VPCEndpointID}}}
		if outside := append(append([]string{}, a.AdminRoleARNs...), a.ServiceRoleARNs...); len(outside) > 0 {
			cond["ArnNotLike"] = map[string][]string{"aws:PrincipalArn": outside}
		}
		doc.Statement = append(doc.Statement, Statement{
			Sid:       "DenyObjectAccessOutsideTheVPCEndpoint",
			Effect:    Deny,
			Principal: anyone,
			Action:    endpointRestrictedActions(a),
			Resource:  []string{bucket, objects},
			Condition: cond,
		})
		doc.Statement = append(doc.Statement, uploadsOutsideTheEndpoint(a, objects)...)
	}
	if len(a.UploaderARNs) > 0 {
		doc.Statement = append(doc.Statement, Statement{
			Sid:       "UploadersMayOnlyWrite",
			Effect:    Deny,
			Principal: anyone,
			Action:    objectReadActions,
			Resource:  []string{bucket, objects},
			Condition: Condition{"ArnLike": {"aws:PrincipalArn": a.UploaderARNs}},
		})
	}
	doc.Statement = append(doc.Statement, scanStatements(a, objects)...)
	airlock, err := airlockStatements(a)
	if err != nil {
		return "", err
	}
	doc.Statement = append(doc.Statement, airlock...)
	if a.QuarantinePrefix != "" {
		readers := append([]string{}, a.AdminRoleARNs...)
		if a.ScannerRoleARN != "" {
			readers = append(readers, a.ScannerRoleARN)
		}
		st := Statement{
			Sid:       "QuarantineReadableByAdministratorsOnly",
			Effect:    Deny,
			Principal: anyone,
			Action:    []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectTagging"},
			Resource:  []string{bucket + "/" + a.QuarantinePrefix + "*"},
		}
		if len(readers) > 0 {
			st.Condition = Condition{"ArnNotLike": {"aws:PrincipalArn": readers}}
		}
		doc.Statement = append(doc.Statement, st)
	}
	if a.AdminReadsOnly {
		st := Statement{
			Sid:       "RecordsReadableByAdministratorsOnly",
			Effect:    Deny,
			Principal: anyone,
			Action:    objectReadActions,
			Resource:  []string{bucket, objects},
		}
		if len(a.AdminRoleARNs) > 0 {
			st.Condition = Condition{"ArnNotLike": {"aws:PrincipalArn": a.AdminRoleARNs}}
		}
		doc.Statement = append(doc.Statement, st)
	}
	if len(a.NoDataRoleARNs) > 0 {
		doc.Statement = append(doc.Statement, noDataStatement(a, bucket, objects))
	}
	for _, d := range a.Deliveries {
		stmts, err := deliveryStatements(a.ARNs, a.Bucket, d)
		if err != nil {
			return "", fmt.Errorf("bucket policy for %s: %w", a.Bucket, err)
		}
		doc.Statement = append(doc.Statement, stmts...)
	}
	return doc.JSON()
}

// phiEncryptionStatements refuse every upload that would not end up encrypted with the project key, and
// nothing else. Each Deny pairs a Null test with its comparison, because of how IAM treats a key the
// request does not carry (IAM User Guide, "Condition operators"): StringNotEquals and every ...IfExists
// operator then hold, so a Deny written with them alone would refuse exactly the requests without the
// header. Those include every UploadPart and CompleteMultipartUpload (authorised as s3:PutObject, and
// carrying no encryption header: boto/botocore#471, aws/aws-cli#4251) and any upload that relies on the
// bucket's default encryption, which is SSE-KMS with the project key (rule s3-default-encryption-kms).
//
//   - another algorithm (AES256, aws:kms:dsse) asked for: refused;
//   - another key asked for: refused (the key must be named by its ARN, as the condition compares text);
//   - aws:kms asked for without a key: refused, because S3 then uses the AWS managed key aws/s3, not the
//     bucket's default key (S3 API Reference, PutObject, x-amz-server-side-encryption-aws-kms-key-id);
//   - no encryption header at all: allowed, and the bucket default encrypts with the project key.
func phiEncryptionStatements(objects, keyARN string) []Statement {
	anyone := &Principal{Anyone: true}
	put := []string{"s3:PutObject"}
	return []Statement{
		{
			Sid: "DenyUploadsAskingForOtherEncryption", Effect: Deny, Principal: anyone, Action: put, Resource: []string{objects},
			Condition: Condition{
				"Null":            {"s3:x-amz-server-side-encryption": {"false"}},
				"StringNotEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}},
			},
		},
		{
			Sid: "DenyUploadsWithAnotherKey", Effect: Deny, Principal: anyone, Action: put, Resource: []string{objects},
			Condition: Condition{
				"Null":            {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"false"}},
				"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {keyARN}},
			},
		},
		{
			Sid: "DenyKMSUploadsWithoutTheProjectKey", Effect: Deny, Principal: anyone, Action: put, Resource: []string{objects},
			Condition: Condition{
				"StringEquals": {"s3:x-amz-server-side-encryption": {"aws:kms"}},
				"Null":         {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"true"}},
			},
		},
	}
}

// deliveryStatements returns the statements a service's documentation requires to deliver into bucket.
func deliveryStatements(arns ARNs, bucket string, d Delivery) ([]Statement, error) {
	prefix := ""
	if d.Prefix != "" {
		prefix = d.Prefix + "/"
	}
	bucketARN := arns.Bucket(bucket)
	accountLogs := fmt.Sprintf("%s/%sAWSLogs/%s/*", bucketARN, prefix, arns.AccountID)
	sourceAccount := map[string][]string{"aws:SourceAccount": {arns.AccountID}}
	bucketOwnerFullControl := []string{"bucket-owner-full-control"}
	switch d.Service {
	case DeliveryCloudTrail:
		if len(d.SourceARNs) == 0 {
			return nil, fmt.Errorf("cloudtrail delivery needs the trail ARNs")
		}
		service := &Principal{Service: []string{ServicePrincipal("cloudtrail")}}
		return []Statement{
			{Sid: "CloudTrailAclCheck", Effect: Allow, Principal: service, Action: []string{"s3:GetBucketAcl"},
				Resource: []string{bucketARN}, Condition: Condition{"StringEquals": {"aws:SourceArn": d.SourceARNs}}},
			{Sid: "CloudTrailWrite", Effect: Allow, Principal: service, Action: []string{"s3:PutObject"},
				Resource:  []string{accountLogs},
				Condition: Condition{"StringEquals": {"aws:SourceArn": d.SourceARNs, "s3:x-amz-acl": bucketOwnerFullControl}}},
		}, nil
	case DeliveryConfig:
		service := &Principal{Service: []string{ServicePrincipal("config")}}
		return []Statement{
			{Sid: "ConfigBucketPermissionsCheck", Effect: Allow, Principal: service, Action: []string{"s3:GetBucketAcl"},
				Resource: []string{bucketARN}, Condition: Condition{"StringEquals": sourceAccount}},
			{Sid: "ConfigBucketExistenceCheck", Effect: Allow, Principal: service, Action: []string{"s3:ListBucket"},
				Resource: []string{bucketARN}, Condition: Condition{"StringEquals": sourceAccount}},
			{Sid: "ConfigBucketDelivery", Effect: Allow, Principal: service, Action: []string{"s3:PutObject"},
				Resource:  []string{fmt.Sprintf("%s/%sAWSLogs/%s/Config/*", bucketARN, prefix, arns.AccountID)},
				Condition: Condition{"StringEquals": {"aws:SourceAccount": {arns.AccountID}, "s3:x-amz-acl": bucketOwnerFullControl}}},
		}, nil
	case DeliveryS3AccessLogs:
		cond := Condition{"StringEquals": sourceAccount}
		if len(d.SourceARNs) > 0 {
			cond["ArnLike"] = map[string][]string{"aws:SourceArn": d.SourceARNs}
		}
		return []Statement{{Sid: "S3ServerAccessLogsDelivery", Effect: Allow,
			Principal: &Principal{Service: []string{ServicePrincipal("logging.s3")}}, Action: []string{"s3:PutObject"},
			Resource: []string{bucketARN + "/" + prefix + "*"}, Condition: cond}}, nil
	case DeliveryRedshift:
		cond := Condition{"StringEquals": sourceAccount}
		if len(d.SourceARNs) > 0 {
			cond = Condition{"StringEquals": {"aws:SourceArn": d.SourceARNs}}
		}
		return []Statement{{Sid: "RedshiftAuditLogDelivery", Effect: Allow,
			Principal: &Principal{Service: []string{ServicePrincipal("redshift")}}, Action: []string{"s3:PutObject", "s3:GetBucketAcl"},
			Resource: []string{bucketARN, bucketARN + "/*"}, Condition: cond}}, nil
	case DeliveryELB:
		principal := &Principal{Service: []string{ServicePrincipal("logdelivery.elasticloadbalancing")}}
		if account, ok := legacyELBAccounts[arns.Region]; ok {
			principal = &Principal{AWS: []string{fmt.Sprintf("arn:%s:iam::%s:root", arns.Partition, account)}}
		}
		return []Statement{{Sid: "ELBAccessLogDelivery", Effect: Allow, Principal: principal,
			Action: []string{"s3:PutObject"}, Resource: []string{accountLogs}}}, nil
	}
	return nil, fmt.Errorf("log delivery from %q is not supported", d.Service)
}

// noDataStatement refuses every object action to the NoDataRoleARNs. aws:PrincipalArn of a role session
// is the role's ARN (IAM User Guide, "AWS global condition context keys", aws:PrincipalArn), so the deny
// holds for every session of those roles; a session of another role chained from them (the researcher
// role, which the broker assumes with the instance role's credentials) has that other role's ARN and is
// not refused.
func noDataStatement(a BucketPolicyArgs, bucket, objects string) Statement {
	st := Statement{
		Sid:       "NoObjectAccessByInstanceRoles",
		Effect:    Deny,
		Principal: &Principal{Anyone: true},
		Action:    append(append([]string{}, objectReadActions...), objectWriteActions...),
		Resource:  []string{bucket, objects},
		Condition: Condition{"ArnEquals": {"aws:PrincipalArn": a.NoDataRoleARNs}},
	}
	if a.NoDataExceptPrefix != "" {
		st.Resource, st.NotResource = nil, []string{bucket + "/" + a.NoDataExceptPrefix + "*"}
	}
	return st
}

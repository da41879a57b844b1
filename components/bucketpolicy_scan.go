package components

// GuardDuty Malware Protection for S3 scans every new object of a protected bucket and, with tagging on,
// tags it GuardDutyMalwareScanStatus=<result> ("Monitoring S3 object scans with GuardDuty managed tags",
// https://docs.aws.amazon.com/guardduty/latest/ug/monitor-enable-s3-object-tagging-malware-protection.html).
// The tag is only a label until the bucket policy acts on it ("Using tag-based access control (TBAC)
// with Malware Protection for S3",
// https://docs.aws.amazon.com/guardduty/latest/ug/tag-based-access-s3-malware-protection.html): these
// statements make it the gate of every read, and keep anyone but the scanner from writing it.

// ScanStatusTag is the object tag GuardDuty writes after a scan.
const ScanStatusTag = "GuardDutyMalwareScanStatus"

// ScanStatus is a value of ScanStatusTag, and the scanResultStatus of the scan-result event.
type ScanStatus string

// The scan results GuardDuty reports ("S3 object potential scan status and result status",
// https://docs.aws.amazon.com/guardduty/latest/ug/monitoring-malware-protection-s3-scans-gdu.html).
const (
	ScanClean        ScanStatus = "NO_THREATS_FOUND"
	ScanThreatsFound ScanStatus = "THREATS_FOUND"
	ScanUnsupported  ScanStatus = "UNSUPPORTED"
	ScanAccessDenied ScanStatus = "ACCESS_DENIED"
	ScanFailed       ScanStatus = "FAILED"
)

// ScanStatuses returns every scan result, clean first.
func ScanStatuses() []ScanStatus {
	return []ScanStatus{ScanClean, ScanThreatsFound, ScanUnsupported, ScanAccessDenied, ScanFailed}
}

// scanGatedReads are the reads of an object's content that wait for a clean scan. s3:ExistingObjectTag
// is evaluated for both (S3 User Guide, "Tagging and access control policies").
var scanGatedReads = []string{"s3:GetObject", "s3:GetObjectVersion"}

// tagWrites set or remove an existing object's tags.
var tagWrites = []string{"s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"}

// scanStatements return the statements that make the scan tag the gate of every read, when the bucket
// has a scanner:
//
//   - ReadOnlyObjectsScannedClean: GetObject and GetObjectVersion are refused unless the object's tag says
//     NO_THREATS_FOUND. StringNotEquals holds when the key is absent from the request ("IAM JSON policy
//     elements: Condition operators": a negated operator on a missing key is true), so an object not yet
//     scanned, or never tagged (more than ten tags already, a tagging failure), is refused too. The
//     administrators and the project's service roles (the ledger, which records and quarantines objects
//     before their scan; the scanner itself) are excepted.
//   - OnlyTheScannerTagsObjects: nobody but the scanner may put or delete an object's tags, or anyone
//     could mark an object clean.
//   - UploadsCannotCarryTheScanTag: an upload (PutObject, CreateMultipartUpload, a copy) may not set the
//     tag itself through x-amz-tagging (s3:RequestObjectTagKeys). Tag keys are compared ignoring case, so
//     that no spelling of the key slips past.
func scanStatements(a BucketPolicyArgs, objects string) []Statement {
	if a.ScannerRoleARN == "" {
		return nil
	}
	anyone := &Principal{Anyone: true}
	gate := Condition{"StringNotEquals": {"s3:ExistingObjectTag/" + ScanStatusTag: {string(ScanClean)}}}
	if exempt := append(append([]string{}, a.AdminRoleARNs...), a.ServiceRoleARNs...); len(exempt) > 0 {
		gate["ArnNotLike"] = map[string][]string{"aws:PrincipalArn": exempt}
	}
	notScanner := map[string][]string{"aws:PrincipalArn": {a.ScannerRoleARN}}
	return []Statement{
		{Sid: "ReadOnlyObjectsScannedClean", Effect: Deny, Principal: anyone, Action: scanGatedReads,
			Resource: []string{objects}, Condition: gate},
		{Sid: "OnlyTheScannerTagsObjects", Effect: Deny, Principal: anyone, Action: tagWrites,
			Resource: []string{objects}, Condition: Condition{"ArnNotLike": notScanner}},
		{Sid: "UploadsCannotCarryTheScanTag", Effect: Deny, Principal: anyone, Action: []string{"s3:PutObject"},
			Resource: []string{objects}, Condition: Condition{
				"ForAnyValue:StringEqualsIgnoreCase": {"s3:RequestObjectTagKeys": {ScanStatusTag}},
				"ArnNotLike":                         notScanner,
			}},
	}
}

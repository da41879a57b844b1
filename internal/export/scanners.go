package export

// Anchor says on which Terraform resource a scanner reports a check, and so where its ignore comment goes.
type Anchor int

const (
	// OnResource is the exempted resource itself.
	OnResource Anchor = iota
	// OnBucket is the aws_s3_bucket that the exempted resource configures through its `bucket` input (the
	// resource itself when it is the bucket): Checkov judges a bucket's encryption, logging, replication
	// and notifications on the bucket, following the aws_s3_bucket_* resources connected to it.
	OnBucket
)

// ScannerChecks names, for one rule of the SCE policy pack, the equivalent checks of common IaC scanners,
// so that an exemption the pack declares is carried into the Terraform export as each scanner's own inline
// ignore comment. Every id here was checked against the scanner's check definitions (Trivy's by running
// Trivy v0.74.0 on the export); a rule without a verified equivalent has an empty list for that scanner.
// See docs/iac-scanning.md.
type ScannerChecks struct {
	// Rule is the policy pack's rule id (policy/rules).
	Rule string
	// Trivy lists Trivy's check ids (AVD-AWS-NNNN; Trivy v0.74 prints them as AWS-NNNN and honours both),
	// ignored with `#trivy:ignore:<id>`.
	Trivy   []string
	TrivyOn Anchor
	// Checkov lists Checkov's check ids (CKV_AWS_NNN, CKV2_AWS_NN), skipped with `#checkov:skip=<id>:<reason>`.
	Checkov   []string
	CheckovOn Anchor
	// KICS lists KICS query ids, ignored with `# kics-scan ignore-line=<query id>`.
	KICS   []string
	KICSOn Anchor
}

// scannerChecks is the one table from policy-pack rules to scanner checks.
var scannerChecks = []ScannerChecks{
	{Rule: "s3-server-access-logging",
		Trivy: []string{"AVD-AWS-0089"}, TrivyOn: OnBucket,
		Checkov: []string{"CKV_AWS_18"}, CheckovOn: OnBucket,
		KICS: []string{"f861041c-8c9f-4156-acfc-5e6e524f5884"}, KICSOn: OnBucket},
	// Trivy reports a bucket's customer-managed-key check on its encryption configuration resource;
	// Checkov on the bucket.
	{Rule: "s3-default-encryption-kms",
		Trivy: []string{"AVD-AWS-0132"}, TrivyOn: OnResource,
		Checkov: []string{"CKV_AWS_145"}, CheckovOn: OnBucket},
	{Rule: "s3-versioning-enabled",
		Trivy: []string{"AVD-AWS-0090"}, TrivyOn: OnBucket,
		Checkov: []string{"CKV_AWS_21"}, CheckovOn: OnBucket},
	{Rule: "s3-replication-enabled", Checkov: []string{"CKV_AWS_144"}, CheckovOn: OnBucket},
	{Rule: "s3-event-notifications", Checkov: []string{"CKV2_AWS_62"}, CheckovOn: OnBucket},
	{Rule: "s3-object-lock-enabled", Checkov: []string{"CKV_AWS_143"}, CheckovOn: OnBucket},
	{Rule: "lambda-in-vpc", Checkov: []string{"CKV_AWS_117"}},
	{Rule: "s3-deny-unencrypted-uploads"},
	// Checkov's LambdaFunctionLevelConcurrentExecutionLimit fails a function without
	// reserved_concurrent_executions (bridgecrewio/checkov, checkov/terraform/checks/resource/aws/).
	{Rule: "lambda-concurrency-limit", Checkov: []string{"CKV_AWS_115"}},
	{Rule: "ec2-no-public-ip", Checkov: []string{"CKV_AWS_88"}, KICS: []string{"5a2486aa-facf-477d-a5c1-b010789459ce"}},
	{Rule: "ec2-imdsv2-required", Trivy: []string{"AVD-AWS-0028"}, Checkov: []string{"CKV_AWS_79"}},
	{Rule: "vpc-flow-logs-enabled", Trivy: []string{"AVD-AWS-0178"}, Checkov: []string{"CKV2_AWS_11"}},
	{Rule: "kms-key-rotation-enabled", Trivy: []string{"AVD-AWS-0065"}, Checkov: []string{"CKV_AWS_7"}},
	{Rule: "cloudtrail-log-file-validation", Trivy: []string{"AVD-AWS-0016"}, Checkov: []string{"CKV_AWS_36"}},
	{Rule: "cloudtrail-multi-region", Trivy: []string{"AVD-AWS-0014"}, Checkov: []string{"CKV_AWS_67"}},
	// No scanner check we could verify judges a route to an internet gateway; the exemption is still
	// written above the route as an explanatory comment.
	{Rule: "vpc-no-unrestricted-route-to-igw"},
	// No scanner check we know judges AWS Backup coverage from Terraform.
	{Rule: "ec2-in-backup-plan"},
	// Trivy looks for credential keywords in user data; the rule looks for credentials.
	{Rule: "ec2-user-data-no-credentials", Trivy: []string{"AVD-AWS-0029"}, TrivyOn: OnResource},
	// Trivy judges egress to 0.0.0.0/0 on the security group rule resource itself.
	{Rule: "sg-egress-restricted", Trivy: []string{"AVD-AWS-0104"}, TrivyOn: OnResource},
	// Scanners judge no stop schedule; the exemption (the stop schedule of a stack whose schedule is off)
	// is written above the schedule as a comment.
	{Rule: "ec2-stopped-by-schedule"},
}

// ScannerChecksTable returns a copy of the table from policy-pack rules to scanner checks.
func ScannerChecksTable() []ScannerChecks {
	out := make([]ScannerChecks, len(scannerChecks))
	copy(out, scannerChecks)
	return out
}

// checksFor returns the scanner checks of a rule.
func checksFor(rule string) (ScannerChecks, bool) {
	for _, c := range scannerChecks {
		if c.Rule == rule {
			return c, true
		}
	}
	return ScannerChecks{}, false
}

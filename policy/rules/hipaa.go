package rules

// Paragraphs of the HIPAA Security Rule (45 CFR Part 164, Subpart C) that rules cite, with their titles.
// Rule.Validate refuses a citation that is not listed here.
func Paragraphs() map[string]string {
	return map[string]string{
		"164.308(a)(1)(ii)(A)": "Risk analysis",
		"164.308(a)(1)(ii)(B)": "Risk management",
		"164.308(a)(1)(ii)(D)": "Information system activity review",
		"164.308(a)(3)(i)":     "Workforce security",
		"164.308(a)(3)(ii)(A)": "Authorization and/or supervision",
		"164.308(a)(4)(i)":     "Information access management",
		"164.308(a)(4)(ii)(A)": "Isolating health care clearinghouse functions",
		"164.308(a)(4)(ii)(B)": "Access authorization",
		"164.308(a)(4)(ii)(C)": "Access establishment and modification",
		"164.308(a)(5)(ii)(B)": "Protection from malicious software",
		"164.308(a)(5)(ii)(C)": "Log-in monitoring",
		"164.308(a)(6)(ii)":    "Response and reporting",
		"164.308(a)(7)(i)":     "Contingency plan",
		"164.308(a)(7)(ii)(A)": "Data backup plan",
		"164.308(a)(7)(ii)(B)": "Disaster recovery plan",
		"164.308(a)(8)":        "Evaluation",
		"164.310(d)(2)(iii)":   "Accountability (device and media controls)",
		"164.310(d)(2)(iv)":    "Data backup and storage",
		"164.312(a)(1)":        "Access control",
		"164.312(a)(2)(i)":     "Unique user identification",
		"164.312(a)(2)(ii)":    "Emergency access procedure",
		"164.312(a)(2)(iii)":   "Automatic logoff",
		"164.312(a)(2)(iv)":    "Encryption and decryption",
		"164.312(b)":           "Audit controls",
		"164.312(c)(1)":        "Integrity",
		"164.312(c)(2)":        "Mechanism to authenticate electronic protected health information",
		"164.312(d)":           "Person or entity authentication",
		"164.312(e)(1)":        "Transmission security",
		"164.312(e)(2)(i)":     "Integrity controls",
		"164.312(e)(2)(ii)":    "Encryption",
		"164.316(b)(1)":        "Documentation",
		"164.316(b)(2)(i)":     "Time limit (retain documentation six years)",
	}
}

// Citations used by many rules.
const (
	hipaaEncryptionAtRest  = "164.312(a)(2)(iv)"
	hipaaTransmission      = "164.312(e)(1)"
	hipaaTransmissionCrypt = "164.312(e)(2)(ii)"
	hipaaAccessControl     = "164.312(a)(1)"
	hipaaAuditControls     = "164.312(b)"
	hipaaIntegrity         = "164.312(c)(1)"
	hipaaActivityReview    = "164.308(a)(1)(ii)(D)"
	hipaaAccessManagement  = "164.308(a)(4)(i)"
	hipaaAccessAuthorize   = "164.308(a)(4)(ii)(B)"
	hipaaAccessEstablish   = "164.308(a)(4)(ii)(C)"
	hipaaContingency       = "164.308(a)(7)(i)"
	hipaaBackup            = "164.308(a)(7)(ii)(A)"
	hipaaBackupStorage     = "164.310(d)(2)(iv)"
	hipaaRetention         = "164.316(b)(2)(i)"
	hipaaRiskManagement    = "164.308(a)(1)(ii)(B)"
	hipaaLoginMonitoring   = "164.308(a)(5)(ii)(C)"
	hipaaWorkforce         = "164.308(a)(3)(i)"
)

// Lists of citations that rules of several services share, each a fresh slice for each rule.

// hipaaEncryption are the paragraphs cdk-nag and the AWS Config HIPAA pack cite for encryption with a KMS
// key, at rest and in transit.
func hipaaEncryption() []string {
	return []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt}
}

// hipaaRecovery are the paragraphs cdk-nag cites for backups, replication and point-in-time recovery.
func hipaaRecovery() []string {
	return []string{hipaaContingency, hipaaBackup, "164.308(a)(7)(ii)(B)"}
}

// hipaaNotReachable are the paragraphs cdk-nag cites for resources that must not be reachable from outside:
// public access (buckets, functions, clusters), public addresses (instances, subnets), VPC placement and
// the network paths that restrict access (internet gateways, network ACLs).
func hipaaNotReachable() []string {
	return []string{hipaaWorkforce, "164.308(a)(4)(ii)(A)", hipaaAccessEstablish, hipaaAccessControl, hipaaTransmission}
}

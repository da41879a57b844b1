package verify

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/model/iameval"
	"github.com/sce-project/sce/policy/rules"
)

// The malware scan's flows (components/malwarescan.go, components/bucketpolicy_scan.go): GuardDuty
// Malware Protection for S3 reads and tags every new data-in object with its own role, and the data-in
// policy lets nobody but the administrators and the project's service roles read an object that is not
// tagged NO_THREATS_FOUND ("Using tag-based access control (TBAC) with Malware Protection for S3",
// https://docs.aws.amazon.com/guardduty/latest/ug/tag-based-access-s3-malware-protection.html).

// Names the scan flows rely on; they are GuardDuty's, spelled here so that the analysis does not depend
// on the components package.
const (
	scanTagKey     = "s3:ExistingObjectTag/GuardDutyMalwareScanStatus"
	scanTagName    = "GuardDutyMalwareScanStatus"
	scanClean      = "NO_THREATS_FOUND"
	scanGateSid    = "ReadOnlyObjectsScannedClean"
	scannerSuffix  = "-malware-scan"
	validationKey  = "malware-protection-resource-validation-object"
	ledgerSuffix   = "-upload-ledger"
	scannerRoleSfx = "-malware-scan-role"
)

// isServiceRole reports whether a role ARN is one of the project's service roles that data-in's policy
// excepts along with the administrators: the upload ledger's and the malware scanner's.
func isServiceRole(arn string) bool {
	return strings.HasSuffix(arn, ledgerSuffix) || strings.HasSuffix(arn, scannerSuffix)
}

// scanGated reports whether data-in's policy makes the scan tag the gate of its reads.
func (m *model) scanGated() bool {
	return m.bucketPolicyHas("data-in", scanGateSid)
}

// scanState gives a read of a data-in object the state the design relies on when the flow does not say:
// an object the scanner tagged clean, which is what the workstation, the workers and Redshift are meant
// to read. A flow about another state sets the tag itself, or takes it out with a nil value.
func (m *model) scanState(c s3Call, ctx map[string][]string) {
	dataIn := m.bucketARN["data-in"]
	if dataIn == "" || !m.scanGated() || !strings.HasPrefix(c.resource, dataIn+"/") {
		return
	}
	switch c.action {
	case "s3:GetObject", "s3:GetObjectVersion":
		ctx[scanTagKey] = []string{scanClean}
	}
}

// scanTag is a call context with the object's scan tag set to status, or taken out when status is "".
func scanTag(status string) map[string][]string {
	if status == "" {
		return map[string][]string{scanTagKey: nil}
	}
	return map[string][]string{scanTagKey: {status}}
}

// scanFlows are the flows of the malware scan: what GuardDuty's role must be able to do, that nobody but
// it can mark an object clean, and that the workstation, the workers and Redshift read clean objects only.
// Listed when the stack has the scan (the scanner's role and the gate in data-in's policy).
func (m *model) scanFlows() []Flow {
	dataIn := m.bucketARN["data-in"]
	if dataIn == "" || !m.scanGated() {
		return nil
	}
	object := func(key string) string { return dataIn + "/" + key }
	incoming := object("incoming/cohort.csv")
	untagged, infected := scanTag(""), scanTag("THREATS_FOUND")
	var out []Flow
	if sc, ok := m.caller("GuardDuty's malware scanner", scannerRoleSfx, false); ok {
		tagging := map[string][]string{"s3:RequestObjectTagKeys": {scanTagName}}
		out = append(out,
			m.flow(sc, "reads a new data-in object and its version before any scan tag exists", Allowed, "data-in",
				[]s3Call{{"s3:GetObject", incoming, untagged}, {"s3:GetObjectVersion", incoming, untagged}}),
			m.flow(sc, "tags a scanned object and version with the result", Allowed, "data-in",
				[]s3Call{{"s3:GetObjectTagging", incoming, nil}, {"s3:PutObjectTagging", incoming, tagging},
					{"s3:GetObjectVersionTagging", incoming, nil}, {"s3:PutObjectVersionTagging", incoming, tagging}}),
			m.flow(sc, "scans a quarantined copy", Allowed, "data-in", []s3Call{{"s3:GetObjectVersion", object("quarantine/3f2a"), untagged}}),
			m.flow(sc, "writes its validation object and checks the bucket (ListBucket, EventBridge notifications)", Allowed, "data-in",
				[]s3Call{{"s3:PutObject", object(validationKey), nil}, {"s3:ListBucket", dataIn, nil},
					{"s3:GetBucketNotification", dataIn, nil}, {"s3:PutBucketNotification", dataIn, nil}}),
			m.flow(sc, "writes any other object into data-in", Denied, "data-in", []s3Call{{"s3:PutObject", object("incoming/forged.csv"), nil}}),
			m.flow(sc, "reads a result in output", Denied, "output", []s3Call{{"s3:GetObject", m.bucketARN["output"] + "/results/table1.csv", nil}}),
		)
		out = append(out, m.scannerKey(sc)...)
	}
	if ws, ok := m.firstResearcher(); ok {
		out = append(out,
			m.flow(ws, "reads a data-in object scanned clean (GuardDutyMalwareScanStatus=NO_THREATS_FOUND)", Allowed, "data-in",
				[]s3Call{{"s3:GetObject", incoming, scanTag(scanClean)}, {"s3:GetObjectVersion", incoming, scanTag(scanClean)}}),
			m.flow(ws, "reads a data-in object not scanned yet (no scan tag)", Denied, "data-in", []s3Call{{"s3:GetObject", incoming, untagged}}),
			m.flow(ws, "reads a data-in object version not scanned yet (no scan tag)", Denied, "data-in", []s3Call{{"s3:GetObjectVersion", incoming, untagged}}),
		)
		for _, status := range []string{"THREATS_FOUND", "UNSUPPORTED", "ACCESS_DENIED", "FAILED"} {
			out = append(out, m.flow(ws, "reads a data-in object tagged "+status, Denied, "data-in", []s3Call{{"s3:GetObject", incoming, scanTag(status)}}))
		}
		out = append(out, m.flow(ws, "tags a data-in object clean itself", Denied, "data-in",
			[]s3Call{{"s3:PutObjectTagging", incoming, map[string][]string{"s3:RequestObjectTagKeys": {scanTagName}}}}))
	}
	if w, ok := m.caller("worker", "-workers-role", true); ok {
		out = append(out,
			m.flow(w, "downloads an object version not scanned yet", Denied, "data-in", []s3Call{{"s3:GetObjectVersion", incoming, untagged}}),
			m.flow(w, "downloads an infected object version", Denied, "data-in", []s3Call{{"s3:GetObjectVersion", incoming, infected}}),
		)
	}
	if c, ok := m.caller("Redshift COPY role", "-omop-copy-role", true); ok {
		out = append(out, m.flow(c, "reads a vocabulary file not scanned yet", Denied, "data-in",
			[]s3Call{{"s3:GetObject", object("omop/vocabulary/CONCEPT.csv"), untagged}}))
	}
	if l, ok := m.caller("upload ledger", "-ledger-role", false); ok {
		out = append(out,
			m.flow(l, "reads a new object's version before its scan", Allowed, "data-in", []s3Call{{"s3:GetObjectVersion", incoming, untagged}}),
			m.flow(l, "copies an infected object's version into the quarantine and purges it", Allowed, "data-in",
				[]s3Call{{"s3:GetObjectVersion", incoming, infected}, {"s3:PutObject", object("quarantine/3f2a"), nil},
					{"s3:DeleteObjectVersion", incoming, nil}}),
			m.flow(l, "tags an object clean", Denied, "data-in", []s3Call{{"s3:PutObjectTagging", incoming, nil}}),
		)
	}
	for _, admin := range m.administrators() {
		a := caller{name: "administrator " + admin, arn: admin, identity: []*iameval.Document{assumedAllow}}
		withTag := map[string][]string{"s3:RequestObjectTagKeys": {scanTagName}}
		out = append(out,
			m.flow(a, "reads a data-in object that is not scanned clean, to investigate it", Allowed, "data-in", []s3Call{{"s3:GetObject", incoming, infected}}),
			m.flow(a, "uploads an object that carries the scan tag (x-amz-tagging)", Denied, "data-in", []s3Call{{"s3:PutObject", incoming, withTag}}),
			m.flow(a, "uploads an object that carries the scan tag spelt in lower case", Denied, "data-in",
				[]s3Call{{"s3:PutObject", incoming, map[string][]string{"s3:RequestObjectTagKeys": {strings.ToLower(scanTagName)}}}}),
			m.flow(a, "tags an object clean", Denied, "data-in", []s3Call{{"s3:PutObjectTagging", incoming, withTag}}),
		)
	}
	return out
}

// scannerKey: the scanner reads SSE-KMS objects and writes its validation object, so S3 uses the project
// key on its behalf (kms:ViaService); it may not use the key directly.
func (m *model) scannerKey(sc caller) []Flow {
	var keyPolicy *iameval.Document
	for _, k := range m.s.OfType("aws:kms/key:Key") {
		if text, ok := rules.PolicyJSON(k, "policy"); ok {
			keyPolicy, _ = iameval.Parse(text) // an unparsable key policy is reported by the service flows
		}
	}
	parts := strings.Split(m.key, ":")
	if len(parts) < 5 || m.key == "" {
		return nil
	}
	sv := &services{model: m, keyPolicy: keyPolicy, region: parts[3]}
	via := map[string][]string{"kms:ViaService": {"s3." + sv.region + ".amazonaws.com"}, "kms:CallerAccount": {m.account},
		"kms:EncryptionContext:aws:s3:arn": {m.bucketARN["data-in"]}, "aws:PrincipalArn": {sc.arn}}
	direct := map[string][]string{"kms:CallerAccount": {m.account}, "aws:PrincipalArn": {sc.arn}}
	kms := func(action string, ctx map[string][]string) call {
		return call{principal: sc.arn, action: action, resource: m.key, identity: sc.identity, ctx: ctx, needsIdentity: true}
	}
	return []Flow{
		sv.judge("GuardDuty's malware scanner decrypts an SSE-KMS data-in object's data key and encrypts its validation object with the project key (through S3)", Allowed,
			kms("kms:Decrypt", via), kms("kms:GenerateDataKey", via)),
		sv.judge("GuardDuty's malware scanner decrypts with the project key directly, not through S3", Denied, kms("kms:Decrypt", direct)),
	}
}

// firstResearcher is the session of the first configured login of the researcher role, the identity the
// workstation's reads of PHI objects carry (docs/attribution.md); a stack without researchers has none.
func (m *model) firstResearcher() (caller, bool) {
	id, ok := m.researcherRole()
	if !ok || len(id.logins) == 0 {
		return caller{}, false
	}
	login := id.logins[0]
	return caller{name: fmt.Sprintf("researcher %s's session", login), arn: id.role, identity: id.policies, inVPC: true, stackRole: true,
		session: sessionOf(id.role, login), ctx: map[string][]string{"aws:SourceIdentity": {login}}}, true
}

package stack_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
)

func TestDataInIsScannedByAMalwareProtectionPlanThatTagsEveryObject(t *testing.T) {
	p := planWith(t, nil)
	dataIn := bucketOf(t, p, "data-in")
	plans := p.Find("aws:guardduty/malwareProtectionPlan:MalwareProtectionPlan")
	require.Len(t, plans, 1)
	mp := plans[0]
	role := one(t, p, "aws:iam/role:Role", "study-malware-scan-role")
	assert.Equal(t, out(role, "arn"), in(mp, "role"))
	assert.Equal(t, "arn:aws:iam::111122223333:role/study-malware-scan", out(role, "arn"), "the name the data-in policy admits before the role exists")
	assert.Equal(t, out(dataIn, "bucket"), nested(t, mp, "protectedResource")["s3Bucket"].(map[string]any)["bucketName"])
	assert.NotContains(t, nested(t, mp, "protectedResource")["s3Bucket"], "objectPrefixes", "every object is scanned, not only some prefixes")
	tagging := mp.Inputs["actions"].([]any)[0].(map[string]any)["taggings"].([]any)[0].(map[string]any)
	assert.Equal(t, "ENABLED", tagging["status"], "without tags no bucket policy can act on the result")
	att := one(t, p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "study-malware-scan-policy-attachment")
	policy := configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", dataIn)
	assert.Contains(t, mp.DependsOn, att.URN, "GuardDuty checks the role's permissions when the plan is created")
	assert.Contains(t, mp.DependsOn, policy.URN, "and writes its validation object through the bucket policy")

	trust := policyOf(t, role, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, []string{components.MalwareScanPrincipal}, trust.Statement[0].Principal.Service)
	assert.Equal(t, []string{"111122223333"}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
}

func TestTheScannerRoleIsScopedToDataInAndTheKeyThroughS3(t *testing.T) {
	p := planWith(t, nil)
	dataIn := out(bucketOf(t, p, "data-in"), "arn")
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-malware-scan-policy"), "policy")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	for _, st := range doc.Statement {
		for _, r := range st.Resource {
			assert.Contains(t, []string{dataIn, dataIn + "/*", dataIn + "/" + components.MalwareScanValidationObject, key,
				"arn:aws:events:us-west-2:111122223333:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"}, r, "statement %s", st.Sid)
		}
	}
	kms := statement(t, doc, "AllowDecryptForMalwareScan")
	assert.Equal(t, []string{"s3.us-west-2.amazonaws.com"}, kms.Condition["StringEquals"]["kms:ViaService"])
	assert.ElementsMatch(t, []string{"s3:PutObjectTagging", "s3:GetObjectTagging", "s3:PutObjectVersionTagging", "s3:GetObjectVersionTagging"},
		statement(t, doc, "AllowPostScanTag").Action)
}

func TestScanResultsReachTheLedgerAndTheNotificationKeepsEventBridgeOn(t *testing.T) {
	p := planWith(t, nil)
	dataIn := bucketOf(t, p, "data-in")
	fn := one(t, p, "aws:lambda/function:Function", "study-ledger-function")
	env := fn.Inputs["environment"].(map[string]any)["variables"].(map[string]any)
	assert.Equal(t, "on", env["MALWARE_SCAN"], "uploads are queued on their clean scan result")

	rule := one(t, p, "aws:cloudwatch/eventRule:EventRule", "study-ledger-scan-results")
	var pattern map[string]any
	require.NoError(t, json.Unmarshal([]byte(in(rule, "eventPattern")), &pattern))
	assert.Equal(t, []any{"aws.guardduty"}, pattern["source"])
	assert.Equal(t, []any{components.ScanResultDetailType}, pattern["detail-type"])
	assert.Equal(t, []any{out(dataIn, "bucket")}, pattern["detail"].(map[string]any)["s3ObjectDetails"].(map[string]any)["bucketName"])
	target := one(t, p, "aws:cloudwatch/eventTarget:EventTarget", "study-ledger-scan-results-target")
	assert.Equal(t, out(fn, "arn"), in(target, "arn"))
	assert.Equal(t, out(rule, "name"), in(target, "rule"))
	perm := one(t, p, "aws:lambda/permission:Permission", "study-ledger-events-invoke")
	assert.Equal(t, "events.amazonaws.com", in(perm, "principal"))
	assert.Equal(t, out(rule, "arn"), in(perm, "sourceArn"), "only this rule may invoke the function")
	assert.Contains(t, target.DependsOn, perm.URN)

	n := one(t, p, "aws:s3/bucketNotification:BucketNotification", "study-ledger-notification")
	assert.Equal(t, true, n.Inputs["eventbridge"], "GuardDuty hears of new objects through EventBridge")
}

func TestDataInReadsWaitForACleanScanAndOnlyTheScannerTags(t *testing.T) {
	admin := "arn:aws:iam::111122223333:role/sce-admin"
	p := planWith(t, map[string]string{"sce:adminRoleArns": `["` + admin + `"]`})
	dataIn := bucketOf(t, p, "data-in")
	doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", dataIn), "policy")
	scanner := "arn:aws:iam::111122223333:role/study-malware-scan"
	gate := statement(t, doc, "ReadOnlyObjectsScannedClean")
	assert.Equal(t, []string{"NO_THREATS_FOUND"}, gate.Condition["StringNotEquals"]["s3:ExistingObjectTag/GuardDutyMalwareScanStatus"])
	assert.Equal(t, []string{admin, "arn:aws:iam::111122223333:role/study-upload-ledger", scanner}, gate.Condition["ArnNotLike"]["aws:PrincipalArn"])
	assert.Equal(t, []string{scanner}, statement(t, doc, "OnlyTheScannerTagsObjects").Condition["ArnNotLike"]["aws:PrincipalArn"])
	upload := statement(t, doc, "UploadsCannotCarryTheScanTag")
	assert.Equal(t, []string{"GuardDutyMalwareScanStatus"}, upload.Condition["ForAnyValue:StringEqualsIgnoreCase"]["s3:RequestObjectTagKeys"])
	for _, purpose := range []string{"output", "ancillary", "logs"} {
		other := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, purpose)), "policy")
		for _, st := range other.Statement {
			assert.NotEqual(t, "ReadOnlyObjectsScannedClean", st.Sid, "only data-in is scanned")
		}
	}
}

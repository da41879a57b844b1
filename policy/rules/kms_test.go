package rules

import (
	"testing"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/require"
)

func TestKMSKeyRotationEnabled(t *testing.T) {
	checkRule(t, "kms-key-rotation-enabled", []ruleCase{
		{name: "a rotated key is compliant", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"enableKeyRotation":true}`)}},
		{name: "the project key's settings are compliant", rs: []*engine.Resource{res(t, kmsKeyType, "k",
			`{"keyUsage":"ENCRYPT_DECRYPT","customerMasterKeySpec":"SYMMETRIC_DEFAULT","enableKeyRotation":true,"deletionWindowInDays":30}`)}},
		{name: "rotation in the string form is compliant", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"enableKeyRotation":"true"}`)}},
		{name: "a key with rotation off violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"enableKeyRotation":false}`)},
			want: "enableKeyRotation is false; it must be true"},
		{name: "a key without the setting violates, since AWS leaves rotation off", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{}`)},
			want: "enableKeyRotation is not set, and AWS leaves rotation off; it must be true"},
		{name: "an explicit symmetric key without rotation violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"customerMasterKeySpec":"SYMMETRIC_DEFAULT"}`)},
			want: "enableKeyRotation is not set"},
		{name: "a rotation setting of the wrong shape violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"enableKeyRotation":"yearly"}`)},
			want: `enableKeyRotation is a string ("yearly"); expected the boolean true`},
		{name: "an asymmetric key cannot rotate and is not judged", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"customerMasterKeySpec":"RSA_2048","keyUsage":"SIGN_VERIFY"}`)}},
		{name: "an HMAC key cannot rotate and is not judged", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"customerMasterKeySpec":"HMAC_256"}`)}},
		{name: "a key spec under keySpec is honoured", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"keySpec":"ECC_NIST_P256"}`)}},
		{name: "a key in a custom key store cannot rotate and is not judged", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"customKeyStoreId":"cks-1234"}`)}},
		{name: "a key spec of the wrong shape violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"customerMasterKeySpec":256,"enableKeyRotation":true}`)},
			want: "customerMasterKeySpec is a number (256); expected a key spec"},
	})
	unknownSpec := res(t, kmsKeyType, "k", `{"enableKeyRotation":false}`)
	unknownSpec.Props["customerMasterKeySpec"] = engine.Unknown
	checkRule(t, "kms-key-rotation-enabled", []ruleCase{
		{name: "an unknown rotation setting is undecided", rs: []*engine.Resource{iamUnknown(t, kmsKeyType, "k", "enableKeyRotation")},
			want: "enableKeyRotation is unknown until deployment", undecided: true},
		{name: "an unknown key spec is undecided", rs: []*engine.Resource{unknownSpec}, want: "customerMasterKeySpec is unknown until deployment", undecided: true},
	})
}

func TestKMSKeyDeletionWindow(t *testing.T) {
	checkRule(t, "kms-key-deletion-window", []ruleCase{
		{name: "a thirty-day window is compliant", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"deletionWindowInDays":30}`)}},
		{name: "a missing window takes AWS's thirty-day default", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{}`)}},
		{name: "a window in the string form is read", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"deletionWindowInDays":"30"}`)}},
		{name: "a seven-day window violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"deletionWindowInDays":7}`)},
			want: "deletionWindowInDays is 7; it must be 30, the longest AWS allows"},
		{name: "a twenty-nine-day window violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"deletionWindowInDays":"29"}`)}, want: "deletionWindowInDays is 29"},
		{name: "a window of the wrong shape violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"deletionWindowInDays":"a month"}`)},
			want: `deletionWindowInDays is a string ("a month"); expected a whole number of days`},
		{name: "a fractional window violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"deletionWindowInDays":29.5}`)}, want: "expected a whole number of days"},
	})
	checkRule(t, "kms-key-deletion-window", []ruleCase{
		{name: "an unknown window is undecided", rs: []*engine.Resource{iamUnknown(t, kmsKeyType, "k", "deletionWindowInDays")},
			want: "deletionWindowInDays is unknown until deployment", undecided: true},
	})
}

func TestKMSKeyPolicyNoPublicAccess(t *testing.T) {
	key := func(statement string) *engine.Resource {
		return res(t, kmsKeyType, "k", `{"policy":`+iamQuoted(t, `{"Version":"2012-10-17","Statement":[`+statement+`]}`)+`}`)
	}
	projectPolicy, err := components.KeyPolicy(components.ProjectKeyArgs{
		PIT: "hipaa", ARNs: components.ARNs{Partition: "aws", Region: "us-east-1", AccountID: "111122223333"},
		LogGroupPrefixes: []string{components.LogGroupPrefix("hipaa")}, Services: []components.KeyService{components.KeyServiceCloudWatchLogs},
	})
	require.NoError(t, err)
	checkRule(t, "kms-key-policy-no-public-access", []ruleCase{
		{name: "the project key's policy is compliant", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"policy":`+iamQuoted(t, projectPolicy)+`}`)}},
		{name: "any principal without a condition violates", rs: []*engine.Resource{key(`{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}`)},
			want: `policy statement 0 (sid "Open") allows any principal ("*") without a condition on kms:CallerAccount`},
		{name: "an AWS star principal without a condition violates", rs: []*engine.Resource{key(`{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"kms:*","Resource":"*"}`)},
			want: "allows any principal"},
		{name: "any principal limited to the calling account is compliant", rs: []*engine.Resource{key(
			`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.us-east-1.amazonaws.com"}}}`)}},
		{name: "any principal limited to the organization is compliant", rs: []*engine.Resource{key(
			`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`)}},
		{name: "any principal limited by source account is compliant", rs: []*engine.Resource{key(
			`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"aws:SourceAccount":"111122223333"}}}`)}},
		{name: "a negated condition does not limit the principal", rs: []*engine.Resource{key(
			`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"444455556666"}}}`)},
			want: "allows any principal"},
		{name: "an IfExists condition does not limit the principal", rs: []*engine.Resource{key(
			`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEqualsIfExists":{"kms:CallerAccount":"111122223333"}}}`)},
			want: "allows any principal"},
		{name: "a wildcard condition value does not limit the principal", rs: []*engine.Resource{key(
			`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"aws:PrincipalOrgID":"*"}}}`)},
			want: "allows any principal"},
		{name: "a condition on an unrelated key does not limit the principal", rs: []*engine.Resource{key(
			`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)},
			want: "allows any principal"},
		{name: "a deny for any principal is compliant", rs: []*engine.Resource{key(
			`{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)}},
		{name: "a key without a policy is not judged (AWS's default policy trusts the account)", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{}`)}},
		{name: "a policy that is not valid JSON violates", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"policy":"{\"Statement\":"}`)},
			want: "policy: policy is not valid JSON"},
		{name: "a string principal other than star violates", rs: []*engine.Resource{key(`{"Effect":"Allow","Principal":"someone","Action":"kms:*","Resource":"*"}`)},
			want: `principal "someone": a string principal must be "*"`},
	})
	checkRule(t, "kms-key-policy-no-public-access", []ruleCase{
		{name: "an unknown policy is undecided", rs: []*engine.Resource{iamUnknown(t, kmsKeyType, "k", "policy")}, want: "policy is unknown until deployment", undecided: true},
	})
}

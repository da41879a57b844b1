package iameval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authorizes is one request, the policies AWS consults, and the decision it must get.
type authorizes struct {
	name    string
	req     Request
	p       Policies
	allowed bool
	reason  string
}

func checkDecisions(t *testing.T, cases []authorizes) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Authorize(tc.req, tc.p)
			require.NoError(t, err)
			assert.Equal(t, tc.allowed, d.Allowed, d.Reason)
			assert.Contains(t, d.Reason, tc.reason)
		})
	}
}

const (
	keyARN      = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	exampleRole = "arn:aws:iam::111122223333:role/ExampleRole"
	otherRole   = "arn:aws:iam::111122223333:role/OtherRole"
)

// The key policies of the KMS Developer Guide, "Default key policy".
var (
	defaultKeyPolicy = MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`)
	keyUsersPolicy   = MustParse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/ExampleUser","arn:aws:iam::111122223333:role/ExampleRole","arn:aws:iam::444455556666:root"]},
		 "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},
		{"Sid":"Allow attachment of persistent resources","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/ExampleUser","arn:aws:iam::111122223333:role/ExampleRole","arn:aws:iam::444455556666:root"]},
		 "Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":true}}}]}`)
	kmsUser = MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey","kms:CreateGrant"],"Resource":"` + keyARN + `"}]}`)
)

func kmsCall(principal, action string, ctx map[string][]string) Request {
	return Request{Principal: principal, Action: action, Resource: keyARN, Context: ctx}
}

// TestKMSKeyPolicyDelegationFollowsTheKMSGuide: "Unless the key policy explicitly allows it, you cannot
// use IAM policies to allow access to a KMS key. Without permission from the key policy, IAM policies
// that allow permissions have no effect. (You can use an IAM policy to deny a permission to a KMS key
// without permission from a key policy.)" ("Key policies in AWS KMS"); "When the principal in a key
// policy statement is the account principal, the policy statement doesn't give any IAM users or roles
// permission to use the KMS key. Instead, it allows the account to use IAM policies to delegate the
// permissions" ("Default key policy").
func TestKMSKeyPolicyDelegationFollowsTheKMSGuide(t *testing.T) {
	denyDecrypt := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}`)
	const account = "111122223333"
	checkDecisions(t, []authorizes{
		{"the default key policy delegates to IAM: an identity policy allows", kmsCall(otherRole, "kms:Decrypt", nil),
			Policies{Identity: []*Document{kmsUser}, KeyPolicy: defaultKeyPolicy, ResourceAccount: account}, true, "delegates to IAM"},
		{"the default key policy delegates, but no identity policy allows", kmsCall(otherRole, "kms:Decrypt", nil),
			Policies{KeyPolicy: defaultKeyPolicy, ResourceAccount: account}, false, "no identity policy allows"},
		{"a session of the role is judged as the role", kmsCall("arn:aws:sts::111122223333:assumed-role/OtherRole/s", "kms:Decrypt", nil),
			Policies{Identity: []*Document{kmsUser}, KeyPolicy: defaultKeyPolicy, ResourceAccount: account}, true, "delegates to IAM"},
		{"the account root user is the account principal itself", kmsCall("arn:aws:iam::111122223333:root", "kms:ScheduleKeyDeletion", nil),
			Policies{KeyPolicy: defaultKeyPolicy, ResourceAccount: account}, true, "key policy"},
		{"a key user is allowed by the key policy alone", kmsCall(exampleRole, "kms:Decrypt", nil),
			Policies{KeyPolicy: keyUsersPolicy, ResourceAccount: account}, true, "key policy"},
		{"so is a session of the key user's role", kmsCall("arn:aws:sts::111122223333:assumed-role/ExampleRole/app", "kms:GenerateDataKeyWithoutPlaintext", nil),
			Policies{KeyPolicy: keyUsersPolicy, ResourceAccount: account}, true, "key policy"},
		{"without the root statement an identity policy has no effect", kmsCall(otherRole, "kms:Decrypt", nil),
			Policies{Identity: []*Document{kmsUser}, KeyPolicy: keyUsersPolicy, ResourceAccount: account}, false, "neither allows it nor delegates it"},
		{"an identity policy can deny without the key policy's permission", kmsCall(exampleRole, "kms:Decrypt", nil),
			Policies{Identity: []*Document{denyDecrypt}, KeyPolicy: keyUsersPolicy, ResourceAccount: account}, false, "explicitly denied by the identity policy 0"},
		{"key administrators' actions are not key users'", kmsCall(exampleRole, "kms:PutKeyPolicy", nil),
			Policies{KeyPolicy: keyUsersPolicy, ResourceAccount: account}, false, "implicit deny"},
		{"grants for an AWS resource are allowed", kmsCall(exampleRole, "kms:CreateGrant", map[string][]string{"kms:GrantIsForAWSResource": {"true"}}),
			Policies{KeyPolicy: keyUsersPolicy, ResourceAccount: account}, true, "key policy"},
		{"a grant the key user asks for directly is not", kmsCall(exampleRole, "kms:CreateGrant", map[string][]string{"kms:GrantIsForAWSResource": {"false"}}),
			Policies{KeyPolicy: keyUsersPolicy, ResourceAccount: account}, false, "implicit deny"},
		{"an external account named in the key policy still needs its own IAM allow", kmsCall("arn:aws:iam::444455556666:role/partner", "kms:Decrypt", nil),
			Policies{KeyPolicy: keyUsersPolicy, ResourceAccount: account}, false, "both the identity and the resource policy"},
		{"with it the external role may decrypt", kmsCall("arn:aws:iam::444455556666:role/partner", "kms:Decrypt", nil),
			Policies{Identity: []*Document{MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"` + keyARN + `"}]}`)},
				KeyPolicy: keyUsersPolicy, ResourceAccount: account}, true, "both"},
		{"the Resource policy stands for the key policy when KeyPolicy is nil", kmsCall(exampleRole, "kms:Decrypt", nil),
			Policies{Resource: keyUsersPolicy, ResourceAccount: account}, true, "key policy"},
	})

	_, err := Authorize(kmsCall(exampleRole, "kms:Decrypt", nil), Policies{Identity: []*Document{kmsUser}, ResourceAccount: account})
	assert.ErrorContains(t, err, "key's policy", "a kms: request without its key policy is refused")

	d, err := Authorize(Request{Principal: exampleRole, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
		Policies{Identity: []*Document{MustParse(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}, KeyPolicy: MustParse(
			`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`), ResourceAccount: account})
	require.NoError(t, err)
	assert.True(t, d.Allowed, "a key policy does not apply to other services' actions: %s", d.Reason)
}

// TestKMSViaServiceFollowsTheKMSGuide uses the kms:ViaService example of "AWS KMS condition keys": the
// key may be used only through Amazon EC2 and Amazon RDS in us-west-2.
func TestKMSViaServiceFollowsTheKMSGuide(t *testing.T) {
	key := MustParse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ExampleUser"},
		 "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:ListGrants","kms:DescribeKey"],"Resource":"*",
		 "Condition":{"StringEquals":{"kms:ViaService":["ec2.us-west-2.amazonaws.com","rds.us-west-2.amazonaws.com"]}}}]}`)
	user := "arn:aws:iam::111122223333:user/ExampleUser"
	checkDecisions(t, []authorizes{
		{"through EC2 in us-west-2", kmsCall(user, "kms:Decrypt", map[string][]string{"kms:ViaService": {"ec2.us-west-2.amazonaws.com"}}),
			Policies{KeyPolicy: key, ResourceAccount: "111122223333"}, true, "key policy"},
		{"directly, with no kms:ViaService", kmsCall(user, "kms:Decrypt", nil),
			Policies{KeyPolicy: key, ResourceAccount: "111122223333"}, false, "no identity policy allows"},
		{"through S3", kmsCall(user, "kms:Decrypt", map[string][]string{"kms:ViaService": {"s3.us-west-2.amazonaws.com"}}),
			Policies{KeyPolicy: key, ResourceAccount: "111122223333"}, false, "no identity policy allows"},
	})
}

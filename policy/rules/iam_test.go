package rules

import (
	"encoding/json"
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/require"
)

// iamQuoted renders a policy document as the JSON string a Pulumi input holds, quoted for use inside a
// fixture's JSON.
func iamQuoted(t *testing.T, doc string) string {
	t.Helper()
	require.True(t, json.Valid([]byte(doc)), "fixture policy %s", doc)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return string(b)
}

// iamUnknown builds a resource whose prop is unknown until deployment.
func iamUnknown(t *testing.T, typ, name, prop string) *engine.Resource {
	t.Helper()
	r := res(t, typ, name, `{}`)
	r.Props[prop] = engine.Unknown
	return r
}

const (
	iamDecryptAll    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`
	iamDecryptOneKey = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],` +
		`"Resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}`
)

func TestIAMCustomerPolicyNoBlockedKMSActions(t *testing.T) {
	policy := func(name, doc string) *engine.Resource { return res(t, iamPolicyType, name, `{"policy":`+doc+`}`) }
	checkRule(t, "iam-customer-policy-no-blocked-kms-actions", []ruleCase{
		{name: "decrypt on a named key is compliant", rs: []*engine.Resource{policy("p", iamDecryptOneKey)}},
		{name: "decrypt on every resource violates", rs: []*engine.Resource{policy("p", iamDecryptAll)},
			want: `policy statement 0 allows kms:Decrypt on every resource (Resource "*")`},
		{name: "the policy held as a JSON string is judged too", rs: []*engine.Resource{policy("p", iamQuoted(t, iamDecryptAll))},
			want: "allows kms:Decrypt on every resource"},
		{name: "kms:* on every resource grants both blocked actions", rs: []*engine.Resource{policy("p",
			`{"Statement":[{"Sid":"AllKMS","Effect":"Allow","Action":"kms:*","Resource":"*"}]}`)},
			want: `statement 0 (sid "AllKMS") allows kms:Decrypt and kms:ReEncryptFrom`},
		{name: "kms:Re* on every resource grants ReEncryptFrom", rs: []*engine.Resource{policy("p",
			`{"Statement":[{"Effect":"Allow","Action":["kms:Re*"],"Resource":["*"]}]}`)}, want: "allows kms:ReEncryptFrom on"},
		{name: "a lower-case action is matched as IAM matches actions", rs: []*engine.Resource{policy("p",
			`{"Statement":[{"Effect":"Allow","Action":"KMS:decrypt","Resource":"*"}]}`)}, want: "allows kms:Decrypt"},
		{name: "every action on every resource grants decryption", rs: []*engine.Resource{policy("p",
			`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}, want: "kms:Decrypt and kms:ReEncryptFrom"},
		{name: "NotResource counts as every resource", rs: []*engine.Resource{policy("p",
			`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","NotResource":"arn:aws:kms:us-east-1:111122223333:key/x"}]}`)},
			want: "on every resource but its NotResource"},
		{name: "NotAction that does not exclude kms grants decryption", rs: []*engine.Resource{policy("p",
			`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`)}, want: "allows kms:Decrypt and kms:ReEncryptFrom"},
		{name: "a deny of kms:* on every resource is compliant", rs: []*engine.Resource{policy("p",
			`{"Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}`)}},
		{name: "encrypt-only actions on every resource are compliant", rs: []*engine.Resource{policy("p",
			`{"Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"}]}`)}},
		{name: "a policy without a document is not judged", rs: []*engine.Resource{res(t, iamPolicyType, "p", `{"name":"empty"}`)}},
		{name: "a document that is not valid JSON violates", rs: []*engine.Resource{policy("p", `"{\"Statement\": ["`)}, want: "policy: policy is not valid JSON"},
		{name: "a document of the wrong shape violates", rs: []*engine.Resource{policy("p", `42`)}, want: "policy is a number; expected a JSON document"},
		{name: "a statement of the wrong shape violates", rs: []*engine.Resource{policy("p", `{"Statement":["Allow"]}`)},
			want: "policy statement 0 is a string; expected an object"},
		{name: "an inline role policy is left to the inline rule", rs: []*engine.Resource{res(t, iamRolePolicyType, "rp", `{"policy":`+iamDecryptAll+`}`)}},
	})
	checkRule(t, "iam-customer-policy-no-blocked-kms-actions", []ruleCase{
		{name: "an unknown document is undecided", rs: []*engine.Resource{iamUnknown(t, iamPolicyType, "p", "policy")},
			want: "policy is unknown until deployment", undecided: true},
	})
}

func TestIAMInlinePolicyNoBlockedKMSActions(t *testing.T) {
	role := func(inline string) *engine.Resource {
		return res(t, iamRoleType, "r", `{"assumeRolePolicy":"{}","inlinePolicies":`+inline+`}`)
	}
	unknownEntry := res(t, iamRoleType, "r", `{"inlinePolicies":[{"name":"later"}]}`)
	unknownEntry.Props["inlinePolicies"].([]any)[0].(map[string]any)["policy"] = engine.Unknown
	checkRule(t, "iam-inline-policy-no-blocked-kms-actions", []ruleCase{
		{name: "a role policy that decrypts a named key is compliant", rs: []*engine.Resource{res(t, iamRolePolicyType, "rp", `{"policy":`+iamDecryptOneKey+`}`)}},
		{name: "a role policy that decrypts every key violates", rs: []*engine.Resource{res(t, iamRolePolicyType, "rp", `{"policy":`+iamDecryptAll+`}`)},
			want: "policy statement 0 allows kms:Decrypt on every resource"},
		{name: "a user policy that decrypts every key violates", rs: []*engine.Resource{res(t, iamUserPolicyType, "up", `{"user":"u","policy":`+iamQuoted(t, iamDecryptAll)+`}`)},
			want: "allows kms:Decrypt"},
		{name: "a group policy that re-encrypts from every key violates", rs: []*engine.Resource{res(t, iamGroupPolicyType, "gp",
			`{"group":"g","policy":{"Statement":{"Effect":"Allow","Action":"kms:ReEncrypt*","Resource":"*"}}}`)}, want: "allows kms:ReEncryptFrom"},
		{name: "a role's second inline policy that decrypts every key violates", rs: []*engine.Resource{role(
			`[{"name":"ok","policy":` + iamQuoted(t, iamDecryptOneKey) + `},{"name":"bad","policy":` + iamQuoted(t, iamDecryptAll) + `}]`)},
			want: "inlinePolicies[1].policy statement 0 allows kms:Decrypt"},
		{name: "a role whose inline policies decrypt named keys only is compliant", rs: []*engine.Resource{role(`[{"name":"ok","policy":` + iamQuoted(t, iamDecryptOneKey) + `}]`)}},
		{name: "a role with the empty inline entry holds no policy", rs: []*engine.Resource{role(`[{}]`)}},
		{name: "a role without inline policies is compliant", rs: []*engine.Resource{res(t, iamRoleType, "r", `{"assumeRolePolicy":"{}"}`)}},
		{name: "inline policies of the wrong shape violate", rs: []*engine.Resource{role(`"none"`)}, want: "inlinePolicies is a string; expected a list of objects"},
		{name: "an inline document that is not valid JSON violates", rs: []*engine.Resource{role(`[{"name":"x","policy":"{"}]`)},
			want: "inlinePolicies[0].policy: policy is not valid JSON"},
		{name: "a customer-managed policy is left to the customer rule", rs: []*engine.Resource{res(t, iamPolicyType, "p", `{"policy":`+iamDecryptAll+`}`)}},
	})
	checkRule(t, "iam-inline-policy-no-blocked-kms-actions", []ruleCase{
		{name: "an unknown role policy document is undecided", rs: []*engine.Resource{iamUnknown(t, iamRolePolicyType, "rp", "policy")},
			want: "policy is unknown until deployment", undecided: true},
		{name: "an unknown inline document of a role is undecided", rs: []*engine.Resource{unknownEntry},
			want: "inlinePolicies[0].policy is unknown until deployment", undecided: true},
		{name: "unknown inline policies of a role are undecided", rs: []*engine.Resource{iamUnknown(t, iamRoleType, "r", "inlinePolicies")},
			want: "inlinePolicies is unknown until deployment", undecided: true},
	})
}

func TestIAMNoInlinePolicy(t *testing.T) {
	unknownDoc := res(t, iamRoleType, "r", `{"inlinePolicies":[{}]}`)
	unknownDoc.Props["inlinePolicies"].([]any)[0].(map[string]any)["policy"] = engine.Unknown
	checkRule(t, "iam-no-inline-policy", []ruleCase{
		{name: "a role policy violates", rs: []*engine.Resource{res(t, iamRolePolicyType, "rp", `{"role":"r","policy":`+iamDecryptOneKey+`}`)},
			want: "aws:iam/rolePolicy:RolePolicy is an inline policy"},
		{name: "a user policy violates", rs: []*engine.Resource{res(t, iamUserPolicyType, "up", `{"user":"u"}`)}, want: "aws:iam/userPolicy:UserPolicy is an inline policy"},
		{name: "a group policy violates", rs: []*engine.Resource{res(t, iamGroupPolicyType, "gp", `{"group":"g"}`)}, want: "aws:iam/groupPolicy:GroupPolicy is an inline policy"},
		{name: "a role with a named inline policy violates", rs: []*engine.Resource{res(t, iamRoleType, "r",
			`{"inlinePolicies":[{"name":"read","policy":`+iamQuoted(t, iamDecryptOneKey)+`}]}`)}, want: `inlinePolicies[0] (name "read") is an inline policy of the role`},
		{name: "a role with an unnamed inline document violates", rs: []*engine.Resource{res(t, iamRoleType, "r",
			`{"inlinePolicies":[{},{"policy":`+iamQuoted(t, iamDecryptOneKey)+`}]}`)}, want: "inlinePolicies[1] is an inline policy"},
		{name: "a role whose inline document is unknown still holds an inline policy", rs: []*engine.Resource{unknownDoc}, want: "inlinePolicies[0] is an inline policy"},
		{name: "a role with only the empty inline entry is compliant", rs: []*engine.Resource{res(t, iamRoleType, "r", `{"inlinePolicies":[{"name":"","policy":""}]}`)}},
		{name: "a role without inline policies is compliant", rs: []*engine.Resource{res(t, iamRoleType, "r", `{"managedPolicyArns":["arn:aws:iam::111122223333:policy/p"]}`)}},
		{name: "a role with an empty inline list is compliant", rs: []*engine.Resource{res(t, iamRoleType, "r", `{"inlinePolicies":[]}`)}},
		{name: "inline policies of the wrong shape violate", rs: []*engine.Resource{res(t, iamRoleType, "r", `{"inlinePolicies":[true]}`)},
			want: "inlinePolicies[0] is a boolean; expected an object"},
		{name: "a customer-managed policy is compliant", rs: []*engine.Resource{res(t, iamPolicyType, "p", `{"policy":`+iamDecryptOneKey+`}`)}},
	})
	checkRule(t, "iam-no-inline-policy", []ruleCase{
		{name: "unknown inline policies are undecided", rs: []*engine.Resource{iamUnknown(t, iamRoleType, "r", "inlinePolicies")},
			want: "inlinePolicies is unknown until deployment", undecided: true},
	})
}

func TestIAMNoAdminAccess(t *testing.T) {
	policy := func(doc string) *engine.Resource { return res(t, iamPolicyType, "p", `{"policy":`+doc+`}`) }
	checkRule(t, "iam-no-admin-access", []ruleCase{
		{name: "a scoped policy is compliant", rs: []*engine.Resource{policy(iamDecryptOneKey)}},
		{name: "every action on every resource violates", rs: []*engine.Resource{policy(`{"Statement":[{"Sid":"Admin","Effect":"Allow","Action":"*","Resource":"*"}]}`)},
			want: `policy statement 0 (sid "Admin") allows every action (Action "*") on every resource (Resource "*"): administrator access`},
		{name: "a star among listed actions violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","*"],"Resource":["*"]}]}`)},
			want: "administrator access"},
		{name: "the *:* form violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":"*:*","Resource":"*"}]}`)}, want: `Action "*:*"`},
		{name: "every action but IAM on every resource violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]}`)},
			want: "allows every action except iam:* (NotAction)"},
		{name: "every action on every resource but one violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::b"}]}`)},
			want: "every resource but its NotResource"},
		{name: "every action on one resource is left to the full-access rule", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}]}`)}},
		{name: "a whole service on every resource is left to the full-access rule", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}},
		{name: "a deny of everything is compliant", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)}},
		{name: "an inline role policy with admin access violates", rs: []*engine.Resource{res(t, iamRolePolicyType, "rp", `{"policy":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}`)},
			want: "administrator access"},
		{name: "a role's inline admin policy violates", rs: []*engine.Resource{res(t, iamRoleType, "r",
			`{"inlinePolicies":[{"name":"admin","policy":`+iamQuoted(t, `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)+`}]}`)},
			want: "inlinePolicies[0].policy statement 0 allows every action"},
		{name: "a policy without a document is not judged", rs: []*engine.Resource{res(t, iamUserPolicyType, "up", `{}`)}},
		{name: "a Statement of the wrong shape violates", rs: []*engine.Resource{policy(`{"Statement":"Allow everything"}`)},
			want: "policy Statement is a string; expected a list of statements"},
		{name: "an effect that is neither allow nor deny violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}`)},
			want: `effect "Permit" is neither Allow nor Deny`},
		{name: "a key policy is not an identity policy", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"policy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}]}}`)}},
	})
	checkRule(t, "iam-no-admin-access", []ruleCase{
		{name: "an unknown document is undecided", rs: []*engine.Resource{iamUnknown(t, iamGroupPolicyType, "gp", "policy")}, want: "policy is unknown until deployment", undecided: true},
	})
}

func TestIAMNoFullServiceAccess(t *testing.T) {
	policy := func(doc string) *engine.Resource { return res(t, iamPolicyType, "p", `{"policy":`+doc+`}`) }
	checkRule(t, "iam-no-full-service-access", []ruleCase{
		{name: "listed actions are compliant", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b"}]}`)}},
		{name: "a whole service on one resource violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`)},
			want: `policy statement 0 allows "s3:*", every action of service s3`},
		{name: "a whole service written in capitals violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents","DynamoDB:*"],"Resource":"*"}]}`)},
			want: `allows "DynamoDB:*", every action of service DynamoDB`},
		{name: "a wildcard inside an action name is compliant", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":["s3:Get*","kms:*Key"],"Resource":"*"}]}`)}},
		{name: "every action of every service violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}]}`)},
			want: `allows "*", every action of every service`},
		{name: "an Allow with NotAction violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}`)},
			want: "allows every action except s3:DeleteObject (NotAction): full access to every other service"},
		{name: "a deny of a whole service is compliant", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)}},
		{name: "a role's inline policy with a whole service violates", rs: []*engine.Resource{res(t, iamRoleType, "r",
			`{"inlinePolicies":[{"name":"sqs","policy":`+iamQuoted(t, `{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`)+`}]}`)},
			want: `inlinePolicies[0].policy statement 0 allows "sqs:*"`},
		{name: "a user policy with a whole service violates", rs: []*engine.Resource{res(t, iamUserPolicyType, "up", `{"policy":{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}}`)},
			want: `"ec2:*"`},
		{name: "a policy without a document is not judged", rs: []*engine.Resource{res(t, iamPolicyType, "p", `{}`)}},
		{name: "an Action of the wrong shape violates", rs: []*engine.Resource{policy(`{"Statement":[{"Effect":"Allow","Action":{"s3":"*"},"Resource":"*"}]}`)},
			want: "Action: an object is not a string"},
		{name: "a key policy granting kms:* is not judged here", rs: []*engine.Resource{res(t, kmsKeyType, "k", `{"policy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}}`)}},
		{name: "a bucket policy is not judged here", rs: []*engine.Resource{res(t, "aws:s3/bucketPolicy:BucketPolicy", "bp", `{"policy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}]}}`)}},
	})
	checkRule(t, "iam-no-full-service-access", []ruleCase{
		{name: "an unknown document is undecided", rs: []*engine.Resource{iamUnknown(t, iamPolicyType, "p", "policy")}, want: "policy is unknown until deployment", undecided: true},
	})
}

func TestIAMRoleNoPolicyManagementConflicts(t *testing.T) {
	const id = "iam-role-no-policy-management-conflicts"
	inlineRole := func() *engine.Resource {
		r := res(t, iamRoleType, "r", `{"name":"app-role","inlinePolicies":[{"name":"read","policy":`+iamQuoted(t, iamDecryptOneKey)+`}]}`)
		r.Outputs = map[string]any{"arn": "arn:aws:iam::111122223333:role/app-role", "name": "app-role"}
		return r
	}
	managedRole := func(arns string) *engine.Resource {
		return res(t, iamRoleType, "r", `{"name":"app-role","managedPolicyArns":`+arns+`}`)
	}
	plainRole := func() *engine.Resource { return res(t, iamRoleType, "r", `{"name":"app-role"}`) }
	// As in preview: the reference is unknown, and the property dependencies name the role.
	dependent := func(typ, name, prop string, role *engine.Resource) *engine.Resource {
		d := res(t, typ, name, `{"policyArn":"arn:aws:iam::111122223333:policy/p"}`)
		d.Props[prop] = engine.Unknown
		d.PropertyDependencies = map[string][]string{prop: {role.URN}}
		return d
	}
	r1 := inlineRole()
	r2 := managedRole(`["arn:aws:iam::111122223333:policy/p"]`)
	r3 := plainRole()
	r4 := managedRole(`["arn:aws:iam::111122223333:policy/p"]`)
	r5 := iamUnknown(t, iamRoleType, "r", "managedPolicyArns")
	r6 := iamUnknown(t, iamRoleType, "r", "inlinePolicies")
	checkRule(t, id, []ruleCase{
		{name: "a role with inline policies and a role policy found through dependencies violates",
			rs:   []*engine.Resource{r1, dependent(iamRolePolicyType, "rp", "role", r1)},
			want: `inlinePolicies is set, so the role manages its inline policies exclusively, and aws:iam/rolePolicy:RolePolicy "rp" also adds one`},
		{name: "a role with inline policies and a role policy naming it by value violates",
			rs: []*engine.Resource{inlineRole(), res(t, iamRolePolicyType, "rp", `{"role":"app-role","policy":`+iamDecryptOneKey+`}`)}, want: `RolePolicy "rp"`},
		{name: "a role with only the empty inline entry still manages its inline policies",
			rs:   []*engine.Resource{res(t, iamRoleType, "r", `{"name":"app-role","inlinePolicies":[{}]}`), res(t, iamRolePolicyType, "rp", `{"role":"app-role"}`)},
			want: "inlinePolicies is set"},
		{name: "a role with unknown inline policies and a role policy violates",
			rs: []*engine.Resource{r6, dependent(iamRolePolicyType, "rp", "role", r6)}, want: "inlinePolicies is set"},
		{name: "a role with inline policies and no role policy is compliant", rs: []*engine.Resource{inlineRole()}},
		{name: "a role policy on another role is compliant",
			rs: []*engine.Resource{inlineRole(), res(t, iamRolePolicyType, "rp", `{"role":"other-role"}`)}},
		{name: "a role without inline policies may have role policies",
			rs: []*engine.Resource{plainRole(), res(t, iamRolePolicyType, "rp", `{"role":"app-role"}`)}},
		{name: "a role with managed policy ARNs and an attachment found through dependencies violates",
			rs:   []*engine.Resource{r2, dependent(iamRolePolicyAttachmentType, "att", "role", r2)},
			want: `managedPolicyArns is set, so the role manages its policy attachments exclusively, and aws:iam/rolePolicyAttachment:RolePolicyAttachment "att"`},
		{name: "an empty managed policy list with an attachment naming the role by id violates",
			rs:   []*engine.Resource{managedRole(`[]`), res(t, iamRolePolicyAttachmentType, "att", `{"role":"r-id","policyArn":"arn:aws:iam::111122223333:policy/p"}`)},
			want: "managedPolicyArns is set"},
		{name: "a role with managed policy ARNs listed in a policy attachment's roles violates",
			rs:   []*engine.Resource{managedRole(`["arn:aws:iam::aws:policy/ReadOnlyAccess"]`), res(t, iamPolicyAttachmentType, "pa", `{"roles":["x-role","app-role"]}`)},
			want: `aws:iam/policyAttachment:PolicyAttachment "pa" also attaches a policy`},
		{name: "a policy attachment found through dependencies violates",
			rs: []*engine.Resource{r4, dependent(iamPolicyAttachmentType, "pa", "roles", r4)}, want: `PolicyAttachment "pa"`},
		{name: "unknown managed policy ARNs with an attachment violate",
			rs: []*engine.Resource{r5, dependent(iamRolePolicyAttachmentType, "att", "role", r5)}, want: "managedPolicyArns is set"},
		{name: "a role with managed policy ARNs and no attachment is compliant", rs: []*engine.Resource{managedRole(`["arn:aws:iam::111122223333:policy/p"]`)}},
		{name: "an attachment to a role without managed policy ARNs is compliant (the flow log role's pattern)",
			rs: []*engine.Resource{r3, dependent(iamRolePolicyAttachmentType, "att", "role", r3)}},
		{name: "an attachment to another role is compliant",
			rs: []*engine.Resource{managedRole(`[]`), res(t, iamRolePolicyAttachmentType, "att", `{"role":"other-role"}`)}},
		{name: "an attachment whose role is of the wrong shape matches nothing",
			rs: []*engine.Resource{managedRole(`[]`), res(t, iamRolePolicyAttachmentType, "att", `{"role":{"name":"app-role"}}`)}},
	})
	t.Run("the finding names the role", func(t *testing.T) {
		role := inlineRole()
		fs := findingsOf(t, id, role, dependent(iamRolePolicyType, "rp", "role", role))
		require.Len(t, fs, 1)
		require.Equal(t, role.URN, fs[0].URN)
	})
}

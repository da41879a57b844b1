package iameval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// evaluates is one request against one document and the effect it must get.
type evaluates struct {
	name     string
	req      Request
	resource bool
	want     Effect
}

func checkAll(t *testing.T, doc *Document, cases []evaluates) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := doc.Evaluate(tc.req, tc.resource)
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Effect, "statement %q", res.Sid)
		})
	}
}

const alice = "arn:aws:iam::111122223333:user/alice"

// TestNotActionFollowsTheIAMGuide uses the examples of "IAM JSON policy elements: NotAction".
func TestNotActionFollowsTheIAMGuide(t *testing.T) {
	t.Run("allow every S3 action on S3 resources except deleting a bucket", func(t *testing.T) {
		checkAll(t, MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}]}`), []evaluates{
			{"GetObject is allowed", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, false, Allowed},
			{"DeleteBucket is not", Request{Principal: alice, Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::b"}, false, NotApplicable},
			{"the action name compares without case", Request{Principal: alice, Action: "S3:deletebucket", Resource: "arn:aws:s3:::b"}, false, NotApplicable},
			{"ListAllMyBuckets is not, for it requires the * resource", Request{Principal: alice, Action: "s3:ListAllMyBuckets", Resource: "*"}, false, NotApplicable},
			{"other services are not, for their actions do not apply to S3 resources", Request{Principal: alice, Action: "ec2:RunInstances", Resource: "arn:aws:ec2:us-east-1:111122223333:instance/i-1"}, false, NotApplicable},
		})
	})
	t.Run("allow every action of every service except IAM", func(t *testing.T) {
		checkAll(t, MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`), []evaluates{
			{"an EC2 action is allowed", Request{Principal: alice, Action: "ec2:RunInstances", Resource: "*"}, false, Allowed},
			{"an IAM action is not", Request{Principal: alice, Action: "iam:CreateUser", Resource: "*"}, false, NotApplicable},
		})
	})
	t.Run("deny everything but IAM without MFA (BoolIfExists)", func(t *testing.T) {
		doc := MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllUsersNotUsingMFA","Effect":"Deny","NotAction":"iam:*","Resource":"*",` +
			`"Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`)
		checkAll(t, doc, []evaluates{
			{"signed in without MFA: S3 is denied", Request{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::b", Context: map[string][]string{"aws:MultiFactorAuthPresent": {"false"}}}, false, Denied},
			{"long-term keys carry no MFA key: denied too", Request{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::b"}, false, Denied},
			{"signed in with MFA: the condition fails", Request{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::b", Context: map[string][]string{"aws:MultiFactorAuthPresent": {"true"}}}, false, NotApplicable},
			{"IAM actions are never denied by it", Request{Principal: alice, Action: "iam:ChangePassword", Resource: "*"}, false, NotApplicable},
		})
	})
}

// TestNotResourceFollowsTheIAMGuide uses the HRPayroll example of "IAM JSON policy elements: NotResource".
func TestNotResourceFollowsTheIAMGuide(t *testing.T) {
	doc := MustParse(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]}}`)
	checkAll(t, doc, []evaluates{
		{"another folder of the bucket is denied", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::HRBucket/Benefits/x"}, false, Denied},
		{"another bucket is denied", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::other/x"}, false, Denied},
		{"the Payroll folder is not denied, and not allowed either", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::HRBucket/Payroll/2024.csv"}, false, NotApplicable},
		{"an action of another service is not denied", Request{Principal: alice, Action: "ec2:DescribeInstances", Resource: "*"}, false, NotApplicable},
	})
}

// TestResourceWildcardsStayWithinTheirSegment follows "IAM JSON policy elements: Resource": "You can use
// wildcard characters (* and ?) within any ARN segment (the parts separated by colons)".
func TestResourceWildcardsStayWithinTheirSegment(t *testing.T) {
	for _, tc := range []struct {
		pattern, value string
		match          bool
	}{
		{"arn:aws:iam::111122223333:user/accounting/*", "arn:aws:iam::111122223333:user/accounting/bob", true},
		{"arn:aws:iam::111122223333:user/accounting/*", "arn:aws:iam::111122223333:user/sales/bob", false},
		{"arn:aws:s3:::my_corporate_bucket/*", "arn:aws:s3:::my_corporate_bucket/a/b:c", true},
		{"arn:aws:sqs:*:111122223333:queue1", "arn:aws:sqs:us-east-2:111122223333:queue1", true},
		{"arn:aws:sqs:*:111122223333:queue1", "arn:aws:sqs:us-east-2:999999999999:queue1", false},
		{"arn:aws:sqs:us-*:111122223333:*", "arn:aws:sqs:us-east-2:999999999999:x:111122223333:y", false},
		{"arn:aws:logs:*:*:log-group:/aws/config/*:log-stream:config-rule-evaluation/*", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/config/r:log-stream:config-rule-evaluation/s", true},
		{"*", "anything at all", true},
		{"arn:aws:s3:::*", "*", false},
	} {
		got, err := resourceMatch(tc.pattern, tc.value, nil)
		require.NoError(t, err)
		assert.Equal(t, tc.match, got, "%s ~ %s", tc.pattern, tc.value)
	}
}

// TestPolicyVariablesInResources follows "IAM policy elements: Variables and tags": the home-directory
// and DynamoDB examples, defaults, the special characters, and a variable the request cannot resolve.
func TestPolicyVariablesInResources(t *testing.T) {
	home := MustParse(`{"Version":"2012-10-17","Statement":[
		{"Action":["s3:ListBucket"],"Effect":"Allow","Resource":["arn:aws:s3:::mybucket"],"Condition":{"StringLike":{"s3:prefix":["${aws:username}/*"]}}},
		{"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Resource":["arn:aws:s3:::mybucket/${aws:username}/*"]}]}`)
	david := "arn:aws:iam::111122223333:user/David"
	checkAll(t, home, []evaluates{
		{"David reads his own folder", Request{Principal: david, Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket/David/notes.txt"}, false, Allowed},
		{"David cannot read Adele's", Request{Principal: david, Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket/Adele/notes.txt"}, false, NotApplicable},
		{"David lists his prefix", Request{Principal: david, Action: "s3:ListBucket", Resource: "arn:aws:s3:::mybucket", Context: map[string][]string{"s3:prefix": {"David/2024/"}}}, false, Allowed},
		{"David cannot list Adele's", Request{Principal: david, Action: "s3:ListBucket", Resource: "arn:aws:s3:::mybucket", Context: map[string][]string{"s3:prefix": {"Adele/"}}}, false, NotApplicable},
	})

	legacy := MustParse(`{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::mybucket/${aws:username}/*"}]}`)
	res, err := legacy.Evaluate(Request{Principal: david, Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket/David/x"}, false)
	require.NoError(t, err)
	assert.Equal(t, NotApplicable, res.Effect, "without Version 2012-10-17 a variable is literal text")
	res, err = legacy.Evaluate(Request{Principal: david, Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket/${aws:username}/x"}, false)
	require.NoError(t, err)
	assert.Equal(t, Allowed, res.Effect)

	role := "arn:aws:iam::111122223333:role/app"
	_, err = home.Evaluate(Request{Principal: role, Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket/app/x"}, false)
	assert.ErrorContains(t, err, "aws:username", "a role has no aws:username: the variable cannot be resolved, which is refused")

	withDefault := MustParse(`{"Version":"2012-10-17","Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::b/${aws:username, 'anonymous'}/*"}]}`)
	res, err = withDefault.Evaluate(Request{Principal: role, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/anonymous/x"}, false)
	require.NoError(t, err)
	assert.Equal(t, Allowed, res.Effect, "the default stands in for an absent key")

	special := MustParse(`{"Version":"2012-10-17","Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::b/literal${*}star"}]}`)
	for resource, want := range map[string]Effect{"arn:aws:s3:::b/literal*star": Allowed, "arn:aws:s3:::b/literalXstar": NotApplicable} {
		res, err = special.Evaluate(Request{Principal: role, Action: "s3:GetObject", Resource: resource}, false)
		require.NoError(t, err)
		assert.Equal(t, want, res.Effect, "${*} is a literal asterisk: %s", resource)
	}

	outside := MustParse(`{"Version":"2012-10-17","Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::${aws:username}/x"}]}`)
	res, err = outside.Evaluate(Request{Principal: david, Action: "s3:GetObject", Resource: "arn:aws:s3:::David/x"}, false)
	require.NoError(t, err, "after the fifth colon a variable is allowed")
	assert.Equal(t, Allowed, res.Effect)
	account := MustParse(`{"Version":"2012-10-17","Statement":[{"Action":"sqs:*","Effect":"Allow","Resource":"arn:aws:sqs:us-east-2:${aws:PrincipalAccount}:q"}]}`)
	_, err = account.Evaluate(Request{Principal: david, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-2:111122223333:q"}, false)
	assert.ErrorContains(t, err, "only in the resource part", "a variable before the fifth colon is refused")
}

// TestDerivedContextKeys: the keys AWS sets from the principal are there unless the request gives them.
func TestDerivedContextKeys(t *testing.T) {
	session := "arn:aws:sts::111122223333:assumed-role/study-workstation-role/i-0abc"
	ctx := DerivedContext(Request{Principal: session})
	assert.Equal(t, []string{"arn:aws:iam::111122223333:role/study-workstation-role"}, ctx["aws:PrincipalArn"], "a session's aws:PrincipalArn is its role")
	assert.Equal(t, []string{"111122223333"}, ctx["aws:PrincipalAccount"])
	assert.Equal(t, []string{"AssumedRole"}, ctx["aws:PrincipalType"])
	assert.Equal(t, []string{"false"}, ctx["aws:PrincipalIsAWSService"])
	assert.NotContains(t, ctx, "aws:username", "a role has no user name")

	withPath := DerivedContext(Request{Principal: session, Context: map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/sce/study-workstation-role"}}})
	assert.Equal(t, []string{"arn:aws:iam::111122223333:role/sce/study-workstation-role"}, withPath["aws:PrincipalArn"], "the request's own value (with the role's path) is kept")

	user := DerivedContext(Request{Principal: "arn:aws:iam::111122223333:user/division/David"})
	assert.Equal(t, []string{"David"}, user["aws:username"])
	assert.Equal(t, []string{"User"}, user["aws:PrincipalType"])

	svc := DerivedContext(Request{Principal: "cloudtrail.amazonaws.com"})
	assert.Equal(t, []string{"true"}, svc["aws:PrincipalIsAWSService"])
	assert.Equal(t, []string{"cloudtrail.amazonaws.com"}, svc["aws:PrincipalServiceName"])
	assert.NotContains(t, svc, "aws:PrincipalArn")

	anon := DerivedContext(Request{})
	assert.Equal(t, map[string][]string{"aws:PrincipalType": {"Anonymous"}}, anon)
}

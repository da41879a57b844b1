package iameval

import (
	"fmt"
	"strings"

	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrincipalFormsFollowTheIAMGuide uses the forms and examples of "AWS JSON policy elements:
// Principal".
func TestPrincipalFormsFollowTheIAMGuide(t *testing.T) {
	get := func(principal string) Request {
		return Request{Principal: principal, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	}
	allow := func(principal string) *Document {
		return MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	}
	for _, tc := range []struct {
		name, principal, caller string
		want                    Effect
		byAccount               bool
	}{
		{`"*" names anonymous callers`, `"*"`, "", Allowed, false},
		{`{"AWS": "*"} is the same`, `{"AWS":"*"}`, "", Allowed, false},
		{`"*" names roles too`, `"*"`, "arn:aws:iam::111122223333:role/r", Allowed, false},
		{"an account id delegates to the account", `{"AWS":"123456789012"}`, "arn:aws:iam::123456789012:role/r", Allowed, true},
		{"the account ARN behaves the same", `{"AWS":"arn:aws:iam::123456789012:root"}`, "arn:aws:iam::123456789012:role/r", Allowed, true},
		{"the account ARN does not limit to the root user", `{"AWS":"arn:aws:iam::123456789012:root"}`, "arn:aws:sts::123456789012:assumed-role/r/s", Allowed, true},
		{"the root user is the account itself", `{"AWS":"123456789012"}`, "arn:aws:iam::123456789012:root", Allowed, false},
		{"another account is not named", `{"AWS":"123456789012"}`, "arn:aws:iam::555555555555:role/r", NotApplicable, false},
		{"several accounts are ORed", `{"AWS":["123456789012","555555555555"]}`, "arn:aws:iam::555555555555:role/r", Allowed, true},
		{"a role ARN names the role", `{"AWS":"arn:aws:iam::123456789012:role/r"}`, "arn:aws:iam::123456789012:role/r", Allowed, false},
		{"a role ARN names its sessions", `{"AWS":"arn:aws:iam::123456789012:role/r"}`, "arn:aws:sts::123456789012:assumed-role/r/s", Allowed, false},
		{"a role ARN does not name another role's sessions", `{"AWS":"arn:aws:iam::123456789012:role/r"}`, "arn:aws:sts::123456789012:assumed-role/q/s", NotApplicable, false},
		{"a session ARN names that session", `{"AWS":"arn:aws:sts::123456789012:assumed-role/r/s"}`, "arn:aws:sts::123456789012:assumed-role/r/s", Allowed, false},
		{"a session ARN does not name another session", `{"AWS":"arn:aws:sts::123456789012:assumed-role/r/s"}`, "arn:aws:sts::123456789012:assumed-role/r/other", NotApplicable, false},
		{"a user ARN names the user", `{"AWS":"arn:aws:iam::123456789012:user/user-name"}`, "arn:aws:iam::123456789012:user/user-name", Allowed, false},
		{"a user name is case sensitive", `{"AWS":"arn:aws:iam::123456789012:user/user-name"}`, "arn:aws:iam::123456789012:user/User-Name", NotApplicable, false},
		{"a federated user session ARN", `{"AWS":"arn:aws:sts::123456789012:federated-user/user-name"}`, "arn:aws:sts::123456789012:federated-user/user-name", Allowed, false},
		{"a service principal", `{"Service":["ecs.amazonaws.com","elasticloadbalancing.amazonaws.com"]}`, "elasticloadbalancing.amazonaws.com", Allowed, false},
		{"an account does not name a service", `{"AWS":"123456789012"}`, "cloudtrail.amazonaws.com", NotApplicable, false},
		{"a Federated provider names only itself", `{"Federated":"accounts.google.com"}`, "arn:aws:iam::123456789012:role/r", NotApplicable, false},
		{"an Allow to a CanonicalUser does not name an IAM role", `{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`, "arn:aws:iam::123456789012:role/r", NotApplicable, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := allow(tc.principal).Evaluate(get(tc.caller), true)
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Effect)
			assert.Equal(t, tc.byAccount, res.ByAccount, "delegation to the account")
		})
	}

	deny := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:*","Resource":"*"}]}`)
	_, err := deny.Evaluate(get("arn:aws:iam::123456789012:role/r"), true)
	assert.ErrorContains(t, err, "CanonicalUser", "a Deny naming a canonical user the evaluator cannot relate to the caller is refused")

	_, err = MustParse(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`).Evaluate(get(alice), false)
	assert.ErrorContains(t, err, "identity-based policy cannot name a Principal")
	_, err = MustParse(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`).Evaluate(get(alice), true)
	assert.ErrorContains(t, err, "must name a Principal")
}

// TestPrincipalArnInsteadOfNotPrincipal is the Principal page's "UsePrincipalArnInsteadOfNotPrincipalWithDeny".
func TestPrincipalArnInsteadOfNotPrincipal(t *testing.T) {
	doc := MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"UsePrincipalArnInsteadOfNotPrincipalWithDeny","Effect":"Deny","Action":"s3:*","Principal":"*",
		"Resource":["arn:aws:s3:::BUCKETNAME/*","arn:aws:s3:::BUCKETNAME"],"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::444455556666:user/user-name"}}}]}`)
	checkAll(t, doc, []evaluates{
		{"the named user is not denied", Request{Principal: "arn:aws:iam::444455556666:user/user-name", Action: "s3:GetObject", Resource: "arn:aws:s3:::BUCKETNAME/k"}, true, NotApplicable},
		{"another user is denied", Request{Principal: "arn:aws:iam::444455556666:user/other", Action: "s3:GetObject", Resource: "arn:aws:s3:::BUCKETNAME/k"}, true, Denied},
		{"an anonymous caller (no aws:PrincipalArn) is denied", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::BUCKETNAME/k"}, true, Denied},
	})
}

// TestNotPrincipalWithDenyFollowsTheIAMGuide uses the examples of "AWS JSON policy elements:
// NotPrincipal": everyone but the listed principals is denied, and the account (and the role, for a
// session) must be listed as well, or the deny may apply to the excepted principal too.
func TestNotPrincipalWithDenyFollowsTheIAMGuide(t *testing.T) {
	bob := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]},
		"Action":"s3:*","Resource":["arn:aws:s3:::BUCKETNAME","arn:aws:s3:::BUCKETNAME/*"]}]}`)
	bobOnly := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob"]},
		"Action":"s3:*","Resource":["arn:aws:s3:::BUCKETNAME","arn:aws:s3:::BUCKETNAME/*"]}]}`)
	audit := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[%s]},"Action":"s3:*","Resource":["arn:aws:s3:::Bucket_AccountAudit","arn:aws:s3:::Bucket_AccountAudit/*"]}]}`
	session := `"arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app"`
	role := `"arn:aws:iam::444455556666:role/cross-account-read-only-role"`
	account := `"arn:aws:iam::444455556666:root"`
	full := MustParse(sprintf(audit, session+","+role+","+account))
	noRole := MustParse(sprintf(audit, session+","+account))
	on := func(bucket string) func(string) Request {
		return func(principal string) Request {
			return Request{Principal: principal, Action: "s3:GetObject", Resource: "arn:aws:s3:::" + bucket + "/k"}
		}
	}
	get, getAudit := on("BUCKETNAME"), on("Bucket_AccountAudit")
	checkAll(t, bob, []evaluates{
		{"Bob is not denied (nor allowed)", get("arn:aws:iam::444455556666:user/Bob"), true, NotApplicable},
		{"another user of Bob's account is denied", get("arn:aws:iam::444455556666:user/Alice"), true, Denied},
		{"a role of the bucket's account is denied", get("arn:aws:iam::111122223333:role/r"), true, Denied},
		{"an anonymous caller is denied", get(""), true, Denied},
		{"a service is denied", get("cloudtrail.amazonaws.com"), true, Denied},
	})
	checkAll(t, bobOnly, []evaluates{
		{"without the account ARN, Bob may be denied with his account", get("arn:aws:iam::444455556666:user/Bob"), true, Denied},
	})
	checkAll(t, full, []evaluates{
		{"the audit session is not denied", getAudit(unquote(session)), true, NotApplicable},
		{"another session of the role is denied", getAudit("arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/someone"), true, Denied},
		{"another role of the account is denied", getAudit("arn:aws:iam::444455556666:role/other"), true, Denied},
	})
	checkAll(t, noRole, []evaluates{
		{"without the role ARN the session may be denied with its role", getAudit(unquote(session)), true, Denied},
	})
	_, err := full.Evaluate(getAudit(unquote(role)), true)
	assert.ErrorContains(t, err, "session", "a request naming only the role cannot be settled against a NotPrincipal listing it")

	services := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/*"}]}`)
	checkAll(t, services, []evaluates{
		{"the excepted service is not denied", Request{Principal: "cloudtrail.amazonaws.com", Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/x"}, true, NotApplicable},
		{"another service is denied", Request{Principal: "config.amazonaws.com", Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/x"}, true, Denied},
	})
	everyone := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}]}`)
	checkAll(t, everyone, []evaluates{{"NotPrincipal * excepts everyone", get(""), true, NotApplicable}})
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func unquote(s string) string { return strings.Trim(s, `"`) }

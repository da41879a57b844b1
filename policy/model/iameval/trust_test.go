package iameval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestATrustPolicyDecidesWhoMayAssumeARole follows the AWS Security Blog's "How to use trust policies with
// IAM roles" and the IAM User Guide's evaluation logic: the trust policy must admit the caller whatever
// the caller's own policies allow; naming the account delegates to the caller's identity policies; naming
// the caller's role suffices within the account; across accounts both must allow.
func TestATrustPolicyDecidesWhoMayAssumeARole(t *testing.T) {
	const (
		role    = "arn:aws:iam::111122223333:role/target"
		caller  = "arn:aws:iam::111122223333:role/caller"
		session = "arn:aws:sts::111122223333:assumed-role/caller/i-0123"
		foreign = "arn:aws:iam::444455556666:role/caller"
	)
	trust := func(principal, condition string) *Document {
		return MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"T","Effect":"Allow","Principal":{"AWS":"` + principal +
			`"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]` + condition + `}]}`)
	}
	mayAssume := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Resource":"` + role + `"}]}`)
	everything := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	onlyAlice := `,"Condition":{"ArnEquals":{"aws:PrincipalArn":"` + caller + `"},"StringEquals":{"sts:SourceIdentity":["alice","bob"]}}`
	cases := []struct {
		name      string
		trust     *Document
		identity  []*Document
		principal string
		ctx       map[string][]string
		action    string
		allowed   bool
	}{
		{"the account is trusted and the caller's policy allows it", trust("arn:aws:iam::111122223333:root", ""), []*Document{mayAssume}, session, nil, "sts:AssumeRole", true},
		{"the account is trusted but the caller's policy does not allow it", trust("arn:aws:iam::111122223333:root", ""), nil, session, nil, "sts:AssumeRole", false},
		{"the caller's role is trusted by name: no identity policy needed within the account", trust(caller, ""), nil, session, nil, "sts:AssumeRole", true},
		{"another role is trusted: the caller's allow-everything policy does not help", trust("arn:aws:iam::111122223333:role/other", ""), []*Document{everything}, session, nil, "sts:AssumeRole", false},
		{"across accounts a role trusted by name still needs its own policy's allow", trust(foreign, ""), nil, "arn:aws:sts::444455556666:assumed-role/caller/s", nil, "sts:AssumeRole", false},
		{"across accounts both allow", trust(foreign, ""), []*Document{everything}, "arn:aws:sts::444455556666:assumed-role/caller/s", nil, "sts:AssumeRole", true},
		{"a configured source identity", trust("arn:aws:iam::111122223333:root", onlyAlice), []*Document{mayAssume}, session,
			map[string][]string{"sts:SourceIdentity": {"alice"}}, "sts:SetSourceIdentity", true},
		{"a source identity that is not configured", trust("arn:aws:iam::111122223333:root", onlyAlice), []*Document{mayAssume}, session,
			map[string][]string{"sts:SourceIdentity": {"mallory"}}, "sts:SetSourceIdentity", false},
		{"no source identity", trust("arn:aws:iam::111122223333:root", onlyAlice), []*Document{mayAssume}, session, nil, "sts:AssumeRole", false},
		{"a configured source identity from another role of the account", trust("arn:aws:iam::111122223333:root", onlyAlice), []*Document{everything},
			"arn:aws:sts::111122223333:assumed-role/other/s", map[string][]string{"sts:SourceIdentity": {"alice"}, "aws:PrincipalArn": {"arn:aws:iam::111122223333:role/other"}}, "sts:AssumeRole", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := map[string][]string{}
			for k, v := range tc.ctx {
				ctx[k] = v
			}
			d, err := Authorize(Request{Principal: tc.principal, Action: tc.action, Resource: role, Context: ctx},
				Policies{Identity: tc.identity, Resource: tc.trust, ResourceAccount: "111122223333"})
			require.NoError(t, err)
			assert.Equal(t, tc.allowed, d.Allowed, d.Reason)
		})
	}
}

// TestOtherActionsKeepTheSameAccountRule: outside role trust, an identity allow still suffices within
// the account (a bucket policy that does not name the caller does not stop it).
func TestOtherActionsKeepTheSameAccountRule(t *testing.T) {
	bucket := MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/other"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	identity := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	d, err := Authorize(Request{Principal: "arn:aws:sts::111122223333:assumed-role/caller/s", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
		Policies{Identity: []*Document{identity}, Resource: bucket, ResourceAccount: "111122223333"})
	require.NoError(t, err)
	assert.True(t, d.Allowed, d.Reason)
}

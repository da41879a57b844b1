package iameval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOperatorsOnAPresentAndAnAbsentKey follows the IAM User Guide's "Condition operators": a key the
// request does not carry makes a positive operator fail, and a negated or ...IfExists operator hold.
func TestOperatorsOnAPresentAndAnAbsentKey(t *testing.T) {
	const key = "s3:x-amz-server-side-encryption"
	cases := []struct {
		op          string
		want        []string
		value       string // "" means the key is absent
		holds       bool
		explanation string
	}{
		{"StringEquals", []string{"aws:kms"}, "aws:kms", true, "equal"},
		{"StringEquals", []string{"aws:kms"}, "AES256", false, "different"},
		{"StringEquals", []string{"aws:kms"}, "", false, "absent: a positive operator fails"},
		{"StringNotEquals", []string{"aws:kms"}, "AES256", true, "different"},
		{"StringNotEquals", []string{"aws:kms"}, "aws:kms", false, "equal"},
		{"StringNotEquals", []string{"aws:kms"}, "", true, "absent: a negated operator holds"},
		{"StringNotEqualsIfExists", []string{"aws:kms"}, "", true, "absent: IfExists holds"},
		{"StringNotEqualsIfExists", []string{"aws:kms"}, "aws:kms", false, "present and equal"},
		{"StringEqualsIfExists", []string{"aws:kms"}, "", true, "absent: IfExists holds even for a positive operator"},
		{"StringNotEquals", []string{"aws:kms", "aws:kms:dsse"}, "aws:kms:dsse", false, "one of the values"},
		{"StringLike", []string{"aws:*"}, "aws:kms", true, "wildcard"},
		{"StringNotLike", []string{"aws:*"}, "AES256", true, "wildcard, negated"},
		{"Null", []string{"true"}, "", true, "Null true: the key is absent"},
		{"Null", []string{"true"}, "aws:kms", false, "Null true: the key is present"},
		{"Null", []string{"false"}, "", false, "Null false: the key is absent"},
		{"Null", []string{"false"}, "aws:kms", true, "Null false: the key is present"},
	}
	for _, tc := range cases {
		t.Run(tc.op+" "+tc.explanation, func(t *testing.T) {
			ctx := map[string][]string{}
			if tc.value != "" {
				ctx[key] = []string{tc.value}
			}
			got, err := holds(tc.op, key, tc.want, ctx)
			require.NoError(t, err)
			assert.Equal(t, tc.holds, got)
		})
	}
}

func TestArnAndBoolOperators(t *testing.T) {
	ctx := map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/admin"}, "aws:SecureTransport": {"false"}}
	for _, tc := range []struct {
		op, key string
		want    []string
		holds   bool
	}{
		{"ArnLike", "aws:PrincipalArn", []string{"arn:aws:iam::111122223333:role/*"}, true},
		{"ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::111122223333:role/*"}, false},
		{"ArnNotLike", "aws:SourceArn", []string{"arn:aws:iam::111122223333:role/*"}, true},
		{"Bool", "aws:SecureTransport", []string{"false"}, true},
		{"Bool", "aws:SecureTransport", []string{"true"}, false},
	} {
		got, err := holds(tc.op, tc.key, tc.want, ctx)
		require.NoError(t, err)
		assert.Equal(t, tc.holds, got, "%s %s %v", tc.op, tc.key, tc.want)
	}
	_, err := holds("NumericLessThanIfExist", "s3:max-keys", []string{"10"}, ctx)
	assert.ErrorContains(t, err, "not supported", "an operator the evaluator does not know is an error, not a pass")
	_, err = holds("ForSomeValues:StringEquals", "aws:TagKeys", []string{"x"}, ctx)
	assert.ErrorContains(t, err, "not supported")
	_, err = holds("NullIfExists", "aws:TagKeys", []string{"true"}, ctx)
	assert.ErrorContains(t, err, "Null takes neither")
}

func TestWildcards(t *testing.T) {
	for _, tc := range []struct {
		pattern, value string
		match          bool
	}{
		{"arn:aws:s3:::study-*/*", "arn:aws:s3:::study-data-in-a1b2/cohort/visits.csv", true},
		{"arn:aws:s3:::study-*", "arn:aws:s3:::study-data-in-a1b2/cohort", true},
		{"arn:aws:s3:::study-*/*", "arn:aws:s3:::other-data/x", false},
		{"arn:aws:s3:::b?", "arn:aws:s3:::b1", true},
		{"arn:aws:s3:::b?", "arn:aws:s3:::b", false},
	} {
		assert.Equal(t, tc.match, wildcard(tc.pattern, tc.value, false), "%s ~ %s", tc.pattern, tc.value)
	}
	assert.True(t, wildcard("s3:Get*", "S3:GETOBJECT", true), "actions compare without case")
}

func TestAuthorizeCombinesPolicies(t *testing.T) {
	bucket := MustParse(`{"Statement":[
		{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
		{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	endpoint := MustParse(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	reader := MustParse(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	get := func(principal string, tls bool) Request {
		v := "true"
		if !tls {
			v = "false"
		}
		return Request{Principal: principal, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: map[string][]string{"aws:SecureTransport": {v}}}
	}
	local := "arn:aws:iam::111122223333:role/reader"
	partner := "arn:aws:iam::444455556666:role/reader"
	cases := []struct {
		name    string
		req     Request
		p       Policies
		allowed bool
		reason  string
	}{
		{"same account, identity allows", get(local, true), Policies{Identity: []*Document{reader}, Resource: bucket, ResourceAccount: "111122223333"}, true, "within the account"},
		{"same account, nothing allows", get(local, true), Policies{Resource: bucket, ResourceAccount: "111122223333"}, false, "implicit deny"},
		{"an explicit deny wins", get(local, false), Policies{Identity: []*Document{reader}, Resource: bucket, ResourceAccount: "111122223333"}, false, `"TLS"`},
		{"across accounts both must allow", get(partner, true), Policies{Identity: []*Document{reader}, Resource: bucket, ResourceAccount: "111122223333"}, true, "both"},
		{"across accounts the bucket alone is not enough", get(partner, true), Policies{Resource: bucket, ResourceAccount: "111122223333"}, false, "both the identity and the resource"},
		{"an endpoint that allows nothing refuses", get(local, true), Policies{Identity: []*Document{reader}, Resource: bucket, ResourceAccount: "111122223333",
			Endpoint: MustParse(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*"}]}`)}, false, "endpoint policy"},
		{"an endpoint allow does not grant on its own", get(local, true), Policies{Resource: bucket, Endpoint: endpoint, ResourceAccount: "111122223333"}, false, "implicit deny"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Authorize(tc.req, tc.p)
			require.NoError(t, err)
			assert.Equal(t, tc.allowed, d.Allowed, d.Reason)
			assert.Contains(t, d.Reason, tc.reason)
		})
	}
}

func TestParseRefusesWhatItCannotEvaluate(t *testing.T) {
	for _, doc := range []string{
		`{"Statement":[{"Effect":"Allow","Principal":{"Other":"x"},"Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},"Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::b"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Unknown":"x"}]}`,
		`{"Statement":[{"Effect":"Maybe","Action":"s3:*"}]}`,
		`not json`,
	} {
		_, err := Parse(doc)
		assert.Error(t, err, doc)
	}
	d, err := Parse(`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)
	require.NoError(t, err, "a single statement object is accepted")
	assert.Len(t, d.Statements, 1)
	d, err = Parse(`{"Version":"2012-10-17","Id":"x","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)
	require.NoError(t, err, "Federated and CanonicalUser principals are parsed")
	assert.Equal(t, "2012-10-17", d.Version)
	assert.Equal(t, []string{"cognito-identity.amazonaws.com"}, d.Statements[0].Principal.Federated)
}

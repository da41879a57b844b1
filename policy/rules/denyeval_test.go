package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cases follow the IAM User Guide's "IAM JSON policy elements: Condition operators" (the Important
// note on absent keys, the ...IfExists and Null sections, the ARN operators) and "Conditions with multiple
// context keys or values" (AND across operators and keys, OR across values, NOR for negated operators).
func TestConditionsHoldAsIAMEvaluatesThem(t *testing.T) {
	const (
		vpce  = "vpce-1a2b3c4d"
		admin = "arn:aws:iam::111122223333:role/admin"
	)
	tests := []struct {
		name      string
		condition string
		context   map[string]string
		want      bool
	}{
		{"a key absent from the request makes a positive operator false", `{"StringEquals":{"aws:SourceVpce":"` + vpce + `"}}`, nil, false},
		{"a key absent from the request makes a negated operator true", `{"StringNotEquals":{"aws:SourceVpce":"` + vpce + `"}}`, nil, true},
		{"ArnNotLike on an absent key is true", `{"ArnNotLike":{"aws:PrincipalArn":"` + admin + `"}}`, nil, true},
		{"StringNotEquals of the request's own value is false", `{"StringNotEquals":{"aws:SourceVpce":"` + vpce + `"}}`, map[string]string{"aws:SourceVpce": vpce}, false},
		{"IfExists holds when the key is absent", `{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}`, nil, true},
		{"IfExists checks the key when it is present", `{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}`,
			map[string]string{"s3:x-amz-server-side-encryption": "AES256"}, true},
		{"IfExists passes a matching value", `{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}`,
			map[string]string{"s3:x-amz-server-side-encryption": "aws:kms"}, false},
		{"Null true holds for an absent key", `{"Null":{"s3:x-amz-server-side-encryption":"true"}}`, nil, true},
		{"Null false holds for a present key", `{"Null":{"s3:x-amz-server-side-encryption":"false"}}`, map[string]string{"s3:x-amz-server-side-encryption": "AES256"}, true},
		{"Null false fails for an absent key", `{"Null":{"s3:x-amz-server-side-encryption":"false"}}`, nil, false},
		{"values of a key are ORed", `{"StringEquals":{"aws:SourceVpce":["vpce-other","` + vpce + `"]}}`, map[string]string{"aws:SourceVpce": vpce}, true},
		{"values of a negated operator are NORed", `{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::111122223333:role/other","` + admin + `"]}}`,
			map[string]string{"aws:PrincipalArn": admin}, false},
		{"operators are ANDed", `{"StringNotEquals":{"aws:SourceVpce":"` + vpce + `"},"ArnNotLike":{"aws:PrincipalArn":"` + admin + `"}}`,
			map[string]string{"aws:PrincipalArn": admin}, false},
		{"keys under one operator are ANDed", `{"StringEquals":{"aws:SourceVpce":"` + vpce + `","aws:PrincipalArn":"` + admin + `"}}`,
			map[string]string{"aws:SourceVpce": vpce}, false},
		{"ArnLike matches each part with wildcards", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/adm*"}}`, map[string]string{"aws:PrincipalArn": admin}, true},
		{"ArnLike is case-sensitive", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/ADMIN"}}`, map[string]string{"aws:PrincipalArn": admin}, false},
		{"Bool compares true and false", `{"Bool":{"aws:SecureTransport":"false"}}`, map[string]string{"aws:SecureTransport": "true"}, false},
		{"condition key names are not case-sensitive", `{"StringEquals":{"AWS:SourceVpce":"` + vpce + `"}}`, map[string]string{"aws:SourceVpce": vpce}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParsePolicy(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":` + tt.condition + `}]}`)
			require.NoError(t, err)
			got, err := doc.Statements[0].ConditionsHold(tt.context)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDenyingStatementMatchesPrincipalActionAndResource(t *testing.T) {
	doc, err := ParsePolicy(`{"Statement":[
		{"Sid":"Tls","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
		{"Sid":"Reads","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/uploader"},"Action":["s3:Get*"],"Resource":"arn:aws:s3:::b/*"},
		{"Sid":"Allowed","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)
	require.NoError(t, err)
	uploader := map[string]string{"aws:PrincipalArn": "arn:aws:iam::111122223333:role/uploader", "aws:SecureTransport": "true"}
	tests := []struct {
		name, action, resource string
		context                map[string]string
		sid                    string
	}{
		{"a request without TLS", "s3:PutObject", "arn:aws:s3:::b/k", map[string]string{"aws:SecureTransport": "false"}, "Tls"},
		{"a read by the named principal", "s3:GetObject", "arn:aws:s3:::b/k", uploader, "Reads"},
		{"a write by the named principal", "s3:PutObject", "arn:aws:s3:::b/k", uploader, ""},
		{"a read of another bucket", "s3:GetObject", "arn:aws:s3:::other/k", uploader, ""},
		{"a read by another principal", "s3:GetObject", "arn:aws:s3:::b/k", map[string]string{"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin", "aws:SecureTransport": "true"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, denied, err := doc.DenyingStatement(Request{Action: tt.action, Resource: tt.resource, Context: tt.context})
			require.NoError(t, err)
			assert.Equal(t, tt.sid != "", denied)
			assert.Equal(t, tt.sid, st.Sid)
		})
	}
}

func TestAnUnknownOperatorCountsAsDenying(t *testing.T) {
	doc, err := ParsePolicy(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}]}`)
	require.NoError(t, err)
	_, denied, err := doc.DenyingStatement(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
	assert.True(t, denied)
	assert.ErrorContains(t, err, "not supported")
}

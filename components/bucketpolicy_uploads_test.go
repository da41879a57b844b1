package components

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUploadersAreExceptedFromTheEndpointForUploadsOnly(t *testing.T) {
	const (
		endpoint = "vpce-0a1b2c3d"
		admin    = "arn:aws:iam::111122223333:role/p-builder"
		uploader = "arn:aws:iam::111122223333:role/p-uploader"
		ledger   = "arn:aws:iam::111122223333:role/p-upload-ledger"
	)
	base := BucketPolicyArgs{ARNs: testARNs, Bucket: "p-data-in-1", PHI: true, KMSKeyARN: "arn:aws:kms:us-west-2:111122223333:key/k",
		VPCEndpointID: endpoint, AdminRoleARNs: []string{admin}, ServiceRoleARNs: []string{ledger}}
	tests := []struct {
		name      string
		uploaders []string
	}{
		{"without uploaders", nil},
		{"with an uploader", []string{uploader}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base
			a.UploaderARNs = tt.uploaders
			js, err := BucketPolicy(a)
			require.NoError(t, err)
			st := parsePolicy(t, js)
			restricted := st["DenyObjectAccessOutsideTheVPCEndpoint"]
			assert.Equal(t, []string{admin, ledger}, restricted.Condition["ArnNotLike"]["aws:PrincipalArn"], "uploaders are never excepted from the general endpoint deny")
			assert.Contains(t, restricted.Action, "s3:GetObject")
			assert.Contains(t, restricted.Action, "s3:DeleteObject")
			uploads, separate := st["DenyUploadsOutsideTheVPCEndpoint"]
			if tt.uploaders == nil {
				assert.False(t, separate)
				assert.Contains(t, restricted.Action, "s3:PutObject", "without uploaders the endpoint deny covers uploads")
				assert.Contains(t, restricted.Action, "s3:AbortMultipartUpload")
				return
			}
			require.True(t, separate)
			assert.NotContains(t, restricted.Action, "s3:PutObject")
			assert.NotContains(t, restricted.Action, "s3:AbortMultipartUpload")
			assert.ElementsMatch(t, []string{"s3:PutObject", "s3:AbortMultipartUpload"}, uploads.Action)
			assert.Equal(t, []string{"arn:aws:s3:::p-data-in-1/*"}, uploads.Resource)
			assert.Equal(t, []string{endpoint}, uploads.Condition["StringNotEquals"]["aws:SourceVpce"])
			assert.Equal(t, []string{admin, ledger, uploader}, uploads.Condition["ArnNotLike"]["aws:PrincipalArn"])
			assert.Equal(t, []string{uploader}, st["UploadersMayOnlyWrite"].Condition["ArnLike"]["aws:PrincipalArn"], "reads stay denied to uploaders everywhere")
		})
	}
}

package components

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEMRSecurityConfigurationJSONRejectsIncompleteInputs(t *testing.T) {
	cases := []struct {
		name, key, uri string
		hours          int
		wantErr        string
	}{
		{"a complete configuration", "arn:aws:kms:us-west-2:111122223333:key/k", "s3://b/emr/tls/certificates.zip", 24, ""},
		{"no key", "", "s3://b/emr/tls/certificates.zip", 24, "KMS key"},
		{"certificates not in S3", "arn:k", "https://b/emr/tls/certificates.zip", 24, "s3:// URI"},
		{"certificates not a zip", "arn:k", "s3://b/emr/tls/cert.pem", 24, "zip"},
		{"no ticket lifetime", "arn:k", "s3://b/c.zip", 0, "ticket lifetime"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EMRSecurityConfigurationJSON(tc.key, tc.uri, tc.hours)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Contains(t, got, `"EnableInTransitEncryption":true`)
			assert.Contains(t, got, `"EnableAtRestEncryption":true`)
			assert.Contains(t, got, `"Provider":"ClusterDedicatedKdc"`)
		})
	}
}

func TestEMRCertificateZipHoldsTheThreePEMFilesAndIsStable(t *testing.T) {
	key := "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
	cert := "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n"
	encoded, err := EMRCertificateZip(key, cert)
	require.NoError(t, err)
	again, err := EMRCertificateZip(key, cert)
	require.NoError(t, err)
	assert.Equal(t, encoded, again, "the same inputs give the same object, so updates show no change")
	raw, err := base64.StdEncoding.DecodeString(encoded)
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	require.NoError(t, err)
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		files[f.Name] = string(b)
	}
	assert.Equal(t, map[string]string{EMRPrivateKeyFile: key, EMRCertificateChainFile: cert, EMRTrustedCertificateFile: cert}, files)

	_, err = EMRCertificateZip("not a key", cert)
	assert.Error(t, err)
}

func TestEMRPrivateDNSDomainFollowsTheRegion(t *testing.T) {
	assert.Equal(t, "ec2.internal", EMRPrivateDNSDomain("us-east-1"))
	assert.Equal(t, "us-west-2.compute.internal", EMRPrivateDNSDomain("us-west-2"))
}

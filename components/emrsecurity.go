package components

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// EMR security configuration values, as the EMR API spells them.
const (
	// EMRS3EncryptionSSEKMS encrypts EMRFS objects with a KMS key.
	EMRS3EncryptionSSEKMS = "SSE-KMS"
	// EMRLocalDiskKeyProviderKMS encrypts local disks with a data key from a KMS key.
	EMRLocalDiskKeyProviderKMS = "AwsKms"
	// EMRCertificateProviderPEM reads the in-transit certificates from a zip of PEM files in S3.
	EMRCertificateProviderPEM = "PEM"
	// EMRKerberosClusterDedicatedKDC runs the KDC on the primary node.
	EMRKerberosClusterDedicatedKDC = "ClusterDedicatedKdc"
	// DefaultEMRTicketLifetimeHours is the lifetime of a Kerberos ticket of the cluster's KDC.
	DefaultEMRTicketLifetimeHours = 24
)

// EMRSecurityConfigurationDoc is the JSON document of an aws.emr.SecurityConfiguration.
type EMRSecurityConfigurationDoc struct {
	EncryptionConfiguration     EMREncryptionConfiguration      `json:"EncryptionConfiguration"`
	AuthenticationConfiguration *EMRAuthenticationConfiguration `json:"AuthenticationConfiguration,omitempty"`
}

// EMREncryptionConfiguration turns at-rest and in-transit encryption on.
type EMREncryptionConfiguration struct {
	EnableInTransitEncryption        bool                                 `json:"EnableInTransitEncryption"`
	EnableAtRestEncryption           bool                                 `json:"EnableAtRestEncryption"`
	InTransitEncryptionConfiguration *EMRInTransitEncryptionConfiguration `json:"InTransitEncryptionConfiguration,omitempty"`
	AtRestEncryptionConfiguration    *EMRAtRestEncryptionConfiguration    `json:"AtRestEncryptionConfiguration,omitempty"`
}

// EMRInTransitEncryptionConfiguration names where the TLS certificates come from.
type EMRInTransitEncryptionConfiguration struct {
	TLSCertificateConfiguration EMRTLSCertificateConfiguration `json:"TLSCertificateConfiguration"`
}

// EMRTLSCertificateConfiguration is a PEM zip in S3.
type EMRTLSCertificateConfiguration struct {
	CertificateProviderType string `json:"CertificateProviderType"`
	S3Object                string `json:"S3Object"`
}

// EMRAtRestEncryptionConfiguration encrypts EMRFS data in S3 and the nodes' local disks.
type EMRAtRestEncryptionConfiguration struct {
	S3EncryptionConfiguration        EMRS3EncryptionConfiguration        `json:"S3EncryptionConfiguration"`
	LocalDiskEncryptionConfiguration EMRLocalDiskEncryptionConfiguration `json:"LocalDiskEncryptionConfiguration"`
}

// EMRS3EncryptionConfiguration is EMRFS's S3 encryption.
type EMRS3EncryptionConfiguration struct {
	EncryptionMode string `json:"EncryptionMode"`
	AwsKmsKey      string `json:"AwsKmsKey"`
}

// EMRLocalDiskEncryptionConfiguration encrypts instance store and EBS volumes (EnableEbsEncryption adds
// EBS encryption of the root and storage volumes).
type EMRLocalDiskEncryptionConfiguration struct {
	EncryptionKeyProviderType string `json:"EncryptionKeyProviderType"`
	AwsKmsKey                 string `json:"AwsKmsKey"`
	EnableEbsEncryption       bool   `json:"EnableEbsEncryption"`
}

// EMRAuthenticationConfiguration is Kerberos authentication.
type EMRAuthenticationConfiguration struct {
	KerberosConfiguration EMRKerberosConfiguration `json:"KerberosConfiguration"`
}

// EMRKerberosConfiguration chooses the KDC.
type EMRKerberosConfiguration struct {
	Provider                         string                       `json:"Provider"`
	ClusterDedicatedKdcConfiguration EMRClusterDedicatedKdcConfig `json:"ClusterDedicatedKdcConfiguration"`
}

// EMRClusterDedicatedKdcConfig configures the KDC on the primary node.
type EMRClusterDedicatedKdcConfig struct {
	TicketLifetimeInHours int `json:"TicketLifetimeInHours"`
}

// EMRSecurityConfigurationJSON returns the security configuration of the SCE's EMR cluster: EMRFS objects
// SSE-KMS with the project key, local disks and EBS volumes encrypted with the project key, TLS between
// the nodes with the PEM zip at certificatesURI, and Kerberos with a cluster-dedicated KDC.
func EMRSecurityConfigurationJSON(keyARN, certificatesURI string, ticketLifetimeHours int) (string, error) {
	switch {
	case keyARN == "":
		return "", fmt.Errorf("emr security configuration: a KMS key ARN is required")
	case !strings.HasPrefix(certificatesURI, "s3://") || !strings.HasSuffix(certificatesURI, ".zip"):
		return "", fmt.Errorf("emr security configuration: certificates %q are not an s3:// URI of a zip", certificatesURI)
	case ticketLifetimeHours < 1:
		return "", fmt.Errorf("emr security configuration: ticket lifetime %d hours is below 1", ticketLifetimeHours)
	}
	doc := EMRSecurityConfigurationDoc{
		EncryptionConfiguration: EMREncryptionConfiguration{
			EnableInTransitEncryption: true,
			EnableAtRestEncryption:    true,
			InTransitEncryptionConfiguration: &EMRInTransitEncryptionConfiguration{TLSCertificateConfiguration: EMRTLSCertificateConfiguration{
				CertificateProviderType: EMRCertificateProviderPEM, S3Object: certificatesURI,
			}},
			AtRestEncryptionConfiguration: &EMRAtRestEncryptionConfiguration{
				S3EncryptionConfiguration: EMRS3EncryptionConfiguration{EncryptionMode: EMRS3EncryptionSSEKMS, AwsKmsKey: keyARN},
				LocalDiskEncryptionConfiguration: EMRLocalDiskEncryptionConfiguration{
					EncryptionKeyProviderType: EMRLocalDiskKeyProviderKMS, AwsKmsKey: keyARN, EnableEbsEncryption: true,
				},
			},
		},
		AuthenticationConfiguration: &EMRAuthenticationConfiguration{KerberosConfiguration: EMRKerberosConfiguration{
			Provider:                         EMRKerberosClusterDedicatedKDC,
			ClusterDedicatedKdcConfiguration: EMRClusterDedicatedKdcConfig{TicketLifetimeInHours: ticketLifetimeHours},
		}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("marshal emr security configuration: %w", err)
	}
	return string(b), nil
}

// EMR PEM zip entries: the names EMR looks for in a PEM certificate zip.
const (
	EMRPrivateKeyFile         = "privateKey.pem"
	EMRCertificateChainFile   = "certificateChain.pem"
	EMRTrustedCertificateFile = "trustedCertificates.pem"
)

// EMRCertificateZip returns, base64-encoded, the zip EMR's PEM certificate provider reads: the private
// key, the certificate chain and the trusted certificates (the self-signed certificate is its own chain
// and trust anchor). Entries carry a fixed time so that the same key and certificate give the same zip,
// and Pulumi sees no change on every update.
func EMRCertificateZip(privateKeyPEM, certificatePEM string) (string, error) {
	if !strings.Contains(privateKeyPEM, "PRIVATE KEY") || !strings.Contains(certificatePEM, "CERTIFICATE") {
		return "", fmt.Errorf("emr certificate zip: the key or the certificate is not PEM")
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fixed := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []struct{ name, body string }{
		{EMRPrivateKeyFile, privateKeyPEM},
		{EMRCertificateChainFile, certificatePEM},
		{EMRTrustedCertificateFile, certificatePEM},
	} {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: fixed})
		if err != nil {
			return "", fmt.Errorf("emr certificate zip: add %s: %w", f.name, err)
		}
		if _, err := fw.Write([]byte(f.body)); err != nil {
			return "", fmt.Errorf("emr certificate zip: write %s: %w", f.name, err)
		}
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("emr certificate zip: %w", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// EMRPrivateDNSDomain is the domain of instances' private DNS names in a region, which the in-transit
// certificate must cover with a wildcard and whose upper case is the Kerberos realm.
func EMRPrivateDNSDomain(region string) string {
	if region == "us-east-1" {
		return "ec2.internal"
	}
	return region + ".compute.internal"
}

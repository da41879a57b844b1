package components

// The in-transit TLS material of an EMRCluster: a generated key, a self-signed certificate for the
// region's private DNS names, and the PEM zip the security configuration points to.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// emrCertificates generates the in-transit TLS key and a self-signed certificate for the region's private
// DNS names, and uploads the PEM zip, SSE-KMS, into the ancillary bucket. The private key exists only in
// Pulumi's encrypted state and in that object.
func emrCertificates(ctx *pulumi.Context, child func(string) string, a EMRClusterArgs, c *EMRCluster, parent pulumi.ResourceOption) (pulumi.Resource, error) {
	key, err := tls.NewPrivateKey(ctx, child("tls-key"), &tls.PrivateKeyArgs{
		Algorithm: pulumi.String("RSA"), RsaBits: pulumi.Int(2048),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr tls key: %w", err)
	}
	domain := EMRPrivateDNSDomain(a.ARNs.Region)
	cert, err := tls.NewSelfSignedCert(ctx, child("tls-cert"), &tls.SelfSignedCertArgs{
		PrivateKeyPem:       key.PrivateKeyPem,
		Subject:             &tls.SelfSignedCertSubjectArgs{CommonName: pulumi.String("*." + domain), Organization: pulumi.String(a.PIT)},
		DnsNames:            pulumi.StringArray{pulumi.String("*." + domain), pulumi.String(domain)},
		ValidityPeriodHours: pulumi.Int(emrCertificateValidityHours),
		AllowedUses:         pulumi.ToStringArray([]string{"key_encipherment", "digital_signature", "server_auth", "client_auth"}),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr tls certificate: %w", err)
	}
	zipped := pulumi.All(key.PrivateKeyPem, cert.CertPem).ApplyT(func(v []any) (string, error) {
		return EMRCertificateZip(v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	objectKey := a.CertificatePrefix + "certificates.zip"
	object, err := s3.NewBucketObjectv2(ctx, child("tls-zip"), &s3.BucketObjectv2Args{
		Bucket:               a.AncillaryBucket,
		Key:                  pulumi.String(objectKey),
		ContentBase64:        pulumi.ToSecret(zipped).(pulumi.StringOutput),
		ContentType:          pulumi.String("application/zip"),
		ServerSideEncryption: pulumi.String("aws:kms"),
		KmsKeyId:             a.KMSKeyARN,
		Tags:                 pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-tls")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("upload emr certificates: %w", err)
	}
	c.CertificatesURI = pulumi.Sprintf("s3://%s/%s", a.AncillaryBucket, objectKey)
	return object, nil
}

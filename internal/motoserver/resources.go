package motoserver

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Bucket creates a bucket named prefix-N, versioned when asked (the project's buckets all are), and
// returns its name.
func (s *Server) Bucket(t testing.TB, prefix string, versioned bool) string {
	t.Helper()
	c, cancel := ctx()
	defer cancel()
	client := S3(s.Config())
	name := s.Name(prefix)
	if _, err := client.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("motoserver: create bucket %s: %v", name, err)
	}
	if versioned {
		_, err := client.PutBucketVersioning(c, &s3.PutBucketVersioningInput{
			Bucket:                  aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled},
		})
		if err != nil {
			t.Fatalf("motoserver: enable versioning on %s: %v", name, err)
		}
	}
	return name
}

// KMSKey creates a symmetric encryption key, as the project key is, and returns its ARN.
func (s *Server) KMSKey(t testing.TB) string {
	t.Helper()
	c, cancel := ctx()
	defer cancel()
	out, err := kms.NewFromConfig(s.Config()).CreateKey(c, &kms.CreateKeyInput{
		KeySpec:     kmstypes.KeySpecSymmetricDefault,
		KeyUsage:    kmstypes.KeyUsageTypeEncryptDecrypt,
		Description: aws.String(s.Name("project-key")),
	})
	if err != nil {
		t.Fatalf("motoserver: create a KMS key: %v", err)
	}
	return aws.ToString(out.KeyMetadata.Arn)
}

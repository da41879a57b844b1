package omop

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// bucketPattern is S3's general-purpose bucket naming rule: 3 to 63 characters of a-z, 0-9, . and -,
// beginning and ending with a letter or digit.
var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// keyPattern is what this package accepts in an object key or key prefix: S3's "safe" characters
// without the single quote (which would end the SQL string) and without *, which COPY does not expand.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9!_.()/-]+$`)

// roleARNPattern is an IAM role ARN in the commercial or GovCloud partition: account id, optional path,
// role name of IAM's characters.
var roleARNPattern = regexp.MustCompile(`^arn:aws(-us-gov)?:iam::[0-9]{12}:role/([A-Za-z0-9_+=,.@-]+/)*[A-Za-z0-9_+=,.@-]{1,64}$`)

// regionPattern is an AWS region name such as us-east-1 or us-gov-west-1.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[1-9]$`)

// S3Location is a validated s3://bucket/prefix.
type S3Location struct {
	// Bucket is the bucket name.
	Bucket string
	// Prefix is the key prefix without leading or trailing slash; empty for the bucket's top level.
	Prefix string
}

// Object returns the s3:// URL of the object named name under the location.
func (l S3Location) Object(name string) string {
	if l.Prefix == "" {
		return "s3://" + l.Bucket + "/" + name
	}
	return "s3://" + l.Bucket + "/" + l.Prefix + "/" + name
}

// ParseS3Prefix checks and splits an S3 location written s3://bucket or s3://bucket/prefix (a trailing
// slash is allowed). The bucket must follow S3's naming rules; the prefix may hold letters, digits and
// ! _ . ( ) / - only, with no empty, "." or ".." segment.
func ParseS3Prefix(s string) (S3Location, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return S3Location{}, fmt.Errorf("S3 prefix %q must start with s3:// (s3://bucket/prefix)", s)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if err := validateBucket(bucket); err != nil {
		return S3Location{}, fmt.Errorf("S3 prefix %q: %w", s, err)
	}
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix != "" {
		if err := validateKey(prefix); err != nil {
			return S3Location{}, fmt.Errorf("S3 prefix %q: %w", s, err)
		}
	}
	return S3Location{Bucket: bucket, Prefix: prefix}, nil
}

// validateBucket applies S3's rules for general-purpose bucket names.
func validateBucket(bucket string) error {
	const rules = "3 to 63 characters of a-z, 0-9, . and -, starting and ending with a letter or digit"
	switch {
	case bucket == "":
		return fmt.Errorf("no bucket name: want s3://bucket/prefix")
	case !bucketPattern.MatchString(bucket):
		return fmt.Errorf("bucket name %q is invalid: want %s", bucket, rules)
	case strings.Contains(bucket, ".."):
		return fmt.Errorf("bucket name %q has two adjacent periods", bucket)
	case strings.Contains(bucket, ".-") || strings.Contains(bucket, "-."):
		return fmt.Errorf("bucket name %q has a period next to a hyphen", bucket)
	}
	if _, err := netip.ParseAddr(bucket); err == nil {
		return fmt.Errorf("bucket name %q is formatted as an IP address, which S3 forbids", bucket)
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(bucket, p) {
			return fmt.Errorf("bucket name %q starts with %q, which S3 reserves", bucket, p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(bucket, s) {
			return fmt.Errorf("bucket name %q ends with %q, which S3 reserves", bucket, s)
		}
	}
	return nil
}

// validateKey checks an object key or key prefix.
func validateKey(key string) error {
	if !keyPattern.MatchString(key) {
		return fmt.Errorf("key %q holds a character outside a-z, A-Z, 0-9 and ! _ . ( ) / -", key)
	}
	if strings.HasPrefix(key, "/") {
		return fmt.Errorf("key %q starts with a slash", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("key %q has an empty, \".\" or \"..\" path segment", key)
		}
	}
	return nil
}

// ValidateRoleARN checks an IAM role ARN: arn:aws:iam::<12-digit account>:role/[path/]name, or
// arn:aws-us-gov:... in GovCloud. COPY authenticates with this role only: never with access keys.
func ValidateRoleARN(arn string) error {
	if !roleARNPattern.MatchString(arn) {
		return fmt.Errorf("role ARN %q is invalid: want arn:aws:iam::<12-digit account id>:role/<name> (or arn:aws-us-gov:...)", arn)
	}
	return nil
}

// validateRegion checks an AWS region name.
func validateRegion(region string) error {
	if !regionPattern.MatchString(region) {
		return fmt.Errorf("region %q is invalid: want a region name such as us-east-1", region)
	}
	return nil
}

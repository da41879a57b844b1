package components

import "github.com/sce-project/sce/internal/awsbuckets"

// projectBucketActions are the S3 actions the private subnet may take on the project's own buckets
// through the gateway endpoint: object reads and writes, multipart uploads, listing. Bucket
// administration (policies, ACLs, deletion) is not among them: it goes through the console or the CLI
// from outside the SCE.
var projectBucketActions = []string{
	"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectTagging",
	"s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject",
	"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads",
	"s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation",
}

// sourceBucketActions are the read-only actions allowed on configured reference-data buckets.
var sourceBucketActions = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"}

// PlatformBuckets returns the AWS-owned buckets that instances in the private subnet must read through the
// S3 endpoint (awsbuckets.Platform): package repositories, agents and Patch Manager.
func PlatformBuckets(region string) []string { return awsbuckets.Platform(region) }

// ProjectBucketPattern matches the names of the project's buckets (PIT, purpose, random suffix).
func ProjectBucketPattern(pit string) string { return pit + "-*" }

// S3EndpointPolicy returns the S3 gateway endpoint's policy. Requests through the endpoint may reach only:
// the project's buckets (named <PIT>-*, and owned by this account, so that a look-alike bucket in another
// account cannot receive PHI); the read-only source buckets listed in configuration; and, for reading
// only, the AWS-owned buckets that updates and agents need. Extra statements (a service's own AWS-owned
// buckets, such as EMR's) follow, each with its own Sid.
func S3EndpointPolicy(arns ARNs, pit string, sourceBuckets []string, extra ...Statement) (string, error) {
	project := ProjectBucketPattern(pit)
	doc := PolicyDocument{
		Version: PolicyVersion,
		ID:      pit + "-s3-endpoint-policy",
		Statement: []Statement{{
			Sid:       "ProjectBucketsInThisAccount",
			Effect:    Allow,
			Principal: &Principal{Anyone: true},
			Action:    projectBucketActions,
			Resource:  []string{arns.Bucket(project), arns.Objects(project)},
			Condition: Condition{"StringEquals": {"aws:ResourceAccount": {arns.AccountID}}},
		}},
	}
	if len(sourceBuckets) > 0 {
		var resources []string
		for _, b := range sourceBuckets {
			resources = append(resources, arns.Bucket(b), arns.Objects(b))
		}
		doc.Statement = append(doc.Statement, Statement{
			Sid:       "ReadOnlySourceBuckets",
			Effect:    Allow,
			Principal: &Principal{Anyone: true},
			Action:    sourceBucketActions,
			Resource:  resources,
		})
	}
	var platform []string
	for _, b := range PlatformBuckets(arns.Region) {
		platform = append(platform, arns.Objects(b))
	}
	doc.Statement = append(doc.Statement, Statement{
		Sid:       "ReadPackageRepositoriesAndAgents",
		Effect:    Allow,
		Principal: &Principal{Anyone: true},
		Action:    []string{"s3:GetObject"},
		Resource:  platform,
	})
	doc.Statement = append(doc.Statement, extra...)
	return doc.JSON()
}

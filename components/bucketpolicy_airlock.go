package components

// The airlock's statements in the output bucket's policy (docs/airlock.md). Results are written from the
// workstation under outbox/<request>/; the release function, once two reviewers approved a request,
// copies its files to released/<request>/. These statements make that the only way out:
//
//   - OnlyTheReleaseFunctionWritesReleased: nobody but the release function's role may put, tag or
//     delete anything under released/. An administrator, the workstation or a worker cannot place a file
//     there, so whatever is under released/ was approved.
//   - OnlyReleasedObjectsLeaveTheVPC: outside the project's S3 endpoint, nobody but the release function
//     may read any object of the bucket except those under released/ (GetObject and GetObjectVersion:
//     the reads of an object's content). The statement uses NotResource: it denies every object but the
//     released ones ("IAM JSON policy elements: NotResource": with Deny, "explicitly matches every
//     resource except those specified"). It holds whether or not sce:restrictToVpcEndpoint restricts
//     the bucket as a whole, and it binds the administrators too: reading the outbox from outside means
//     changing this policy, which CloudTrail records.
//
// The release function runs outside the VPC (Lambda cannot attach to a dedicated-tenancy VPC) and must
// read the outbox to hash and copy it: it is the one exception to the second statement, and one of the
// bucket's service roles for the general endpoint restriction.

import "fmt"

// The output bucket's airlock prefixes, as the release function and the CLI use them
// (internal/airlock/ledger).
const (
	AirlockOutboxPrefix   = "outbox/"
	AirlockReleasedPrefix = "released/"
)

// AirlockBucket configures the airlock's statements of the output bucket's policy.
type AirlockBucket struct {
	// ReleaseRoleARN is the release function's role: the one writer of released/, and the one reader of
	// the outbox from outside the VPC.
	ReleaseRoleARN string
	// EndpointID is the project's S3 gateway endpoint: reads through it are the workstation's.
	EndpointID string
}

// releasedWrites are what putting, tagging or removing an object under released/ takes.
var releasedWrites = []string{"s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:DeleteObject",
	"s3:DeleteObjectVersion", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:AbortMultipartUpload", "s3:RestoreObject"}

// objectContentReads read an object's bytes.
var objectContentReads = []string{"s3:GetObject", "s3:GetObjectVersion"}

// airlockStatements returns the airlock's statements for the bucket, or none without an airlock.
func airlockStatements(a BucketPolicyArgs) ([]Statement, error) {
	if a.Airlock == nil {
		return nil, nil
	}
	if a.Airlock.ReleaseRoleARN == "" || a.Airlock.EndpointID == "" {
		return nil, fmt.Errorf("bucket policy for %s: the airlock needs the release role and the S3 endpoint", a.Bucket)
	}
	anyone := &Principal{Anyone: true}
	bucket := a.ARNs.Bucket(a.Bucket)
	releaseRole := map[string][]string{"aws:PrincipalArn": {a.Airlock.ReleaseRoleARN}}
	return []Statement{
		{Sid: "OnlyTheReleaseFunctionWritesReleased", Effect: Deny, Principal: anyone, Action: releasedWrites,
			Resource: []string{bucket + "/" + AirlockReleasedPrefix + "*"}, Condition: Condition{"ArnNotLike": releaseRole}},
		{Sid: "OnlyReleasedObjectsLeaveTheVPC", Effect: Deny, Principal: anyone, Action: objectContentReads,
			NotResource: []string{bucket + "/" + AirlockReleasedPrefix + "*"},
			Condition: Condition{
				"StringNotEquals": {"aws:SourceVpce": {a.Airlock.EndpointID}},
				"ArnNotLike":      releaseRole,
			}},
	}, nil
}

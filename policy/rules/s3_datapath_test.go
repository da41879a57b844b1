package rules

import (
	"strings"
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestS3PHIDataPathOutsideVPC(t *testing.T) {
	const (
		id       = "s3-phi-data-path-outside-vpc"
		endpoint = "vpce-0a1b2c3d"
		ledger   = "arn:aws:iam::111122223333:role/p-upload-ledger"
		admin    = "arn:aws:iam::111122223333:role/p-builder"
	)
	bucket := func(purpose string) *engine.Resource {
		return bucketNamed(t, purpose, "p-"+purpose+"-1", `{"tags":{"DataClassification":"PHI","Purpose":"`+purpose+`"}}`)
	}
	role := func() *engine.Resource {
		r := res(t, iamRoleType, "p-upload-ledger", `{"name":"p-upload-ledger"}`)
		r.Outputs = map[string]any{"arn": ledger}
		return r
	}
	// endpointDeny is the VPC-endpoint deny of components.BucketPolicy, excepting the given principals.
	endpointDeny := func(bucketName string, actions string, except ...string) string {
		cond := `{"StringNotEquals":{"aws:SourceVpce":"` + endpoint + `"}`
		if len(except) > 0 {
			cond += `,"ArnNotLike":{"aws:PrincipalArn":["` + strings.Join(except, `","`) + `"]}`
		}
		return `{"Effect":"Deny","Principal":"*","Action":` + actions + `,"Resource":["arn:aws:s3:::` + bucketName + `","arn:aws:s3:::` + bucketName + `/*"],"Condition":` + cond + `}}`
	}
	all := `["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:ListBucket"]`
	noUploads := `["s3:GetObject","s3:DeleteObject","s3:ListBucket"]`
	bp := func(purpose string, statements ...string) *engine.Resource {
		return withProp(linked(t, typeS3Policy, "p-"+purpose+"-policy", "p-"+purpose+"-1", `{}`), "policy", policyOf(statements...))
	}
	uploaderReads := `{"Effect":"Deny","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::p-data-in-1/*"],` +
		`"Condition":{"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::111122223333:role/p-uploader"]}}}`
	// airlockDeny is components' OnlyReleasedObjectsLeaveTheVPC: nothing but released/ is read from outside.
	airlockDeny := `{"Sid":"OnlyReleasedObjectsLeaveTheVPC","Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:GetObjectVersion"],` +
		`"NotResource":"arn:aws:s3:::p-output-1/released/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"` + endpoint + `"}}}`
	checkRule(t, id, []ruleCase{
		{name: "data-in without an endpoint restriction is not judged", rs: []*engine.Resource{bucket("data-in"), role(), bp("data-in", sslDeny)}},
		{name: "a bucket of another purpose is not judged", rs: []*engine.Resource{bucket("ancillary"), role(), bp("ancillary", endpointDeny("p-ancillary-1", all, ledger))}},
		{name: "data-in open to an administrator is compliant", rs: []*engine.Resource{bucket("data-in"), role(), bp("data-in", endpointDeny("p-data-in-1", all, admin, ledger))}},
		{name: "data-in open to an uploader for uploads only is compliant", rs: []*engine.Resource{bucket("data-in"), role(), bp("data-in",
			endpointDeny("p-data-in-1", noUploads, ledger),
			endpointDeny("p-data-in-1", `["s3:PutObject","s3:AbortMultipartUpload"]`, ledger, "arn:aws:iam::111122223333:role/p-uploader"), uploaderReads)}},
		{name: "data-in open only to the project's own role violates", rs: []*engine.Resource{bucket("data-in"), role(), bp("data-in", endpointDeny("p-data-in-1", all, ledger))},
			want: "nobody from outside the VPC may upload into bucket p-data-in-1"},
		{name: "data-in whose uploader the endpoint deny does not except violates", rs: []*engine.Resource{bucket("data-in"), role(), bp("data-in",
			endpointDeny("p-data-in-1", all, ledger), uploaderReads)}, want: "sce:uploaderRoleArns (upload only)"},
		{name: "output open to nobody outside violates and names the key", rs: []*engine.Resource{bucket("output"), role(), bp("output", endpointDeny("p-output-1", all))},
			want: "take released results out of bucket p-output-1 (released/, where the airlock puts what two reviewers approved): its policy admits only requests through the project's S3 endpoint and the project's own roles; set sce:adminRoleArns"},
		{name: "output whose only outsider may not read violates", rs: []*engine.Resource{bucket("output"), role(), bp("output", endpointDeny("p-output-1", all, admin),
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::p-output-1/*","Condition":{"ArnLike":{"aws:PrincipalArn":"`+admin+`"}}}`)},
			want: "take released results out of bucket p-output-1"},
		{name: "output whose airlock leaves the administrator only released/ is compliant", rs: []*engine.Resource{bucket("output"), role(), bp("output",
			endpointDeny("p-output-1", all, admin, ledger), airlockDeny)}},
		{name: "output whose airlock keeps released/ in the VPC too violates", rs: []*engine.Resource{bucket("output"), role(), bp("output",
			endpointDeny("p-output-1", all, admin, ledger), strings.Replace(airlockDeny, `"NotResource":"arn:aws:s3:::p-output-1/released/*"`, `"Resource":"arn:aws:s3:::p-output-1/*"`, 1))},
			want: "take released results out of bucket p-output-1"},
		{name: "an administrator of another account does not count", rs: []*engine.Resource{bucket("output"), role(), bp("output",
			endpointDeny("p-output-1", all, "arn:aws:iam::444455556666:role/p-builder", ledger))},
			want: "arn:aws:iam::444455556666:role/p-builder is of another account than this stack's 111122223333"},
		{name: "while the account is unknown an administrator counts", rs: []*engine.Resource{bucket("output"), bp("output",
			endpointDeny("p-output-1", all, "arn:aws:iam::444455556666:role/p-builder"))}},
		{name: "a bucket without a policy is not judged", rs: []*engine.Resource{bucket("output"), role()}},
	})
}

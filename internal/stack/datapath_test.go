package stack_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
	"github.com/sce-project/sce/policy/model/iameval"
)

const (
	testAdmin    = "arn:aws:iam::111122223333:role/study-builder"
	testUploader = "arn:aws:iam::111122223333:role/study-uploader"
	testStranger = "arn:aws:iam::111122223333:role/someone-else"
)

// bucketPolicyDoc parses the bucket policy of a purpose from the plan.
func bucketPolicyDoc(t *testing.T, p *plan.Plan, purpose string) *iameval.Document {
	t.Helper()
	return docOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, purpose)), "policy")
}

// TestTheDataPathFromOutsideTheVPC evaluates the planned bucket policies, as IAM evaluates their Deny
// statements, for the requests of the seed's data path: an uploader on a laptop outside the VPC puts data
// into data-in, asking for the project key, and can do nothing else (the parts of a multipart upload,
// which carry no encryption header, are the encryption statements' concern, not the endpoint's); an administrator outside takes
// results out of output; anyone else outside the VPC is refused; inside, requests come through the
// endpoint. A request that no Deny matches is allowed when the principal's own policy allows it (the roles
// are of the bucket's account).
func TestTheDataPathFromOutsideTheVPC(t *testing.T) {
	p := planWith(t, map[string]string{
		"sce:adminRoleArns":    fmt.Sprintf(`[%q]`, testAdmin),
		"sce:uploaderRoleArns": fmt.Sprintf(`[%q]`, testUploader),
	})
	endpoint, _ := p.Outputs["s3EndpointId"].(string)
	require.NotEmpty(t, endpoint)
	key, _ := p.Outputs["kmsKeyArn"].(string)
	require.NotEmpty(t, key)
	docs := map[string]*iameval.Document{"data-in": bucketPolicyDoc(t, p, "data-in"), "output": bucketPolicyDoc(t, p, "output")}
	names := map[string]string{"data-in": bucketOf(t, p, "data-in").ID, "output": bucketOf(t, p, "output").ID}

	const (
		outside = ""
		inside  = "through the endpoint"
	)
	tests := []struct {
		who, where, action, bucket, key string
		encrypted                       bool
		denied                          bool
	}{
		{testUploader, outside, "s3:PutObject", "data-in", "incoming/cohort.csv", true, false},
		{testUploader, outside, "s3:AbortMultipartUpload", "data-in", "incoming/big.csv", false, false},
		{testUploader, outside, "s3:GetObject", "data-in", "incoming/cohort.csv", false, true},
		{testUploader, outside, "s3:ListBucket", "data-in", "", false, true},
		{testUploader, outside, "s3:DeleteObject", "data-in", "incoming/cohort.csv", false, true},
		{testUploader, outside, "s3:PutObjectTagging", "data-in", "incoming/cohort.csv", false, true},
		{testUploader, outside, "s3:PutObject", "output", "results/x.csv", true, true},
		{testUploader, outside, "s3:GetObject", "output", "results/x.csv", false, true},
		{testUploader, inside, "s3:GetObject", "data-in", "incoming/cohort.csv", false, true},
		{testAdmin, outside, "s3:GetObject", "output", "released/20261103T142501Z-9f86d081/table1.csv", false, false},
		{testAdmin, outside, "s3:GetObject", "output", "results/table1.csv", false, true},
		{testAdmin, outside, "s3:GetObject", "output", "outbox/20261103T142501Z-9f86d081/table1.csv", false, true},
		{testAdmin, outside, "s3:PutObject", "data-in", "incoming/cohort.csv", true, false},
		{testAdmin, outside, "s3:GetObject", "data-in", "quarantine/3f2a", false, false},
		{testStranger, outside, "s3:PutObject", "data-in", "incoming/cohort.csv", true, true},
		{testStranger, outside, "s3:AbortMultipartUpload", "data-in", "incoming/cohort.csv", false, true},
		{testStranger, outside, "s3:GetObject", "output", "results/table1.csv", false, true},
		{testStranger, inside, "s3:PutObject", "output", "results/table1.csv", true, false},
	}
	for _, tt := range tests {
		where := tt.where
		if where == outside {
			where = "from outside the VPC"
		}
		name := fmt.Sprintf("%s %s %s on %s %s", tt.who[strings.LastIndex(tt.who, "/")+1:], tt.action, tt.key, tt.bucket, where)
		t.Run(name, func(t *testing.T) {
			resource := "arn:aws:s3:::" + names[tt.bucket]
			if tt.key != "" {
				resource += "/" + tt.key
			}
			ctx := map[string][]string{"aws:PrincipalArn": {tt.who}, "aws:SecureTransport": {"true"}}
			if tt.where == inside {
				ctx["aws:SourceVpce"] = []string{endpoint}
			}
			if tt.encrypted {
				ctx["s3:x-amz-server-side-encryption"] = []string{"aws:kms"}
				ctx["s3:x-amz-server-side-encryption-aws-kms-key-id"] = []string{key}
			}
			res, err := docs[tt.bucket].Evaluate(iameval.Request{Principal: tt.who, Action: tt.action, Resource: resource, Context: ctx}, true)
			require.NoError(t, err)
			assert.Equal(t, tt.denied, res.Effect == iameval.Denied, "denied by %q", res.Sid)
		})
	}
}

func dataPathWarnings(p *plan.Plan) []plan.Violation {
	var out []plan.Violation
	for _, v := range p.Violations {
		if v.Policy == "s3-phi-data-path-outside-vpc" {
			out = append(out, v)
		}
	}
	return out
}

// TestAPlanWithoutAPathFromOutsideWarnsAndNamesTheKeys: with the endpoint restriction on (the default)
// and nobody excepted, the plan says so, as an advisory that does not stop it.
func TestAPlanWithoutAPathFromOutsideWarnsAndNamesTheKeys(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"no administrators and no uploaders", nil, []string{"upload into bucket study-data-in-", "take released results out of bucket study-output-"}},
		{"uploaders only", map[string]string{"sce:uploaderRoleArns": fmt.Sprintf(`[%q]`, testUploader)}, []string{"take released results out of bucket study-output-"}},
		{"an administrator of another account", map[string]string{"sce:adminRoleArns": `["arn:aws:iam::444455556666:role/study-builder"]`},
			[]string{"upload into bucket study-data-in-", "take released results out of bucket study-output-"}},
		{"an administrator", map[string]string{"sce:adminRoleArns": fmt.Sprintf(`[%q]`, testAdmin)}, nil},
		{"no endpoint restriction", map[string]string{"sce:restrictToVpcEndpoint": "false"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planWith(t, tt.changes)
			warnings := dataPathWarnings(p)
			require.Len(t, warnings, len(tt.want))
			for i, w := range tt.want {
				assert.Equal(t, "advisory", warnings[i].Level)
				assert.Contains(t, warnings[i].Message, w)
				assert.Contains(t, warnings[i].Message, "sce:adminRoleArns")
			}
			assert.Empty(t, p.MandatoryViolations())
		})
	}
}

// TestTheExampleStacksHaveAPathFromOutside: the committed stack files name an example administrator role,
// so that the path from a laptop to data-in and from output back to the builder is whole in their plans.
func TestTheExampleStacksHaveAPathFromOutside(t *testing.T) {
	for _, name := range []string{"hipaa", "omop"} {
		t.Run(name, func(t *testing.T) {
			sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
			require.NoError(t, err)
			assert.Contains(t, sf.Config["sce:adminRoleArns"], "arn:aws:iam::111122223333:role/", "the documentation account, to be replaced")
			p, err := plan.Run(plan.Options{Stack: name, Config: sf.Config}, stack.Run)
			require.NoError(t, err)
			assert.Empty(t, dataPathWarnings(p))
		})
	}
}

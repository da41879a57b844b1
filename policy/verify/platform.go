package verify

import (
	"fmt"

	"github.com/sce-project/sce/internal/awsbuckets"
	"github.com/sce-project/sce/policy/model/iameval"
)

// awsPublicRead stands for the policy of an AWS-owned bucket (a package repository, an agent's or Patch
// Manager's downloads), which is not in the plan: it is assumed to let any caller read, so that what is
// judged is what the stack controls, the S3 endpoint's policy.
var awsPublicRead = iameval.MustParse(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`)

// platform: instances in the private subnet read the AWS-owned buckets of their region through the S3
// gateway endpoint, whose policy must name them (awsbuckets.Platform: the Amazon Linux 2023
// repositories, the Systems Manager and CloudWatch agents' downloads, and Patch Manager's buckets from the
// Systems Manager User Guide, "Reference: Amazon S3 buckets for patching operations",
// https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-operations-s3-buckets.html). dnf's
// requests are unsigned, so each read is judged as an anonymous HTTPS request through the endpoint; a
// signed one would be judged the same by an endpoint statement for any principal.
func (m *model) platform() []Flow {
	region := m.region()
	if m.endpoint == "" || region == "" {
		return nil
	}
	var out []Flow
	for _, bucket := range awsbuckets.Platform(region) {
		what := fmt.Sprintf("instances in the private subnet read s3://%s through the S3 endpoint", bucket)
		if m.endpointDoc == nil {
			out = append(out, Flow{Flow: what, Expected: Allowed, Result: Unknown, Why: "the endpoint's policy is unknown until deployment"})
			continue
		}
		object := "arn:aws:s3:::" + bucket + "/2023/core/mirrors/latest/x86_64/mirror.list"
		ctx := map[string][]string{"aws:SecureTransport": {"true"}, "aws:SourceVpce": {m.endpoint}}
		d, err := iameval.Authorize(iameval.Request{Action: "s3:GetObject", Resource: object, Context: ctx},
			iameval.Policies{Resource: awsPublicRead, Endpoint: m.endpointDoc})
		f := Flow{Flow: what, Expected: Allowed, Result: Allowed, Why: "the endpoint's policy admits it"}
		switch {
		case err != nil:
			f.Result, f.Why = Denied, "cannot be evaluated: "+err.Error()
		case !d.Allowed:
			f.Result, f.Why = Denied, d.Reason
		}
		out = append(out, f)
	}
	return out
}

package verify_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
	"github.com/sce-project/sce/policy/verify"
)

const pipelineSum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// referencePlan plans a committed stack file, changed by changes.
func referencePlan(t *testing.T, name string, changes map[string]string) *plan.Plan {
	t.Helper()
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	for k, v := range changes {
		sf.Config[k] = v
	}
	p, err := plan.Run(plan.Options{Stack: name, Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
	require.NoError(t, err)
	return p
}

var everything = map[string]string{"sce:workersEnabled": "true", "sce:workerPipelineObject": "run",
	"sce:workerPipelineSha256": pipelineSum, "sce:emrEnabled": "true"}

func flowNamed(t *testing.T, flows []verify.Flow, part string) verify.Flow {
	t.Helper()
	for _, f := range flows {
		if strings.Contains(f.Flow, part) {
			return f
		}
	}
	require.FailNow(t, "no flow "+part)
	return verify.Flow{}
}

func TestEveryAccessFlowOfTheReferenceStacksIsAsDesigned(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"hipaa", nil, []string{"bastion reads a data-in object", "upload ledger purges the original version", "administrator"}},
		{"omop", nil, []string{"Redshift COPY role locates the bucket"}},
		{"hipaa", everything, []string{"worker uploads its result in parts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flows := verify.Access(referencePlan(t, tc.name, tc.changes).RulesStack())
			require.Greater(t, len(flows), 5)
			for _, f := range flows {
				assert.True(t, f.OK(), "%s: expected %s, got %s: %s", f.Flow, f.Expected, f.Result, f.Why)
			}
			for _, w := range tc.want {
				flowNamed(t, flows, w)
			}
		})
	}
}

// TestMutationsMakeTheMatchingFlowFail puts back the defects the deployability issues found, one at a
// time, into the recorded plan, and expects the flow that depends on it to fail.
func TestMutationsMakeTheMatchingFlowFail(t *testing.T) {
	cases := []struct {
		name   string
		stack  string
		mutate func(r *plan.Resource)
		flow   string
	}{
		{"the old StringNotEqualsIfExists encryption deny", "hipaa", func(r *plan.Resource) {
			if r.Type == "aws:s3/bucketPolicy:BucketPolicy" && strings.Contains(r.Name, "-output-") {
				r.Inputs["policy"] = strings.Replace(r.Inputs["policy"].(string), `"Null":{"s3:x-amz-server-side-encryption":["false"]},"StringNotEquals"`, `"StringNotEqualsIfExists"`, 1)
			}
		}, "researcher alice's session writes a result into output in parts"},
		{"the ledger without ListBucket", "hipaa", func(r *plan.Resource) {
			if r.Type == "aws:iam/policy:Policy" && strings.HasSuffix(r.Name, "-ledger-policy") {
				r.Inputs["policy"] = strings.Replace(r.Inputs["policy"].(string), `"s3:ListBucket"`, `"s3:ListBucketVersions"`, 1)
			}
		}, "upload ledger tells a missing version"},
		{"the COPY role's GetBucketLocation back under the prefix condition", "omop", func(r *plan.Resource) {
			if r.Type == "aws:iam/policy:Policy" && strings.HasSuffix(r.Name, "-copy-policy") {
				p := r.Inputs["policy"].(string)
				p = strings.Replace(p, `"Action":["s3:GetBucketLocation"]`, `"Action":["s3:GetBucketLocation"],"Condition":{"StringLike":{"s3:prefix":["omop/*"]}}`, 1)
				r.Inputs["policy"] = p
			}
		}, "Redshift COPY role locates the bucket"},
		{"an endpoint policy without GetObject", "hipaa", func(r *plan.Resource) {
			if r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" {
				r.Inputs["policy"] = strings.Replace(r.Inputs["policy"].(string), `"s3:GetObject",`, ``, 1)
			}
		}, "researcher alice's session reads a data-in object"},
		{"data-in's endpoint restriction without the ledger's role (issue 14, finding 2)", "hipaa", func(r *plan.Resource) {
			if r.Type == "aws:s3/bucketPolicy:BucketPolicy" && strings.HasSuffix(r.Name, "-data-in-policy") {
				r.Inputs["policy"] = strings.Replace(r.Inputs["policy"].(string), `,"arn:aws:iam::111122223333:role/hipaa-upload-ledger"`, ``, 1)
			}
		}, "upload ledger reads the new object's version"},
		{"an endpoint policy without Patch Manager's bucket (issue 14, finding 8)", "hipaa", func(r *plan.Resource) {
			if r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" {
				r.Inputs["policy"] = strings.Replace(r.Inputs["policy"].(string), `"arn:aws:s3:::aws-patch-manager-us-west-2-34d7f99f8/*",`, ``, 1)
			}
		}, "read s3://aws-patch-manager-us-west-2-34d7f99f8 through the S3 endpoint"},
		{"an endpoint policy without the Amazon Linux repositories", "omop", func(r *plan.Resource) {
			if r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" {
				r.Inputs["policy"] = strings.Replace(r.Inputs["policy"].(string), `"arn:aws:s3:::al2023-repos-us-west-2-de612dc2/*",`, ``, 1)
			}
		}, "read s3://al2023-repos-us-west-2-de612dc2 through the S3 endpoint"},
		{"the ledger's DeleteObjectVersion missing (issue 15, finding 3)", "hipaa", func(r *plan.Resource) {
			if r.Type == "aws:iam/policy:Policy" && strings.HasSuffix(r.Name, "-ledger-policy") {
				r.Inputs["policy"] = strings.Replace(r.Inputs["policy"].(string), `"s3:DeleteObjectVersion"`, `"s3:DeleteObject"`, 1)
			}
		}, "upload ledger purges the original version"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := referencePlan(t, tc.stack, nil)
			before := flowNamed(t, verify.All(p.RulesStack()), tc.flow)
			require.True(t, before.OK(), "the flow holds before the mutation")
			for i := range p.Resources {
				tc.mutate(&p.Resources[i])
			}
			after := flowNamed(t, verify.All(p.RulesStack()), tc.flow)
			assert.False(t, after.OK(), "%s: %s", after.Flow, after.Why)
		})
	}
}

// TestEveryFlowOfEveryKindOfStackIsAsDesigned: access and network flows together, on the reference
// stacks and on one with workers and EMR, as `sce verify` and `sce plan` report them.
func TestEveryFlowOfEveryKindOfStackIsAsDesigned(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"hipaa", nil, []string{"the bastion reaches the workstation on 22", "does not reach the bastion on 22"}},
		{"omop", nil, []string{"the Atlas host reaches Redshift on 5439", "the internet does not reach Redshift"}},
		{"hipaa", everything, []string{"EMR's primary reaches the service-access group on 9443", "the workers reach S3", "EMR's KDC on 88/udp"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flows := verify.All(referencePlan(t, tc.name, tc.changes).RulesStack())
			for _, f := range flows {
				assert.True(t, f.OK(), "%s: expected %s, got %s: %s", f.Flow, f.Expected, f.Result, f.Why)
			}
			for _, w := range tc.want {
				flowNamed(t, flows, w)
			}
		})
	}
}

// TestNetworkMutationsMakeTheMatchingFlowFail restores two of issue 14's network defects: the workstation
// without egress to Redshift, and EMR's primary without egress to the service-access group.
func TestNetworkMutationsMakeTheMatchingFlowFail(t *testing.T) {
	for _, tc := range []struct {
		name, stack string
		changes     map[string]string
		drop        []string
		flow        string
	}{
		{"the workstation's egress to Redshift", "omop", nil, []string{"omop-omop-client-0-out"}, "the workstation reaches Redshift on 5439"},
		{"EMR's primary egress to the service-access group", "hipaa", everything, []string{"hipaa-emr-sg-primary-to-service"}, "EMR's primary reaches the service-access group on 9443"},
		{"EMR's core egress to the service-access group", "hipaa", everything, []string{"hipaa-emr-sg-core-to-service"}, "EMR's core nodes reach the service-access group on 9443"},
		{"EMR's core egress to the primary", "hipaa", everything, []string{"hipaa-emr-sg-core-to-primary"}, "EMR's core nodes reach the primary on all traffic"},
		{"EMR's primary egress to its core nodes", "hipaa", everything, []string{"hipaa-emr-sg-primary-to-core"}, "EMR's primary reaches its core nodes on all traffic"},
		{"EMR's service-access egress to the primary", "hipaa", everything, []string{"hipaa-emr-sg-service-to-primary"}, "EMR's service access reaches the primary on 8443"},
		{"EMR's primary without S3 (its prefix-list and HTTPS egress)", "hipaa", everything, []string{"hipaa-emr-sg-primary-s3-out", "hipaa-emr-sg-primary-https-out"}, "EMR's primary reaches S3 on 443"},
		{"the workstation's ssh egress to EMR's primary", "hipaa", everything, []string{"hipaa-emr-sg-client-0-ssh-to-primary"}, "the workstation reaches EMR's primary on 22"},
		{"the workstation's Kerberos egress to EMR's primary", "hipaa", everything, []string{"hipaa-emr-sg-client-0-kdc-udp-to-primary"}, "the workstation reaches EMR's KDC on 88/udp"},
		{"the bastion's ingress to the workstation", "hipaa", nil, []string{"hipaa-workstation-sg-ssh-from-bastion"}, "the bastion reaches the workstation on 22"},
		{"the NAT route of the private subnet", "hipaa", nil, []string{"hipaa-private-default-route"}, "the workstation reaches the internet on 443 through the NAT gateway"},
		{"the endpoint's route-table association", "omop", nil, []string{"omop-s3-endpoint-private-rt"}, "the workstation reaches S3 on 443 through the gateway endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := referencePlan(t, tc.stack, tc.changes)
			require.True(t, flowNamed(t, verify.All(p.RulesStack()), tc.flow).OK())
			kept := p.Resources[:0]
			dropped := 0
			for _, r := range p.Resources {
				if slices.Contains(tc.drop, r.Name) {
					dropped++
					continue
				}
				kept = append(kept, r)
			}
			require.Equal(t, len(tc.drop), dropped, "the rules to remove were found")
			p.Resources = kept
			f := flowNamed(t, verify.All(p.RulesStack()), tc.flow)
			assert.False(t, f.OK(), "%s: %s", f.Flow, f.Why)
		})
	}
}

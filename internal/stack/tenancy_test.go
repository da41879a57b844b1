package stack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/plan"
)

const (
	lambdaType     = "aws:lambda/function:Function"
	configRuleType = "aws:cfg/rule:Rule"
)

// withRedshift turns on the OMOP stack (Redshift and the Atlas host) in its default-tenancy VPC; the tests
// add the worker pool (workersPlan), so that every kind of instance is judged.
var withRedshift = map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default"}

// TestTenancyOfEachKindOfStack: the VPC is dedicated unless the stack holds Redshift, and every instance
// and launch template asks for dedicated tenancy in both kinds of VPC, with the Config rule that catches
// an instance launched by hand.
func TestTenancyOfEachKindOfStack(t *testing.T) {
	cases := []struct {
		name    string
		changes map[string]string
		vpc     string
	}{
		{"without Redshift", nil, "dedicated"},
		{"with Redshift", withRedshift, "default"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := workersPlan(t, tc.changes)
			vpcs := p.Find(vpcType)
			require.Len(t, vpcs, 1)
			assert.Equal(t, tc.vpc, in(vpcs[0], "instanceTenancy"))
			instances := p.Find(instanceType)
			require.NotEmpty(t, instances)
			for _, i := range instances {
				assert.Equal(t, "dedicated", in(i, "tenancy"), i.Name)
			}
			templates := p.Find(launchTemplateType)
			require.NotEmpty(t, templates, "the worker pool's launch template")
			for _, lt := range templates {
				assert.Equal(t, "dedicated", nested(t, lt, "placement")["tenancy"], lt.Name)
			}
			rule := one(t, p, configRuleType, "study-audit-config-desired-instance-tenancy")
			assert.Equal(t, `{"tenancy":"DEDICATED"}`, in(rule, "inputParameters"))
			assert.Empty(t, p.MandatoryViolations())
		})
	}
}

// reapply changes the plan's inputs and evaluates the policy again, as `sce policy check` would.
func reapply(p *plan.Plan, change func(r *plan.Resource)) []plan.Violation {
	for i := range p.Resources {
		change(&p.Resources[i])
	}
	p.ApplyPolicy()
	return p.MandatoryViolations()
}

func policies(vs []plan.Violation) map[string]string {
	out := map[string]string{}
	for _, v := range vs {
		out[v.Policy] = v.Category
	}
	return out
}

// TestTenancyGuardsFailOnTheBrokenForm puts the services AWS refuses back into a dedicated VPC, past the
// configuration's validation, and expects the deployability rules to stop the plan.
func TestTenancyGuardsFailOnTheBrokenForm(t *testing.T) {
	t.Run("Redshift in a dedicated VPC", func(t *testing.T) {
		p := workersPlan(t, withRedshift)
		got := policies(reapply(p, func(r *plan.Resource) {
			if r.Type == vpcType {
				r.Inputs["instanceTenancy"] = "dedicated"
			}
		}))
		assert.Equal(t, "deployability", got["redshift-not-in-dedicated-vpc"])
	})
	t.Run("the ledger attached to the dedicated VPC", func(t *testing.T) {
		p := planWith(t, nil)
		subnet := one(t, p, subnetType, "study-private-subnet").ID
		got := policies(reapply(p, func(r *plan.Resource) {
			if r.Type == lambdaType {
				r.Inputs["vpcConfig"] = map[string]any{"subnetIds": []any{subnet}, "securityGroupIds": []any{"sg-0123456789abcdef0"}}
			}
		}))
		assert.Equal(t, "deployability", got["lambda-not-in-dedicated-vpc"])
	})
	t.Run("a default-tenancy VPC without Redshift", func(t *testing.T) {
		p := planWith(t, nil)
		got := policies(reapply(p, func(r *plan.Resource) {
			if r.Type == vpcType {
				r.Inputs["instanceTenancy"] = "default"
			}
		}))
		assert.Contains(t, got, "vpc-dedicated-tenancy")
	})
	t.Run("a shared-tenancy instance in the default-tenancy VPC", func(t *testing.T) {
		p := workersPlan(t, withRedshift)
		got := policies(reapply(p, func(r *plan.Resource) {
			if r.Type == instanceType && r.Name == "study-atlas-instance" {
				r.Inputs["tenancy"] = "default"
			}
		}))
		assert.Contains(t, got, "ec2-dedicated-tenancy")
	})
}

// TestLedgerRunsOutsideTheVPCAndDataInAdmitsItsRole: the function has no VPC attachment, no security group
// and no VPC-access policy; its role has a fixed name, and the data-in bucket's endpoint restriction admits
// that role by aws:PrincipalArn (and only data-in's: the ledger never touches output).
func TestLedgerRunsOutsideTheVPCAndDataInAdmitsItsRole(t *testing.T) {
	p := planWith(t, nil)
	fn := one(t, p, lambdaType, "study-ledger-function")
	assert.NotContains(t, fn.Inputs, "vpcConfig")
	for _, sg := range p.Find("aws:ec2/securityGroup:SecurityGroup") {
		assert.NotContains(t, sg.Name, "ledger", "the ledger has no security group")
	}
	for _, att := range p.Find("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		assert.NotContains(t, in(att, "policyArn"), "AWSLambdaVPCAccessExecutionRole")
	}
	role := one(t, p, "aws:iam/role:Role", "study-ledger-role")
	assert.Equal(t, "study-upload-ledger", in(role, "name"))
	ledgerARN := components.LedgerRoleARN(components.ARNs{Partition: "aws", Region: "us-west-2", AccountID: plan.AccountID}, "study")
	assert.Equal(t, out(role, "arn"), ledgerARN, "the ARN the bucket policy names is the role's")

	deny := func(purpose string) components.Statement {
		doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, purpose)), "policy")
		return statement(t, doc, "DenyObjectAccessOutsideTheVPCEndpoint")
	}
	assert.Contains(t, deny("data-in").Condition["ArnNotLike"]["aws:PrincipalArn"], ledgerARN)
	assert.NotContains(t, deny("output").Condition["ArnNotLike"]["aws:PrincipalArn"], ledgerARN)
	q := statement(t, policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "data-in")), "policy"), "QuarantineReadableByAdministratorsOnly")
	assert.NotContains(t, q.Condition["ArnNotLike"]["aws:PrincipalArn"], ledgerARN, "the ledger may not read the quarantine")
}

// TestRootVolumesAreTaggedWithoutVolumeTags: volumeTags on an instance with a separately attached volume
// makes the two resources rewrite each other's tags; the root volume is tagged through its own block.
func TestRootVolumesAreTaggedWithoutVolumeTags(t *testing.T) {
	p := workersPlan(t, withRedshift)
	for _, i := range p.Find(instanceType) {
		assert.NotContains(t, i.Inputs, "volumeTags", i.Name)
		tags, _ := nested(t, i, "rootBlockDevice")["tags"].(map[string]any)
		assert.NotEmpty(t, tags["Name"], "%s: the root volume is named", i.Name)
	}
	ws := one(t, p, instanceType, "study-workstation-instance")
	assert.Equal(t, components.DataClassificationPHI, nested(t, ws, "rootBlockDevice")["tags"].(map[string]any)[components.TagDataClassification])
}

// TestWorkersAndEMRTogetherPlanWithoutMandatoryViolations: every optional part that creates instances in a
// stack without Redshift (where EMR is allowed), planned together, as issue 14 asks.
func TestWorkersAndEMRTogetherPlanWithoutMandatoryViolations(t *testing.T) {
	p := workersPlan(t, map[string]string{"sce:emrEnabled": "true"})
	require.NotEmpty(t, p.Find("aws:emr/cluster:Cluster"))
	require.NotEmpty(t, p.Find("aws:autoscaling/group:Group"))
	assert.Empty(t, p.MandatoryViolations())
}

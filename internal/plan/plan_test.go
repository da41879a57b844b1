package plan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// planStack plans one of the committed reference stacks from its stack file.
func planStack(t *testing.T, name string) *plan.Plan {
	t.Helper()
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	p, err := plan.Run(plan.Options{Stack: name, Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
	require.NoError(t, err)
	return p
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestPlanJSONFollowsTheContract checks both reference stacks against the plan JSON contract of
// DESIGN.md: the keys, their types, and that every reference in the plan resolves.
func TestPlanJSONFollowsTheContract(t *testing.T) {
	for _, name := range []string{"hipaa", "omop"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, plan.WriteJSON(&buf, planStack(t, name)))
			var doc map[string]any
			require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))

			assert.Equal(t, []string{"cost", "exemptions", "flows", "outputs", "project", "resources", "stack", "violations"}, keys(doc))
			flows, ok := doc["flows"].([]any)
			require.True(t, ok, "flows is a list")
			require.NotEmpty(t, flows)
			for _, f := range flows {
				assert.ElementsMatch(t, []string{"expected", "flow", "result", "why"}, keys(f.(map[string]any)), "the DESIGN.md keys of a flow")
			}
			assert.Equal(t, name, doc["stack"])
			assert.Equal(t, "sce", doc["project"])
			assert.IsType(t, []any{}, doc["violations"])
			assert.IsType(t, []any{}, doc["exemptions"])
			cost, ok := doc["cost"].(map[string]any)
			require.True(t, ok)
			assert.Equal(t, "USD", cost["currency"])
			assert.IsType(t, float64(0), cost["monthly"])
			assert.IsType(t, float64(0), cost["monthlyScheduled"])
			assert.IsType(t, []any{}, cost["items"])
			outputs, ok := doc["outputs"].(map[string]any)
			require.True(t, ok)
			assert.Equal(t, name, outputs["pit"])

			resources, ok := doc["resources"].([]any)
			require.True(t, ok)
			require.NotEmpty(t, resources)
			urns := map[string]bool{}
			ids := map[string]string{}
			for _, raw := range resources {
				r := raw.(map[string]any)
				urns[r["urn"].(string)] = true
			}
			for _, raw := range resources {
				r := raw.(map[string]any)
				for _, k := range []string{"urn", "id", "type", "name", "parent", "custom", "inputs", "protect", "retainOnDelete", "dependsOn"} {
					require.Contains(t, r, k, "resource %v", r["urn"])
				}
				urn := r["urn"].(string)
				assert.True(t, strings.HasPrefix(urn, "urn:pulumi:"+name+"::sce::"), urn)
				assert.True(t, strings.HasSuffix(urn, "::"+r["name"].(string)), urn)
				assert.IsType(t, true, r["custom"])
				assert.IsType(t, true, r["protect"])
				assert.IsType(t, true, r["retainOnDelete"])
				assert.IsType(t, map[string]any{}, r["inputs"])
				if parent := r["parent"].(string); parent != "" {
					assert.True(t, urns[parent], "parent %s of %s is in the plan", parent, urn)
				}
				for _, dep := range r["dependsOn"].([]any) {
					assert.True(t, urns[dep.(string)], "dependency %s of %s is in the plan", dep, urn)
				}
				if r["custom"].(bool) {
					id := r["id"].(string)
					require.NotEmpty(t, id, urn)
					// AWS gives a bucket's configuration resources the bucket's name: ids are unique per type.
					key := r["type"].(string) + " " + id
					if other, dup := ids[key]; dup {
						t.Errorf("id %s given to both %s and %s", id, other, urn)
					}
					ids[key] = urn
				}
			}
		})
	}
}

func TestReferenceStacksUseSeparateNetworks(t *testing.T) {
	cidrs := map[string]netip.Prefix{}
	for _, name := range []string{"hipaa", "omop"} {
		sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
		require.NoError(t, err)
		c, err := config.Load(config.FromMap(sf.Config))
		require.NoError(t, err, name)
		assert.Equal(t, name, c.PIT, "the stack is named by its PIT")
		assert.Equal(t, "us-west-2", c.Region)
		cidrs[name] = c.VPCCIDR
	}
	assert.False(t, cidrs["hipaa"].Overlaps(cidrs["omop"]), "hipaa %s and omop %s overlap", cidrs["hipaa"], cidrs["omop"])
}

func TestInputsHoldTheValuesTheMockResolved(t *testing.T) {
	p := planStack(t, "hipaa")
	nat := p.Find("aws:ec2/natGateway:NatGateway")[0]
	var eip plan.Resource
	for _, e := range p.Find("aws:ec2/eip:Eip") {
		if e.Name == "hipaa-nat-eip" {
			eip = e
		}
	}
	assert.Equal(t, eip.ID, nat.Inputs["allocationId"])
	assert.Regexp(t, `^eipalloc-[0-9a-f]{17}$`, eip.ID)
	assert.Regexp(t, `^198\.51\.100\.\d+$`, nat.Outputs["publicIp"], "a documentation address, equal to the EIP's")
	assert.Equal(t, eip.Outputs["publicIp"], nat.Outputs["publicIp"])
	vpc := p.Find("aws:ec2/vpc:Vpc")[0]
	assert.Regexp(t, `^vpc-[0-9a-f]{17}$`, vpc.ID)
	assert.Equal(t, "arn:aws:ec2:us-west-2:111122223333:vpc/"+vpc.ID, vpc.Outputs["arn"])
	key := p.Find("aws:kms/key:Key")[0]
	assert.Regexp(t, `^arn:aws:kms:us-west-2:111122223333:key/[0-9a-f-]{36}$`, key.Outputs["arn"])
}

func TestPlanIsStableAcrossRuns(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, plan.WriteJSON(&a, planStack(t, "hipaa")))
	require.NoError(t, plan.WriteJSON(&b, planStack(t, "hipaa")))
	assert.Equal(t, a.String(), b.String())
}

// TestSecretsNeverAppearInAPlan runs a small program whose inputs and outputs are secret.
func TestSecretsNeverAppearInAPlan(t *testing.T) {
	const secret = "correct-horse-battery-staple"
	program := func(ctx *pulumi.Context) error {
		key, err := kms.NewKey(ctx, "k", &kms.KeyArgs{Description: pulumi.ToSecret(pulumi.String(secret)).(pulumi.StringOutput)})
		if err != nil {
			return err
		}
		ctx.Export("secretOut", pulumi.ToSecret(pulumi.String(secret)))
		ctx.Export("keyArn", key.Arn)
		return nil
	}
	p, err := plan.Run(plan.Options{Stack: "s", Config: map[string]string{"aws:region": "us-west-2", "sce:pit": secret},
		SecretKeys: []string{"sce:pit"}}, program)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, plan.WriteJSON(&buf, p))
	assert.NotContains(t, buf.String(), secret)
	assert.Equal(t, plan.SecretPlaceholder, p.Outputs["secretOut"])
	assert.Equal(t, plan.SecretPlaceholder, p.Find("aws:kms/key:Key")[0].Inputs["description"])
	assert.NotEqual(t, plan.SecretPlaceholder, p.Outputs["keyArn"])
}

// TestOutputsAProviderDeclaresSecretAreSecretInThePlan: a RandomPassword's result is a secret output
// (its SDK registers it with AdditionalSecretOutputs), so an input built from it is a secret, as the
// engine makes it in a real deployment; one built from another output of the same resource is not.
func TestOutputsAProviderDeclaresSecretAreSecretInThePlan(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		pw, err := random.NewRandomPassword(ctx, "pw", &random.RandomPasswordArgs{Length: pulumi.Int(20)})
		if err != nil {
			return err
		}
		fromResult := pw.Result.ApplyT(func(r string) string { return "built from " + r }).(pulumi.StringOutput)
		if _, err := kms.NewKey(ctx, "from-result", &kms.KeyArgs{Description: fromResult}); err != nil {
			return err
		}
		fromID := pw.ID().ApplyT(func(id pulumi.ID) string { return "built from " + string(id) }).(pulumi.StringOutput)
		_, err = kms.NewKey(ctx, "from-id", &kms.KeyArgs{Description: fromID})
		return err
	}
	p, err := plan.Run(plan.Options{Stack: "s", Config: map[string]string{"aws:region": "us-west-2"}}, program)
	require.NoError(t, err)
	byName := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byName[r.Name] = r
	}
	assert.Equal(t, plan.SecretPlaceholder, byName["from-result"].Inputs["description"])
	assert.Equal(t, "built from none", byName["from-id"].Inputs["description"])
	assert.Equal(t, plan.SecretPlaceholder, byName["pw"].Outputs["result"], "the recorded output is hidden too")
}

func TestUnknownConfigurationKeysAreRefusedBeforeRunning(t *testing.T) {
	ran := false
	_, err := plan.Run(plan.Options{Stack: "s", Config: map[string]string{"sce:allowedSshCidr": "[]"}},
		func(*pulumi.Context) error { ran = true; return nil })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sce:allowedSshCidr")
	assert.False(t, ran)
}

func TestTextPlanShowsTheTreeOutputsAndPolicyResults(t *testing.T) {
	var buf bytes.Buffer
	p := planStack(t, "hipaa")
	require.NoError(t, plan.WriteText(&buf, p))
	text := buf.String()
	assert.Contains(t, text, fmt.Sprintf("Policy violations: %d\n", len(p.Violations)))
	assert.Contains(t, text, fmt.Sprintf("Policy exemptions: %d\n", len(p.Exemptions)))
	for _, v := range p.Violations {
		assert.Contains(t, text, "["+v.Level+"] "+v.Policy+" "+v.URN)
	}
	for _, e := range p.Exemptions {
		assert.Contains(t, text, e.Policy+" "+e.URN+": "+e.Reason)
	}
	for _, want := range []string{
		`Plan of stack "hipaa" (project sce)`,
		"sce:network:SecureVPC hipaa\n",
		"─ aws:ec2/vpc:Vpc hipaa-vpc (vpc-",
		"├─ aws:ec2/subnet:Subnet hipaa-private-subnet",
		"tenancy dedicated",
		"sce:security:ProjectKey hipaa\n",
		"aws:kms/key:Key hipaa-key",
		"[protect, retain]",
		"0.0.0.0/0 -> nat-",
		"0.0.0.0/0 -> igw-",
		"Outputs:",
		"natPublicIp",
	} {
		assert.Contains(t, text, want)
	}
}

func TestReferencePlansHaveNoMandatoryViolations(t *testing.T) {
	for _, name := range []string{"hipaa", "omop"} {
		p := planStack(t, name)
		assert.Empty(t, p.MandatoryViolations(), "%s: %v", name, p.MandatoryViolations())
	}
}

// TestTextPlanMarksDeployabilityViolations: a constraint AWS enforces at deployment says so in the text.
func TestTextPlanMarksDeployabilityViolations(t *testing.T) {
	p := planStack(t, "omop")
	for i := range p.Resources {
		if p.Resources[i].Type == "aws:ec2/vpc:Vpc" {
			p.Resources[i].Inputs["instanceTenancy"] = "dedicated"
		}
	}
	p.ApplyPolicy()
	var buf bytes.Buffer
	require.NoError(t, plan.WriteText(&buf, p))
	assert.Contains(t, buf.String(), "[mandatory, deployability] redshift-not-in-dedicated-vpc ")
}

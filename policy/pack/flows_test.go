package pack

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
	"github.com/sce-project/sce/policy/verify"
)

// planOf plans a committed stack file, changed by changes.
func planOf(t *testing.T, name string, changes map[string]string) *plan.Plan {
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

// value converts a plan's JSON value into a policy property value: the plan's unknown placeholder is a
// computed value, as during a preview.
func value(t *testing.T, v any) property.Value {
	switch x := v.(type) {
	case nil:
		return property.New(property.Null)
	case string:
		if x == plan.UnknownPlaceholder {
			return property.New(property.Computed)
		}
		return property.New(x)
	case bool:
		return property.New(x)
	case float64:
		return property.New(x)
	case int:
		return property.New(float64(x))
	case int64:
		return property.New(float64(x))
	case []any:
		out := make([]property.Value, 0, len(x))
		for _, e := range x {
			out = append(out, value(t, e))
		}
		return property.New(out)
	case map[string]any:
		return property.New(propertyMap(t, x))
	}
	require.FailNow(t, fmt.Sprintf("a plan value of type %T", v))
	return property.Value{}
}

func propertyMap(t *testing.T, m map[string]any) property.Map {
	out := make(map[string]property.Value, len(m))
	for k, v := range m {
		out[k] = value(t, v)
	}
	return property.NewMap(out)
}

// analyzed is what Pulumi's engine hands a stack policy for the plan's resources once they are deployed:
// each resource's outputs, which for pulumi-aws hold its inputs, what the provider computed and its id,
// with its provider's inputs.
func analyzed(t *testing.T, p *plan.Plan) []policyx.AnalyzerResource {
	t.Helper()
	byURN := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byURN[r.URN] = r
	}
	var out []policyx.AnalyzerResource
	for _, r := range p.Resources {
		props := map[string]any{}
		for k, v := range r.Inputs {
			props[k] = v
		}
		for k, v := range r.Outputs {
			props[k] = v
		}
		if r.Custom && r.ID != "" {
			props["id"] = r.ID
		}
		provider := byURN[r.Provider]
		out = append(out, policyx.AnalyzerResource{
			Type: r.Type, Name: r.Name, URN: r.URN, Properties: propertyMap(t, props), PropertyDependencies: r.PropertyDependencies,
			Provider: policyx.AnalyzerProviderResource{Type: provider.Type, URN: provider.URN, Name: provider.Name, Properties: propertyMap(t, provider.Inputs)},
		})
	}
	return out
}

var everything = map[string]string{"sce:workersEnabled": "true", "sce:workerPipelineObject": "run",
	"sce:workerPipelineSha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sce:emrEnabled": "true"}

// TestTheStackPolicyJudgesTheFlowsThePlanJudges: what `pulumi preview --policy-pack` judges is what `sce
// plan` and `sce verify` judge, flow for flow.
func TestTheStackPolicyJudgesTheFlowsThePlanJudges(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]string
	}{{"hipaa", nil}, {"omop", nil}, {"hipaa", everything}} {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, tc.name, tc.changes)
			want := verify.All(p.RulesStack())
			got := verify.All(Stack(analyzed(t, p)))
			require.Greater(t, len(want), 50)
			assert.Equal(t, want, got)
		})
	}
}

// validateFlows runs the pack's flows-as-designed policy over the analyzed resources.
func validateFlows(t *testing.T, resources []policyx.AnalyzerResource) []string {
	t.Helper()
	pp, err := New()
	require.NoError(t, err)
	m := &recorder{}
	policy := policyNamed(t, pp, FlowsPolicy).(policyx.StackValidationPolicy)
	require.NoError(t, policy.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: resources}))
	return m.reports
}

// TestTheFlowsPolicyReportsEveryFlowThatIsNotAsDesigned: the reference stacks pass; a stack with a flow
// broken (a security-group rule, a grant of a role's policy, a key-policy statement removed) is stopped
// with the flow named, and only it.
func TestTheFlowsPolicyReportsEveryFlowThatIsNotAsDesigned(t *testing.T) {
	for _, stackName := range []string{"hipaa", "omop"} {
		t.Run("the clean "+stackName+" stack", func(t *testing.T) {
			assert.Empty(t, validateFlows(t, analyzed(t, planOf(t, stackName, nil))))
		})
	}
	for _, tc := range []struct {
		name   string
		stack  string
		mutate func(r *plan.Resource) bool
		flow   string
	}{
		{"the workstation's egress to Redshift removed", "omop", func(r *plan.Resource) bool {
			return r.Name == "omop-omop-client-0-out"
		}, "the workstation reaches Redshift on 5439"},
		{"the scheduler's kms:CreateGrant removed", "hipaa", func(r *plan.Resource) bool {
			if r.Name != "hipaa-cost-scheduler-policy" {
				return false
			}
			r.Inputs["policy"] = strings.Replace(r.Inputs["policy"].(string), `"kms:CreateGrant"`, `"kms:ListGrants"`, 1)
			return false
		}, "EventBridge Scheduler starts the workstation instance"},
		{"the key policy without CloudWatch Logs", "hipaa", func(r *plan.Resource) bool {
			if r.Type != "aws:kms/key:Key" {
				return false
			}
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.Inputs["policy"].(string)), &doc))
			var kept []any
			for _, st := range doc["Statement"].([]any) {
				if st.(map[string]any)["Sid"] != "CloudWatchLogsEncryptsProjectLogGroups" {
					kept = append(kept, st)
				}
			}
			doc["Statement"] = kept
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			r.Inputs["policy"] = string(b)
			return false
		}, "CloudWatch Logs encrypts the log group /sce/hipaa/workstation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, tc.stack, nil)
			kept := p.Resources[:0]
			for i := range p.Resources {
				if !tc.mutate(&p.Resources[i]) {
					kept = append(kept, p.Resources[i])
				}
			}
			p.Resources = kept
			reports := validateFlows(t, analyzed(t, p))
			require.NotEmpty(t, reports, "the broken flow is reported")
			found := false
			for _, r := range reports {
				found = found || strings.Contains(r, tc.flow)
				assert.Contains(t, r, "expected allowed, found denied", r)
			}
			assert.True(t, found, "%q among %v", tc.flow, reports)
		})
	}
}

// unknownOutputs makes the plan look like a preview in which the resources that created selects are not
// created yet: their ids, ARNs and computed outputs are unknown, and so is every input built from one (a
// policy document naming an ARN, a route's gateway).
func unknownOutputs(p *plan.Plan, created func(plan.Resource) bool) {
	var computed []string
	for _, r := range p.Resources {
		if !created(r) {
			continue
		}
		if r.Custom && r.ID != "" {
			computed = append(computed, r.ID)
		}
		for _, v := range r.Outputs {
			if s, ok := v.(string); ok && len(s) >= 12 {
				computed = append(computed, s)
			}
		}
	}
	var unknown func(v any) any
	unknown = func(v any) any {
		switch x := v.(type) {
		case string:
			for _, c := range computed {
				if strings.Contains(x, c) {
					return plan.UnknownPlaceholder
				}
			}
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = unknown(e)
			}
			return out
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				out[k] = unknown(e)
			}
			return out
		}
		return v
	}
	for i := range p.Resources {
		r := &p.Resources[i]
		r.Inputs = unknown(r.Inputs).(map[string]any)
		if created(*r) {
			r.Outputs, r.ID = nil, ""
		}
	}
}

// TestTheFlowsPolicyLeavesWhatIsNotDeployedYetToTheNextRun: in a first preview every output is unknown,
// and in the preview that turns workers and EMR on in a deployed stack the new resources' are; the
// flows that depend on them are left to the next run rather than reported, and are not passed either.
func TestTheFlowsPolicyLeavesWhatIsNotDeployedYetToTheNextRun(t *testing.T) {
	t.Run("a first preview", func(t *testing.T) {
		p := planOf(t, "hipaa", nil)
		unknownOutputs(p, func(plan.Resource) bool { return true })
		assert.Empty(t, validateFlows(t, analyzed(t, p)))
		assert.NotEmpty(t, verify.Failures(verify.All(Stack(analyzed(t, p)))), "the flows are undecided, not passed")
	})
	t.Run("workers and EMR added to a deployed stack", func(t *testing.T) {
		deployed := map[string]bool{}
		for _, r := range planOf(t, "hipaa", nil).Resources {
			deployed[r.URN] = true
		}
		p := planOf(t, "hipaa", everything)
		unknownOutputs(p, func(r plan.Resource) bool { return !deployed[r.URN] })
		assert.Empty(t, validateFlows(t, analyzed(t, p)))
		undecided := 0
		for _, f := range verify.Failures(verify.All(Stack(analyzed(t, p)))) {
			assert.Equal(t, verify.Unknown, f.Result, f.Flow)
			undecided++
		}
		assert.Positive(t, undecided, "the new flows wait for the next run")
	})
}

// TestNoMandatoryStackPolicyStopsTheReferenceStacks: every mandatory stack policy of the pack, over the
// reference stacks as the engine hands them (outputs and ids), reports nothing, as `sce plan` does.
func TestNoMandatoryStackPolicyStopsTheReferenceStacks(t *testing.T) {
	pp, err := New()
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		changes map[string]string
	}{{"hipaa", nil}, {"omop", nil}, {"hipaa", everything}} {
		t.Run(tc.name, func(t *testing.T) {
			resources := analyzed(t, planOf(t, tc.name, tc.changes))
			checked := 0
			for _, p := range pp.Policies() {
				sp, ok := p.(policyx.StackValidationPolicy)
				if !ok || p.EnforcementLevel() != policyx.EnforcementLevelMandatory {
					continue
				}
				m := &recorder{}
				require.NoError(t, sp.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: resources}))
				assert.Empty(t, m.reports, p.Name())
				checked++
			}
			assert.Greater(t, checked, 5)
		})
	}
}

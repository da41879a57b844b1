package plan

import (
	"fmt"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/rules"
	"github.com/sce-project/sce/policy/verify"
)

// RulesStack converts the plan's resources into the view the policy rules judge: inputs as properties
// (UnknownPlaceholder becomes engine.Unknown), the mock's outputs, and each resource's provider inputs.
func (p *Plan) RulesStack() *engine.Stack {
	providers := map[string]map[string]any{}
	for _, r := range p.Resources {
		if isProviderType(r.Type) {
			providers[r.URN] = r.Inputs
		}
	}
	out := make([]*engine.Resource, 0, len(p.Resources))
	for _, r := range p.Resources {
		if !r.Custom || isProviderType(r.Type) {
			continue // components and providers are not cloud resources
		}
		out = append(out, &engine.Resource{
			URN:                  r.URN,
			Type:                 r.Type,
			Name:                 r.Name,
			ID:                   r.ID,
			Props:                withUnknowns(r.Inputs).(map[string]any),
			Outputs:              r.Outputs,
			Provider:             providers[r.Provider],
			PropertyDependencies: r.PropertyDependencies,
		})
	}
	return engine.NewStack(out)
}

func isProviderType(t string) bool {
	return len(t) > len("pulumi:providers:") && t[:len("pulumi:providers:")] == "pulumi:providers:"
}

// withUnknowns replaces UnknownPlaceholder strings with engine.Unknown, recursively.
func withUnknowns(v any) any {
	switch x := v.(type) {
	case string:
		if x == UnknownPlaceholder {
			return engine.Unknown
		}
		return x
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = withUnknowns(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = withUnknowns(e)
		}
		return l
	case nil:
		return map[string]any{}
	}
	return v
}

// FlowsPolicy names the violations of flows whose result is not what the design needs.
const FlowsPolicy = "flows-as-designed"

// ApplyPolicy evaluates every rule over the plan and fills its violations and exemptions.
func (p *Plan) ApplyPolicy() {
	rep := rules.Evaluate(p.RulesStack(), rules.All())
	p.Violations = make([]Violation, 0, len(rep.Violations))
	for _, v := range rep.Violations {
		p.Violations = append(p.Violations, Violation{Policy: v.Rule, Level: string(v.Level), Category: string(v.Category), URN: v.URN, Message: v.Message})
	}
	p.Flows = verify.All(p.RulesStack())
	for _, f := range verify.Failures(p.Flows) {
		p.Violations = append(p.Violations, Violation{Policy: FlowsPolicy, Level: string(engine.Mandatory), Category: string(engine.CategoryDeployability),
			Message: fmt.Sprintf("%s: expected %s, found %s: %s", f.Flow, f.Expected, f.Result, f.Why)})
	}
	p.Exemptions = make([]Exemption, 0, len(rep.Exemptions))
	for _, e := range rep.Exemptions {
		p.Exemptions = append(p.Exemptions, Exemption{Policy: e.Rule, URN: e.URN, Reason: e.Reason})
	}
}

// MandatoryViolations returns the violations that stop a deployment.
func (p *Plan) MandatoryViolations() []Violation {
	var out []Violation
	for _, v := range p.Violations {
		if v.Level == string(engine.Mandatory) {
			out = append(out, v)
		}
	}
	return out
}

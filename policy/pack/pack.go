// Package pack wires the SCE policy rules into a Pulumi policy pack (policyx). It holds no judgement of its
// own: every policy calls a rule of package rules.
package pack

import (
	"context"
	"fmt"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/rules"
	"github.com/sce-project/sce/policy/verify"
)

// Name and Version of the policy pack.
const (
	Name    = "sce-hipaa"
	Version = "0.1.0"
)

// Names of the two advisory policies that report, without blocking, what the rule policies leave out:
// findings covered by a declared exemption, and findings undecided during preview.
const (
	ResourceNoticesPolicy = "sce-exemptions-and-undecided"
	StackNoticesPolicy    = "sce-exemptions-and-undecided-stack"
	// FlowsPolicy judges the stack's flows (policy/verify); the plan reports the same as flows-as-designed.
	FlowsPolicy = "flows-as-designed"
)

// New returns the policy pack: one policy per rule, at the rule's own enforcement level (Pulumi ignores a
// pack-level level for Go packs), plus the two advisory notice policies.
func New() (policyx.PolicyPack, error) {
	all := rules.All()
	var policies []policyx.Policy
	for _, rule := range all {
		policies = append(policies, policyFor(rule))
	}
	policies = append(policies,
		// The flows of policy/verify, as sce verify and sce plan judge them: a needed flow blocked or a
		// forbidden one possible stops the deployment; a flow that depends on values unknown until
		// deployment is left to the next run.
		policyx.NewStackValidationPolicy(FlowsPolicy, policyx.StackValidationPolicyArgs{
			Description:      "Every access and network flow the design needs is possible, and every flow it forbids is impossible (policy/verify).",
			EnforcementLevel: policyx.EnforcementLevelMandatory,
			ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
				for _, f := range verify.Decided(verify.Failures(verify.All(Stack(args.Resources)))) {
					args.Manager.ReportViolation(fmt.Sprintf("%s: expected %s, found %s: %s", f.Flow, f.Expected, f.Result, f.Why), "")
				}
				return nil
			},
		}),
		policyx.NewResourceValidationPolicy(ResourceNoticesPolicy, policyx.ResourceValidationPolicyArgs{
			Description:      "Reports findings of resource rules that a declared exemption covers, with its reason, and findings undecided until deployment.",
			EnforcementLevel: policyx.EnforcementLevelAdvisory,
			ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
				r := Resource(args.Resource)
				for _, rule := range all {
					report(args.Manager, rule, engine.CheckResource(rule, r), notices(rule, r))
				}
				return nil
			},
		}),
		policyx.NewStackValidationPolicy(StackNoticesPolicy, policyx.StackValidationPolicyArgs{
			Description:      "Reports findings of stack rules that a declared exemption covers, with its reason, and findings undecided until deployment.",
			EnforcementLevel: policyx.EnforcementLevelAdvisory,
			ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
				s := Stack(args.Resources)
				for _, rule := range all {
					fs := engine.CheckStack(rule, s)
					report(args.Manager, rule, fs, func(f engine.Finding) (string, bool) {
						res, _ := s.ByURN(f.URN)
						return notices(rule, res)(f)
					})
				}
				return nil
			},
		}),
	)
	v, err := semver.Parse(Version)
	if err != nil {
		return nil, fmt.Errorf("policy pack version: %w", err)
	}
	return policyx.NewPolicyPack(Name, v, policyx.EnforcementLevelMandatory, policies)
}

// policyFor wraps one rule. It reports the rule's decided findings that no exemption covers.
func policyFor(rule engine.Rule) policyx.Policy {
	level := policyx.EnforcementLevelAdvisory
	if rule.Level == engine.Mandatory {
		level = policyx.EnforcementLevelMandatory
	}
	desc := fmt.Sprintf("%s (HIPAA %v)", rule.Description, rule.HIPAA)
	if rule.Check != nil {
		return policyx.NewResourceValidationPolicy(rule.ID, policyx.ResourceValidationPolicyArgs{
			Description:      desc,
			EnforcementLevel: level,
			ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
				r := Resource(args.Resource)
				for _, f := range engine.CheckResource(rule, r) {
					if _, exempt := rules.ExemptionFor(rule.ID, r); exempt || f.Undecided {
						continue
					}
					args.Manager.ReportViolation(f.Message, f.URN)
				}
				return nil
			},
		})
	}
	return policyx.NewStackValidationPolicy(rule.ID, policyx.StackValidationPolicyArgs{
		Description:      desc,
		EnforcementLevel: level,
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
			s := Stack(args.Resources)
			for _, f := range engine.CheckStack(rule, s) {
				res, _ := s.ByURN(f.URN)
				if _, exempt := rules.ExemptionFor(rule.ID, res); exempt || f.Undecided {
					continue
				}
				args.Manager.ReportViolation(f.Message, f.URN)
			}
			return nil
		},
	})
}

// notices returns, for a finding on r, the notice to report (an exemption or an undecided finding).
func notices(rule engine.Rule, r *engine.Resource) func(engine.Finding) (string, bool) {
	return func(f engine.Finding) (string, bool) {
		if ex, ok := rules.ExemptionFor(rule.ID, r); ok {
			return fmt.Sprintf("exempt from %s: %s (finding: %s)", rule.ID, ex.Reason, f.Message), true
		}
		if f.Undecided {
			return fmt.Sprintf("%s undecided: %s; it is judged again when the value is known", rule.ID, f.Message), true
		}
		return "", false
	}
}

func report(m policyx.PolicyManager, _ engine.Rule, fs []engine.Finding, notice func(engine.Finding) (string, bool)) {
	for _, f := range fs {
		if msg, ok := notice(f); ok {
			m.ReportViolation(msg, f.URN)
		}
	}
}

// Resource converts an analyzed resource into the rules' view.
func Resource(a policyx.AnalyzerResource) *engine.Resource {
	return &engine.Resource{
		URN:                  a.URN,
		Type:                 a.Type,
		Name:                 a.Name,
		Props:                plainMap(a.Properties),
		Provider:             plainMap(a.Provider.Properties),
		PropertyDependencies: a.PropertyDependencies,
	}
}

// Stack converts the analyzed resources of a stack; providers and components are left out. Unlike a
// resource policy, which Pulumi calls with a resource's inputs, a stack policy gets each resource's
// outputs ("Unlike Analyze, AnalyzeStack is called on the final outputs of each resource", Pulumi's step
// generator, pkg/resource/deploy/step_generator.go, AnalyzeResources): the inputs as the provider
// echoes them, what it computed (arn, ...) and, for a bridged provider such as pulumi-aws, the id. So the
// properties are also the rules' Outputs, and the id their ID, as in the offline plan and a state export.
func Stack(as []policyx.AnalyzerResource) *engine.Stack {
	var out []*engine.Resource
	for _, a := range as {
		if isProvider(a.Type) || isComponent(a.Type) {
			continue
		}
		r := Resource(a)
		r.Outputs = r.Props
		if id, ok := r.Props["id"].(string); ok {
			r.ID = id
		}
		out = append(out, r)
	}
	return engine.NewStack(out)
}

func isProvider(t string) bool {
	return len(t) >= 17 && t[:17] == "pulumi:providers:"
}

// isComponent reports this project's component types and the stack; they are not cloud resources.
func isComponent(t string) bool {
	return t == "pulumi:pulumi:Stack" || (len(t) > 4 && t[:4] == "sce:")
}

// SecretPlaceholder replaces secret values, as in the offline plan: a rule's message may quote a value,
// and a secret must never reach a report.
const SecretPlaceholder = "[secret]"

// plainMap converts property values: computed values become engine.Unknown, secrets SecretPlaceholder.
func plainMap(m property.Map) map[string]any {
	out := map[string]any{}
	for k, v := range m.All {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v property.Value) any {
	switch {
	case v.Secret():
		return SecretPlaceholder
	case v.IsComputed():
		return engine.Unknown
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		var out []any
		for _, e := range v.AsArray().All {
			out = append(out, plainValue(e))
		}
		return out
	case v.IsMap():
		return plainMap(v.AsMap())
	case v.IsResourceReference():
		ref := v.AsResourceReference()
		return string(ref.URN)
	}
	return fmt.Sprint(v)
}

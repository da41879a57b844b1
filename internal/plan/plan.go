// Package plan runs the real SCE program under Pulumi's mock monitor, records every resource it
// registers, and renders the result as the plan JSON contract of DESIGN.md or as a readable tree. The
// same recording mock powers the tests.
package plan

import "github.com/sce-project/sce/policy/verify"

// Project is the Pulumi project name (Pulumi.yaml's `name`).
const Project = "sce"

// SecretPlaceholder replaces every secret value in a plan: secrets are never printed.
const SecretPlaceholder = "[secret]"

// UnknownPlaceholder stands for a value that is not known until deployment.
const UnknownPlaceholder = "[unknown]"

// Plan is the offline plan of one stack: the contract other tools read. Keys are stable; new keys may be
// added, none renamed.
type Plan struct {
	Stack      string         `json:"stack"`
	Project    string         `json:"project"`
	Resources  []Resource     `json:"resources"`
	Outputs    map[string]any `json:"outputs"`
	Violations []Violation    `json:"violations"`
	Exemptions []Exemption    `json:"exemptions"`
	Cost       Cost           `json:"cost"`
	// Flows are the access flows the design needs and forbids, each judged over the plan's policies
	// (policy/verify); a flow whose result is not the expected one is also a violation of flows-as-designed.
	Flows []verify.Flow `json:"flows"`
}

// Resource is one registered resource.
type Resource struct {
	URN    string `json:"urn"`
	ID     string `json:"id"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Custom bool   `json:"custom"`
	// Inputs are exactly the inputs the program passed, camelCase, with other resources' outputs
	// resolved to the values the mock gave them and secrets replaced by SecretPlaceholder.
	Inputs         map[string]any `json:"inputs"`
	Protect        bool           `json:"protect"`
	RetainOnDelete bool           `json:"retainOnDelete"`
	DependsOn      []string       `json:"dependsOn"`
	// Provider is the URN of the provider resource that manages this resource, if one was set explicitly.
	Provider string `json:"provider,omitempty"`
	// Outputs are the computed values the mock returned beyond the inputs (ids, ARNs, addresses).
	Outputs map[string]any `json:"outputs,omitempty"`
	// IgnoreChanges lists the inputs whose later changes are ignored (the instances' ami). Always
	// present, empty when none.
	IgnoreChanges []string `json:"ignoreChanges"`
	// ReplaceOnChanges lists the inputs whose change replaces the resource rather than updating it.
	// Always present, empty when none.
	ReplaceOnChanges []string `json:"replaceOnChanges"`
	// DeleteBeforeReplace is set when a replacement deletes the old resource before creating the new one
	// (a fixed name that cannot exist twice).
	DeleteBeforeReplace bool `json:"deleteBeforeReplace"`
	// PropertyDependencies maps an input to the URNs of the resources its value came from.
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
}

// Violation is a policy rule a resource breaks.
type Violation struct {
	Policy string `json:"policy"`
	Level  string `json:"level"`
	// Category is the rule's category: "compliance", or "deployability" for a constraint AWS enforces at
	// deployment (docs/deployability.md).
	Category string `json:"category"`
	URN      string `json:"urn"`
	Message  string `json:"message"`
}

// Exemption is a policy rule a resource breaks on purpose, with the reason.
type Exemption struct {
	Policy string `json:"policy"`
	URN    string `json:"urn"`
	Reason string `json:"reason"`
}

// Cost is the estimated monthly cost. Monthly keeps every resource running all month; MonthlyScheduled
// runs what a stop/start schedule can stop (instances, the dedicated-tenancy fee, Redshift) only for the
// scheduled hours, and the rest all month.
type Cost struct {
	Currency         string     `json:"currency"`
	Monthly          float64    `json:"monthly"`
	MonthlyScheduled float64    `json:"monthlyScheduled"`
	Items            []CostItem `json:"items"`
	// Basis says which prices were used: their region, their date and where the price table is.
	Basis string `json:"basis,omitempty"`
	// Assumptions are the usage figures the estimate rests on (data volumes, log volumes, hours).
	Assumptions []CostAssumption `json:"assumptions,omitempty"`
}

// CostItem is the monthly cost of one resource, or of one part of it (an instance's root volume), or of
// a group of like resources (the AWS Config rules).
type CostItem struct {
	URN     string  `json:"urn"`
	What    string  `json:"what"`
	Monthly float64 `json:"monthly"`
	// MonthlyScheduled is the monthly cost under the configured stop/start schedule.
	MonthlyScheduled float64 `json:"monthlyScheduled"`
	// Note qualifies the figure: a price missing from the table, a fallback rate, what is not counted.
	Note string `json:"note,omitempty"`
	// Unpriced marks an item that has a cost the price table cannot give: its figures are zero and its
	// note says why.
	Unpriced bool `json:"unpriced,omitempty"`
}

// CostAssumption is one usage figure an estimate assumes, as a name and a value with its unit.
type CostAssumption struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Find returns the resources of any of the type tokens, in plan order.
func (p *Plan) Find(types ...string) []Resource {
	var out []Resource
	for _, r := range p.Resources {
		for _, t := range types {
			if r.Type == t {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// ByURN returns the resource with that URN.
func (p *Plan) ByURN(urn string) (Resource, bool) {
	for _, r := range p.Resources {
		if r.URN == urn {
			return r, true
		}
	}
	return Resource{}, false
}

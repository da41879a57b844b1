package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/sce-project/sce/internal/closeout"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/rules"
)

// policyCheckJSON is `sce policy check --format json`: the plan JSON's violation and exemption shapes
// (policy, level, category, urn, message), and the counts the text summary prints.
type policyCheckJSON struct {
	Resources  int              `json:"resources"`
	Rules      int              `json:"rules"`
	Mandatory  int              `json:"mandatory"`
	Advisory   int              `json:"advisory"`
	Violations []plan.Violation `json:"violations"`
	Exemptions []exemptionJSON  `json:"exemptions"`
}

// exemptionJSON is one exemption hit: the plan's exemption shape and the finding it covers.
type exemptionJSON struct {
	plan.Exemption
	Message string `json:"message"`
}

// writePolicyJSON writes a policy report as one JSON object.
func writePolicyJSON(w io.Writer, rep engine.Report, resources int) error {
	out := policyCheckJSON{Resources: resources, Rules: len(rules.All()), Mandatory: len(rep.Mandatory()),
		Violations: []plan.Violation{}, Exemptions: []exemptionJSON{}}
	out.Advisory = len(rep.Violations) - out.Mandatory
	for _, v := range rep.Violations {
		category := string(v.Category)
		if category == "" {
			category = string(engine.CategoryCompliance)
		}
		out.Violations = append(out.Violations, plan.Violation{Policy: v.Rule, Level: string(v.Level), Category: category, URN: v.URN, Message: v.Message})
	}
	for _, e := range rep.Exemptions {
		out.Exemptions = append(out.Exemptions, exemptionJSON{Exemption: plan.Exemption{Policy: e.Rule, URN: e.URN, Reason: e.Reason}, Message: e.Message})
	}
	return encodeJSON(w, out)
}

// closeoutJSON is `sce closeout --format json`: the checks and what `pulumi destroy` keeps and deletes.
type closeoutJSON struct {
	Stack        string            `json:"stack"`
	PIT          string            `json:"pit"`
	Deployed     bool              `json:"deployedNames"`
	ChecksPassed bool              `json:"checksPassed"`
	Problems     []string          `json:"problems"`
	Buckets      map[string]string `json:"buckets"`
	LedgerTable  string            `json:"ledgerTable,omitempty"`
	Kept         []resourceJSON    `json:"kept"`
	Deleted      []resourceJSON    `json:"deleted"`
}

// resourceJSON names one resource of the plan.
type resourceJSON struct {
	URN  string `json:"urn"`
	Type string `json:"type"`
	Name string `json:"name"`
	ID   string `json:"id"`
}

// writeCloseoutJSON writes a close-out report as one JSON object.
func writeCloseoutJSON(w io.Writer, rep closeout.Report) error {
	out := closeoutJSON{Stack: rep.Stack, PIT: rep.PIT, Deployed: rep.Deployed, ChecksPassed: len(rep.Problems) == 0,
		Problems: append([]string{}, rep.Problems...), Buckets: rep.Buckets, LedgerTable: rep.LedgerTable,
		Kept: resourcesJSON(rep.Kept), Deleted: resourcesJSON(rep.Deleted)}
	return encodeJSON(w, out)
}

func resourcesJSON(rs []plan.Resource) []resourceJSON {
	out := make([]resourceJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, resourceJSON{URN: r.URN, Type: r.Type, Name: r.Name, ID: r.ID})
	}
	return out
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

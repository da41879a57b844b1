package engine

import (
	"fmt"
	"sort"
)

// Violation is a finding reported against a rule.
type Violation struct {
	Rule     string
	Level    Level
	Category Category
	URN      string
	Message  string
}

// ExemptionHit is a finding that a declared exemption covers: reported with its reason, never dropped.
type ExemptionHit struct {
	Rule    string
	URN     string
	Reason  string
	Message string
}

// Report is the result of evaluating rules over a stack.
type Report struct {
	Violations []Violation
	Exemptions []ExemptionHit
}

// Mandatory returns the mandatory violations.
func (r Report) Mandatory() []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Level == Mandatory {
			out = append(out, v)
		}
	}
	return out
}

// EvaluateWith applies every rule to the stack, with exemptions. Undecided findings are reported as advisory; findings that a
// declared exemption covers are reported as exemptions. A rule that panics is reported as a violation of
// itself, so that a malformed resource can never crash the evaluation.
func EvaluateWith(s *Stack, rules []Rule, exemptions []Exemption) Report {
	var rep Report
	for _, rule := range rules {
		for _, f := range Findings(s, rule) {
			res, _ := s.ByURN(f.URN)
			if ex, ok := FindExemption(exemptions, rule.ID, res); ok {
				rep.Exemptions = append(rep.Exemptions, ExemptionHit{Rule: rule.ID, URN: f.URN, Reason: ex.Reason, Message: f.Message})
				continue
			}
			level := rule.Level
			if f.Undecided {
				level = Advisory
			}
			rep.Violations = append(rep.Violations, Violation{Rule: rule.ID, Level: level, Category: rule.CategoryOf(), URN: f.URN, Message: f.Message})
		}
	}
	sort.SliceStable(rep.Violations, func(i, j int) bool {
		a, b := rep.Violations[i], rep.Violations[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.URN < b.URN
	})
	return rep
}

// Findings runs one rule over the stack.
func Findings(s *Stack, rule Rule) []Finding {
	var out []Finding
	if rule.CheckStack != nil {
		return safely(rule, "", func() []Finding { return rule.CheckStack(s) })
	}
	for _, r := range s.Resources {
		if !rule.AppliesTo(r.Type) {
			continue
		}
		res := r
		out = append(out, WithURN(res.URN, safely(rule, res.URN, func() []Finding { return rule.Check(res) }))...)
	}
	return out
}

// CheckResource runs a resource rule on one resource, as the Pulumi policy pack does.
func CheckResource(rule Rule, r *Resource) []Finding {
	if rule.Check == nil || !rule.AppliesTo(r.Type) {
		return nil
	}
	return WithURN(r.URN, safely(rule, r.URN, func() []Finding { return rule.Check(r) }))
}

// CheckStack runs a stack rule, as the Pulumi policy pack does.
func CheckStack(rule Rule, s *Stack) []Finding {
	if rule.CheckStack == nil {
		return nil
	}
	return safely(rule, "", func() []Finding { return rule.CheckStack(s) })
}

// safely runs a check, turning a panic into a finding.
func safely(rule Rule, urn string, check func() []Finding) (out []Finding) {
	defer func() {
		if p := recover(); p != nil {
			out = []Finding{{URN: urn, Message: fmt.Sprintf("rule %s could not judge this resource: %v", rule.ID, p)}}
		}
	}()
	return check()
}

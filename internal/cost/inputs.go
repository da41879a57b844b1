package cost

// This file reads plan inputs as the estimate needs them: strings, numbers, lists and the stack's region.

import (
	"github.com/sce-project/sce/internal/plan"
)

// asList returns a list input, or nil for anything else.
func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// planRegion returns the region of the plan's AWS provider, or "" if the plan does not say.
func planRegion(p *plan.Plan) string {
	for _, r := range p.Resources {
		if r.Type == typeAWSProvider {
			if region := str(r.Inputs["region"]); region != "" {
				return region
			}
		}
	}
	return ""
}

// str returns a string input, or "" for anything else.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// number returns a numeric input as a float64, or 0 for anything else.
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return 0
}

// atLeastOne returns a node or instance count, 1 when the input is unset or below 1 (AWS's default).
func atLeastOne(n float64) float64 {
	if n < 1 {
		return 1
	}
	return n
}

package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

// Tests of what every rule of All() must be, whatever its family.

func TestDeployabilityRulesAreMandatory(t *testing.T) {
	for _, r := range All() {
		if r.CategoryOf() == engine.CategoryDeployability && r.Level != engine.Mandatory {
			t.Errorf("rule %s is a deployability rule at level %s; AWS refuses the broken form, so it must be mandatory", r.ID, r.Level)
		}
	}
}

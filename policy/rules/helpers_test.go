package rules

import (
	"strings"
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/engine/enginetest"
	"github.com/stretchr/testify/require"
)

// obj parses a JSON object literal into plain property values, as adapters produce them.
func obj(t *testing.T, js string) map[string]any { return enginetest.Obj(t, js) }

// res builds a resource of a type, named name, with props given as a JSON object literal.
func res(t *testing.T, typ, name, props string) *engine.Resource {
	return enginetest.Res(t, typ, name, props)
}

// findingsOf evaluates one rule over the given resources and returns its findings.
func findingsOf(t *testing.T, ruleID string, rs ...*engine.Resource) []engine.Finding {
	t.Helper()
	rule, ok := ByID(ruleID)
	require.True(t, ok, "rule %s exists", ruleID)
	return engine.Findings(engine.NewStack(rs), rule)
}

// messages joins finding messages, for assertions.
func messages(fs []engine.Finding) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.Message)
	}
	return strings.Join(parts, "\n")
}

// ruleCase is one fixture of a rule: the resources, and what the rule must say about them.
type ruleCase struct {
	name string
	rs   []*engine.Resource
	// want is a substring of the findings' messages; empty means compliant (no finding).
	want string
	// undecided expects every finding to be undecided.
	undecided bool
}

// checkRule runs each case of a rule.
func checkRule(t *testing.T, ruleID string, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := findingsOf(t, ruleID, c.rs...)
			if c.want == "" {
				require.Empty(t, fs, "expected compliant, got: %s", messages(fs))
				return
			}
			require.NotEmpty(t, fs, "expected a finding containing %q", c.want)
			require.Contains(t, messages(fs), c.want)
			for _, f := range fs {
				require.Equal(t, c.undecided, f.Undecided, "undecided flag of %q", f.Message)
				require.NotEmpty(t, f.URN, "finding names a resource")
			}
		})
	}
}

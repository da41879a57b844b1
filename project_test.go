package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sce-project/sce/internal/compliance"
	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

var update = flag.Bool("update", false, "rewrite Pulumi.yaml and the README's configuration table from the key table")

// TestProjectFileMatchesTheKeyTable keeps Pulumi.yaml, which `pulumi` reads, equal to the key table the
// program validates against.
func TestProjectFileMatchesTheKeyTable(t *testing.T) {
	want := config.ProjectFile()
	if *update {
		require.NoError(t, os.WriteFile("Pulumi.yaml", []byte(want), 0o644))
	}
	got, err := os.ReadFile("Pulumi.yaml")
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "Pulumi.yaml is stale: run go test . -run TestProjectFile -update")

	var project struct {
		Name    string `yaml:"name"`
		Runtime string `yaml:"runtime"`
		Config  map[string]struct {
			Type        string `yaml:"type"`
			Description string `yaml:"description"`
			Default     any    `yaml:"default"`
		} `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(got, &project))
	assert.Equal(t, "sce", project.Name)
	assert.Equal(t, "go", project.Runtime)
	require.Len(t, project.Config, len(config.Keys()))
	// Defaults declared in Pulumi.yaml are what the program applies when a key is absent.
	defaults := map[string]string{"aws:region": "us-west-2", "sce:pit": "hipaa", "sce:allowedSshCidrs": `["198.51.100.0/24"]`,
		"sce:sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0p+AoIYJo7DfkNJoC637EqJv42XFfBVaI5j/1eTEEn hipaa-builder@example.org"}
	fromGo, err := config.Load(config.FromMap(defaults))
	require.NoError(t, err)
	for _, k := range config.Keys() {
		decl, ok := project.Config[k.Name]
		require.True(t, ok, "%s is declared", k.Name)
		assert.Equal(t, string(k.Type), decl.Type, k.Name)
		assert.NotEmpty(t, decl.Description, k.Name)
		if k.Required {
			assert.Nil(t, decl.Default, "%s is required and has no default", k.Name)
			continue
		}
		raw := map[string]string{}
		for kk, vv := range defaults {
			raw[kk] = vv
		}
		raw[k.FullName()] = yamlDefaultAsRaw(t, decl.Default)
		fromYAML, err := config.Load(config.FromMap(raw))
		require.NoError(t, err, "the declared default of %s is valid", k.Name)
		assert.Equal(t, fromGo, fromYAML, "the declared default of %s equals the program's", k.Name)
	}
}

// yamlDefaultAsRaw renders a decoded YAML default as the raw string Pulumi hands the program.
func yamlDefaultAsRaw(t *testing.T, v any) string {
	t.Helper()
	switch d := v.(type) {
	case string:
		return d
	case []any:
		parts := make([]string, len(d))
		for i, e := range d {
			parts[i] = `"` + e.(string) + `"`
		}
		return "[" + strings.Join(parts, ",") + "]"
	default:
		out, err := yaml.Marshal(d)
		require.NoError(t, err)
		return strings.TrimSpace(string(out))
	}
}

// TestReadmeConfigurationTableMatchesTheKeyTable keeps the README's reference equal to the code.
func TestReadmeConfigurationTableMatchesTheKeyTable(t *testing.T) {
	const begin, end = "<!-- config-table:begin -->\n", "<!-- config-table:end -->"
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	text := string(readme)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	require.True(t, i >= 0 && j > i, "README.md has the configuration table markers")
	want := config.MarkdownTable()
	if *update {
		text = text[:i+len(begin)] + want + text[j:]
		require.NoError(t, os.WriteFile("README.md", []byte(text), 0o644))
		return
	}
	assert.Equal(t, want, text[i+len(begin):j], "README.md's table is stale: run go test . -run TestReadme -update")
}

// TestReadmeStartsWithTheTwoCommands checks the README's promise: the offline plan of hipaa and the tests.
func TestReadmeStartsWithTheTwoCommands(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	ci, err := os.ReadFile(".ci/run")
	require.NoError(t, err)
	head := string(readme)
	if len(head) > 2500 {
		head = head[:2500]
	}
	assert.Contains(t, head, "go run ./cmd/sce plan --stack hipaa")
	assert.Contains(t, head, testCommand)
	assert.Contains(t, string(ci), testCommand, ".ci/run runs the README's test command")
}

// testCommand is the README's test command, which .ci/run runs.
const testCommand = "go test ./..."

// TestComplianceDocIsCurrent keeps COMPLIANCE.md equal to what the rules and the hipaa plan generate.
func TestComplianceDocIsCurrent(t *testing.T) {
	sf, err := plan.ReadStackFile("Pulumi.hipaa.yaml")
	require.NoError(t, err)
	p, err := plan.Run(plan.Options{Stack: "hipaa", Config: sf.Config}, stack.Run)
	require.NoError(t, err)
	want := compliance.Markdown(p)
	if *update {
		require.NoError(t, os.WriteFile("COMPLIANCE.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("COMPLIANCE.md")
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "COMPLIANCE.md is stale: run go test . -run TestComplianceDoc -update")
	for _, para := range []string{"164.312(a)(1)", "164.312(a)(2)(iv)", "164.312(b)", "164.312(c)(1)", "164.312(d)", "164.312(e)(1)", "164.312(e)(2)(ii)"} {
		assert.Contains(t, want, "### "+para, "every technical safeguard of 164.312 has a section")
	}
}

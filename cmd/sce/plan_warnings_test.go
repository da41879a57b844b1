package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceStack returns the text of a committed example stack file with replacements applied.
func referenceStack(t *testing.T, name string, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	return strings.NewReplacer(replace...).Replace(string(data))
}

// deployed turns the omop example into a deployed project's stack file: another PIT and VPC, no example
// marker, the account baseline left to another stack.
func deployed(t *testing.T) string {
	t.Helper()
	text := referenceStack(t, "omop", "sce:pit: omop", "sce:pit: cardio", "10.1.", "10.7.")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "# sce:example-stack") && !strings.HasPrefix(l, "# account's baseline") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func TestPlanWarnsWhenNoDeployedStackOwnsTheAccountBaseline(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		warn  bool
	}{
		{"only the example hipaa owns it", map[string]string{"Pulumi.hipaa.yaml": referenceStack(t, "hipaa")}, true},
		{"no other stack file at all", map[string]string{}, true},
		{"a deployed stack owns it", map[string]string{"Pulumi.onco.yaml": referenceStack(t, "hipaa", "# sce:example-stack", "# was an example", "sce:pit: hipaa", "sce:pit: onco")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
			}
			path := filepath.Join(dir, "Pulumi.cardio.yaml")
			require.NoError(t, os.WriteFile(path, []byte(deployed(t)), 0o644))
			code, _, stderr := runCLI("plan", "--stack", "cardio", "--config", path)
			require.Equal(t, 0, code, stderr)
			if tt.warn {
				assert.Contains(t, stderr, "sce plan: warning: sce:accountBaseline is false, and no deployed stack file in "+dir+" owns the account baseline in us-west-2")
			} else {
				assert.Empty(t, stderr)
			}
		})
	}
}

func TestPlanWarnsOfAnSSHBlockThatCanNeverMatch(t *testing.T) {
	path := stackFile(t, referenceStack(t, "hipaa", "    - 198.51.100.0/24", "    - 192.168.1.0/24"))
	code, stdout, stderr := runCLI("plan", "--stack", "hipaa", "--config", path)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, `sce plan: warning: sce:allowedSshCidrs: "192.168.1.0/24" is a private-use block (RFC 1918)`)
	assert.Contains(t, stdout, "[advisory] ssh-source-reachable-from-internet")
	assert.Contains(t, stdout, "from 192.168.1.0/24: a private-use block (RFC 1918)")
}

func TestTheTextPlanShowsTheScheduleTimeZone(t *testing.T) {
	path := stackFile(t, referenceStack(t, "hipaa", "aws:region: us-west-2", "aws:region: eu-central-1", "us-west-2a", "eu-central-1a"))
	code, stdout, stderr := runCLI("plan", "--stack", "hipaa", "--config", path)
	require.Equal(t, 0, code, stderr)
	section := stdout[strings.Index(stdout, "\nSchedules (EventBridge Scheduler"):]
	assert.Regexp(t, `hipaa-start-instances +cron\(0 8 \? \* MON-FRI \*\) +Europe/Berlin`, section)
	assert.Regexp(t, `hipaa-stop-instances +cron\(0 18 \? \* MON-FRI \*\) +Europe/Berlin`, section)
}

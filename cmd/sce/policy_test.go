package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writePlan plans the hipaa stack to a JSON file, optionally changing it first.
func writePlan(t *testing.T, change func(doc map[string]any)) string {
	t.Helper()
	code, stdout, stderr := runCLI("plan", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	if change != nil {
		change(doc)
	}
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

func TestPolicyCheckPassesTheHipaaPlan(t *testing.T) {
	code, stdout, stderr := runCLI("policy", "check", "--plan", writePlan(t, nil))
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "0 mandatory")
	assert.Contains(t, stdout, "exempt    vpc-no-unrestricted-route-to-igw\n          urn:pulumi:hipaa::sce::sce:network:SecureVPC$aws:ec2/route:Route::hipaa-public-default-route",
		"the declared exemptions are reported")
}

func TestPolicyCheckFailsAPlanWithSharedTenancy(t *testing.T) {
	path := writePlan(t, func(doc map[string]any) {
		for _, r := range doc["resources"].([]any) {
			res := r.(map[string]any)
			if res["type"] == "aws:ec2/vpc:Vpc" {
				res["inputs"].(map[string]any)["instanceTenancy"] = "default"
			}
		}
	})
	code, stdout, stderr := runCLI("policy", "check", "--plan", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "vpc-dedicated-tenancy")
	assert.Contains(t, stdout, `instanceTenancy is "default"`)
	assert.Contains(t, stderr, "mandatory violation")
}

func TestPolicyCheckAuditsAStackExport(t *testing.T) {
	code, stdout, stderr := runCLI("policy", "check", "--state", "../../internal/state/testdata/export.json")
	assert.Equal(t, 1, code, "the exported VPC has default tenancy")
	assert.Contains(t, stdout, "vpc-dedicated-tenancy")
	assert.Contains(t, stdout, "urn:pulumi:hipaa::sce::sce:network:SecureVPC$aws:ec2/vpc:Vpc::hipaa-vpc")
	assert.NotContains(t, stdout, "old-vpc", "resources pending deletion are not judged")
	assert.Contains(t, stderr, "mandatory violation")
}

func TestPolicyCheckRefusesAnInputWithoutResources(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"plan.json":    `{"stack": "hipaa", "project": "sce", "resources": [], "outputs": {}}`,
		"components":   `{"stack": "hipaa", "project": "sce", "resources": [{"urn": "urn:pulumi:hipaa::sce::sce:network:SecureVPC::hipaa", "type": "sce:network:SecureVPC", "custom": false}]}`,
		"state.json":   `{"version": 3, "deployment": {"manifest": {}, "resources": []}}`,
		"pending.json": `{"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:hipaa::sce::aws:ec2/vpc:Vpc::old", "custom": true, "delete": true, "type": "aws:ec2/vpc:Vpc", "id": "vpc-1"}]}}`,
	}
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	tests := []struct{ flag, file string }{
		{"--plan", "plan.json"}, {"--plan", "components"}, {"--state", "state.json"}, {"--state", "pending.json"},
	}
	for _, tt := range tests {
		t.Run(tt.flag+" "+tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			code, stdout, stderr := runCLI("policy", "check", tt.flag, path)
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout, "no \"0 mandatory violations\" summary")
			assert.Contains(t, stderr, path+" holds no cloud resources, so there is nothing to check")
		})
	}
}

func TestPolicyCheckUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"policy"}, 2, "usage: sce policy check"},
		{"neither input", []string{"policy", "check"}, 2, "exactly one of --plan FILE or --state FILE"},
		{"both inputs", []string{"policy", "check", "--plan", "a", "--state", "b"}, 2, "exactly one"},
		{"a missing file", []string{"policy", "check", "--plan", "nosuch.json"}, 1, "read plan"},
		{"a state file given as a plan", []string{"policy", "check", "--plan", "../../internal/state/testdata/export.json"}, 1, "not a plan JSON"},
		{"a plan given as a state", []string{"policy", "check", "--state", "../../Pulumi.hipaa.yaml"}, 1, "parse stack export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(tt.args...)
			assert.Equal(t, tt.code, code)
			assert.True(t, strings.Contains(stderr, tt.want), "stderr %q contains %q", stderr, tt.want)
		})
	}
}

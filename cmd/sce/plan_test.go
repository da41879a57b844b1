package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// stackFile writes a stack file into a temporary directory and returns its path.
func stackFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "Pulumi.test.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func TestPlanPrintsTheReferenceStacks(t *testing.T) {
	for _, name := range []string{"hipaa", "omop"} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI("plan", "--stack", name, "--config", "../../Pulumi."+name+".yaml")
			require.Equal(t, 0, code, stderr)
			assert.Contains(t, stdout, `Plan of stack "`+name+`"`)
			assert.Contains(t, stdout, "sce:network:SecureVPC "+name)
			assert.Empty(t, stderr)

			code, stdout, stderr = runCLI("plan", "--stack", name, "--config", "../../Pulumi."+name+".yaml", "--format", "json")
			require.Equal(t, 0, code, stderr)
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(stdout), &doc), "stdout is one JSON object")
			assert.Equal(t, name, doc["stack"])
		})
	}
}

func TestPlanPricesTheStack(t *testing.T) {
	code, stdout, stderr := runCLI("plan", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Cost (USD a month): ")
	assert.Contains(t, stdout, "EC2 dedicated per-region fee, 730 h")
	assert.Contains(t, stdout, "hipaa-workstation-instance: m5.xlarge dedicated, 730 h")
	assert.Contains(t, stdout, "  Assumptions:\n")
	assert.NotContains(t, stdout, "no resource is priced yet")

	code, stdout, stderr = runCLI("plan", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var doc struct {
		Cost struct {
			Currency         string  `json:"currency"`
			Monthly          float64 `json:"monthly"`
			MonthlyScheduled float64 `json:"monthlyScheduled"`
			Items            []struct {
				URN     string  `json:"urn"`
				What    string  `json:"what"`
				Monthly float64 `json:"monthly"`
			} `json:"items"`
			Assumptions []map[string]string `json:"assumptions"`
		} `json:"cost"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, "USD", doc.Cost.Currency)
	assert.Greater(t, doc.Cost.Monthly, doc.Cost.MonthlyScheduled)
	assert.Positive(t, doc.Cost.MonthlyScheduled)
	require.NotEmpty(t, doc.Cost.Items)
	assert.Contains(t, doc.Cost.Items[0].What, "dedicated per-region fee")
	assert.NotEmpty(t, doc.Cost.Assumptions)
}

func TestPlanReadsPulumiStackFileOfTheCurrentDirectory(t *testing.T) {
	t.Chdir("../..")
	code, stdout, stderr := runCLI("plan", "--stack", "hipaa")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "hipaa-vpc")
}

func TestPlanWithInvalidConfigurationListsEveryProblemOnStderrOnly(t *testing.T) {
	path := stackFile(t, `config:
  aws:region: us-west-2
  sce:pit: Bad-PIT
  sce:vpcCidr: 10.0.0.0/8
  sce:allowedSshCidrs:
    - 0.0.0.0/0
  sce:workstationInstanceType: t3.xlarge
`)
	code, stdout, stderr := runCLI("plan", "--stack", "test", "--config", path, "--format", "json")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout, "nothing on stdout")
	for _, key := range []string{"sce:pit", "sce:vpcCidr", "sce:allowedSshCidrs", "sce:workstationInstanceType"} {
		assert.Contains(t, stderr, key)
	}
	assert.Contains(t, stderr, `"Bad-PIT"`)
	assert.Contains(t, stderr, "5 problem(s)", "the four bad values and the missing sce:sshPublicKey")
	assert.Contains(t, stderr, "sce:sshPublicKey: is required")
}

func TestPlanRefusesAMisspeltKey(t *testing.T) {
	path := stackFile(t, "config:\n  aws:region: us-west-2\n  sce:pit: test\n  sce:allowedSshCidrs: [198.51.100.0/24]\n  sce:notificationEmail: [a@example.org]\n")
	code, stdout, stderr := runCLI("plan", "--stack", "test", "--config", path)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "sce:notificationEmail:")
	assert.Contains(t, stderr, "sce:notificationEmails")
}

func TestPlanUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "usage"},
		{"an unknown command", []string{"deploy"}, 2, `unknown command "deploy"`},
		{"no stack", []string{"plan"}, 2, "--stack is required"},
		{"an unknown format", []string{"plan", "--stack", "hipaa", "--format", "yaml"}, 2, `invalid value "yaml" for flag -format: want one of text, json, terraform, dot`},
		{"a stray argument", []string{"plan", "--stack", "hipaa", "extra"}, 2, `unexpected argument "extra"`},
		{"a missing stack file", []string{"plan", "--stack", "nosuchstack"}, 1, "Pulumi.nosuchstack.yaml not found"},
		{"a malformed stack file", []string{"plan", "--stack", "x", "--config", "plan_test.go"}, 1, "parse stack file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestPlanWritesTheStackAsTerraformForIaCScanners(t *testing.T) {
	code, stdout, stderr := runCLI("plan", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--format", "terraform")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	f, diags := hclparse.NewParser().ParseHCL([]byte(stdout), "main.tf")
	require.False(t, diags.HasErrors(), diags.Error())
	content, _, diags := f.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "resource", LabelNames: []string{"type", "name"}}}})
	require.False(t, diags.HasErrors(), diags.Error())
	addrs := map[string]bool{}
	for _, b := range content.Blocks {
		addrs[b.Labels[0]+"."+b.Labels[1]] = true
	}
	for _, a := range []string{"aws_vpc.hipaa_vpc", "aws_instance.hipaa_workstation_instance", "aws_s3_bucket.hipaa_data_in_bucket", "aws_cloudtrail.hipaa_audit_trail"} {
		assert.True(t, addrs[a], "%s is exported", a)
	}
	assert.True(t, strings.Contains(stdout, " trivy:ignore:AVD-AWS-0089"), "exemptions travel as scanner ignores")
}

func TestPlanWritesTheArchitectureAsAGraphvizGraph(t *testing.T) {
	code, stdout, stderr := runCLI("plan", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--format", "dot")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "digraph sce {"), stdout[:min(len(stdout), 40)])
	assert.Contains(t, stdout, "n_hipaa_bastion_instance -> n_hipaa_workstation_instance")
	assert.True(t, strings.HasSuffix(stdout, "}\n"))
}

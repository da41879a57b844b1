package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyCheckWritesJSON(t *testing.T) {
	path := writePlan(t, func(doc map[string]any) {
		for _, r := range doc["resources"].([]any) {
			res := r.(map[string]any)
			if res["type"] == "aws:ec2/vpc:Vpc" {
				res["inputs"].(map[string]any)["instanceTenancy"] = "default"
			}
		}
	})
	code, stdout, stderr := runCLI("policy", "check", "--plan", path, "--format", "JSON")
	assert.Equal(t, 1, code, "a mandatory violation still fails the check")
	assert.Contains(t, stderr, "mandatory violation(s)")
	var doc struct {
		Resources, Rules, Mandatory int
		Violations                  []map[string]string
		Exemptions                  []map[string]string
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	assert.Positive(t, doc.Resources)
	assert.Positive(t, doc.Rules)
	assert.Positive(t, doc.Mandatory)
	require.NotEmpty(t, doc.Violations)
	for _, k := range []string{"policy", "level", "category", "urn", "message"} {
		assert.NotEmpty(t, doc.Violations[0][k], "a violation has %s, as in the plan JSON", k)
	}
	require.NotEmpty(t, doc.Exemptions)
	assert.NotEmpty(t, doc.Exemptions[0]["reason"])
}

func TestCloseoutWritesJSON(t *testing.T) {
	code, stdout, stderr := runCLI("closeout", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var doc struct {
		Stack, PIT    string
		DeployedNames bool
		ChecksPassed  bool
		Problems      []string
		Buckets       map[string]string
		Kept, Deleted []map[string]string
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	assert.Equal(t, "hipaa", doc.Stack)
	assert.True(t, doc.ChecksPassed)
	assert.False(t, doc.DeployedNames, "the offline plan's names")
	assert.NotEmpty(t, doc.Buckets["logs"])
	assert.NotEmpty(t, doc.Kept)
	assert.NotEmpty(t, doc.Deleted)
	assert.NotEmpty(t, doc.Kept[0]["urn"])
}

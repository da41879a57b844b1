package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyPassesTheReferenceStacks(t *testing.T) {
	for _, stack := range []string{"hipaa", "omop"} {
		code, stdout, stderr := runCLI("verify", "--stack", stack, "--config", "../../Pulumi."+stack+".yaml")
		assert.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "flows of stack "+stack+", 0 not as designed")
		assert.Contains(t, stdout, "ok   denied   an anonymous caller reads a data-in object")
	}
}

func TestVerifyFailsAPlanWithABlockedFlow(t *testing.T) {
	path := writePlan(t, func(doc map[string]any) {
		for _, r := range doc["resources"].([]any) {
			res := r.(map[string]any)
			if res["type"] == "aws:ec2/vpcEndpoint:VpcEndpoint" {
				in := res["inputs"].(map[string]any)
				in["policy"] = strings.Replace(in["policy"].(string), `"s3:GetObject",`, "", 1)
			}
		}
	})
	code, stdout, stderr := runCLI("verify", "--plan", path, "--format", "json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "not as designed")
	var doc struct {
		Flows []struct{ Flow, Expected, Result, Why string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	failed := 0
	for _, f := range doc.Flows {
		if f.Expected != f.Result {
			failed++
			assert.Contains(t, f.Why, "endpoint policy", f.Flow)
		}
	}
	assert.Positive(t, failed)
}

func TestVerifyUsage(t *testing.T) {
	for _, args := range [][]string{{"verify"}, {"verify", "--stack", "a", "--plan", "b"}, {"verify", "--stack", "hipaa", "--format", "xml"}, {"verify", "extra"}} {
		code, _, stderr := runCLI(args...)
		assert.Equal(t, 2, code, "%v: %s", args, stderr)
	}
	code, _, stderr := runCLI("verify", "--plan", "../../README.md")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "is not a plan JSON")
}

package stack_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// baseConfig is a complete configuration of a test stack.
func baseConfig() map[string]string {
	return map[string]string{
		"aws:region":            "us-west-2",
		"sce:pit":               "study",
		"sce:vpcCidr":           "10.20.0.0/16",
		"sce:publicSubnetCidr":  "10.20.0.0/24",
		"sce:privateSubnetCidr": "10.20.1.0/24",
		"sce:availabilityZone":  "us-west-2b",
		"sce:allowedSshCidrs":   `["198.51.100.0/24","203.0.113.64/26"]`,
		"sce:sshPublicKey":      builderKey,
		"sce:researchers":       `["alice ` + aliceKey + `","bob ` + bobKey + `"]`,
	}
}

// Throwaway public keys; their private keys were discarded.
const (
	builderKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0p+AoIYJo7DfkNJoC637EqJv42XFfBVaI5j/1eTEEn hipaa-builder@example.org"
	aliceKey   = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxshx/hU/qmeT0q1IbNEFxqo2oGGFO7811sVSUS3GmW alice@example.org"
	bobKey     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILss+Wn4JfvPqpyXIG+JOH/hMxip1naXCNOob8me2oma bob@example.org"
)

// planWith runs the real program under the recording mock with the base configuration changed by changes.
func planWith(t *testing.T, changes map[string]string) *plan.Plan {
	t.Helper()
	raw := baseConfig()
	for k, v := range changes {
		raw[k] = v
	}
	p, err := plan.Run(plan.Options{Stack: "test", Config: raw}, stack.Run)
	require.NoError(t, err)
	return p
}

// one returns the only resource of a type and logical name.
func one(t *testing.T, p *plan.Plan, typ, name string) plan.Resource {
	t.Helper()
	for _, r := range p.Find(typ) {
		if r.Name == name {
			return r
		}
	}
	require.FailNow(t, "resource not found", "%s %s", typ, name)
	return plan.Resource{}
}

// in returns an input of a resource as a string ("" when absent).
func in(r plan.Resource, key string) string {
	v, ok := r.Inputs[key]
	if !ok || v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// out returns a computed output of a resource as a string.
func out(r plan.Resource, key string) string {
	v, ok := r.Outputs[key]
	if !ok {
		return ""
	}
	return fmt.Sprint(v)
}

// policyOf parses a JSON policy document held in an input.
func policyOf(t *testing.T, r plan.Resource, key string) components.PolicyDocument {
	t.Helper()
	var doc components.PolicyDocument
	require.NoError(t, json.Unmarshal([]byte(in(r, key)), &doc), "%s of %s is a JSON policy", key, r.Name)
	return doc
}

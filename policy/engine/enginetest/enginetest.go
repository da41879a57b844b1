// Package enginetest builds the resources that the tests of the policy engine, its models and its rules
// judge: a resource of a type, named, with its properties written as a JSON object literal.
package enginetest

import (
	"encoding/json"
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/require"
)

// Obj parses a JSON object literal into plain property values, as the plan and state adapters produce them.
func Obj(t testing.TB, js string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(js), &m), "fixture %s", js)
	return m
}

// Res builds a resource of a type, named name (its id is name + "-id"), with props given as a JSON object
// literal.
func Res(t testing.TB, typ, name, props string) *engine.Resource {
	t.Helper()
	return &engine.Resource{
		URN:   "urn:pulumi:test::sce::" + typ + "::" + name,
		Type:  typ,
		Name:  name,
		ID:    name + "-id",
		Props: Obj(t, props),
	}
}

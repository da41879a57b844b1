// Package state reads the output of `pulumi stack export` (a deployment, version 3) into the view the
// policy rules judge, so that a deployed stack can be audited offline with the same rules as a plan.
package state

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// secretSig is the key Pulumi uses to mark a secret value in a checkpoint.
const secretSig = "4dabf18193072939515e22adb298388d"

// SecretPlaceholder replaces secret values, which are never decrypted or printed.
const SecretPlaceholder = "[secret]"

type export struct {
	Version    int `json:"version"`
	Deployment struct {
		Resources []resource `json:"resources"`
	} `json:"deployment"`
}

type resource struct {
	URN                  string              `json:"urn"`
	Custom               bool                `json:"custom"`
	Delete               bool                `json:"delete"`
	ID                   string              `json:"id"`
	Type                 string              `json:"type"`
	Inputs               map[string]any      `json:"inputs"`
	Outputs              map[string]any      `json:"outputs"`
	Provider             string              `json:"provider"`
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
}

// Read parses a stack export and returns its live custom resources as an engine.Stack.
func Read(r io.Reader) (*engine.Stack, error) {
	var ex export
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&ex); err != nil {
		return nil, fmt.Errorf("parse stack export: %w", err)
	}
	if ex.Version != 3 {
		return nil, fmt.Errorf("stack export version %d is not supported; accepted: 3 (pulumi stack export)", ex.Version)
	}
	providers := map[string]map[string]any{}
	for _, res := range ex.Deployment.Resources {
		if strings.HasPrefix(res.Type, "pulumi:providers:") {
			providers[res.URN+"::"+res.ID] = decodeProviderConfig(plain(res.Inputs).(map[string]any))
		}
	}
	var out []*engine.Resource
	for _, res := range ex.Deployment.Resources {
		if !res.Custom || res.Delete || strings.HasPrefix(res.Type, "pulumi:providers:") {
			continue
		}
		out = append(out, &engine.Resource{
			URN:                  res.URN,
			Type:                 res.Type,
			Name:                 nameOf(res.URN),
			ID:                   res.ID,
			Props:                plain(res.Inputs).(map[string]any),
			Outputs:              plain(res.Outputs).(map[string]any),
			Provider:             providers[res.Provider],
			PropertyDependencies: res.PropertyDependencies,
		})
	}
	return engine.NewStack(out), nil
}

// decodeProviderConfig decodes the structured provider settings that checkpoints hold as JSON strings
// (defaultTags, assumeRole, ...).
func decodeProviderConfig(in map[string]any) map[string]any {
	for k, v := range in {
		s, ok := v.(string)
		if !ok || (!strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[")) {
			continue
		}
		var decoded any
		if json.Unmarshal([]byte(s), &decoded) == nil {
			in[k] = decoded
		}
	}
	return in
}

// nameOf returns the logical name at the end of a URN.
func nameOf(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// plain converts checkpoint values: secrets become SecretPlaceholder (or their plaintext, when the export
// was made with --show-secrets), numbers become float64 or int64.
func plain(v any) any {
	switch x := v.(type) {
	case nil:
		return map[string]any{}
	case map[string]any:
		if _, ok := x[secretSig]; ok {
			if pt, ok := x["plaintext"].(string); ok {
				var inner any
				if json.Unmarshal([]byte(pt), &inner) == nil {
					return plainValue(inner)
				}
			}
			return SecretPlaceholder
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plainValue(e)
		}
		return m
	}
	return map[string]any{}
}

func plainValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return plain(x)
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = plainValue(e)
		}
		return l
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/sce-project/sce/"

// policyLayers orders the packages of policy/: a package may import the packages of lower layers only.
// The engine knows no rule; the models are built on the engine; the rules use the engine and the models;
// the flow analyzer, `sce verify` and the Pulumi policy pack sit above them, in that order.
func policyLayers() map[string]int {
	return map[string]int{
		"policy/engine":            0,
		"policy/engine/enginetest": 1, // test support: builds engine resources for the tests above it
		"policy/model/iameval":     1,
		"policy/model/netmodel":    1,
		"policy/model/policydoc":   1,
		"policy/rules":             2,
		"policy/netflow":           3,
		"policy/verify":            4,
		"policy/pack":              5,
		"policy":                   6,
	}
}

// outsideImports are the packages outside policy/ that a policy package may use, with the reason. Each is
// a leaf of facts that imports nothing of the project's program (components, stack, config).
func outsideImports() map[string][]string {
	return map[string][]string{
		// The special-purpose IPv4 blocks from IANA's registry, shared with the configuration validation.
		"policy/rules": {"internal/addrspace"},
		// The ledger's item schema and the bucket names of a plan, shared with the airlock's tools.
		"policy/verify": {"internal/airlock/ledger", "internal/awsbuckets"},
	}
}

// imports returns the project imports of the non-test Go files of dir, by file.
func imports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			require.NoError(t, err)
			if strings.HasPrefix(path, module) {
				out[name] = append(out[name], strings.TrimPrefix(path, module))
			}
		}
	}
	return out
}

// TestPolicyPackagesImportOnlyLowerLayers holds the layout of policy/: no package imports one of its own
// layer or above, nor anything outside policy/ that is not listed with its reason.
func TestPolicyPackagesImportOnlyLowerLayers(t *testing.T) {
	layers := policyLayers()
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if gos, _ := filepath.Glob(filepath.Join(path, "*.go")); len(gos) > 0 {
			dirs = append(dirs, filepath.ToSlash(filepath.Join("policy", path)))
		}
		return nil
	})
	require.NoError(t, err)
	for _, dir := range dirs {
		layer, ok := layers[dir]
		require.True(t, ok, "package %s has no layer in policyLayers: give it one", dir)
		for file, paths := range imports(t, filepath.Join("..", dir)) {
			for _, p := range paths {
				if l, inPolicy := layers[p]; inPolicy {
					assert.Less(t, l, layer, "%s/%s imports %s, which is not in a lower layer", dir, file, p)
					continue
				}
				assert.Contains(t, outsideImports()[dir], p, "%s/%s imports %s from outside policy/ without a reason in outsideImports", dir, file, p)
			}
		}
	}
}

// TestARuleFileImportsOnlyTheEngineAndTheModels holds every file of policy/rules to the engine and the
// shared models (and the address registry): a rule that needs more is a rule in the wrong place.
func TestARuleFileImportsOnlyTheEngineAndTheModels(t *testing.T) {
	files := imports(t, "rules")
	require.NotEmpty(t, files)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, p := range files[name] {
			ok := p == "policy/engine" || strings.HasPrefix(p, "policy/model/") || p == "internal/addrspace"
			assert.True(t, ok, "policy/rules/%s imports %s: a rule file imports only policy/engine and policy/model/...", name, p)
		}
	}
}

// TestTheEngineImportsNoRule keeps the engine free of the project: it is the base every layer stands on.
func TestTheEngineImportsNoRule(t *testing.T) {
	for file, paths := range imports(t, "engine") {
		assert.Empty(t, paths, "policy/engine/%s imports project packages", file)
	}
}

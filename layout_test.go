package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// layoutSection returns the lines of the README's "## Layout" code block.
func layoutSection(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("README.md")
	require.NoError(t, err)
	text := string(raw)
	i := strings.Index(text, "\n## Layout\n")
	require.GreaterOrEqual(t, i, 0, "README.md has a ## Layout section")
	rest := text[i:]
	start := strings.Index(rest, "\n```\n")
	require.GreaterOrEqual(t, start, 0, "the layout section holds a code block")
	rest = rest[start+5:]
	end := strings.Index(rest, "\n```")
	require.GreaterOrEqual(t, end, 0, "the layout code block is closed")
	return strings.Split(rest[:end], "\n")
}

// TestReadmeLayoutListsEveryPackage keeps the README's layout true: every directory that holds Go code
// has a line of its own there, and every line names a directory that exists.
func TestReadmeLayoutListsEveryPackage(t *testing.T) {
	listed := map[string]bool{}
	for _, line := range layoutSection(t) {
		if line == "" || line[0] == ' ' {
			continue
		}
		name := strings.TrimSuffix(strings.Fields(line)[0], "/")
		listed[name] = true
		_, err := os.Stat(name)
		assert.NoError(t, err, "the README's layout names %s, which does not exist", name)
	}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" {
			return filepath.SkipDir
		}
		gos, _ := filepath.Glob(filepath.Join(path, "*.go"))
		if len(gos) > 0 && path != "." {
			assert.True(t, listed[filepath.ToSlash(path)], "package directory %s is missing from the README's layout section", path)
		}
		return nil
	})
	require.NoError(t, err)
}

// TestReadmeLayoutSaysWhatEachPackageUses holds the "uses" part of each line of the README's layout to
// the imports of the package's non-test files: a package imports only project packages its line names
// ("the packages above" names every package listed before it; "policy/model/..." every model).
func TestReadmeLayoutSaysWhatEachPackageUses(t *testing.T) {
	var before []string
	for _, line := range layoutSection(t) {
		if line == "" || line[0] == ' ' || !strings.Contains(line, "; uses ") {
			continue
		}
		dir := strings.TrimSuffix(strings.Fields(line)[0], "/")
		if dir == "main.go" {
			dir = "."
		}
		uses := strings.TrimSpace(line[strings.LastIndex(line, "; uses ")+len("; uses "):])
		allowed := map[string]bool{}
		anyAbove, anyModel := uses == "the packages above", false
		if uses != "nothing" && !anyAbove {
			for _, u := range strings.Split(uses, ",") {
				u = strings.TrimSpace(u)
				if u == "policy/model/..." {
					anyModel = true
					continue
				}
				if _, err := os.Stat(u); err != nil {
					u = "internal/" + u
				}
				allowed[u] = true
			}
		}
		for _, p := range projectImports(t, dir) {
			ok := allowed[p] || (anyModel && strings.HasPrefix(p, "policy/model/")) || (anyAbove && slices.Contains(before, p))
			assert.True(t, ok, "%s imports %s, which its line in the README's layout does not name (uses %s)", dir, p, uses)
		}
		before = append(before, dir)
	}
}

// projectImports returns the project packages the non-test Go files of dir import.
func projectImports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	seen := map[string]bool{}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, spec := range parsed.Imports {
			p, err := strconv.Unquote(spec.Path.Value)
			require.NoError(t, err)
			if rel, ok := strings.CutPrefix(p, "github.com/sce-project/sce/"); ok && !seen[rel] {
				seen[rel] = true
				out = append(out, rel)
			}
		}
	}
	return out
}

package config

import (
	"fmt"
	"strings"
)

// ProjectFile returns Pulumi.yaml: the project, its runtime and every configuration key with its type,
// description and default. It is generated from Keys so that the file cannot drift from the code; a test
// checks the committed file.
func ProjectFile() string {
	var b strings.Builder
	b.WriteString("# Generated from internal/config/keys.go by `go test . -run TestProjectFile -update`: edit the key table, not this file.\n")
	fmt.Fprintf(&b, "name: %s\n", Namespace)
	b.WriteString("runtime: go\n")
	b.WriteString("description: A HIPAA-aligned Secure Computing Environment on AWS for one research project (one stack per Project Identifier Tag).\n")
	b.WriteString("config:\n")
	for _, k := range Keys() {
		fmt.Fprintf(&b, "  %s:\n", k.Name)
		fmt.Fprintf(&b, "    type: %s\n", k.Type)
		if k.Type == TypeArray {
			b.WriteString("    items:\n      type: string\n")
		}
		fmt.Fprintf(&b, "    description: %s\n", yamlQuote(k.Description))
		if !k.Required {
			fmt.Fprintf(&b, "    default: %s\n", yamlDefault(k))
		}
	}
	return b.String()
}

// yamlQuote writes a string as a double-quoted YAML scalar.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func yamlDefault(k Key) string {
	if k.Type == TypeString {
		return yamlQuote(k.Default)
	}
	return k.Default
}

// MarkdownTable returns the README's configuration reference: one row per key.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Description |\n|---|---|---|---|\n")
	b.WriteString("| `aws:region` | string | required | AWS region of the stack; one of the regions in `internal/config/regions.go`. |\n")
	for _, k := range Keys() {
		def := "`" + k.Default + "`"
		switch {
		case k.Required:
			def = "required"
		case k.DefaultNote != "":
			def = k.DefaultNote
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.FullName(), k.Type, def, strings.ReplaceAll(k.Description, "|", `\|`))
	}
	return b.String()
}

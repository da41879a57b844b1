package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

// StackFile is the configuration read from a Pulumi stack file (Pulumi.<stack>.yaml).
type StackFile struct {
	// Config maps namespaced keys to raw values, structured values as JSON, as Pulumi passes them to a
	// program.
	Config map[string]string
	// SecretKeys are the keys whose values are encrypted (`secure:`). The offline plan cannot decrypt them
	// and passes SecretPlaceholder instead.
	SecretKeys []string
}

// ReadStackFile reads the `config:` section of a stack file.
func ReadStackFile(path string) (*StackFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read stack file: %w", err)
	}
	return ParseStackFile(data, path)
}

// ParseStackFile parses the `config:` section of a stack file's contents; name is used in errors.
func ParseStackFile(data []byte, name string) (*StackFile, error) {
	var doc struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse stack file %s: %w", name, err)
	}
	sf := &StackFile{Config: map[string]string{}}
	for _, key := range sortedKeys(doc.Config) {
		node := doc.Config[key]
		value, secret, err := rawValue(&node)
		if err != nil {
			return nil, fmt.Errorf("stack file %s: key %s: %w", name, key, err)
		}
		sf.Config[key] = value
		if secret {
			sf.SecretKeys = append(sf.SecretKeys, key)
		}
	}
	return sf, nil
}

// rawValue renders a config value the way Pulumi hands it to a program: scalars as their text,
// sequences and mappings as JSON. A mapping with the single key `secure` is an encrypted secret.
func rawValue(n *yaml.Node) (string, bool, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, false, nil
	case yaml.MappingNode:
		if len(n.Content) == 2 && n.Content[0].Value == "secure" {
			return SecretPlaceholder, true, nil
		}
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return "", false, fmt.Errorf("decode value: %w", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", false, fmt.Errorf("encode value as JSON: %w", err)
	}
	return string(b), false, nil
}

func sortedKeys(m map[string]yaml.Node) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

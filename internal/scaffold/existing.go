package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
)

// existingFile is a stack file that `sce init --force` updates. Its YAML is kept as a node tree, so that
// what init does not set (every other key, its comments, the secrets provider and encrypted data key
// Pulumi writes at the top, `secure:` values) is written back exactly as it was.
type existingFile struct {
	path string
	data []byte
	mode fs.FileMode
	doc  yaml.Node
	// values are the file's configuration as a program sees it.
	values *plan.StackFile
}

// readExisting reads the stack file at path.
func readExisting(path string) (*existingFile, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	e := &existingFile{path: path, data: data, mode: st.Mode().Perm()}
	if e.values, err = plan.ParseStackFile(data, path); err != nil {
		return nil, fmt.Errorf("%s cannot be updated: %w", filepath.Base(path), err)
	}
	if err := yaml.Unmarshal(data, &e.doc); err != nil {
		return nil, fmt.Errorf("%s cannot be updated: %w", filepath.Base(path), err)
	}
	if len(e.doc.Content) == 0 {
		e.doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	if e.doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s cannot be updated: its top level is not a mapping", filepath.Base(path))
	}
	return e, nil
}

// value returns a configuration value of the file, and whether it sets the key.
func (e *existingFile) value(key string) (string, bool) {
	v, ok := e.values.Config[key]
	return v, ok
}

// mappingValue returns the value node of key in mapping m, or nil.
func mappingValue(m *yaml.Node, key string) (*yaml.Node, int) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1], i
		}
	}
	return nil, -1
}

// update sets, in the existing file, the configuration keys listed in owned to the values (and, for a key
// the file lacks, the comments) of the generated file, and leaves every other byte of the file as it was:
// the lines of a key it sets are replaced, a key the file lacks is added at the end of its config section,
// and nothing else is touched, so that blank lines and comments survive too (YAML encoders drop blank
// lines). The result is read back and compared, key by key, with what was meant. It returns the new text,
// the keys kept as they were (the top-level settings and the other configuration keys), and the keys it
// set whose value changed or that were missing.
func (e *existingFile) update(generated string, owned []string) (content string, kept, set []string, err error) {
	var gen yaml.Node
	if err := yaml.Unmarshal([]byte(generated), &gen); err != nil {
		return "", nil, nil, fmt.Errorf("the generated file does not parse: %w", err)
	}
	genConfig, _ := mappingValue(gen.Content[0], "config")
	genLines := strings.SplitAfter(generated, "\n")
	top := e.doc.Content[0]
	cfg, _ := mappingValue(top, "config")
	if cfg != nil && cfg.Kind != yaml.MappingNode {
		return "", nil, nil, fmt.Errorf("%s cannot be updated: its config section is not a mapping", filepath.Base(e.path))
	}
	isOwned := map[string]bool{}
	for _, k := range owned {
		isOwned[k] = true
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if k := top.Content[i].Value; k != "config" {
			kept = append(kept, k)
		}
	}
	indent := 2
	if cfg != nil {
		for i := 0; i+1 < len(cfg.Content); i += 2 {
			if k := cfg.Content[i].Value; !isOwned[k] {
				kept = append(kept, k)
			}
		}
		if len(cfg.Content) > 0 {
			indent = cfg.Content[0].Column - 1
		}
	}
	reindent := func(ls []string) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			if strings.HasPrefix(l, "  ") {
				l = strings.Repeat(" ", indent) + l[2:]
			}
			out[i] = l
		}
		return out
	}

	lines := strings.SplitAfter(string(e.data), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 0 && !strings.HasSuffix(lines[len(lines)-1], "\n") {
		lines[len(lines)-1] += "\n"
	}
	type edit struct {
		from, to int // 0-based line range [from, to) of the existing file to replace
		with     []string
	}
	var edits []edit
	var added []string
	for _, key := range owned {
		newValue, gi := mappingValue(genConfig, key)
		if newValue == nil {
			continue // the generated file leaves it out (an empty optional value): validation speaks for it
		}
		genKey := genConfig.Content[gi]
		var old *yaml.Node
		oi := -1
		if cfg != nil {
			old, oi = mappingValue(cfg, key)
		}
		if old != nil {
			if sameNode(old, newValue) {
				continue
			}
			oldKey := cfg.Content[oi]
			edits = append(edits, edit{from: oldKey.Line - 1, to: lastLine(old),
				with: reindent(genLines[genKey.Line-1 : lastLine(newValue)])})
		} else {
			first := genKey.Line - 1
			if genKey.HeadComment != "" {
				first -= strings.Count(genKey.HeadComment, "\n") + 1
			}
			added = append(added, "\n")
			added = append(added, reindent(genLines[first:lastLine(newValue)])...)
		}
		set = append(set, key)
	}
	if len(added) > 0 {
		at := len(lines)
		if cfg == nil {
			added = append([]string{"config:\n"}, added[1:]...)
		} else if len(cfg.Content) > 0 {
			at = lastLine(cfg)
		}
		edits = append(edits, edit{from: at, to: at, with: added})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].from > edits[j].from })
	for _, ed := range edits {
		lines = append(lines[:ed.from], append(append([]string{}, ed.with...), lines[ed.to:]...)...)
	}
	content = strings.Join(lines, "")
	if err := e.verify(content, owned, generated); err != nil {
		return "", nil, nil, err
	}
	return content, kept, set, nil
}

// lastLine is the 1-based number of the last line a node's text occupies, which is also the 0-based
// index of the line after it.
func lastLine(n *yaml.Node) int {
	last := n.Line
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		last += strings.Count(strings.TrimSuffix(n.Value, "\n"), "\n") + 1
	}
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// verify reads the updated text back and checks that it says what was meant: every setting and key of
// the old file that init does not set unchanged, and every key it sets as generated.
func (e *existingFile) verify(content string, owned []string, generated string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s cannot be updated safely (%s); nothing was written: edit it by hand", filepath.Base(e.path), fmt.Sprintf(format, args...))
	}
	got, err := plan.ParseStackFile([]byte(content), e.path)
	if err != nil {
		return fail("the result does not parse: %v", err)
	}
	want, err := plan.ParseStackFile([]byte(generated), e.path)
	if err != nil {
		return fail("the generated file does not parse: %v", err)
	}
	isOwned := map[string]bool{}
	for _, k := range owned {
		isOwned[k] = true
	}
	for k, v := range e.values.Config {
		if !isOwned[k] && got.Config[k] != v {
			return fail("%s would change", k)
		}
	}
	for _, k := range owned {
		if w, ok := want.Config[k]; ok && got.Config[k] != w {
			return fail("%s would not be set", k)
		}
	}
	var before, after map[string]any
	if yaml.Unmarshal(e.data, &before) != nil || yaml.Unmarshal([]byte(content), &after) != nil {
		return fail("the result does not parse")
	}
	for k, v := range before {
		if k != "config" && fmt.Sprint(after[k]) != fmt.Sprint(v) {
			return fail("%s would change", k)
		}
	}
	return nil
}

// sameNode reports whether two value nodes hold the same configuration value.
func sameNode(a, b *yaml.Node) bool {
	var va, vb any
	if a.Decode(&va) != nil || b.Decode(&vb) != nil {
		return false
	}
	return fmt.Sprint(va) == fmt.Sprint(vb)
}

// backup copies the existing file, byte for byte and with its permissions, to <file>.<UTC time>.bak next
// to it, never replacing an earlier backup. The name does not end in .yaml, so no tool takes it for a
// stack file.
func (e *existingFile) backup(now time.Time) (string, error) {
	base := e.path + "." + now.UTC().Format("20060102T150405Z")
	for n := 0; n < 100; n++ {
		name := base + ".bak"
		if n > 0 {
			name = fmt.Sprintf("%s-%d.bak", base, n)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, e.mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("back up %s: %w", e.path, err)
		}
		if err := fillAndClose(f, string(e.data)); err != nil {
			return "", errors.Join(fmt.Errorf("back up %s: %w", e.path, err), os.Remove(name))
		}
		return name, nil
	}
	return "", fmt.Errorf("back up %s: %s.bak and 99 others exist", e.path, base)
}

// ownedKeys are the configuration keys sce init sets in an existing file: those whose values the flags of
// this run give. The availability zone follows a change of region; the PIT is the file's own.
func ownedKeys(opts Options, regionChanged bool) []string {
	key := func(name string) string { return config.Namespace + ":" + name }
	owned := []string{key(config.KeyPIT)}
	if opts.Region != "" {
		owned = append(owned, config.RegionKey)
		if regionChanged {
			owned = append(owned, key(config.KeyAvailabilityZone))
		}
	}
	if opts.CIDR != "" {
		owned = append(owned, key(config.KeyVPCCIDR), key(config.KeyPublicSubnetCIDR), key(config.KeyPrivateSubnetCIDR))
	}
	if opts.SSHCIDRs != nil {
		owned = append(owned, key(config.KeyAllowedSSHCIDRs))
	}
	if opts.SSHKey != "" {
		owned = append(owned, key(config.KeySSHPublicKey))
	}
	if opts.Emails != nil {
		owned = append(owned, key(config.KeyNotificationEmails))
	}
	return owned
}

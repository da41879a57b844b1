package closeout

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// ImportFile is the file `pulumi import --file` reads, in the bulk import format of Pulumi's "Importing
// resources" guide. Each adopted resource comes with the components above it, created empty
// ("component": true, Pulumi CLI 3.94.0 and later), and its logical name ("logicalName", pulumi/pulumi#14745),
// so that the URNs the import gives are exactly those the program registers: an import under another URN
// would be deleted by the next `pulumi up` and created again, which fails on its name. The explicit provider
// is named by its URN in nameTable; it must be in the stack's state before the import (Pulumi's importer
// does not create explicit providers), which a targeted `pulumi up` does.
type ImportFile struct {
	NameTable map[string]string `json:"nameTable,omitempty"`
	Resources []ImportEntry     `json:"resources"`
}

// ImportEntry is one resource of an ImportFile. Name is the source name the file's parent and provider
// references use (unique in the file); LogicalName is the name in the URN.
type ImportEntry struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	LogicalName string `json:"logicalName"`
	ID          string `json:"id,omitempty"`
	Parent      string `json:"parent,omitempty"`
	Provider    string `json:"provider,omitempty"`
	Component   bool   `json:"component,omitempty"`
}

var notIdentifier = regexp.MustCompile(`[^A-Za-z0-9]+`)

// sourceName is the name an import file uses for a resource: its type's short name and its logical name,
// as one identifier.
func sourceName(r plan.Resource) string {
	short := r.Type[strings.LastIndex(r.Type, ":")+1:]
	return notIdentifier.ReplaceAllString(short+"_"+r.Name, "_")
}

// ImportFile returns the import file of the adoptions outside a recovery window, and the components above
// every adoption (a secret restored later is imported under its component). An id known only in AWS is
// written as a shell command substitution, for the unquoted here-document the procedure prints.
func (rep Report) ImportFile(region string) (ImportFile, error) {
	f := ImportFile{}
	provider := ""
	if rep.Provider.URN != "" {
		provider = sourceName(rep.Provider)
		f.NameTable = map[string]string{provider: rep.Provider.URN}
	}
	names := map[string]string{} // URN -> source name
	taken := map[string]bool{provider: provider != ""}
	var add func(r plan.Resource, entry ImportEntry) error
	add = func(r plan.Resource, entry ImportEntry) error {
		if _, done := names[r.URN]; done {
			return nil
		}
		if r.Parent != "" {
			parent, ok := rep.components[r.Parent]
			if !ok {
				return fmt.Errorf("import file: the parent %s of %s is not a component of the plan", r.Parent, r.URN)
			}
			if err := add(parent, ImportEntry{Type: parent.Type, LogicalName: parent.Name, Component: true}); err != nil {
				return err
			}
			entry.Parent = names[r.Parent]
		}
		entry.Name = sourceName(r)
		if taken[entry.Name] {
			return fmt.Errorf("import file: two resources would share the source name %s", entry.Name)
		}
		taken[entry.Name] = true
		names[r.URN] = entry.Name
		f.Resources = append(f.Resources, entry)
		return nil
	}
	for _, a := range rep.Adoptions {
		r := a.Resource
		if a.InRecoveryWindow {
			if r.Parent == "" {
				continue
			}
			if err := add(rep.components[r.Parent], ImportEntry{Type: rep.components[r.Parent].Type, LogicalName: rep.components[r.Parent].Name, Component: true}); err != nil {
				return ImportFile{}, err
			}
			continue
		}
		id := a.ImportID
		if id == "" {
			id = "$(" + rep.lookup(a, region) + ")"
		}
		entry := ImportEntry{Type: r.Type, LogicalName: r.Name, ID: id}
		if r.Provider != "" && r.Provider == rep.Provider.URN {
			entry.Provider = provider
		}
		if err := add(r, entry); err != nil {
			return ImportFile{}, err
		}
	}
	return f, nil
}

// lookup is the AWS CLI command that prints an adoption's import id when only AWS knows it: the key's id
// through its alias (which exists until the destroy deletes it), a secret's ARN by its name (Secrets
// Manager describes a secret scheduled for deletion).
func (rep Report) lookup(a Adoption, region string) string {
	switch a.Resource.Type {
	case "aws:kms/key:Key":
		alias := rep.keyAliases[a.Resource.URN]
		if alias == "" {
			return "echo REPLACE-WITH-THE-KEY-ID"
		}
		return fmt.Sprintf("aws kms describe-key --region %s --key-id %s --query KeyMetadata.KeyId --output text", region, alias)
	case "aws:secretsmanager/secret:Secret":
		return fmt.Sprintf("aws secretsmanager describe-secret --region %s --secret-id %s --query ARN --output text", region, a.AWSName)
	}
	return "echo REPLACE-WITH-THE-IMPORT-ID"
}

// heredocJSON renders the import file for an unquoted here-document: the shell substitutes the lookups and
// nothing else, so the document may hold no other "$", backquote or backslash.
func heredocJSON(f ImportFile) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return "", fmt.Errorf("encode import file: %w", err)
	}
	text := b.String()
	rest := text
	for _, e := range f.Resources {
		if strings.HasPrefix(e.ID, "$(") {
			rest = strings.ReplaceAll(rest, e.ID, "")
		}
	}
	if strings.ContainsAny(rest, "$`\\") {
		return "", fmt.Errorf("import file: a name holds a character the shell would expand: %q", rest)
	}
	return text, nil
}

// Package outputs reads a stack's outputs as `pulumi stack output --json` prints them, for the CLI
// commands that act on a deployed stack (sce upload, sce audit report). The output names are those
// internal/stack exports; a test in cmd/sce keeps the two lists equal.
package outputs

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// Names of the outputs the CLI reads.
const (
	PIT             = "pit"
	Region          = "region"
	KMSKeyARN       = "kmsKeyArn"
	DataInBucket    = "dataInBucket"
	OutputBucket    = "outputBucket"
	AncillaryBucket = "ancillaryBucket"
	LogBucket       = "logBucket"
	AccessLogBucket = "accessLogBucket"
	LedgerTable     = "ledgerTable"
	S3EndpointID    = "s3EndpointId"
	// ResearcherSSHConfigs maps each researcher's login to their ssh configuration.
	ResearcherSSHConfigs = "researcherSshConfigs"
	// KnownPrincipals lists the roles the stack grants its PHI buckets, for audit report's unknown-principal check.
	KnownPrincipals = "knownPrincipals"
)

// PHIBuckets names the outputs holding the buckets where PHI may rest.
func PHIBuckets() []string { return []string{DataInBucket, OutputBucket, AncillaryBucket} }

// Outputs are a stack's outputs, by name, and where they were read from (for messages).
type Outputs struct {
	Source string
	Values map[string]any
}

// Parse reads the JSON object `pulumi stack output --json` prints.
func Parse(source string, data []byte) (*Outputs, error) {
	var values map[string]any
	if err := json.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("parse stack outputs %s: %w (want the JSON of `pulumi stack output --json`)", source, err)
	}
	if values == nil {
		return nil, fmt.Errorf("parse stack outputs %s: not a JSON object (want the JSON of `pulumi stack output --json`)", source)
	}
	return &Outputs{Source: source, Values: values}, nil
}

// Read reads outputs saved with `pulumi stack output --json > FILE`.
func Read(path string) (*Outputs, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read stack outputs: %w", err)
	}
	return Parse(path, data)
}

// FromPulumi runs `pulumi stack output --json --stack NAME` (the Pulumi CLI must be on PATH and logged
// in to the stack's backend).
func FromPulumi(stack string) (*Outputs, error) {
	path, err := exec.LookPath("pulumi")
	if err != nil {
		return nil, fmt.Errorf("the pulumi CLI is not on PATH: save the outputs with `pulumi stack output --json --stack %s > outputs.json` and pass --outputs outputs.json", stack)
	}
	cmd := exec.Command(path, "stack", "output", "--json", "--stack", stack)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("pulumi stack output --json --stack %s: %w: %s", stack, err, strings.TrimSpace(stderr.String()))
	}
	return Parse("pulumi stack output --stack "+stack, out)
}

// String returns the named output, which must be a non-empty string.
func (o *Outputs) String(name string) (string, error) {
	v, ok := o.Values[name]
	if !ok {
		return "", fmt.Errorf("stack outputs %s have no %q", o.Source, name)
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("stack output %q in %s is %v, want a non-empty string", name, o.Source, v)
	}
	if s == "[secret]" {
		return "", fmt.Errorf("stack output %q in %s is a secret; it is not", name, o.Source)
	}
	return s, nil
}

// Require reports, in one error, every named output that is missing, empty, a secret or of another
// shape than a string or a list of strings, so that a command refuses outputs that cannot be the stack's
// (a file of another program, a stack deployed before an output existed) instead of falling back to
// guesses. The error names each key and what to do.
func (o *Outputs) Require(names ...string) error {
	var missing []string
	for _, name := range names {
		if !present(o.Values[name]) {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("stack outputs %s lack %s: save the deployed stack's outputs with `pulumi stack output --json > FILE` after `pulumi up` with this version of the program",
		o.Source, strings.Join(missing, ", "))
}

// present reports whether an output value is a usable string or a non-empty list of them.
func present(v any) bool {
	switch v := v.(type) {
	case string:
		return v != "" && v != "[secret]"
	case []any:
		for _, item := range v {
			if s, ok := item.(string); !ok || s == "" {
				return false
			}
		}
		return len(v) > 0
	}
	return false
}

// List returns the named output as a list of non-empty strings.
func (o *Outputs) List(name string) ([]string, error) {
	v, ok := o.Values[name]
	if !ok {
		return nil, fmt.Errorf("stack outputs %s have no %q", o.Source, name)
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("stack output %q in %s is %v, want a list of strings", name, o.Source, v)
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		s, ok := item.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("stack output %q in %s holds %v, want non-empty strings", name, o.Source, item)
		}
		out = append(out, s)
	}
	return out, nil
}

// Optional returns the named output as a string, or "" when it is missing or not a string.
func (o *Outputs) Optional(name string) string {
	s, _ := o.Values[name].(string)
	return s
}

// Logins returns the researchers' logins: the keys of researcherSshConfigs, sorted; none when the
// output is missing.
func (o *Outputs) Logins() []string {
	m, _ := o.Values[ResearcherSSHConfigs].(map[string]any)
	logins := make([]string, 0, len(m))
	for login := range m {
		logins = append(logins, login)
	}
	slices.Sort(logins)
	return logins
}

// CheckStack reports an error when the outputs belong to another stack than the one named, or do not say
// which they belong to: the stack is named by its PIT, which the outputs carry. It guards against
// uploading into another project's bucket.
func (o *Outputs) CheckStack(stack string) error {
	if stack == "" {
		return nil
	}
	pit := o.Optional(PIT)
	if pit == "" {
		return fmt.Errorf("the stack outputs %s have no %q: they cannot be shown to be stack %s's; save them with `pulumi stack output --json --stack %s`", o.Source, PIT, stack, stack)
	}
	if pit != stack {
		return fmt.Errorf("--stack %s does not match the stack outputs %s, which are of stack %q", stack, o.Source, pit)
	}
	return nil
}

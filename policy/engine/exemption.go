package engine

import (
	"regexp"
	"strings"
)

// pitPrefix is what a PIT, the prefix of every logical name, looks like: a lower-case letter, then letters
// and digits.
var pitPrefix = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// NamedBy reports whether a logical name is a PIT followed by suffix.
func NamedBy(name, suffix string) bool {
	pit, ok := strings.CutSuffix(name, suffix)
	return ok && pitPrefix.MatchString(pit)
}

// Exemption is a rule the design breaks on purpose, for specific resources, with the reason. Exemptions
// match one rule on resources of one type whose logical name is a PIT followed by a suffix: names are
// derived from the PIT (letters and digits only), so the suffix names the same resource in every stack,
// and "-logs-bucket" does not match "<pit>-access-logs-bucket". Never a whole rule.
type Exemption struct {
	Rule       string
	Type       string
	NameSuffix string
	Reason     string
}

// FindExemption returns the exemption of the list covering a rule on a resource.
func FindExemption(exemptions []Exemption, rule string, r *Resource) (Exemption, bool) {
	if r == nil {
		return Exemption{}, false
	}
	for _, e := range exemptions {
		if e.Rule == rule && e.Type == r.Type && NamedBy(r.Name, e.NameSuffix) {
			return e, true
		}
	}
	return Exemption{}, false
}

// Keeping a key that may hold PHI out of logged text: every spelling of it replaced by its hash.

package phi

import (
	"sort"
	"strings"
)

// Redactor replaces every spelling of a sensitive text (an object key that may hold PHI, and what is made
// from it) with a label made from its hash. Errors from the SDK and the network can carry a request's URL
// (a *url.Error does), and with it the key, escaped one way or another: text about such an object passes
// through Redact before it is logged or returned. The zero Redactor changes nothing.
type Redactor struct {
	forms []string // what to replace, longest first
	label string   // what replaces it
}

// NewRedactor returns a Redactor that replaces each of forms (blank and repeated ones dropped) with label.
// The longest forms are replaced first, so that a form that contains another is replaced whole.
func NewRedactor(label string, forms ...string) Redactor {
	seen := map[string]bool{}
	var kept []string
	for _, f := range forms {
		if f != "" && !seen[f] {
			seen[f] = true
			kept = append(kept, f)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return len(kept[i]) > len(kept[j]) })
	return Redactor{forms: kept, label: label}
}

// Redact returns s with every form replaced by the label.
func (r Redactor) Redact(s string) string {
	for _, f := range r.forms {
		s = strings.ReplaceAll(s, f, r.label)
	}
	return s
}

// EscapeKey percent-encodes an object key as the AWS SDK writes it in a request path or an
// x-amz-copy-source header: every byte but the unreserved characters of RFC 3986 and "/" is escaped, so
// that "+" and " " cannot be confused.
func EscapeKey(key string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

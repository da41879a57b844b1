package worker

import (
	"net/url"
	"sort"
	"strings"

	"github.com/sce-project/sce/internal/phi"
)

// redactor removes an object's key, and the output prefix made from it, from text that is about to be
// logged: an error from S3 or the network may quote an object's key or its URL.
type redactor struct {
	forms []string // what to remove, longest first
	label string   // what replaces it
}

// newRedactor returns a redactor for key.
func newRedactor(key string) redactor {
	secrets := []string{key, strings.TrimSuffix(OutputPrefix(key), "/")}
	seen := map[string]bool{}
	var forms []string
	for _, s := range secrets {
		for _, f := range []string{s, url.PathEscape(s), url.QueryEscape(s), escapeSegments(s, url.PathEscape), escapeSegments(s, escapeStrict)} {
			if f != "" && !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	return redactor{forms: forms, label: "[key sha256:" + phi.KeyHash(key) + "]"}
}

// String returns s without the key.
func (r redactor) String(s string) string {
	for _, f := range r.forms {
		s = strings.ReplaceAll(s, f, r.label)
	}
	return s
}

// escapeSegments escapes each slash-separated segment of s.
func escapeSegments(s string, escape func(string) string) string {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		parts[i] = escape(p)
	}
	return strings.Join(parts, "/")
}

// escapeStrict percent-encodes every byte but the unreserved characters of RFC 3986, as the AWS SDK
// escapes an object key in a request path.
func escapeStrict(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

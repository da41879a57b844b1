package handler

import (
	"net/url"
	"sort"
	"strings"
)

// redactor replaces every spelling of a sensitive key in a text with a name made from its hash. Errors
// from the SDK can carry a request's URL (a *url.Error does), and with it the key: an error about an
// object whose key holds PHI passes through redact before it is logged or returned.
type redactor struct {
	forms       []string
	replacement string
}

// newRedactor returns a redactor for the upload's key, or one that changes nothing when the key is
// clean. An upload whose key could not be decoded redacts the key as the event carried it.
func newRedactor(u *upload) redactor {
	if !u.phi() && u.key != "" {
		return redactor{}
	}
	seen := map[string]bool{}
	var forms []string
	for _, f := range []string{u.key, u.rawKey, escapeKey(u.key), url.PathEscape(u.key), url.QueryEscape(u.key)} {
		if f != "" && !seen[f] {
			seen[f] = true
			forms = append(forms, f)
		}
	}
	// Longest first, so that a form that contains another is replaced whole.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	return redactor{forms: forms, replacement: "<key sha256 " + u.keyHash + ">"}
}

// redact returns s with every form of the key replaced.
func (r redactor) redact(s string) string {
	for _, f := range r.forms {
		s = strings.ReplaceAll(s, f, r.replacement)
	}
	return s
}

// escapeKey percent-encodes a key for a URL path or an x-amz-copy-source header: every byte but the
// unreserved characters of RFC 3986 and "/" is escaped, so that "+" and " " cannot be confused.
func escapeKey(key string) string {
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

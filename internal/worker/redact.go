package worker

import (
	"net/url"
	"strings"

	"github.com/sce-project/sce/internal/phi"
)

// newRedactor returns the redactor that removes an object's key, and the output prefix made from it, from
// text that is about to be logged: an error from S3 or the network may quote an object's key or its URL.
// Each is replaced, in every escaping a URL can give it, by "[key sha256:HASH]".
func newRedactor(key string) phi.Redactor {
	var forms []string
	for _, s := range []string{key, strings.TrimSuffix(OutputPrefix(key), "/")} {
		forms = append(forms, s, url.PathEscape(s), url.QueryEscape(s), escapeSegments(s, url.PathEscape), phi.EscapeKey(s))
	}
	return phi.NewRedactor("[key sha256:"+phi.KeyHash(key)+"]", forms...)
}

// escapeSegments escapes each slash-separated segment of s.
func escapeSegments(s string, escape func(string) string) string {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		parts[i] = escape(p)
	}
	return strings.Join(parts, "/")
}

package handler

import (
	"net/url"

	"github.com/sce-project/sce/internal/phi"
)

// newRedactor returns the redactor of an upload's key: every spelling of the key that an error from the
// SDK can carry (as the event gave it, decoded, escaped as a path, a copy source or a query) is replaced
// by "<key sha256 HASH>". It changes nothing when the key is clean; an upload whose key could not be
// decoded redacts the key as the event carried it.
func newRedactor(u *upload) phi.Redactor {
	if !u.phi() && u.key != "" {
		return phi.Redactor{}
	}
	return phi.NewRedactor("<key sha256 "+u.keyHash+">",
		u.key, u.rawKey, phi.EscapeKey(u.key), url.PathEscape(u.key), url.QueryEscape(u.key))
}

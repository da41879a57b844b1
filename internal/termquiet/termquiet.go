// Package termquiet keeps the CLI from querying the terminal while Go initialises its packages.
//
// The Pulumi SDK, which `sce plan` runs under its mock monitor, imports Bubble Tea for a console prompt
// the CLI never shows. Bubble Tea's package initialiser asks Lip Gloss whether the terminal's background
// is dark, and termenv answers by writing a background-colour query (OSC 11) and a cursor-position query
// (CSI 6n) to standard output and waiting up to five seconds for the reply. A terminal that does not
// answer (script, screen, `docker run -t`, many CI logs) therefore stalls every command by five seconds,
// and the queries' bytes land in captured output.
//
// termenv sends no query when TERM begins with "dumb". This package's initialiser sets TERM=dumb before
// any of those packages is initialised and Restore, the first call of main, puts the builder's TERM back
// so that the programs the CLI starts (the Pulumi CLI) see it unchanged. The ordering rests on the Go
// specification's package initialisation order (since Go 1.21): packages are taken in import-path order,
// each as soon as all its imports are initialised. This package imports only syscall, so it is
// initialised before "os", and every terminal library imports "os". cmd/sce's TestNoTerminalQuery runs the
// built binary on a pseudo-terminal and fails if a query is written.
package termquiet

import "syscall"

// dumb is the TERM value under which termenv sends no terminal query.
const dumb = "dumb"

// saved is the builder's TERM, captured before it is replaced; set once, by init, before main runs.
var saved = struct {
	value string
	set   bool
}{}

func init() {
	saved.value, saved.set = syscall.Getenv("TERM")
	// An error leaves TERM as it was: the worst outcome is the delay this package exists to prevent.
	_ = syscall.Setenv("TERM", dumb)
}

// Restore puts back the TERM the process was started with (or removes it, if it had none). Call it first
// in main, after package initialisation is over.
func Restore() error {
	if !saved.set {
		return syscall.Unsetenv("TERM")
	}
	return syscall.Setenv("TERM", saved.value)
}

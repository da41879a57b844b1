// Reading a function's environment with every problem collected, and checking a handler's clients.

package lambdaenv

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Env reads a function's environment at cold start and collects what is wrong with it, so that the
// function fails to start with one error that names every missing or malformed variable, its value and
// what is accepted, rather than drop events.
type Env struct {
	lookup   func(string) (string, bool)
	problems []string
}

// NewEnv returns an Env that reads variables through lookup (os.LookupEnv in production).
func NewEnv(lookup func(string) (string, bool)) *Env {
	return &Env{lookup: lookup}
}

// Get returns a variable's value with the surrounding space trimmed; "" when it is unset.
func (e *Env) Get(name string) string {
	v, _ := e.lookup(name)
	return strings.TrimSpace(v)
}

// Problemf records a problem, in the order the problems are found.
func (e *Env) Problemf(format string, args ...any) {
	e.problems = append(e.problems, fmt.Sprintf(format, args...))
}

// Required is a variable the function cannot run without: its name, the value read, and what is wanted.
type Required struct {
	Name, Value, Want string
}

// Require records "NAME is not set: want WANT" for each required variable without a value, in order.
func (e *Env) Require(vars ...Required) {
	for _, r := range vars {
		if r.Value == "" {
			e.Problemf("%s is not set: want %s", r.Name, r.Want)
		}
	}
}

// Err returns nil when nothing was wrong, else one error: what ("ledger configuration"), then every
// problem, separated by "; ".
func (e *Env) Err(what string) error {
	if len(e.problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", what, strings.Join(e.problems, "; "))
}

// Client names a client a handler calls and says whether it was given.
type Client struct {
	Name  string
	Given bool
}

// CheckClients returns an error, prefixed with what ("new ledger handler"), naming every client that was
// not given, or saying that there is no logger; nil when the handler has all it needs.
func CheckClients(what string, log *slog.Logger, clients ...Client) error {
	var missing []string
	for _, c := range clients {
		if !c.Given {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: no client for %s", what, strings.Join(missing, ", "))
	}
	if log == nil {
		return errors.New(what + ": no logger")
	}
	return nil
}

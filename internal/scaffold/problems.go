// The problems that stop init from writing a stack file, and the validation that finds them: the PIT's
// check, and the generated file read back as sce plan reads it, each problem pointing at its flag.

package scaffold

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
)

// Problem is one reason a stack file was not written: the flag (or argument) concerned, when there is
// one, and what is wrong with it.
type Problem struct {
	// Flag is the flag or argument ("--cidr", "PIT"); empty for a problem of the directory.
	Flag string
	// Message says what is wrong and what is accepted.
	Message string
}

// String renders the problem on one line.
func (p Problem) String() string {
	if p.Flag == "" {
		return p.Message
	}
	return p.Flag + ": " + p.Message
}

// Error lists every problem found; nothing was written.
type Error struct {
	Problems []Problem
}

// Error renders the problems, one per line.
func (e *Error) Error() string {
	lines := []string{fmt.Sprintf("nothing written, %d problem(s):", len(e.Problems))}
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

// flagOfKey names the flag that sets a configuration key, so that a validation problem points at what the
// builder typed.
func flagOfKey(key string) string {
	switch key {
	case config.RegionKey:
		return "--region"
	case config.Namespace + ":" + config.KeyPIT:
		return "PIT"
	case config.Namespace + ":" + config.KeyVPCCIDR, config.Namespace + ":" + config.KeyPublicSubnetCIDR,
		config.Namespace + ":" + config.KeyPrivateSubnetCIDR:
		return "--cidr"
	case config.Namespace + ":" + config.KeyAllowedSSHCIDRs:
		return "--ssh-cidr"
	case config.Namespace + ":" + config.KeySSHPublicKey:
		return "--ssh-key"
	case config.Namespace + ":" + config.KeyNotificationEmails:
		return "--email"
	}
	return ""
}

// pitProblem returns why config refuses a PIT, or "": the one check of the PIT is config's.
func pitProblem(pit string) string {
	if pit == "" {
		return "is required: sce init <pit>, 3-12 characters of a-z and 0-9, starting with a letter"
	}
	_, err := config.Load(config.FromMap(map[string]string{config.Namespace + ":" + config.KeyPIT: pit}))
	var invalid *config.ValidationError
	if errors.As(err, &invalid) {
		for _, p := range invalid.Problems {
			if p.Key == config.Namespace+":"+config.KeyPIT {
				return p.Message
			}
		}
	}
	return ""
}

// validate reads content back the way `sce plan` reads a stack file and validates it with config.Load,
// returning every problem with the flag that set the key.
func validate(content, name string) []Problem {
	if name == "" {
		name = "the new stack file"
	}
	sf, err := plan.ParseStackFile([]byte(content), name)
	if err != nil {
		return []Problem{{Message: fmt.Sprintf("the generated file does not parse: %v", err)}}
	}
	var keys []string
	for k := range sf.Config {
		keys = append(keys, k)
	}
	var out []Problem
	for _, check := range []error{config.UnknownKeys(keys), loadErr(sf)} {
		var invalid *config.ValidationError
		if errors.As(check, &invalid) {
			for _, p := range invalid.Problems {
				out = append(out, Problem{Flag: flagOfKey(p.Key), Message: p.String()})
			}
		} else if check != nil {
			out = append(out, Problem{Message: check.Error()})
		}
	}
	return out
}

func loadErr(sf *plan.StackFile) error {
	_, err := config.Load(config.FromMap(sf.Config))
	return err
}

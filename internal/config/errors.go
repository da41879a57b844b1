package config

import (
	"fmt"
	"strings"
)

// Problem is one invalid configuration value: which key, what it held and what would be accepted.
type Problem struct {
	// Key is the namespaced key ("sce:vpcCidr").
	Key string
	// Value is the value as given; empty when the key is missing.
	Value string
	// Message says what is wrong and what is accepted.
	Message string
}

// String renders the problem as one line: key, value, message.
func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s: %s", p.Key, p.Message)
	}
	return fmt.Sprintf("%s: %q %s", p.Key, p.Value, p.Message)
}

// ValidationError lists every problem found in one configuration, so the builder fixes them in one pass.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems, one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("invalid configuration (%d problem(s)):", len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

// problems accumulates problems while a configuration is read.
type problems struct {
	list []Problem
}

func (ps *problems) add(key, value, format string, args ...any) {
	ps.list = append(ps.list, Problem{Key: key, Value: value, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps.list}
}

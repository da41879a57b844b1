// The step the commands that act on a deployed stack (upload, the airlock's commands, close-out's
// pending requests) share: read the stack's outputs, and let each output stand in for a flag not given.

package main

import (
	"strings"

	"github.com/sce-project/sce/internal/outputs"
)

// readOutputs reads a deployed stack's outputs: from file (saved with pulumi stack output --json > FILE)
// when one is given, else through the Pulumi CLI for stack.
func readOutputs(file, stack string) (*outputs.Outputs, error) {
	if file != "" {
		return outputs.Read(file)
	}
	return outputs.FromPulumi(stack)
}

// fromOutput is a value a flag gives and the stack output that stands in for it when the flag was not
// given.
type fromOutput struct {
	value *string
	name  string
}

// notGiven returns the names of the outputs that stand in for the values not given, in order.
func notGiven(values []fromOutput) []string {
	var names []string
	for _, v := range values {
		if *v.value == "" {
			names = append(names, v.name)
		}
	}
	return names
}

// fillFromOutputs sets every value not given to its stack output ("" when the stack has none).
func fillFromOutputs(outs *outputs.Outputs, values ...fromOutput) {
	for _, v := range values {
		if *v.value == "" {
			*v.value = outs.Optional(v.name)
		}
	}
}

// regionOfARN returns the region field of an ARN, or "".
func regionOfARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

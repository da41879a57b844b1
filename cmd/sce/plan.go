package main

import (
	"fmt"
	"io"

	"github.com/sce-project/sce/internal/cost"
	"github.com/sce-project/sce/internal/export"
	"github.com/sce-project/sce/internal/plan"
)

// planFormats are the output formats `sce plan` writes.
var planFormats = map[string]func(io.Writer, *plan.Plan) error{
	"text":      plan.WriteText,
	"json":      plan.WriteJSON,
	"terraform": export.WriteTerraform,
	"dot":       export.WriteDot,
}

// planFormatNames lists the accepted --format values, in the order the help gives them.
var planFormatNames = []string{"text", "json", "terraform", "dot"}

// runPlan runs `sce plan`. Invalid configuration exits 1 with every problem on stderr and nothing on
// stdout; usage errors exit 2.
func runPlan(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plan", "", "Plan a stack offline: run the Pulumi program under Pulumi's mock monitor with the stack's configuration, "+
		"apply every policy rule to every resource, price the result and print it. Needs no AWS account and no Pulumi CLI.", stdout, stderr)
	stackName := fs.String("stack", "", "`NAME` of the stack to plan (required); its configuration is read from Pulumi.NAME.yaml")
	configFile := fs.String("config", "", "stack `FILE` to read instead of Pulumi.NAME.yaml")
	format := fs.newFormat("text", planFormatNames...)
	if code, stop := fs.parse(args); stop {
		return code
	}
	if fs.NArg() > 0 {
		return fs.usageError("unexpected argument %q", fs.Arg(0))
	}
	if *stackName == "" {
		return fs.usageError("--stack is required, for example --stack hipaa")
	}
	write := planFormats[*format]
	p, sf, ok := planStack("plan", *stackName, *configFile, stderr)
	if !ok {
		return 1
	}
	for _, w := range planWarnings(stackFilePath(*stackName, *configFile), sf) {
		fmt.Fprintf(stderr, "sce plan: warning: %s\n", w)
	}
	assumptions := cost.DefaultAssumptions()
	if err := assumptions.Validate(); err != nil {
		fmt.Fprintf(stderr, "sce plan: %v\n", err)
		return 1
	}
	p.Cost = cost.Estimate(p, assumptions)
	if !emit("plan", stdout, stderr, func(w io.Writer) error { return write(w, p) }) {
		return 1
	}
	// The plan is printed either way, so that it can be inspected; mandatory violations fail the command.
	if mandatory := p.MandatoryViolations(); len(mandatory) > 0 {
		fmt.Fprintf(stderr, "sce plan: %d mandatory policy violation(s):\n", len(mandatory))
		for _, v := range mandatory {
			fmt.Fprintf(stderr, "  %s %s: %s\n", v.Policy, v.URN, v.Message)
		}
		return 1
	}
	return 0
}

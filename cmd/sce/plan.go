package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sce-project/sce/internal/cost"
	"github.com/sce-project/sce/internal/export"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// planStack reads a stack's file (configFile, or Pulumi.<stack>.yaml in the current directory) and plans
// it offline. On failure it reports on stderr, prefixed with the command's name, and returns false.
func planStack(command, stackName, configFile string, stderr io.Writer) (*plan.Plan, *plan.StackFile, bool) {
	path := configFile
	if path == "" {
		path = "Pulumi." + stackName + ".yaml"
	}
	sf, err := plan.ReadStackFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			abs, _ := filepath.Abs(path)
			fmt.Fprintf(stderr, "sce %s: stack file %s not found: run from the project directory or pass --config FILE\n", command, abs)
		} else {
			fmt.Fprintf(stderr, "sce %s: %v\n", command, err)
		}
		return nil, nil, false
	}
	p, err := plan.Run(plan.Options{Stack: stackName, Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
	if err != nil {
		fmt.Fprintf(stderr, "sce %s: %v\n", command, err)
		return nil, nil, false
	}
	return p, sf, true
}

// planFormats are the output formats `sce plan` writes.
var planFormats = map[string]func(io.Writer, *plan.Plan) error{
	"text":      plan.WriteText,
	"json":      plan.WriteJSON,
	"terraform": export.WriteTerraform,
	"dot":       export.WriteDot,
}

// planFormatNames lists the accepted --format values, in the order the help gives them.
const planFormatNames = "text, json, terraform, dot"

// runPlan runs `sce plan`. Invalid configuration exits 1 with every problem on stderr and nothing on
// stdout; usage errors exit 2.
func runPlan(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stackName := fs.String("stack", "", "stack to plan (required); its configuration is read from Pulumi.<stack>.yaml")
	configFile := fs.String("config", "", "stack file to read instead of Pulumi.<stack>.yaml")
	format := fs.String("format", "text", "output format: "+planFormatNames)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sce plan: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *stackName == "" {
		fmt.Fprintln(stderr, "sce plan: --stack is required, for example --stack hipaa")
		return 2
	}
	write, ok := planFormats[*format]
	if !ok {
		fmt.Fprintf(stderr, "sce plan: --format %q is not supported; accepted: %s\n", *format, planFormatNames)
		return 2
	}
	p, _, ok := planStack("plan", *stackName, *configFile, stderr)
	if !ok {
		return 1
	}
	assumptions := cost.DefaultAssumptions()
	if err := assumptions.Validate(); err != nil {
		fmt.Fprintf(stderr, "sce plan: %v\n", err)
		return 1
	}
	p.Cost = cost.Estimate(p, assumptions)
	// Render fully before writing, so that a failure leaves stdout empty.
	var buf bytes.Buffer
	if err := write(&buf, p); err != nil {
		fmt.Fprintf(stderr, "sce plan: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "sce plan: write output: %v\n", err)
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

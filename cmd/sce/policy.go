package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/state"
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/rules"
)

// runPolicy runs `sce policy check --plan FILE` or `sce policy check --state FILE`: it applies every rule
// to a plan JSON or to a `pulumi stack export`, prints the violations and exemptions, and exits 1 when a
// mandatory rule is violated.
func runPolicy(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: sce policy check --plan FILE | --state FILE")
		return 2
	}
	fs := newFlags("policy check", "", "Apply every policy rule to a plan JSON or to a deployed stack's state, print the violations and "+
		"exemptions, and exit 1 on a mandatory violation. Give exactly one of --plan and --state.", stdout, stderr)
	planFile := fs.String("plan", "", "plan JSON `FILE`, written by sce plan --format json")
	stateFile := fs.String("state", "", "deployed stack's state `FILE`, written by pulumi stack export")
	format := fs.newFormat("text", "text", "json")
	if code, stop := fs.parse(args[1:]); stop {
		return code
	}
	if (*planFile == "") == (*stateFile == "") || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "sce policy check: give exactly one of --plan FILE or --state FILE")
		return 2
	}
	var stack *engine.Stack
	var err error
	source := *planFile
	if *planFile != "" {
		stack, err = readPlanStack(*planFile)
	} else {
		source = *stateFile
		stack, err = readStateStack(*stateFile)
	}
	if err == nil && len(stack.Resources) == 0 {
		// Every rule passes on nothing: an empty input must not read as a compliant stack.
		err = fmt.Errorf("%s holds no cloud resources, so there is nothing to check: a plan of a program that registered none, or the export of a stack never deployed or already destroyed", source)
	}
	if err != nil {
		fmt.Fprintf(stderr, "sce policy check: %v\n", err)
		return 1
	}
	rep := rules.Evaluate(stack, rules.All())
	if *format == "json" {
		if err := writePolicyJSON(stdout, rep, len(stack.Resources)); err != nil {
			fmt.Fprintf(stderr, "sce policy check: %v\n", err)
			return 1
		}
	} else {
		writeReport(stdout, rep, len(stack.Resources))
	}
	if n := len(rep.Mandatory()); n > 0 {
		fmt.Fprintf(stderr, "sce policy check: %d mandatory violation(s)\n", n)
		return 1
	}
	return 0
}

func readPlanStack(path string) (*engine.Stack, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	var p plan.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("parse plan %s: %w", path, err)
	}
	if p.Stack == "" || p.Resources == nil {
		return nil, fmt.Errorf("%s is not a plan JSON (no stack or resources); write one with sce plan --format json", path)
	}
	return p.RulesStack(), nil
}

func readStateStack(path string) (*engine.Stack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	defer f.Close()
	return state.Read(f)
}

// writeReport prints violations, then exemptions, then a summary line.
func writeReport(w io.Writer, rep engine.Report, resources int) {
	for _, v := range rep.Violations {
		fmt.Fprintf(w, "%-9s %s\n          %s\n          %s\n", v.Level, v.Rule, v.URN, v.Message)
	}
	for _, e := range rep.Exemptions {
		fmt.Fprintf(w, "%-9s %s\n          %s\n          %s (%s)\n", "exempt", e.Rule, e.URN, e.Reason, e.Message)
	}
	fmt.Fprintf(w, "%d resources checked against %d rules: %d mandatory and %d advisory violation(s), %d exemption(s)\n",
		resources, len(rules.All()), len(rep.Mandatory()), len(rep.Violations)-len(rep.Mandatory()), len(rep.Exemptions))
}

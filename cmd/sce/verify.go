package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/verify"
)

// runVerify runs `sce verify`: the access flows of a stack, planned offline or read from a plan JSON,
// printed as a matrix. Exit 1 when a needed flow is blocked or a forbidden one is possible; 2 for a usage
// error.
func runVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("verify", "", "Prove the stack's access flows from its plan: every request the design needs and every one that must stay "+
		"impossible, judged as AWS would. Give exactly one of --stack and --plan.", stdout, stderr)
	stackName := fs.String("stack", "", "`NAME` of the stack to plan and verify; its configuration is read from Pulumi.NAME.yaml")
	configFile := fs.String("config", "", "stack `FILE` to read instead of Pulumi.NAME.yaml")
	planFile := fs.String("plan", "", "plan JSON `FILE` (written by sce plan --format json) to verify instead of planning")
	format := fs.newFormat("text", "text", "json", "markdown")
	if code, stop := fs.parse(args); stop {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return fs.usageError("unexpected argument %q", fs.Arg(0))
	case (*stackName == "") == (*planFile == ""):
		return fs.usageError("give exactly one of --stack NAME and --plan FILE")
	}
	fmtName := *format
	var p *plan.Plan
	if *planFile != "" {
		data, err := os.ReadFile(*planFile)
		if err != nil {
			fmt.Fprintf(stderr, "sce verify: read plan: %v\n", err)
			return 1
		}
		p = &plan.Plan{}
		if err := json.Unmarshal(data, p); err != nil || p.Stack == "" || len(p.Resources) == 0 {
			fmt.Fprintf(stderr, "sce verify: %s is not a plan JSON with resources; write one with sce plan --format json\n", *planFile)
			return 1
		}
	} else {
		var ok bool
		if p, _, ok = planStack("verify", *stackName, *configFile, stderr); !ok {
			return 1
		}
	}
	flows := verify.All(p.RulesStack())
	if !emit("verify", stdout, stderr, func(w io.Writer) error { return writeFlows(w, fmtName, p.Stack, flows) }) {
		return 1
	}
	if failed := verify.Failures(flows); len(failed) > 0 {
		fmt.Fprintf(stderr, "sce verify: %d of %d flows are not as designed\n", len(failed), len(flows))
		return 1
	}
	return 0
}

func writeFlows(w io.Writer, format, stack string, flows []verify.Flow) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"stack": stack, "flows": flows})
	case "markdown":
		fmt.Fprintf(w, "| Flow | Expected | Result | Why |\n|---|---|---|---|\n")
		for _, f := range flows {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdCell(f.Flow), f.Expected, f.Result, mdCell(f.Why))
		}
	default:
		for _, f := range flows {
			mark := "ok  "
			if !f.OK() {
				mark = "FAIL"
			}
			fmt.Fprintf(w, "%s %-8s %s\n       %s\n", mark, f.Expected, f.Flow, f.Why)
		}
		fmt.Fprintf(w, "%d flows of stack %s, %d not as designed\n", len(flows), stack, len(verify.Failures(flows)))
	}
	return nil
}

// mdCell keeps a value inside one Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

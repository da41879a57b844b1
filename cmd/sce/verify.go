package main

import (
	"bytes"
	"encoding/json"
	"flag"
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
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stackName := fs.String("stack", "", "stack to plan and verify; its configuration is read from Pulumi.<stack>.yaml")
	configFile := fs.String("config", "", "stack file to read instead of Pulumi.<stack>.yaml")
	planFile := fs.String("plan", "", "a plan JSON (sce plan --format json) to verify instead of planning")
	format := fs.String("format", "text", "output format: text, json or markdown")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "sce verify: unexpected argument %q\n", fs.Arg(0))
		return 2
	case (*stackName == "") == (*planFile == ""):
		fmt.Fprintln(stderr, "sce verify: give exactly one of --stack NAME and --plan FILE")
		return 2
	}
	fmtName := strings.ToLower(*format)
	if fmtName != "text" && fmtName != "json" && fmtName != "markdown" {
		fmt.Fprintf(stderr, "sce verify: --format %q is not supported; accepted: text, json, markdown\n", *format)
		return 2
	}
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
	var buf bytes.Buffer
	if err := writeFlows(&buf, fmtName, p.Stack, flows); err != nil {
		fmt.Fprintf(stderr, "sce verify: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "sce verify: write output: %v\n", err)
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

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/sce-project/sce/internal/closeout"
	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/outputs"
)

// runCloseout runs `sce closeout --stack NAME [--config FILE]`: it plans the stack offline, checks that
// everything that must outlive the project is retained, and prints the close-out procedure. It exits 1
// when a check fails.
func runCloseout(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("closeout", "", "Check that everything that must outlive the project is retained, and print the end-of-project "+
		"procedure with the stack's own names.", stdout, stderr)
	stackName := fs.String("stack", "", "`NAME` of the stack to close out (required); its configuration is read from Pulumi.NAME.yaml")
	configFile := fs.String("config", "", "stack `FILE` to read instead of Pulumi.NAME.yaml")
	outputsFile := fs.String("outputs", "", "`FILE` of the deployed stack's outputs, saved with: pulumi stack output --json > FILE; for the deployed bucket and table names")
	format := fs.newFormat("text", "text", "json")
	if code, stop := fs.parse(args); stop {
		return code
	}
	if *stackName == "" || fs.NArg() > 0 {
		return fs.usageError("--stack NAME is required, and nothing else")
	}
	p, sf, ok := planStack("closeout", *stackName, *configFile, stderr)
	if !ok {
		return 1
	}
	cfg, err := config.Load(config.FromMap(sf.Config))
	if err != nil {
		fmt.Fprintf(stderr, "sce closeout: %v\n", err)
		return 1
	}
	rep := closeout.Analyze(p, closeout.Options{MinimumRetentionDays: cfg.MinimumRetentionDays})
	if *outputsFile != "" {
		outs, err := outputs.Read(*outputsFile)
		if err == nil {
			err = rep.UseOutputs(outs)
		}
		if err != nil {
			fmt.Fprintf(stderr, "sce closeout: %v\n", err)
			return 1
		}
	}
	write := func(w io.Writer) error {
		if err := closeout.Write(w, rep, sf.Config["aws:region"]); err != nil {
			return err
		}
		// The airlock's close-out notes are text; the JSON report is the one object a script reads.
		return writeAirlockCloseout(context.Background(), w, rep, airlockLister(*outputsFile, *stackName))
	}
	if *format == "json" {
		write = func(w io.Writer) error { return writeCloseoutJSON(w, rep) }
	}
	if !emit("closeout", stdout, stderr, write) {
		return 1
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(stderr, "sce closeout: %d check(s) failed\n", len(rep.Problems))
		return 1
	}
	return 0
}

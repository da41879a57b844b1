package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/sce-project/sce/internal/closeout"
	"github.com/sce-project/sce/internal/outputs"
)

// runCloseout runs `sce closeout --stack NAME [--config FILE]`: it plans the stack offline, checks that
// everything that must outlive the project is retained, and prints the close-out procedure. It exits 1
// when a check fails.
func runCloseout(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("closeout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stackName := fs.String("stack", "", "stack to close out (required); its configuration is read from Pulumi.<stack>.yaml")
	configFile := fs.String("config", "", "stack file to read instead of Pulumi.<stack>.yaml")
	outputsFile := fs.String("outputs", "", "the deployed stack's outputs (`pulumi stack output --json > FILE`), for the deployed bucket and table names")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *stackName == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: sce closeout --stack NAME [--config FILE] [--outputs FILE]")
		return 2
	}
	p, sf, ok := planStack("closeout", *stackName, *configFile, stderr)
	if !ok {
		return 1
	}
	rep := closeout.Analyze(p)
	if *outputsFile != "" {
		outs, err := outputs.Read(*outputsFile)
		if err != nil {
			fmt.Fprintf(stderr, "sce closeout: %v\n", err)
			return 1
		}
		if pit := outs.Optional(outputs.PIT); pit != "" && pit != rep.PIT {
			fmt.Fprintf(stderr, "sce closeout: the outputs in %s are of project %q, not %q\n", *outputsFile, pit, rep.PIT)
			return 1
		}
		names := map[string]string{}
		for _, n := range []string{outputs.DataInBucket, outputs.OutputBucket, outputs.LogBucket, outputs.AccessLogBucket, outputs.LedgerTable, outputs.KMSKeyARN} {
			names[n] = outs.Optional(n)
		}
		rep.UseDeployedNames(names)
	}
	var buf bytes.Buffer
	if err := closeout.Write(&buf, rep, sf.Config["aws:region"]); err != nil {
		fmt.Fprintf(stderr, "sce closeout: %v\n", err)
		return 1
	}
	if err := writeAirlockCloseout(context.Background(), &buf, rep, airlockLister(*outputsFile, *stackName)); err != nil {
		fmt.Fprintf(stderr, "sce closeout: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "sce closeout: write output: %v\n", err)
		return 1
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(stderr, "sce closeout: %d check(s) failed\n", len(rep.Problems))
		return 1
	}
	return 0
}

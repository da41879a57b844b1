// Command sce is the SCE companion CLI: `sce plan` prints the offline plan of a stack.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage: sce <command> [flags]

commands:
  plan    plan a stack offline: sce plan --stack NAME [--config FILE] [--format text|json|terraform|dot]
  policy  check a plan or a deployed stack: sce policy check --plan FILE | --state FILE
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "plan":
		return runPlan(args[1:], stdout, stderr)
	case "policy":
		return runPolicy(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "sce: unknown command %q\n%s", args[0], usage)
	return 2
}

// Command sce is the SCE companion CLI: a new project's stack file, the offline plan, the policy check,
// the flow proof, close-out, synthetic data, safe uploads and the audit report.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sce-project/sce/internal/termquiet"
)

func main() {
	if err := termquiet.Restore(); err != nil {
		fmt.Fprintf(os.Stderr, "sce: restore TERM: %v\n", err)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one command of the CLI: the word that names it, the subcommand word it requires ("check"
// for `sce policy check`), and the function that runs it with the arguments after the command word.
type command struct {
	name, sub string
	run       func(args []string, stdout, stderr io.Writer) int
}

// commands lists the CLI's commands in the order the usage gives them.
func commands() []command {
	return []command{
		{name: "init", run: runInit},
		{name: "plan", run: runPlan},
		{name: "policy", sub: "check", run: runPolicy},
		{name: "verify", run: runVerify},
		{name: "closeout", run: runCloseout},
		{name: "synthdata", run: runSynthdata},
		{name: "upload", run: runUpload},
		{name: "audit", sub: "report", run: runAudit},
	}
}

// lookup returns the command named name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// isHelp reports whether an argument asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// run dispatches a command and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		return runHelp(args[1:], stdout, stderr)
	case "version", "--version", "-version", "-v":
		writeVersion(stdout)
		return 0
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "sce: unknown command %q\n", args[0])
		writeUsage(stderr)
		return 2
	}
	rest := args[1:]
	// `sce policy --help` is the help of `sce policy check`.
	if c.sub != "" && len(rest) > 0 && isHelp(rest[0]) {
		return c.run([]string{c.sub, "--help"}, stdout, stderr)
	}
	return c.run(rest, stdout, stderr)
}

// runHelp runs `sce help [command]`: the top-level usage, or one command's help, on stdout.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stdout)
		return 0
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "sce help: unknown command %q\n", args[0])
		writeUsage(stderr)
		return 2
	}
	return c.run(helpArgs(c), stdout, stderr)
}

// helpArgs are the arguments that make a command print its help.
func helpArgs(c command) []string {
	if c.sub != "" {
		return []string{c.sub, "--help"}
	}
	return []string{"--help"}
}

// writeUsage prints the top-level usage: every command with its summary and its usage line, generated
// from the command's own flags.
func writeUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: sce <command> [flags]\n\n")
	fmt.Fprintf(w, "'sce help <command>' (or 'sce <command> --help') explains a command's flags; 'sce --version' prints the version.\n\n")
	fmt.Fprintf(w, "commands:\n")
	for _, c := range commands() {
		d := &describer{Writer: io.Discard}
		c.run(helpArgs(c), d, io.Discard)
		for _, f := range d.commands {
			fmt.Fprintf(w, "  %-10s %s\n", c.name, wrap(f.firstSentence(), 88, strings.Repeat(" ", 13)))
			fmt.Fprintf(w, "%13s%s\n", "", f.line(88, strings.Repeat(" ", 17)))
		}
	}
}

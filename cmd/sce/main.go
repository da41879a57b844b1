// Command sce is the SCE companion CLI: a new project's stack file, the offline plan, the policy check,
// the flow proof, close-out, synthetic data, safe uploads, the audit reports and the airlock's checks.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/sce-project/sce/internal/termquiet"
)

func main() {
	if err := termquiet.Restore(); err != nil {
		fmt.Fprintf(os.Stderr, "sce: restore TERM: %v\n", err)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one command of the CLI: the word that names it, the subcommand words it takes ("check" for
// `sce policy check`; none for a command without subcommands), and the function that runs it with the
// arguments after the command word.
type command struct {
	name string
	subs []string
	run  func(args []string, stdout, stderr io.Writer) int
}

// commands lists the CLI's commands in the order the usage gives them.
func commands() []command {
	return []command{
		{name: "init", run: runInit},
		{name: "plan", run: runPlan},
		{name: "policy", subs: []string{"check"}, run: runPolicy},
		{name: "verify", run: runVerify},
		{name: "closeout", run: runCloseout},
		{name: "synthdata", run: runSynthdata},
		{name: "upload", run: runUpload},
		{name: "audit", subs: []string{"report", "usage"}, run: runAudit},
		{name: "airlock", subs: []string{"check", "request", "list", "show", "approve", "reject"}, run: runAirlock},
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
		return unknownCommand("sce", args[0], stderr)
	}
	rest := args[1:]
	// `sce policy --help` is the help of `sce policy check` (of each subcommand, when there are several).
	if len(c.subs) > 0 && len(rest) > 0 && isHelp(rest[0]) {
		return runHelpOf(c, stdout, stderr)
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
		return unknownCommand("sce help", args[0], stderr)
	}
	if len(args) > 1 && slices.Contains(c.subs, args[1]) {
		return c.run([]string{args[1], "--help"}, stdout, stderr)
	}
	return runHelpOf(c, stdout, stderr)
}

// unknownCommand reports a word that names no command, as who ("sce", "sce help"), followed by the
// usage, on stderr, and returns 2, the exit status of a usage error.
func unknownCommand(who, word string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "%s: unknown command %q\n", who, word)
	writeUsage(stderr)
	return 2
}

// runHelpOf prints the help of a command, or of each of its subcommands, blank-line separated.
func runHelpOf(c command, stdout, stderr io.Writer) int {
	for i, args := range helpArgs(c) {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if code := c.run(args, stdout, stderr); code != 0 {
			return code
		}
	}
	return 0
}

// helpArgs are the argument lists that make a command, or each of its subcommands, print its help.
func helpArgs(c command) [][]string {
	if len(c.subs) == 0 {
		return [][]string{{"--help"}}
	}
	var out [][]string
	for _, s := range c.subs {
		out = append(out, []string{s, "--help"})
	}
	return out
}

// writeUsage prints the top-level usage: every command with its summary and its usage line, generated
// from the command's own flags.
func writeUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: sce <command> [flags]\n\n")
	fmt.Fprintf(w, "'sce help <command>' (or 'sce <command> --help') explains a command's flags; 'sce --version' prints the version.\n\n")
	fmt.Fprintf(w, "commands:\n")
	for _, c := range commands() {
		d := &describer{Writer: io.Discard}
		for _, args := range helpArgs(c) {
			c.run(args, d, io.Discard)
		}
		for _, f := range d.commands {
			fmt.Fprintf(w, "  %-10s %s\n", c.name, wrap(f.firstSentence(), 88, strings.Repeat(" ", 13)))
			fmt.Fprintf(w, "%13s%s\n", "", f.line(88, strings.Repeat(" ", 17)))
		}
	}
}

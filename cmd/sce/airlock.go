package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/sce-project/sce/internal/airlock"
	"github.com/sce-project/sce/internal/airlock/ledger"
)

const airlockUsage = `usage: sce airlock <command>
  check    FILE... [--released DIR] [--min-cell N] [--date-precision year|month|day] [--max-difference N] [--name NAME ...] [--format text|json]
  request  FILE... --why TEXT [--outputs FILE | --table T --bucket B --kms-key ARN] [check options]   (on the workstation)
  list     [--all] [--outputs FILE | ...]
  show     ID [--fetch DIR] [--outputs FILE | ...]
  approve  ID [--comment TEXT] [--outputs FILE | ...]                                               (as a reviewer)
  reject   ID --reason TEXT [--outputs FILE | ...]                                                  (as a reviewer)`

// runAirlock dispatches the airlock's subcommands.
func runAirlock(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, airlockUsage)
		return 2
	}
	switch args[0] {
	case "check":
		return runAirlockCheck(args[1:], stdout, stderr)
	case "request":
		return runAirlockRequest(args[1:], stdout, stderr)
	case "list":
		return runAirlockList(args[1:], stdout, stderr)
	case "show":
		return runAirlockShow(args[1:], stdout, stderr)
	case "approve":
		return runAirlockReview(ledger.Approve, args[1:], stdout, stderr)
	case "reject":
		return runAirlockReview(ledger.Reject, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "sce airlock: unknown command %q\n%s\n", args[0], airlockUsage)
	return 2
}

// checkFlags are the options of the automated checks, shared by check and request.
type checkFlags struct {
	released, precision *string
	minCell, maxDiff    *int
	names               *repeatFlag
}

// addCheckFlags registers the checks' flags on a command's flag set.
func addCheckFlags(fs *cmdFlags) checkFlags {
	c := checkFlags{
		released:  fs.String("released", "", "`DIR` of files already released, compared for differencing"),
		minCell:   fs.Int("min-cell", airlock.DefaultMinCell, "smallest `COUNT` a table of counts may show (ACRO's safe_threshold)"),
		precision: fs.String("date-precision", string(airlock.DefaultDatePrecision), "most precise date a cell may hold, `year|month|day`"),
		maxDiff:   fs.Int("max-difference", airlock.DefaultMaxDifference, "most `ROWS` or cells a file may differ from a released one by and be flagged"),
		names:     &repeatFlag{},
	}
	fs.Var(c.names, "name", "a `NAME` to look for, as in sce:phiNames (repeatable)")
	return c
}

// options returns the checks' options, refusing the numbers that cannot be limits.
func (c checkFlags) options() (airlock.Options, error) {
	if *c.minCell < 1 || *c.maxDiff < 1 {
		return airlock.Options{}, fmt.Errorf("--min-cell (%d) and --max-difference (%d) must be 1 or more", *c.minCell, *c.maxDiff)
	}
	return airlock.Options{MinCell: *c.minCell, DatePrecision: airlock.Precision(*c.precision), Names: *c.names, Released: *c.released, MaxDifference: *c.maxDiff}, nil
}

// runAirlockCheck runs the automated checks of results before they are asked out: exit 0 when nothing is
// flagged, 1 when something is, 2 for a usage error or a file that cannot be read.
func runAirlockCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("airlock check", "FILE...", "Check results before asking them out: PHI in names, headers and cells, small cells "+
		"in tables of counts, and near-copies of released files. Exit status: 0 nothing flagged, 1 something flagged, 2 bad usage "+
		"or a file that cannot be read.", stdout, stderr)
	checks := addCheckFlags(fs)
	format := fs.newFormat("text", "text", "json")
	files, code, stop := fs.parseInterspersed(args)
	if stop {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "sce airlock check: name at least one file to check")
		return 2
	}
	o, err := checks.options()
	if err != nil {
		fmt.Fprintf(stderr, "sce airlock check: %v\n", err)
		return 2
	}
	rep, err := airlock.CheckFiles(files, o)
	if err != nil {
		fmt.Fprintf(stderr, "sce %v\n", err)
		return 2
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "sce airlock check: write the report: %v\n", err)
			return 2
		}
	} else {
		for _, f := range rep.Findings {
			fmt.Fprintln(stdout, f)
		}
	}
	flagged := 0
	for _, f := range rep.Findings {
		if f.Level == airlock.Flagged {
			flagged++
		}
	}
	if flagged > 0 {
		fmt.Fprintf(stderr, "sce airlock check: %d findings flagged in %d files: resolve them, or explain them to the reviewers\n", flagged, len(files))
		return 1
	}
	if *format == "text" {
		fmt.Fprintf(stdout, "%d files checked: nothing flagged\n", len(files))
	}
	return 0
}

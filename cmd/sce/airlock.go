package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/sce-project/sce/internal/airlock"
)

// runAirlock dispatches the airlock's subcommands. Only check exists so far: the requests, reviews and
// releases come with the per-person identity.
func runAirlock(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: sce airlock check FILE... [--released DIR] [--min-cell N] [--date-precision year|month|day] [--max-difference N] [--name NAME ...] [--format text|json]")
		return 2
	}
	return runAirlockCheck(args[1:], stdout, stderr)
}

// runAirlockCheck runs the automated checks of results before they are asked out: exit 0 when nothing is
// flagged, 1 when something is, 2 for a usage error or a file that cannot be read.
func runAirlockCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("airlock check", "FILE...", "Check results before asking them out: PHI in names, headers and cells, small cells "+
		"in tables of counts, and near-copies of released files. Exit status: 0 nothing flagged, 1 something flagged, 2 bad usage "+
		"or a file that cannot be read.", stdout, stderr)
	releasedDir := fs.String("released", "", "`DIR` of files already released, compared for differencing")
	minCell := fs.Int("min-cell", airlock.DefaultMinCell, "smallest `COUNT` a table of counts may show (ACRO's safe_threshold)")
	precision := fs.String("date-precision", string(airlock.DefaultDatePrecision), "most precise date a cell may hold, `year|month|day`")
	maxDiff := fs.Int("max-difference", airlock.DefaultMaxDifference, "most `ROWS` or cells a file may differ from a released one by and be flagged")
	format := fs.newFormat("text", "text", "json")
	var names repeatFlag
	fs.Var(&names, "name", "a `NAME` to look for, as in sce:phiNames (repeatable)")
	files, code, stop := fs.parseInterspersed(args)
	if stop {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "sce airlock check: name at least one file to check")
		return 2
	}
	if *minCell < 1 || *maxDiff < 1 {
		fmt.Fprintf(stderr, "sce airlock check: --min-cell (%d) and --max-difference (%d) must be 1 or more\n", *minCell, *maxDiff)
		return 2
	}
	rep, err := airlock.CheckFiles(files, airlock.Options{MinCell: *minCell, DatePrecision: airlock.Precision(*precision),
		Names: names, Released: *releasedDir, MaxDifference: *maxDiff})
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

package main

import (
	"fmt"
	"io"
	"time"

	"github.com/sce-project/sce/internal/synth"
)

// runSynthdata runs `sce synthdata`: it writes the seed's synthetic data set (patients.csv,
// patientParameters.csv, timeseries.csv) into a directory.
func runSynthdata(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("synthdata", "", "Write the seed's synthetic data set (patients.csv, patientParameters.csv, timeseries.csv), "+
		"deterministic for a seed.", stdout, stderr)
	patients := fs.Int("patients", synth.DefaultPatients, fmt.Sprintf("how many patients, `N` from 1 to %d", synth.MaxPatients))
	visits := fs.Int("visits", synth.DefaultVisits, fmt.Sprintf("how many visits (rows of timeseries.csv), `N` from 0 to %d", synth.MaxVisits))
	seed := fs.Uint64("seed", synth.DefaultSeed, "`SEED` of the random numbers: the same seed gives the same files")
	out := fs.String("out", ".", "`DIR` to write the three CSV files into (created if missing)")
	if code, stop := fs.parse(args); stop {
		return code
	}
	if fs.NArg() > 0 {
		return fs.usageError("unexpected argument %q", fs.Arg(0))
	}
	opts := synth.Options{Patients: *patients, Visits: *visits, Seed: *seed}
	if err := opts.Validate(); err != nil {
		fmt.Fprintf(stderr, "sce synthdata: %v\n", err)
		return 2
	}
	start := time.Now()
	sum, err := synth.WriteDir(opts, *out)
	if err != nil {
		fmt.Fprintf(stderr, "sce synthdata: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d patients and %d visits (seed %d) in %s\n", sum.Patients, sum.Visits, opts.Seed,
		time.Since(start).Round(time.Millisecond))
	if sum.Visits > 0 {
		fmt.Fprintf(stdout, "visits from %s to %s\n", sum.FirstVisit.Format(time.DateOnly), sum.LastVisit.Format(time.DateOnly))
	}
	for _, f := range sum.Files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	return 0
}

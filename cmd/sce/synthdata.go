package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sce-project/sce/internal/synth"
)

// runSynthdata runs `sce synthdata`: it writes the seed's synthetic data set (patients.csv,
// patientParameters.csv, timeseries.csv) into a directory.
func runSynthdata(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("synthdata", flag.ContinueOnError)
	fs.SetOutput(stderr)
	patients := fs.Int("patients", synth.DefaultPatients, fmt.Sprintf("number of patients, 1 to %d", synth.MaxPatients))
	visits := fs.Int("visits", synth.DefaultVisits, fmt.Sprintf("number of visits (rows of timeseries.csv), 0 to %d", synth.MaxVisits))
	seed := fs.Uint64("seed", synth.DefaultSeed, "seed of the random numbers: the same seed gives the same files")
	out := fs.String("out", ".", "directory to write the three CSV files into (created if missing)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sce synthdata: unexpected argument %q\n", fs.Arg(0))
		return 2
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

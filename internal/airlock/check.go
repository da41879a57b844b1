package airlock

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// CheckFiles runs every check on every file and returns the report. An error means that a file, or a
// released file, could not be read or parsed: then no report is given, since a check not run must never
// read as a check passed.
func CheckFiles(files []string, o Options) (Report, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Report{}, fmt.Errorf("airlock check: %w", err)
	}
	if len(files) == 0 {
		return Report{}, fmt.Errorf("airlock check: no file to check")
	}
	rel, err := readReleased(o.Released)
	if err != nil {
		return Report{}, fmt.Errorf("airlock check: %w", err)
	}
	c := newPHIChecker(o)
	rep := Report{Files: files, Options: o, Findings: []Finding{}}
	for _, path := range files {
		info, err := os.Stat(path)
		if err != nil {
			return Report{}, fmt.Errorf("airlock check: %w", err)
		}
		if info.IsDir() {
			return Report{}, fmt.Errorf("airlock check: %s is a directory: name the files to check", path)
		}
		fs := c.fileName(path)
		if !isCSV(path) {
			fs = append(fs, Finding{File: path, Check: CheckUnchecked, Kind: filepath.Ext(path), Level: Note,
				Message: "not a CSV: no check reads its contents, so the reviewers must read it whole"})
			rep.Findings = append(rep.Findings, fs...)
			continue
		}
		t, err := readTable(path)
		if err != nil {
			return Report{}, fmt.Errorf("airlock check: %w", err)
		}
		fs = append(fs, c.header(path, t)...)
		fs = append(fs, c.cells(path, t)...)
		fs = append(fs, smallCells(path, t, o.MinCell)...)
		fs = append(fs, differences(path, t, rel, o.MaxDifference)...)
		sort.SliceStable(fs, func(i, j int) bool {
			if fs[i].Row != fs[j].Row {
				return fs[i].Row < fs[j].Row
			}
			return fs[i].Column < fs[j].Column
		})
		rep.Findings = append(rep.Findings, fs...)
	}
	return rep, nil
}

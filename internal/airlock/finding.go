package airlock

import "fmt"

// Check names one of the automated checks.
type Check string

// The checks.
const (
	CheckPHI        Check = "phi"
	CheckSmallCell  Check = "small-cell"
	CheckDifference Check = "difference"
	// CheckUnchecked marks a file whose contents no check can read (not a CSV): a note for reviewers.
	CheckUnchecked Check = "unchecked"
)

// Level says whether a finding stops a release.
type Level string

// Levels.
const (
	// Flagged findings must be resolved (or justified to the reviewers) before release.
	Flagged Level = "flag"
	// Note findings tell the reviewers what the checks could not judge.
	Note Level = "note"
)

// Finding is one result of a check: where, what, and why, never the flagged text itself.
type Finding struct {
	// File is the path of the checked file, as given.
	File string `json:"file"`
	// Row is the CSV line (the header is line 1); 0 for the file as a whole or its name.
	Row int `json:"row,omitempty"`
	// Column is the 1-based column; 0 for a whole row, the file or its name.
	Column int `json:"column,omitempty"`
	// Header is the column's header, when the file has one.
	Header string `json:"header,omitempty"`
	// Check is the check that found it.
	Check Check `json:"check"`
	// Kind refines it: the kind of identifier ("ssn", "date", "name-column", ...), "count" for a small
	// cell, "rows" or "cells" for a difference.
	Kind string `json:"kind"`
	// Level is Flagged or Note.
	Level Level `json:"level"`
	// Message says what was found and what to do, without the text found.
	Message string `json:"message"`
}

// String is the finding as `sce airlock check` prints it: file:row:column, check, message.
func (f Finding) String() string {
	where := f.File
	switch {
	case f.Row > 0 && f.Column > 0:
		where = fmt.Sprintf("%s:%d:%d", f.File, f.Row, f.Column)
	case f.Row > 0:
		where = fmt.Sprintf("%s:%d", f.File, f.Row)
	}
	col := ""
	if f.Header != "" {
		col = fmt.Sprintf(" [%s]", f.Header)
	}
	return fmt.Sprintf("%s%s: %s %s (%s): %s", where, col, f.Level, f.Check, f.Kind, f.Message)
}

// Report is the result of checking a set of files, as recorded with an egress request.
type Report struct {
	// Files are the files checked, as given.
	Files []string `json:"files"`
	// Options are the settings the checks ran with.
	Options Options `json:"options"`
	// Findings are every finding, file by file, in row and column order.
	Findings []Finding `json:"findings"`
}

// Flagged reports whether any finding stops the release.
func (r Report) Flagged() bool {
	for _, f := range r.Findings {
		if f.Level == Flagged {
			return true
		}
	}
	return false
}

package airlock

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// released is one file already released, parsed.
type released struct {
	path  string
	table *table
}

// readReleased parses every CSV under dir (recursively). A released file that cannot be parsed is an
// error: a comparison silently skipped would let a differencing pass unseen.
func readReleased(dir string) ([]released, error) {
	if dir == "" {
		return nil, nil
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("released files: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("released files: %s is not a directory", dir)
	}
	var out []released
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isCSV(path) {
			return nil
		}
		t, err := readTable(path)
		if err != nil {
			return fmt.Errorf("released file: %w", err)
		}
		out = append(out, released{path: path, table: t})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

// differences compares a CSV with every released file of the same header: a few rows added or removed,
// or, with the same rows in the same order, a few cells changed, is flagged. An identical file is not:
// releasing it again reveals nothing new.
func differences(path string, t *table, rel []released, most int) []Finding {
	var out []Finding
	for _, r := range rel {
		if !slices.Equal(t.header, r.table.header) {
			continue
		}
		if fs := cellDifference(path, t, r, most); fs != nil {
			out = append(out, fs...)
			continue
		}
		out = append(out, rowDifference(path, t, r, most)...)
	}
	return out
}

// rowKey is a row as one comparable string.
func rowKey(row []string) string { return strings.Join(trimAll(row), "\x1f") }

// rowDifference flags a file whose rows are those of a released file but for 1 to most rows added or
// taken away.
func rowDifference(path string, t *table, r released, most int) []Finding {
	count := map[string]int{}
	for _, row := range r.table.rows {
		count[rowKey(row)]++
	}
	var added []int
	for i, row := range t.rows {
		k := rowKey(row)
		if count[k] > 0 {
			count[k]--
			continue
		}
		added = append(added, i)
	}
	removed := 0
	for _, n := range count {
		removed += n
	}
	changed := len(added) + removed
	shared := len(t.rows) - len(added)
	if changed == 0 || changed > most || shared == 0 {
		return nil
	}
	var out []Finding
	msg := fmt.Sprintf("the file has the rows of the released %s but for %d added and %d removed: subtracting the two tables reveals those rows", r.path, len(added), removed)
	for _, i := range added {
		out = append(out, Finding{File: path, Row: t.lines[i], Check: CheckDifference, Kind: "rows", Level: Flagged, Message: msg})
	}
	if len(added) == 0 {
		out = append(out, Finding{File: path, Check: CheckDifference, Kind: "rows", Level: Flagged, Message: msg})
	}
	return out
}

// cellDifference flags a file with as many rows as a released file, row for row the same but for 1 to
// most cells.
func cellDifference(path string, t *table, r released, most int) []Finding {
	if len(t.rows) != len(r.table.rows) {
		return nil
	}
	type cell struct{ row, col int }
	var diff []cell
	for i, row := range t.rows {
		old := r.table.rows[i]
		if len(row) != len(old) {
			return nil
		}
		for j := range row {
			if strings.TrimSpace(row[j]) != strings.TrimSpace(old[j]) {
				diff = append(diff, cell{i, j})
				if len(diff) > most {
					return nil
				}
			}
		}
	}
	if len(diff) == 0 {
		return nil
	}
	var out []Finding
	for _, d := range diff {
		out = append(out, Finding{File: path, Row: t.lines[d.row], Column: d.col + 1, Header: t.headerOf(d.col), Check: CheckDifference, Kind: "cells", Level: Flagged,
			Message: fmt.Sprintf("the file is the released %s with %d cells changed: the change between the two reveals the records that made it", r.path, len(diff))})
	}
	return out
}

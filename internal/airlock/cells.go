package airlock

import (
	"fmt"
	"strconv"
	"strings"
)

// countHeaders are the header words that name a column of counts.
var countHeaders = map[string]bool{
	"n": true, "count": true, "counts": true, "freq": true, "frequency": true, "cases": true, "patients": true,
	"persons": true, "people": true, "subjects": true, "participants": true, "individuals": true, "events": true,
	"number": true, "num": true, "total": true, "observations": true, "records": true, "deaths": true, "admissions": true,
}

// notCountHeaders are header words of whole-number columns that are not counts: a cross-tabulation with
// one of them is not taken as a table of counts.
var notCountHeaders = map[string]bool{
	"year": true, "yr": true, "age": true, "id": true, "code": true, "month": true, "day": true, "week": true,
	"rank": true, "order": true, "index": true, "version": true, "concept": true, "zip": true, "score": true,
	"dose": true, "days": true, "hours": true, "minutes": true, "length": true, "duration": true,
}

// isCountHeader reports whether a header names a count: one of countHeaders, or a header whose first or
// last word is one ("n_patients", "patient_count", "number of cases").
func isCountHeader(h string) bool {
	words := strings.Fields(headerWords(h))
	if len(words) == 0 {
		return false
	}
	return countHeaders[words[0]] || countHeaders[words[len(words)-1]]
}

func isNotCountHeader(h string) bool {
	for _, w := range strings.Fields(headerWords(h)) {
		if notCountHeaders[w] {
			return true
		}
	}
	return false
}

// wholeNumber reads a non-negative whole number ("12", "1,234", "12.0").
func wholeNumber(v string) (int64, bool) {
	v = strings.ReplaceAll(strings.TrimSpace(v), ",", "")
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, n >= 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f != float64(int64(f)) {
		return 0, false
	}
	return int64(f), true
}

// countColumns returns the columns of a CSV that hold counts, and how the table was recognised: the
// columns named as counts whose every non-empty cell is a whole number; or, failing that, every column
// but the first of a cross-tabulation (labels in the first column, whole numbers in every other cell,
// no header naming another measure).
func countColumns(t *table) (cols []int, shape string) {
	width := len(t.header)
	whole := make([]bool, width)
	for i := range whole {
		whole[i] = true
	}
	nonEmpty := make([]bool, width)
	firstNumeric := true
	for _, row := range t.rows {
		for i := range width {
			v := ""
			if i < len(row) {
				v = strings.TrimSpace(row[i])
			}
			if v == "" {
				continue
			}
			nonEmpty[i] = true
			if _, ok := wholeNumber(v); !ok {
				whole[i] = false
			}
			if i == 0 && !isNumber(v) {
				firstNumeric = false
			}
		}
	}
	for i, h := range t.header {
		if isCountHeader(h) && whole[i] && nonEmpty[i] {
			cols = append(cols, i)
		}
	}
	if len(cols) > 0 {
		return cols, "a column named as a count"
	}
	if width < 2 || len(t.rows) == 0 || firstNumeric {
		return nil, ""
	}
	for i := 1; i < width; i++ {
		if !whole[i] || !nonEmpty[i] || isNotCountHeader(t.header[i]) {
			return nil, ""
		}
		cols = append(cols, i)
	}
	return cols, "a cross-tabulation of counts"
}

// smallCells flags every count below the threshold, zero included (ACRO's zeros_are_disclosive).
func smallCells(path string, t *table, minCell int) []Finding {
	cols, shape := countColumns(t)
	var out []Finding
	for r, row := range t.rows {
		for _, i := range cols {
			if i >= len(row) {
				continue
			}
			n, ok := wholeNumber(row[i])
			if !ok || n >= int64(minCell) {
				continue
			}
			out = append(out, Finding{File: path, Row: t.lines[r], Column: i + 1, Header: t.headerOf(i), Check: CheckSmallCell, Kind: "count", Level: Flagged,
				Message: fmt.Sprintf("a count below %d in %s: suppress it, or merge groups until every count is %d or more", minCell, shape, minCell)})
		}
	}
	return out
}

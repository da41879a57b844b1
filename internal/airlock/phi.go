package airlock

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/sce-project/sce/internal/phi"
)

// identifierColumns are the header words that name a column of direct identifiers (HIPAA Safe Harbor,
// 45 CFR 164.514(b)(2)(i)), by the kind reported. A header matches when its words, split at anything
// but letters and digits and at lower-to-upper case changes, equal one of these phrases.
var identifierColumns = []struct {
	kind    string
	phrases []string
}{
	{"name-column", []string{"name", "names", "first name", "last name", "given name", "family name", "surname", "full name", "patient name", "forename", "middle name", "maiden name"}},
	{"birth-date-column", []string{"dob", "date of birth", "birth date", "birthdate", "birthday", "birth dt", "bdate"}},
	{"ssn-column", []string{"ssn", "social security number", "social security", "social security no"}},
	{"mrn-column", []string{"mrn", "medical record number", "medical record", "record number", "patient id", "patient number", "person source value", "chart number"}},
	{"phone-column", []string{"phone", "phone number", "telephone", "mobile", "cell phone", "fax", "fax number"}},
	{"email-column", []string{"email", "e mail", "email address", "mail"}},
	{"address-column", []string{"address", "street", "street address", "address 1", "address 2", "address line 1", "address line 2", "home address", "city", "zip", "zip code", "zipcode", "postcode", "postal code"}},
}

var (
	wordSplit   = regexp.MustCompile(`[^A-Za-z0-9]+`)
	camelBreak  = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	streetRE    = regexp.MustCompile(`(?i)\b\d{1,6}\s+(?:[A-Za-z0-9.'-]+\s+){1,4}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|circle|cir|highway|hwy|parkway|pkwy)\b\.?`)
	zipPlus4RE  = regexp.MustCompile(`\b\d{5}-\d{4}\b`)
	isoDateRE   = regexp.MustCompile(`\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])`)
	yearMonthRE = regexp.MustCompile(`(?i)^(?:(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])|(?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[\s-]+(?:19|20)\d{2}|(?:19|20)\d{2}[\s-]+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)$`)
)

// headerWords returns a header's words in lower case: "DateOfBirth" and "date_of_birth" both give
// "date of birth".
func headerWords(h string) string {
	h = camelBreak.ReplaceAllString(h, "$1 $2")
	return strings.Join(strings.Fields(strings.ToLower(wordSplit.ReplaceAllString(h, " "))), " ")
}

// identifierColumn returns the kind of identifier a header names, or "".
func identifierColumn(h string) string {
	w := headerWords(h)
	for _, c := range identifierColumns {
		for _, p := range c.phrases {
			if w == p {
				return c.kind
			}
		}
	}
	return ""
}

// phiChecker finds PHI in names, headers and cells.
type phiChecker struct {
	detector  *phi.Detector
	precision Precision
}

func newPHIChecker(o Options) *phiChecker {
	return &phiChecker{detector: phi.New(o.Names), precision: o.DatePrecision}
}

// fileName checks the file's base name, as the upload path checks object keys.
func (c *phiChecker) fileName(path string) []Finding {
	var out []Finding
	for _, k := range kinds(c.detector.Check(filepath.Base(path))) {
		out = append(out, Finding{File: path, Check: CheckPHI, Kind: k, Level: Flagged,
			Message: fmt.Sprintf("the file's name looks like it holds a %s: rename the file", describeKind(k))})
	}
	return out
}

// header checks a CSV's header: identifier columns, and PHI in the header text itself.
func (c *phiChecker) header(path string, t *table) []Finding {
	var out []Finding
	for i, h := range t.header {
		if kind := identifierColumn(h); kind != "" {
			out = append(out, Finding{File: path, Row: 1, Column: i + 1, Header: h, Check: CheckPHI, Kind: kind, Level: Flagged,
				Message: fmt.Sprintf("the column is named like a column of %s: leave it out of results", strings.TrimSuffix(kind, "-column")+"s")})
		}
		for _, k := range kinds(c.detector.Check(h)) {
			out = append(out, Finding{File: path, Row: 1, Column: i + 1, Header: h, Check: CheckPHI, Kind: k, Level: Flagged,
				Message: fmt.Sprintf("the header looks like it holds a %s", describeKind(k))})
		}
	}
	return out
}

// cell checks one cell and returns the kinds of identifier it holds.
func (c *phiChecker) cell(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	numeric := isNumber(v)
	var out []string
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, f := range c.detector.Check(v) {
		switch {
		case f.Kind == phi.KindMRN && numeric:
			continue // a count or a sum, not a record number
		case f.Kind == phi.KindDate && c.precision == PrecisionDay:
			continue
		}
		add(string(f.Kind))
	}
	if c.precision != PrecisionDay && isoDateRE.MatchString(v) {
		add(string(phi.KindDate)) // a timestamp is a date with a day too
	}
	if c.precision == PrecisionYear && yearMonthRE.MatchString(v) {
		add("year-month")
	}
	if streetRE.MatchString(v) {
		add("address")
	}
	if zipPlus4RE.MatchString(v) {
		add("zip")
	}
	return out
}

// cells checks every cell of a CSV.
func (c *phiChecker) cells(path string, t *table) []Finding {
	var out []Finding
	for r, row := range t.rows {
		for i, v := range row {
			for _, k := range c.cell(v) {
				out = append(out, Finding{File: path, Row: t.lines[r], Column: i + 1, Header: t.headerOf(i), Check: CheckPHI, Kind: k, Level: Flagged,
					Message: fmt.Sprintf("the cell looks like it holds a %s", describeKind(k))})
			}
		}
	}
	return out
}

// describeKind names a kind of identifier for messages.
func describeKind(k string) string {
	switch k {
	case string(phi.KindSSN):
		return "social security number"
	case string(phi.KindDate):
		return "date with a day (Safe Harbor keeps the year only; give ages or years)"
	case "year-month":
		return "date with a month, more precise than the year allowed"
	case string(phi.KindPhone):
		return "phone number"
	case string(phi.KindEmail):
		return "e-mail address"
	case string(phi.KindMRN):
		return "medical record number"
	case string(phi.KindName):
		return "name of a project's patient (sce:phiNames)"
	case "address":
		return "street address"
	case "zip":
		return "ZIP+4 code"
	}
	return k
}

// kinds lists the kinds of identifier of a detector's findings, each once.
func kinds(fs []phi.Finding) []string {
	var out []string
	seen := map[phi.Kind]bool{}
	for _, f := range fs {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			out = append(out, string(f.Kind))
		}
	}
	return out
}

// isNumber reports whether a cell is a plain number: "12", "-3.5", "1e6", "1,234".
func isNumber(v string) bool {
	_, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
	return err == nil
}

// Package textsafe makes text that an outsider controls safe to print in a report: an object key from a
// denied request, a principal, a user agent, a file name from a listing. Three places interpret what they
// are given, and each gets its own function:
//
//   - a terminal (Text): control characters are escaped so that ANSI escape sequences, carriage returns
//     and newlines cannot rewrite the screen, forge report lines or hide a row, and Unicode's
//     bidirectional overrides cannot reorder what is shown (CVE-2021-42574, "Trojan Source"). Invalid
//     UTF-8 is escaped byte by byte.
//   - a spreadsheet opening a CSV file (CSVCell): the same escapes, and a cell that a spreadsheet would
//     evaluate as a formula (one starting with =, +, -, @, a tab, a carriage return or NUL, CWE-1236) is
//     prefixed with a single quote, as OWASP's CSV Injection page and ASVS 1.2.10 advise. The CSV
//     quoting itself (RFC 4180) is encoding/csv's.
//   - a Markdown renderer (MarkdownCell): the same escapes, then a backslash before every character that
//     CommonMark or GitHub tables give a meaning (emphasis, links, images, raw HTML, code spans, entities,
//     table pipes), so that a value renders as the text it is.
//
// The escapes are Go's: \n, \r, \t, \x1b, \u202e. A backslash in the value is doubled, so the escaped
// form is unambiguous and an attacker cannot forge an escape that reads as another value.
package textsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s with every control character (C0, DEL, C1), every bidirectional formatting character and
// every invalid UTF-8 byte replaced by a visible escape, and each backslash doubled. Printable text,
// including non-ASCII letters, is unchanged.
func Text(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// isPlain reports whether s needs no escape at all (the common case, kept allocation-free).
func isPlain(s string) bool {
	for _, r := range s {
		if r == '\\' || r == utf8.RuneError || unsafe(r) {
			return false
		}
	}
	return true
}

// unsafe reports whether a rune must not reach a terminal as it is: a control character (C0, DEL and C1,
// which includes the 8-bit CSI 0x9b) or a bidirectional formatting character (U+061C, U+200E, U+200F,
// U+202A to U+202E, U+2066 to U+2069).
func unsafe(r rune) bool {
	if unicode.IsControl(r) {
		return true
	}
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// formulaStarts are the first characters that make a spreadsheet read a cell as a formula.
const formulaStarts = "=+-@\t\r\x00"

// CSVCell returns s made safe for a CSV cell: Text's escapes, then a leading single quote when the value
// (or the value after leading spaces, which spreadsheets skip) starts with a formula character. Pass the
// result to encoding/csv, which quotes it.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	first := strings.TrimLeft(s, " ")
	if first != "" && strings.ContainsRune(formulaStarts, rune(first[0])) {
		return "'" + Text(s)
	}
	return Text(s)
}

// markdownSpecial are the characters CommonMark lets a backslash escape that mean something inline or in
// a GitHub table: emphasis (* _ ~), code spans (`), links and images ([ ]: a parenthesis or ! means
// nothing without them), raw HTML and autolinks (< >), entities (&), table cells (|) and the backslash
// itself.
const markdownSpecial = "\\`*_~[]<>&|"

// MarkdownCell returns s made safe for a Markdown table cell or list item: Text's escapes, then a
// backslash before every character in markdownSpecial. An empty value becomes one space, so that the
// cell still exists.
func MarkdownCell(s string) string {
	if s == "" {
		return " "
	}
	t := Text(s)
	var b strings.Builder
	for _, r := range t {
		if strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

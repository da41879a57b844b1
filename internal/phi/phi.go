// Package phi finds protected health information (PHI) in S3 object keys. It is the one detector that
// `sce upload` and the upload-event Lambda share, so that what the CLI refuses and what the Lambda flags
// are the same keys.
//
// An object key is not a place for PHI: keys appear in CloudTrail, S3 server access logs, inventory
// reports, error messages and terminal histories, none of which is protected like the objects
// themselves. The detector looks for the identifiers HIPAA's Safe Harbor method lists that can be told
// from their shape, plus the names a project configures:
//
//   - KindSSN: a social security number written 3-2-4 with one separator repeated ("123-45-6789",
//     "123 45 6789", "123_45_6789", "123.45.6789"). Numbers that the Social Security Administration never
//     issues (area 000, 666 or 9xx) are reported too: the shape is what leaks. A bare nine-digit run is
//     reported as KindMRN.
//   - KindDate: a calendar date with a day ("1920-08-26", "19200826", "08/26/1920", "8-26-20",
//     "26.08.1920", "26Aug1920", "Aug 26 1920", "August 26, 1920"). Every date with a day is reported,
//     not only plausible birth dates: HIPAA counts every date related to a person (birth, admission,
//     discharge, death) as PHI, and a key cannot say which date it holds. Four-digit years must lie in
//     1900-2099; two-digit years are read only in month-day-year order with "-" or "/"; dotted dates need a
//     four-digit year, so that version numbers such as "1.2.33" are not dates. After a month name, day and
//     year must be apart ("Aug 26 1920", "Aug 26th1920"). A year and month without a day ("2026-11",
//     "Aug-2026") is not reported.
//   - KindPhone: North American numbers ("(555) 123-4567", "555-123-4567", "555.123.4567",
//     "+1 555 123 4567", "123-4567") and international numbers written with a leading "+" and 8 to 15
//     digits.
//   - KindEmail: an e-mail address.
//   - KindMRN: a run of MRNMinDigits (7) or more digits, the length of most medical record numbers, or
//     three or more digits right after an "mrn" label ("mrn_12345"). Runs of six digits or fewer (part
//     numbers such as "part-000001", years, counters) are allowed. Epoch timestamps (ten digits) are
//     reported: name files with ISO 8601 timestamps instead.
//   - KindName: a configured name, case-insensitive, word-bounded: not preceded or followed by a letter,
//     where a change from a lower-case to an upper-case letter also counts as a boundary ("JohnSmith"
//     holds "Smith"). A name of several words matches with any run of spaces, "_", "-", "." or "+"
//     between them, or none ("JohnYaya", "johnyaya").
//
// Machine-made parts of a key are not PHI and are skipped: a complete ISO 8601 timestamp with a time of
// day and a zone, in extended or basic form with ":" or "-" between the time fields
// ("2026-11-28T10:00:00Z", "2026-11-28T10-00-00Z", "20261128T100000Z", "2026-11-28T10:00:00.123+01:00"),
// a UUID, and a run of 16 or more hexadecimal characters with both digits and letters (a digest). A
// timestamp without a zone ("2026-11-28T10:00") is not skipped: a person's appointment is written that
// way.
//
// A Finding names the kind and the byte positions, never the text, so that a caller can report a refusal
// without echoing the key. KeyHash gives a stable name for a key in logs. A SHA-256 of a short key is no
// anonymisation (nine-digit numbers can be enumerated): it keeps keys out of casual view, nothing more.
package phi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MRNMinDigits is the shortest run of digits reported as a medical record number.
const MRNMinDigits = 7

// Kind names a kind of identifier the detector reports.
type Kind string

// The kinds of identifier, in the order of precedence used when two detectors report the same span.
const (
	KindSSN   Kind = "ssn"
	KindDate  Kind = "date"
	KindPhone Kind = "phone"
	KindEmail Kind = "email"
	KindMRN   Kind = "mrn"
	KindName  Kind = "name"
)

// Finding is one identifier found in a key: its kind and the byte offsets [Start, End) of the span. It
// never carries the text.
type Finding struct {
	Kind  Kind
	Start int
	End   int
}

// String describes the finding without its text, for example "ssn at bytes 5-16".
func (f Finding) String() string {
	return fmt.Sprintf("%s at bytes %d-%d", f.Kind, f.Start, f.End)
}

// Detector checks object keys. It is safe for concurrent use.
type Detector struct {
	names []*regexp.Regexp
}

// New returns a detector that also reports the given names (given names, surnames or full names).
// Blank entries are ignored; surrounding white space is trimmed.
func New(names []string) *Detector {
	d := &Detector{}
	for _, n := range names {
		words := strings.FieldsFunc(n, isNameSeparator)
		if len(words) == 0 {
			continue
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = regexp.QuoteMeta(w)
		}
		d.names = append(d.names, regexp.MustCompile(`(?i)`+strings.Join(quoted, `[\s_.+\-]*`)))
	}
	return d
}

// Names reports how many names the detector holds.
func (d *Detector) Names() int { return len(d.names) }

// KeyHash returns the hexadecimal SHA-256 of key: a name for the key in logs and reports that does not
// show it.
func KeyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Check returns every identifier found in key, ordered by position. An empty result means the key looks
// free of PHI.
func (d *Detector) Check(key string) []Finding {
	allowed := allowedSpans(key)
	var found []Finding
	add := func(k Kind, start, end int) {
		for _, a := range allowed {
			if start >= a[0] && end <= a[1] {
				return
			}
		}
		found = append(found, Finding{Kind: k, Start: start, End: end})
	}
	for _, p := range numericPatterns {
		for _, m := range findAllOverlapping(p.re, key) {
			start, end := m[0], m[1]
			if !digitBounded(key, start, end) || (p.wordStart && !wordStartsAt(key, start)) {
				continue
			}
			if p.valid != nil && !p.valid(key[start:end]) {
				continue
			}
			add(p.kind, start, end)
		}
	}
	for _, m := range emailRE.FindAllStringIndex(key, -1) {
		add(KindEmail, m[0], m[1])
	}
	for _, m := range mrnLabelRE.FindAllStringIndex(key, -1) {
		if !letterBoundedLeft(key, m[0]) || (m[1] < len(key) && isDigit(key[m[1]])) {
			continue
		}
		add(KindMRN, m[0], m[1])
	}
	for _, re := range d.names {
		for _, m := range findAllOverlapping(re, key) {
			if wordBounded(key, m[0], m[1]) {
				add(KindName, m[0], m[1])
			}
		}
	}
	return dedupe(found)
}

// dedupe sorts the findings by position and drops every finding whose span lies inside another one's:
// "123-4567" inside the phone number "555-123-4567" is not reported twice. Of two findings with the same
// span, the kind of higher precedence (the order of the Kind constants) is kept.
func dedupe(found []Finding) []Finding {
	rank := map[Kind]int{KindSSN: 0, KindDate: 1, KindPhone: 2, KindEmail: 3, KindMRN: 4, KindName: 5}
	slices.SortStableFunc(found, func(a, b Finding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return b.End - a.End
		}
		return rank[a.Kind] - rank[b.Kind]
	})
	var kept []Finding
	for _, f := range found {
		inside := false
		for _, k := range kept {
			if f.Start >= k.Start && f.End <= k.End {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, f)
		}
	}
	return kept
}

// findAllOverlapping returns every leftmost match of re, restarting one byte after the start of each
// match so that a match rejected by a boundary test does not hide one that begins inside it.
func findAllOverlapping(re *regexp.Regexp, s string) [][2]int {
	var out [][2]int
	for pos := 0; pos < len(s); {
		loc := re.FindStringIndex(s[pos:])
		if loc == nil {
			break
		}
		out = append(out, [2]int{pos + loc[0], pos + loc[1]})
		_, size := utf8.DecodeRuneInString(s[pos+loc[0]:])
		pos += loc[0] + size
	}
	return out
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// digitBounded reports whether s[start:end] is neither preceded nor followed by a digit.
func digitBounded(s string, start, end int) bool {
	return (start == 0 || !isDigit(s[start-1])) && (end == len(s) || !isDigit(s[end]))
}

// letterBoundedLeft reports whether s[start:] is not preceded by a letter.
func letterBoundedLeft(s string, start int) bool {
	if start == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:start])
	return !unicode.IsLetter(r)
}

// wordBounded reports whether s[start:end] stands as a word: no letter continues it on either side,
// unless the case changes from lower to upper at the boundary (camel case).
func wordBounded(s string, start, end int) bool {
	return wordStartsAt(s, start) && wordEndsAt(s, end)
}

// wordStartsAt reports whether a word may start at s[start]: no letter before it, or a lower-case letter
// before an upper-case one.
func wordStartsAt(s string, start int) bool {
	if start == 0 {
		return true
	}
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	first, _ := utf8.DecodeRuneInString(s[start:])
	return !unicode.IsLetter(before) || (unicode.IsLower(before) && unicode.IsUpper(first))
}

// wordEndsAt reports whether a word may end before s[end]: no letter after it, or a lower-case letter
// followed by an upper-case one.
func wordEndsAt(s string, end int) bool {
	if end == len(s) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(s[:end])
	after, _ := utf8.DecodeRuneInString(s[end:])
	return !unicode.IsLetter(after) || (unicode.IsLower(last) && unicode.IsUpper(after))
}

func isNameSeparator(r rune) bool {
	return unicode.IsSpace(r) || r == '_' || r == '-' || r == '.' || r == '+'
}

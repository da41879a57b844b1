package phi

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// numericPattern is a shape of identifier that begins and ends with a digit (or a bracket or plus sign)
// and must not continue into more digits on either side. valid, when set, rejects matches that have the
// shape but not the content (a thirteenth month, two different separators).
// wordStart marks a pattern that begins with a word (a month name), which must not continue a longer word.
type numericPattern struct {
	kind      Kind
	re        *regexp.Regexp
	valid     func(string) bool
	wordStart bool
}

var (
	emailRE    = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	mrnLabelRE = regexp.MustCompile(`(?i)(?:mrn|mr#|medrec)[-_ #:.=]*\d{3,}`)

	timestampRE = regexp.MustCompile(`\d{4}-?\d{2}-?\d{2}[Tt]\d{2}[:\-]?\d{2}(?:[:\-]?\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+\-]\d{2}(?::?\d{2})?)`)
	uuidRE      = regexp.MustCompile(`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`)
	hexRunRE    = regexp.MustCompile(`[0-9A-Fa-f]{16,}`)
	separators  = regexp.MustCompile(`[^0-9]+`)
)

// monthNames holds the English month names; a month is written as its full name or a prefix of at least
// three letters ("Aug", "Sept").
var monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december"}

var numericPatterns = []numericPattern{
	{kind: KindSSN, re: regexp.MustCompile(`\d{3}[-_. ]\d{2}[-_. ]\d{4}`), valid: sameSeparators},
	{kind: KindDate, re: regexp.MustCompile(`\d{4}[-_./]\d{1,2}[-_./]\d{1,2}`), valid: validYMD},
	{kind: KindDate, re: regexp.MustCompile(`\d{1,2}[-_./]\d{1,2}[-_./]\d{4}`), valid: validDMYorMDY},
	{kind: KindDate, re: regexp.MustCompile(`\d{1,2}[-/]\d{1,2}[-/]\d{2}`), valid: validMDYShort},
	{kind: KindDate, re: regexp.MustCompile(`\d{8}`), valid: validCompactDate},
	{kind: KindDate, re: regexp.MustCompile(`(?i)\d{1,2}(?:st|nd|rd|th)?[-_ .]?[a-z]{3,9}[-_ .,]*\d{2,4}`), valid: validDayMonthNameYear},
	{kind: KindDate, re: regexp.MustCompile(`(?i)[a-z]{3,9}[-_ .]*\d{1,2}(?:(?:st|nd|rd|th)[-_ .,]*|[-_ .,]+)\d{2,4}`), valid: validMonthNameDayYear, wordStart: true},
	{kind: KindPhone, re: regexp.MustCompile(`(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]?\d{3}[-. ]\d{4}`), valid: balancedParens},
	{kind: KindPhone, re: regexp.MustCompile(`[2-9]\d{2}-\d{4}`), valid: nil},
	{kind: KindPhone, re: regexp.MustCompile(`\+\d{1,3}(?:[-. ]?\d{1,4}){2,5}`), valid: internationalLength},
	{kind: KindMRN, re: regexp.MustCompile(`\d{` + strconv.Itoa(MRNMinDigits) + `,}`), valid: nil},
}

// allowedSpans returns the machine-made parts of key: ISO 8601 timestamps with a zone, UUIDs and
// hexadecimal digests. Findings that lie inside one are dropped.
func allowedSpans(key string) [][2]int {
	var spans [][2]int
	for _, m := range timestampRE.FindAllStringIndex(key, -1) {
		if digitBounded(key, m[0], m[1]) && validYMD(key[m[0]:m[0]+compactOrExtendedDateLen(key[m[0]:])]) {
			spans = append(spans, [2]int{m[0], m[1]})
		}
	}
	for _, m := range uuidRE.FindAllStringIndex(key, -1) {
		if alnumBounded(key, m[0], m[1]) {
			spans = append(spans, [2]int{m[0], m[1]})
		}
	}
	for _, m := range hexRunRE.FindAllStringIndex(key, -1) {
		run := key[m[0]:m[1]]
		if alnumBounded(key, m[0], m[1]) && strings.ContainsAny(run, "0123456789") &&
			strings.ContainsAny(run, "abcdefABCDEF") {
			spans = append(spans, [2]int{m[0], m[1]})
		}
	}
	return spans
}

// compactOrExtendedDateLen returns the length of the date at the start of a timestamp: 10 for
// "2026-11-28", 8 for "20261128".
func compactOrExtendedDateLen(ts string) int {
	if len(ts) > 4 && ts[4] == '-' {
		return 10
	}
	return 8
}

func isAlnum(b byte) bool {
	return isDigit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

// alnumBounded reports whether s[start:end] is neither preceded nor followed by a letter or digit.
func alnumBounded(s string, start, end int) bool {
	return (start == 0 || !isAlnum(s[start-1])) && (end == len(s) || !isAlnum(s[end]))
}

// numbers splits s at every run of non-digits and returns the numbers and the separators between them.
func numbers(s string) (nums []int, seps []string) {
	for _, f := range separators.Split(s, -1) {
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, nil
		}
		nums = append(nums, n)
	}
	return nums, separators.FindAllString(s, -1)
}

func sameSeparators(s string) bool {
	_, seps := numbers(s)
	return len(seps) == 2 && seps[0] == seps[1]
}

func validDate(year, month, day int) bool {
	if year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1 {
		return false
	}
	return day <= time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// validYMD accepts year-month-day with one separator (or none) and a four-digit year.
func validYMD(s string) bool {
	if len(s) == 8 && !strings.ContainsAny(s, "-_./") {
		return validCompactYMD(s)
	}
	nums, seps := numbers(s)
	return len(nums) == 3 && len(seps) == 2 && seps[0] == seps[1] && validDate(nums[0], nums[1], nums[2])
}

// validDMYorMDY accepts day-month-year or month-day-year with one separator and a four-digit year.
func validDMYorMDY(s string) bool {
	nums, seps := numbers(s)
	if len(nums) != 3 || len(seps) != 2 || seps[0] != seps[1] {
		return false
	}
	return validDate(nums[2], nums[0], nums[1]) || validDate(nums[2], nums[1], nums[0])
}

// validMDYShort accepts month-day-year with a two-digit year, read as 19xx or 20xx.
func validMDYShort(s string) bool {
	nums, seps := numbers(s)
	if len(nums) != 3 || len(seps) != 2 || seps[0] != seps[1] {
		return false
	}
	return validDate(2000+nums[2], nums[0], nums[1]) || validDate(1900+nums[2], nums[0], nums[1])
}

func validCompactYMD(s string) bool {
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[4:6])
	d, _ := strconv.Atoi(s[6:])
	return validDate(y, m, d)
}

// validCompactDate accepts eight digits read as YYYYMMDD or MMDDYYYY.
func validCompactDate(s string) bool {
	if validCompactYMD(s) {
		return true
	}
	m, _ := strconv.Atoi(s[:2])
	d, _ := strconv.Atoi(s[2:4])
	y, _ := strconv.Atoi(s[4:])
	return validDate(y, m, d)
}

// monthNumber returns the month a word names (its full English name or a prefix of three or more
// letters), or 0.
func monthNumber(word string) int {
	word = strings.ToLower(word)
	if len(word) < 3 {
		return 0
	}
	for i, name := range monthNames {
		if strings.HasPrefix(name, word) {
			return i + 1
		}
	}
	return 0
}

var (
	dayMonthYearRE = regexp.MustCompile(`(?i)^(\d{1,2})(?:st|nd|rd|th)?[-_ .]?([a-z]+)[-_ .,]*(\d{2,4})$`)
	monthDayYearRE = regexp.MustCompile(`(?i)^([a-z]+)[-_ .]*(\d{1,2})(?:(?:st|nd|rd|th)[-_ .,]*|[-_ .,]+)(\d{2,4})$`)
)

// fullYear reads a two- or four-digit year; two digits are taken as 19xx (birth dates in keys are
// mostly of living people) and any three-digit year is refused.
func fullYear(s string) int {
	y, _ := strconv.Atoi(s)
	switch len(s) {
	case 2:
		return 1900 + y
	case 4:
		return y
	}
	return 0
}

func validDayMonthNameYear(s string) bool {
	m := dayMonthYearRE.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	day, _ := strconv.Atoi(m[1])
	return validDate(fullYear(m[3]), monthNumber(m[2]), day)
}

func validMonthNameDayYear(s string) bool {
	m := monthDayYearRE.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	day, _ := strconv.Atoi(m[2])
	return validDate(fullYear(m[3]), monthNumber(m[1]), day)
}

func balancedParens(s string) bool {
	return strings.Contains(s, "(") == strings.Contains(s, ")")
}

// internationalLength accepts a "+" number of 8 to 15 digits (E.164 allows at most 15).
func internationalLength(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n >= 8 && n <= 15
}

package usage

import (
	"fmt"
	"strings"
	"unicode"
)

// csvFormulaStarts are the first characters that make a spreadsheet read a cell as a formula (OWASP,
// CSV Injection): = + - @, tab and carriage return.
const csvFormulaStarts = "=+-@\t\r"

// csvCell neutralises a value taken from a log for a CSV cell: one that a spreadsheet would run as a
// formula is prefixed with a single quote, as OWASP's CSV Injection page advises; encoding/csv then
// quotes it as needed.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune(csvFormulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// textCell escapes, for a terminal table or Markdown, the characters of a value taken from a log that
// would act rather than show: control characters (a log line can carry ESC sequences, or the 0x1D of
// auditd's enriched records) and Unicode format characters (bidirectional overrides), written as \xNN or
// \uNNNN.
func textCell(s string) string {
	if strings.IndexFunc(s, needsEscape) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !needsEscape(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar
}

// mdCell escapes a Markdown table cell: control characters, then the backslash and the pipe.
func mdCell(s string) string {
	if s == "" {
		return " "
	}
	s = textCell(s)
	s = strings.ReplaceAll(s, `\`, `\\`)
	return strings.ReplaceAll(s, "|", `\|`)
}

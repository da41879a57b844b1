// Package reportfmt holds what the CLI's reports (sce audit report, sce audit usage) share in writing
// themselves out: the choice of a writer by its --format name, and the heading above the tables (the
// title and the lines that say what the report covers), made safe for a terminal or for Markdown with
// internal/textsafe. Each report keeps its own tables.
package reportfmt

import (
	"fmt"
	"io"
	"strings"

	"github.com/sce-project/sce/internal/textsafe"
)

// Format is one output format of a report: the name --format takes, and the function that writes the
// report in it.
type Format[R any] struct {
	Name  string
	Write func(io.Writer, R) error
}

// Names lists the formats' names, in the order given.
func Names[R any](formats []Format[R]) []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

// Write writes rep in the format named name; a name that is none of formats is an error that lists them.
func Write[R any](w io.Writer, rep R, name string, formats []Format[R]) error {
	for _, f := range formats {
		if f.Name == name {
			return f.Write(w, rep)
		}
	}
	return fmt.Errorf("--format %q: want one of %s", name, strings.Join(Names(formats), ", "))
}

// TableHeading writes a report's title and the lines that say what it covers, as the terminal table
// shows them: the title on its own line, then each line indented by two spaces, escaped with
// textsafe.Text (the lines quote values an outsider controls).
func TableHeading(b *strings.Builder, title string, lines []string) {
	b.WriteString(title + "\n")
	for _, l := range lines {
		b.WriteString("  " + textsafe.Text(l) + "\n")
	}
}

// MarkdownHeading writes the same as a Markdown heading and a list, each line escaped with
// textsafe.MarkdownCell.
func MarkdownHeading(b *strings.Builder, title string, lines []string) {
	b.WriteString("# " + title + "\n\n")
	for _, l := range lines {
		b.WriteString("- " + textsafe.MarkdownCell(l) + "\n")
	}
}

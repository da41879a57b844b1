package usage

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sce-project/sce/internal/reportfmt"
	"github.com/sce-project/sce/internal/textsafe"
)

// formats are the report's output formats, in the order --format lists them.
func formats() []reportfmt.Format[*Report] {
	return []reportfmt.Format[*Report]{{Name: "table", Write: writeTable}, {Name: "csv", Write: writeCSV},
		{Name: "markdown", Write: writeMarkdown}, {Name: "json", Write: writeJSON}}
}

// Formats lists the output formats.
func Formats() []string { return reportfmt.Names(formats()) }

// Write renders the report in a format: table, csv, markdown or json (the evidence file).
func Write(w io.Writer, rep *Report, format string) error {
	return reportfmt.Write(w, rep, format, formats())
}

const title = "Data used, per researcher and dataset"

// section is one table of the report: its title, its column names, its rows of cells (values from logs
// not yet escaped) and what to say when it has no row.
type section struct {
	title, empty string
	columns      []string
	rows         [][]string
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func itoa(n int) string      { return strconv.Itoa(n) }
func i64(n int64) string     { return strconv.FormatInt(n, 10) }
func join(s []string) string { return strings.Join(s, "; ") }

// sections lays out the report's tables.
func (rep *Report) sections() []section {
	sum := section{title: "Summary", empty: "no researcher and no access in the window",
		columns: []string{"researcher", "listed", "dataset", "read", "reads", "bytes read", "written", "writes", "bytes written", "deletes", "denied", "first", "last"}}
	for _, r := range rep.Summary {
		sum.rows = append(sum.rows, []string{r.Researcher, dash(r.Listed), r.Dataset, itoa(r.Read), itoa(r.Reads), i64(r.BytesRead), itoa(r.Written),
			itoa(r.Writes), i64(r.BytesWritten), itoa(r.Deletes), itoa(r.Denied), stamp(r.First), stamp(r.Last)})
	}
	items := section{title: "S3 objects and data volume files", empty: "no object or file was used",
		columns: []string{"researcher", "dataset", "item", "reads", "bytes read", "writes", "bytes written", "deletes", "denied", "first", "last"}}
	for _, r := range rep.Items {
		items.rows = append(items.rows, []string{r.Researcher, r.Dataset, r.Item, itoa(r.Reads), i64(r.BytesRead), itoa(r.Writes), i64(r.BytesWritten),
			itoa(r.Deletes), itoa(r.Denied), stamp(r.First), stamp(r.Last)})
	}
	queries := section{title: "Redshift queries", empty: "no query named a table",
		columns: []string{"time", "researcher", "database", "tables", "written", "columns", "predicates", "parsed"}}
	for _, q := range rep.Queries {
		parsed := "yes"
		if !q.Parsed {
			parsed = "NO, the parser cannot read it (" + q.Error + "): " + q.Query
		}
		queries.rows = append(queries.rows, []string{stamp(q.Time), q.Researcher, q.Database, dash(join(q.Tables)), dash(join(q.Written)),
			dash(join(q.Columns)), dash(join(q.Predicates)), parsed})
	}
	inputs := section{title: "Input log files", empty: "none",
		columns: []string{"kind", "file", "format", "sha256", "records", "used", "error"}}
	for _, in := range rep.Inputs {
		inputs.rows = append(inputs.rows, []string{in.Kind, in.Name, dash(in.Format), dash(in.SHA256), itoa(in.Records), itoa(in.Used), dash(in.Error)})
	}
	return []section{sum, items, queries, inputs}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// header returns the lines that say what the report covers.
func (rep *Report) header() []string {
	o := rep.Options
	keys := "hashed (object keys and file paths by their SHA-256, predicate constants as $n; --show-keys shows them)"
	if o.ShowKeys {
		keys = "shown"
	}
	listed := "none given (--researchers, or the stack outputs)"
	if len(o.Known) > 0 {
		listed = strings.Join(o.Known, ", ")
	}
	counts := map[string]int{}
	for _, in := range rep.Inputs {
		counts[in.Kind]++
	}
	lines := []string{
		"window: " + o.Window.Describe(),
		"researchers listed: " + listed,
		"researcher filter: " + dash(strings.Join(o.Researchers, ", ")),
		"dataset filter: " + dash(strings.Join(o.Datasets, ", ")),
		"keys: " + keys,
		fmt.Sprintf("input log files: %d CloudTrail, %d audit, %d Redshift user activity; %d input error(s)",
			counts[KindCloudTrail], counts[KindAuditd], counts[KindRedshift], len(rep.InputErrors())),
		fmt.Sprintf("queries the parser could not read: %d", rep.Unparsable()),
	}
	for _, in := range rep.InputErrors() {
		lines = append(lines, "INPUT ERROR (its events are missing from this report): "+in.Name+": "+in.Error)
	}
	return lines
}

func writeTable(w io.Writer, rep *Report) error {
	var b strings.Builder
	reportfmt.TableHeading(&b, title, rep.header())
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for _, s := range rep.sections() {
		if _, err := fmt.Fprintf(w, "\n%s\n", strings.ToUpper(s.title)); err != nil {
			return err
		}
		if len(s.rows) == 0 {
			if _, err := fmt.Fprintf(w, "%s\n", s.empty); err != nil {
				return err
			}
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		header := make([]string, len(s.columns))
		for i, c := range s.columns {
			header[i] = strings.ToUpper(strings.ReplaceAll(c, " ", "-"))
		}
		fmt.Fprintln(tw, strings.Join(header, "\t"))
		for _, row := range s.rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = strings.ReplaceAll(textsafe.Text(c), "\t", " ")
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func writeMarkdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	// Every line of the heading starts with a label, so it never is the empty cell mdCell writes as " ".
	reportfmt.MarkdownHeading(&b, title, rep.header())
	for _, s := range rep.sections() {
		b.WriteString("\n## " + s.title + "\n\n")
		if len(s.rows) == 0 {
			b.WriteString(strings.ToUpper(s.empty[:1]) + s.empty[1:] + ".\n")
			continue
		}
		b.WriteString("| " + strings.Join(s.columns, " | ") + " |\n|" + strings.Repeat("---|", len(s.columns)) + "\n")
		for _, row := range s.rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = mdCell(c)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

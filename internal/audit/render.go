package audit

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sce-project/sce/internal/reportfmt"
	"github.com/sce-project/sce/internal/textsafe"
)

// formats are the report's output formats, in the order --format lists them.
func formats() []reportfmt.Format[*Report] {
	return []reportfmt.Format[*Report]{{Name: "table", Write: writeTable}, {Name: "csv", Write: writeCSV}, {Name: "markdown", Write: writeMarkdown}}
}

// Formats lists the output formats.
func Formats() []string { return reportfmt.Names(formats()) }

// Write renders the report in a format: table, csv or markdown.
func Write(w io.Writer, rep *Report, format string) error {
	return reportfmt.Write(w, rep, format, formats())
}

// title heads the report.
const title = "S3 data events on the PHI buckets"

var columns = []string{"time", "principal", "action", "bucket", "object", "from", "result", "anomalies"}

// cells returns the row's values as they are; each writer makes them safe for its format (textsafe):
// object keys, principals and buckets come from requests an outsider can make.
func (r Row) cells() []string {
	anomalies := make([]string, len(r.Anomalies))
	for i, a := range r.Anomalies {
		anomalies[i] = string(a)
	}
	object := r.Object
	if object == "" {
		object = "-"
	}
	return []string{r.Time.Format(time.RFC3339), r.Principal, r.Action, r.Bucket, object, r.From, r.Result, strings.Join(anomalies, ",")}
}

// summary returns the lines that describe what the report covers.
func (rep *Report) summary() []string {
	o := rep.Options
	window := o.Window.Describe()
	buckets := "every bucket"
	if len(o.Buckets) > 0 {
		buckets = strings.Join(o.Buckets, ", ")
	}
	endpoint := "not checked (no --vpc-endpoint)"
	if o.VPCEndpoint != "" {
		endpoint = "expected " + o.VPCEndpoint
	}
	principals := "not checked (no --known-principals)"
	if n := len(o.KnownPrincipals); n > 0 {
		principals = fmt.Sprintf("%d known ARN(s) or pattern(s)", n)
	}
	keys := "hashed (sha256 of the key; --show-keys shows them)"
	if o.ShowKeys {
		keys = "shown"
	}
	counts := rep.Anomalies()
	var flagged []string
	for _, a := range []Anomaly{Denied, OutsideEndpoint, UnknownPrincipal} {
		if counts[a] > 0 {
			flagged = append(flagged, fmt.Sprintf("%s %d", a, counts[a]))
		}
	}
	flags := "none"
	if len(flagged) > 0 {
		flags = fmt.Sprintf("%d event(s): %s", rep.Flagged(), strings.Join(flagged, ", "))
	}
	lines := []string{
		"trail: " + rep.Trail + fmt.Sprintf(" (%d log file(s), %d record(s))", rep.Files, rep.Records),
		"window: " + window,
		"buckets: " + buckets,
		"VPC endpoint: " + endpoint,
		"principals: " + principals,
		"object keys: " + keys,
		fmt.Sprintf("data events: %d", len(rep.Rows)),
		"flagged: " + flags,
	}
	if rep.Files == 0 && rep.Digests > 0 {
		lines = append(lines, fmt.Sprintf("log files: none in the window; %d digest file(s) show that CloudTrail was logging and had nothing to deliver", rep.Digests))
	}
	for _, p := range rep.Problems {
		lines = append(lines, "UNREADABLE (its events are missing): "+p)
	}
	return lines
}

func writeTable(w io.Writer, rep *Report) error {
	var b strings.Builder
	reportfmt.TableHeading(&b, title, rep.summary())
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(rep.Rows) == 0 {
		_, err := io.WriteString(w, "no data events in the window\n")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = strings.ToUpper(c)
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rep.Rows {
		cells := r.cells()
		for i := range cells {
			cells[i] = textsafe.Text(cells[i])
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

func writeCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append(slices.Clone(columns), "event_id")); err != nil {
		return err
	}
	for _, r := range rep.Rows {
		cells := append(r.cells(), r.EventID)
		for i := range cells {
			cells[i] = textsafe.CSVCell(cells[i])
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeMarkdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	reportfmt.MarkdownHeading(&b, title, rep.summary())
	b.WriteString("\n")
	if len(rep.Rows) == 0 {
		b.WriteString("No data events in the window.\n")
	} else {
		b.WriteString("| " + strings.Join(columns, " | ") + " |\n")
		b.WriteString("|" + strings.Repeat("---|", len(columns)) + "\n")
		for _, r := range rep.Rows {
			cells := r.cells()
			for i := range cells {
				cells[i] = textsafe.MarkdownCell(cells[i])
			}
			cells[7] = "**" + cells[7] + "**"
			if len(r.Anomalies) == 0 {
				cells[7] = " "
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

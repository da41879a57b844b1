package usage

import (
	"encoding/csv"
	"github.com/sce-project/sce/internal/textsafe"
	"io"
	"time"
)

// csvColumns are the columns of the CSV output: one table, each row a record of one kind (summary,
// item, query, input), the columns that kind has no value for left empty.
var csvColumns = []string{"record", "researcher", "listed", "dataset", "source", "item", "read", "reads", "bytes_read", "written", "writes",
	"bytes_written", "deletes", "denied", "first", "last", "time", "database", "db_user", "tables", "written_tables", "columns", "predicates",
	"parsed", "error", "query", "kind", "file", "format", "sha256", "size", "records", "used"}

// csvRecord builds a CSV row from named cells; values taken from logs are neutralised (csvCell).
func csvRecord(cells map[string]string) []string {
	row := make([]string, len(csvColumns))
	for i, c := range csvColumns {
		row[i] = textsafe.CSVCell(cells[c])
	}
	return row
}

func writeCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	var rows [][]string
	for _, r := range rep.Summary {
		rows = append(rows, csvRecord(map[string]string{"record": "summary", "researcher": r.Researcher, "listed": r.Listed, "dataset": r.Dataset,
			"source": r.Source, "read": itoa(r.Read), "reads": itoa(r.Reads), "bytes_read": i64(r.BytesRead), "written": itoa(r.Written),
			"writes": itoa(r.Writes), "bytes_written": i64(r.BytesWritten), "deletes": itoa(r.Deletes), "denied": itoa(r.Denied),
			"first": stampOrEmpty(r.First), "last": stampOrEmpty(r.Last)}))
	}
	for _, r := range rep.Items {
		rows = append(rows, csvRecord(map[string]string{"record": "item", "researcher": r.Researcher, "listed": r.Listed, "dataset": r.Dataset,
			"source": r.Source, "item": r.Item, "reads": itoa(r.Reads), "bytes_read": i64(r.BytesRead), "writes": itoa(r.Writes),
			"bytes_written": i64(r.BytesWritten), "deletes": itoa(r.Deletes), "denied": itoa(r.Denied), "first": stamp(r.First), "last": stamp(r.Last)}))
	}
	for _, q := range rep.Queries {
		parsed := "yes"
		if !q.Parsed {
			parsed = "no"
		}
		rows = append(rows, csvRecord(map[string]string{"record": "query", "researcher": q.Researcher, "listed": q.Listed, "dataset": join(q.Datasets),
			"source": SourceRedshift, "time": stamp(q.Time), "database": q.Database, "db_user": q.DBUser, "tables": join(q.Tables),
			"written_tables": join(q.Written), "columns": join(q.Columns), "predicates": join(q.Predicates), "parsed": parsed, "error": q.Error, "query": q.Query}))
	}
	for _, in := range rep.Inputs {
		rows = append(rows, csvRecord(map[string]string{"record": "input", "kind": in.Kind, "file": in.Name, "format": in.Format, "sha256": in.SHA256,
			"size": i64(in.Size), "records": itoa(in.Records), "used": itoa(in.Used), "error": in.Error}))
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

func stampOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return stamp(t)
}

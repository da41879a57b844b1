package usage

import (
	"errors"
	"slices"
	"strings"
)

// readRedshiftLogs reads Redshift's user activity logs under root (the files Redshift writes to S3, or
// the export of the useractivitylog CloudWatch log group) and adds each query that named a table, and
// each the parser could not read, to the report.
func readRedshiftLogs(root string, o Options, g *aggregator, rep *Report) ([]InputFile, error) {
	// Redshift writes its connection and user logs beside the user activity log: they hold no query.
	skip := func(name string) bool {
		return !strings.Contains(name, "useractivitylog") && (strings.Contains(name, "connectionlog") || strings.Contains(name, "userlog"))
	}
	paths, err := localFiles("--redshift-logs", root, skip)
	if err != nil {
		return nil, err
	}
	var inputs []InputFile
	for _, p := range paths {
		in, lines, err := readLines(KindRedshift, p)
		if err == nil {
			err = queryUses(&in, lines, o, g, rep)
		}
		if err != nil {
			in.Error = err.Error()
		}
		inputs = append(inputs, in)
	}
	return inputs, nil
}

var errNoActivityEntry = errors.New("no user activity log entry ('<time> UTC [ db=... user=... ]' LOG: ...): not a Redshift user activity log, or not one exported from CloudWatch Logs")

// queryUses adds the queries of one user activity log file.
func queryUses(in *InputFile, lines []string, o Options, g *aggregator, rep *Report) error {
	entries, exported, _ := parseActivity(lines)
	in.Records, in.Format = len(entries), "useractivitylog"
	if exported {
		in.Format = "cloudwatch-export"
	}
	if len(entries) == 0 {
		return errNoActivityEntry
	}
	for _, e := range entries {
		who := researcherOfDBUser(e.User)
		if !o.Window.Contains(e.Time) || !o.wantResearcher(who) {
			continue
		}
		q := QueryRow{Time: e.Time, Researcher: who, Listed: o.listed(who, true), DBUser: e.User, Database: e.DB,
			PID: e.PID, XID: e.XID, Log: in.Name, Query: o.hidden(e.Query)}
		info, err := analyzeSQL(e.Query, o.ShowKeys)
		if err != nil {
			q.Error = err.Error()
			if !o.wantDataset(SourceRedshift) {
				continue
			}
			rep.Queries = append(rep.Queries, q)
			in.Used++
			continue
		}
		q.Parsed = true
		q.Tables, q.Written, q.Columns, q.Predicates = info.Tables, info.Written, info.Columns, info.Predicates
		q.Datasets = queryDatasets(info)
		if len(q.Datasets) == 0 || !slices.ContainsFunc(q.Datasets, o.wantDataset) {
			continue // SET, SELECT 1, the catalog: no study data
		}
		rep.Queries = append(rep.Queries, q)
		in.Used++
		for _, d := range q.Datasets {
			if !o.wantDataset(d) {
				continue
			}
			read, written := tablesIn(d, info.Tables), tablesIn(d, info.Written)
			u := use{who: who, listed: q.Listed, source: SourceRedshift, dataset: d, time: e.Time}
			if len(read) > 0 {
				u.reads = 1
			}
			if len(written) > 0 {
				u.writes = 1
			}
			g.count(u, read, written)
		}
	}
	return nil
}

// unqualified is the dataset of a table named without its schema: Redshift finds it on the search path.
const unqualified = "(search path)"

// tableDataset names the dataset of a table: "redshift/<schema>".
func tableDataset(table string) string {
	schema, _, found := strings.Cut(table, ".")
	if !found {
		return SourceRedshift + "/" + unqualified
	}
	return SourceRedshift + "/" + schema
}

func queryDatasets(info queryInfo) []string {
	var out []string
	for _, t := range append(slices.Clone(info.Tables), info.Written...) {
		if d := tableDataset(t); !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

func tablesIn(dataset string, tables []string) []string {
	var out []string
	for _, t := range tables {
		if tableDataset(t) == dataset {
			out = append(out, t)
		}
	}
	return out
}

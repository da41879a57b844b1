package usage

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Sources of a dataset.
const (
	SourceS3       = "s3"
	SourceVolume   = "volume"
	SourceRedshift = "redshift"
)

// Report is the usage report: what each researcher used, dataset by dataset, and the log files it was
// built from.
type Report struct {
	Options Options
	// Inputs lists every log file read (or tried): its digest, and an error when it could not be read.
	Inputs []InputFile
	// Summary has one row per researcher and dataset (and one, with zeros, per listed researcher of whom
	// the logs show nothing).
	Summary []SummaryRow
	// Items are the S3 objects and the files of the data volume, per researcher.
	Items []ItemRow
	// Queries are the Redshift queries that named a table, and those the parser could not read.
	Queries []QueryRow
}

// SummaryRow is what one researcher did with one dataset.
type SummaryRow struct {
	Researcher string `json:"researcher"`
	// Listed is "listed" or "unlisted" against the researchers the report must name ("" when none were
	// given), or "unattributed" for access that carried no person (a principal without a source identity,
	// a process without a login).
	Listed  string `json:"listed,omitempty"`
	Dataset string `json:"dataset"`
	Source  string `json:"source"`
	// Read and Written count distinct objects, files or tables; Reads and Writes the requests, opens or
	// queries.
	Read         int       `json:"read"`
	Reads        int       `json:"reads"`
	BytesRead    int64     `json:"bytesRead"`
	Written      int       `json:"written"`
	Writes       int       `json:"writes"`
	BytesWritten int64     `json:"bytesWritten"`
	Deletes      int       `json:"deletes"`
	Denied       int       `json:"denied"`
	First        time.Time `json:"first,omitzero"`
	Last         time.Time `json:"last,omitzero"`
}

// ItemRow is one researcher's use of one S3 object or file.
type ItemRow struct {
	Researcher string `json:"researcher"`
	Listed     string `json:"listed,omitempty"`
	Dataset    string `json:"dataset"`
	Source     string `json:"source"`
	// Item is "<bucket>/<key>" or a file path, the key or path hashed unless --show-keys.
	Item         string    `json:"item"`
	Reads        int       `json:"reads"`
	BytesRead    int64     `json:"bytesRead"`
	Writes       int       `json:"writes"`
	BytesWritten int64     `json:"bytesWritten"`
	Deletes      int       `json:"deletes"`
	Denied       int       `json:"denied"`
	First        time.Time `json:"first"`
	Last         time.Time `json:"last"`
}

// QueryRow is one Redshift query.
type QueryRow struct {
	Time       time.Time `json:"time"`
	Researcher string    `json:"researcher"`
	Listed     string    `json:"listed,omitempty"`
	DBUser     string    `json:"dbUser"`
	Database   string    `json:"database"`
	Datasets   []string  `json:"datasets"`
	Tables     []string  `json:"tables"`
	Written    []string  `json:"written,omitempty"`
	Columns    []string  `json:"columns"`
	Predicates []string  `json:"predicates"`
	// Parsed is false for a query the parser could not read; Error says why.
	Parsed bool   `json:"parsed"`
	Error  string `json:"error,omitempty"`
	// Query is the text with --show-keys, else "sha256:" and the digest of the text.
	Query string `json:"query"`
	PID   string `json:"pid"`
	XID   string `json:"xid"`
	Log   string `json:"log"`
}

// InputErrors lists the input files that could not be read.
func (r *Report) InputErrors() []InputFile {
	var out []InputFile
	for _, in := range r.Inputs {
		if in.Error != "" {
			out = append(out, in)
		}
	}
	return out
}

// Unparsable counts the queries the parser could not read.
func (r *Report) Unparsable() int {
	n := 0
	for _, q := range r.Queries {
		if !q.Parsed {
			n++
		}
	}
	return n
}

// use is one access as the sources report it: who, where, what, and what it adds to the counts.
type use struct {
	who, listed, dataset, source, item string
	time                               time.Time
	reads, writes, deletes, denied     int
	bytesRead, bytesWritten            int64
}

// aggregator sums uses into items and summary rows.
type aggregator struct {
	items   map[[4]string]*ItemRow
	summary map[[3]string]*summaryAcc
}

type summaryAcc struct {
	row          SummaryRow
	read, writes map[string]bool
}

func newAggregator() *aggregator {
	return &aggregator{items: map[[4]string]*ItemRow{}, summary: map[[3]string]*summaryAcc{}}
}

func (g *aggregator) add(u use) {
	k := [4]string{u.who, u.source, u.dataset, u.item}
	it := g.items[k]
	if it == nil {
		it = &ItemRow{Researcher: u.who, Listed: u.listed, Dataset: u.dataset, Source: u.source, Item: u.item, First: u.time, Last: u.time}
		g.items[k] = it
	}
	it.Reads += u.reads
	it.Writes += u.writes
	it.Deletes += u.deletes
	it.Denied += u.denied
	it.BytesRead += u.bytesRead
	it.BytesWritten += u.bytesWritten
	it.First, it.Last = earlier(it.First, u.time), later(it.Last, u.time)
	var read, written []string
	if u.reads > 0 {
		read = []string{u.item}
	}
	if u.writes > 0 || u.bytesWritten > 0 {
		written = []string{u.item}
	}
	g.count(u, read, written)
}

// count adds a use to its researcher's and dataset's summary row, with the objects, files or tables it
// read and wrote.
func (g *aggregator) count(u use, read, written []string) {
	k := [3]string{u.who, u.source, u.dataset}
	acc := g.summary[k]
	if acc == nil {
		acc = &summaryAcc{row: SummaryRow{Researcher: u.who, Listed: u.listed, Dataset: u.dataset, Source: u.source, First: u.time, Last: u.time},
			read: map[string]bool{}, writes: map[string]bool{}}
		g.summary[k] = acc
	}
	r := &acc.row
	for _, it := range read {
		acc.read[it] = true
	}
	for _, it := range written {
		acc.writes[it] = true
	}
	r.Reads += u.reads
	r.Writes += u.writes
	r.Deletes += u.deletes
	r.Denied += u.denied
	r.BytesRead += u.bytesRead
	r.BytesWritten += u.bytesWritten
	r.Read, r.Written = len(acc.read), len(acc.writes)
	r.First, r.Last = earlier(r.First, u.time), later(r.Last, u.time)
}

func earlier(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// finish writes the sorted rows into the report, with a zero row for each listed researcher of whom the
// logs show nothing that the filters admit.
func (g *aggregator) finish(rep *Report) {
	seen := map[string]bool{}
	for _, acc := range g.summary {
		rep.Summary = append(rep.Summary, acc.row)
		seen[acc.row.Researcher] = true
	}
	for _, who := range rep.Options.Known {
		if !seen[who] && rep.Options.wantResearcher(who) {
			rep.Summary = append(rep.Summary, SummaryRow{Researcher: who, Listed: "listed", Dataset: "-", Source: "-"})
			seen[who] = true
		}
	}
	for _, it := range g.items {
		rep.Items = append(rep.Items, *it)
	}
	slices.SortFunc(rep.Summary, func(a, b SummaryRow) int {
		return cmp.Or(strings.Compare(a.Researcher, b.Researcher), strings.Compare(a.Dataset, b.Dataset), strings.Compare(a.Source, b.Source))
	})
	slices.SortFunc(rep.Items, func(a, b ItemRow) int {
		return cmp.Or(strings.Compare(a.Researcher, b.Researcher), strings.Compare(a.Dataset, b.Dataset), strings.Compare(a.Item, b.Item))
	})
	slices.SortStableFunc(rep.Queries, func(a, b QueryRow) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.Researcher, b.Researcher), strings.Compare(a.XID, b.XID))
	})
}

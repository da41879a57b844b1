package usage

import (
	"encoding/json"
	"io"
	"time"
)

// evidence is the JSON output: the report with what it covers and every input file's digest, so that
// it can be kept as evidence and checked against the logs.
type evidence struct {
	Report        string         `json:"report"`
	FormatVersion int            `json:"formatVersion"`
	Window        evidenceWindow `json:"window"`
	Listed        []string       `json:"researchersListed"`
	Filters       evidenceFilter `json:"filters"`
	// Keys is "hashed" or "shown".
	Keys        string       `json:"keys"`
	Inputs      []InputFile  `json:"inputs"`
	InputErrors int          `json:"inputErrors"`
	Unparsable  int          `json:"unparsableQueries"`
	Summary     []SummaryRow `json:"summary"`
	Items       []ItemRow    `json:"items"`
	Queries     []QueryRow   `json:"queries"`
}

type evidenceWindow struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

type evidenceFilter struct {
	Researchers []string `json:"researchers"`
	Datasets    []string `json:"datasets"`
}

// nonNil keeps an empty list a JSON array, never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeJSON(w io.Writer, rep *Report) error {
	o := rep.Options
	keys := "hashed"
	if o.ShowKeys {
		keys = "shown"
	}
	queries := nonNil(rep.Queries)
	for i := range queries {
		queries[i].Datasets, queries[i].Tables, queries[i].Columns, queries[i].Predicates =
			nonNil(queries[i].Datasets), nonNil(queries[i].Tables), nonNil(queries[i].Columns), nonNil(queries[i].Predicates)
	}
	ev := evidence{Report: "sce audit usage", FormatVersion: 1, Window: evidenceWindow{From: o.Window.From.UTC(), To: o.Window.To.UTC()},
		Listed: nonNil(o.Known), Filters: evidenceFilter{Researchers: nonNil(o.Researchers), Datasets: nonNil(o.Datasets)}, Keys: keys,
		Inputs: nonNil(rep.Inputs), InputErrors: len(rep.InputErrors()), Unparsable: rep.Unparsable(),
		Summary: nonNil(rep.Summary), Items: nonNil(rep.Items), Queries: queries}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ev)
}

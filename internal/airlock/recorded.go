package airlock

import (
	"encoding/json"
	"fmt"
)

// Recorded is a report as an egress request records it: whole, or, when it would not fit in the
// request's ledger item, cut to the findings that fit (flagged ones first) with the rest counted.
type Recorded struct {
	Report
	// Omitted is how many findings were left out.
	Omitted int `json:"omitted,omitempty"`
}

// ParseReport reads a recorded report.
func ParseReport(s string) (Recorded, error) {
	var r Recorded
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return Recorded{}, fmt.Errorf("read the checks' report: %w", err)
	}
	return r, nil
}

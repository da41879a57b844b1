package cost

// This file formats the estimate's figures and notes: cents, rates, numbers and joined notes.

import (
	"fmt"
	"math"
	"strconv"
)

// cents rounds a dollar figure to the cent, as items and totals are shown.
func cents(v float64) float64 {
	return math.Round(v*100) / 100
}

// formatRate writes an hourly rate with up to four decimals: 0.096, 0.1008.
func formatRate(v float64) string {
	return fmt.Sprint(math.Round(v*10000) / 10000)
}

// joinNotes joins two notes with "; ", or returns b when there is no first note.
func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// orUnknown names a region for a note: "unknown" when the plan does not say.
func orUnknown(region string) string {
	if region == "" {
		return "unknown"
	}
	return region
}

// formatNumber writes a number to at most two decimals, without trailing zeros: 216.5, 730, 500000.
func formatNumber(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

package cost

// This file formats the estimate's figures and notes: cents, rates, numbers and joined notes.

import (
	"fmt"
	"math"
)

func cents(v float64) float64 {
	return math.Round(v*100) / 100
}

// formatRate writes an hourly rate with up to four decimals: 0.096, 0.1008.
func formatRate(v float64) string {
	return fmt.Sprint(math.Round(v*10000) / 10000)
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func orUnknown(region string) string {
	if region == "" {
		return "unknown"
	}
	return region
}

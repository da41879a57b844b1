package airlock

import (
	"errors"
	"fmt"
)

// Precision is how precise a date in a result may be.
type Precision string

// Precisions.
const (
	PrecisionYear  Precision = "year"
	PrecisionMonth Precision = "month"
	PrecisionDay   Precision = "day"
)

// Defaults of Options.
const (
	// DefaultMinCell is ACRO's safe_threshold.
	DefaultMinCell = 10
	// DefaultMaxDifference is the most rows or cells a file may differ from a released one by and be
	// flagged: more is a new table, fewer lets the two be subtracted.
	DefaultMaxDifference = 5
	// DefaultDatePrecision keeps dates to the year, as HIPAA's Safe Harbor method does.
	DefaultDatePrecision = PrecisionYear
)

// Options are the settings of the checks.
type Options struct {
	// MinCell is the smallest count a table of counts may show; smaller ones, zero included, are
	// flagged. Default DefaultMinCell.
	MinCell int `json:"minCell"`
	// DatePrecision is the most precise date a cell may hold. Default DefaultDatePrecision.
	DatePrecision Precision `json:"datePrecision"`
	// Names are names the PHI check looks for (the project's sce:phiNames). Default none. They are not
	// recorded in the report.
	Names []string `json:"-"`
	// Released is a directory of files already released, compared for differencing. Default none.
	Released string `json:"released,omitempty"`
	// MaxDifference is the largest number of differing rows, or cells, flagged as a difference. Default
	// DefaultMaxDifference.
	MaxDifference int `json:"maxDifference"`
}

// withDefaults fills the zero values and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.MinCell == 0 {
		o.MinCell = DefaultMinCell
	}
	if o.MaxDifference == 0 {
		o.MaxDifference = DefaultMaxDifference
	}
	if o.DatePrecision == "" {
		o.DatePrecision = DefaultDatePrecision
	}
	var errs []error
	if o.MinCell < 1 {
		errs = append(errs, fmt.Errorf("minimum cell count %d: must be 1 or more", o.MinCell))
	}
	if o.MaxDifference < 1 {
		errs = append(errs, fmt.Errorf("maximum difference %d: must be 1 or more", o.MaxDifference))
	}
	switch o.DatePrecision {
	case PrecisionYear, PrecisionMonth, PrecisionDay:
	default:
		errs = append(errs, fmt.Errorf("date precision %q: accepted are year, month and day", o.DatePrecision))
	}
	return o, errors.Join(errs...)
}

package cost

// This file holds the usage assumptions an estimate needs and the plan cannot give: their documented
// defaults, their validation, and their listing next to the estimate's totals.

import (
	"errors"
	"fmt"

	"github.com/sce-project/sce/internal/plan"
)

// HoursPerMonth is the hours of an always-on month: 8,760 hours a year over 12 months.
const HoursPerMonth = 730.0

// WeeksPerMonth is the weeks in an average month, as the schedule counts them.
const WeeksPerMonth = 4.33

// Assumptions are the usage figures an estimate needs and the plan cannot give. DefaultAssumptions
// documents each default; the estimate lists them all next to its totals.
type Assumptions struct {
	// ScheduledHoursPerMonth is how long the instances, the dedicated-tenancy fee and Redshift run a month
	// under the stop/start schedule. Default 216.5: 50 working hours a week (10 hours, Monday to Friday)
	// over 4.33 weeks. Storage, the NAT gateway, addresses, keys and logs stay always on.
	ScheduledHoursPerMonth float64
	// NATGBPerMonth is the data processed by the NAT gateway a month (package updates, tool downloads;
	// S3 traffic takes the free gateway endpoint). Default 20 GB.
	NATGBPerMonth float64
	// LogGBPerGroupMonth is what each CloudWatch log group ingests a month (flow logs, the trail's copy,
	// instance logs). Default 2 GB.
	LogGBPerGroupMonth float64
	// LogMonthsStored is how many months of logs a group holds at the month estimated (capped by its
	// retention): storage grows through a study. Default 12, the first year's end.
	LogMonthsStored float64
	// ConfigItemsPerMonth is the AWS Config configuration items recorded a month: one per resource
	// created, changed or deleted. Default 1,000 for a small, steady environment.
	ConfigItemsPerMonth float64
	// ConfigEvaluationsPerRuleMonth is the evaluations of each AWS Config rule a month: one per resource in
	// its scope on each change, and daily for periodic rules. Default 300.
	ConfigEvaluationsPerRuleMonth float64
	// DataEventsPerMonth is the CloudTrail data events (object reads and writes of the PHI buckets) a
	// month. Default 500,000.
	DataEventsPerMonth float64
	// S3DataInGB is the data held in the data-in bucket. Default 100 GB.
	S3DataInGB float64
	// S3OutputGB is the data held in the output bucket. Default 20 GB.
	S3OutputGB float64
	// S3OtherGB is the data held in each other bucket (logs, access logs, ancillary). Default 5 GB.
	S3OtherGB float64
	// RedshiftStorageGB is the managed storage an RA3 Redshift cluster holds (the OMOP CDM). Default
	// 100 GB.
	RedshiftStorageGB float64
	// ScannedGBPerMonth is the data uploaded into data-in, and so scanned for malware, a month. Default
	// 20 GB: a fifth of the bucket's assumed 100 GB arriving each month.
	ScannedGBPerMonth float64
	// ScannedObjectsPerMonth is the objects uploaded into data-in a month, each evaluated by the malware
	// scan and tagged. Default 2,000.
	ScannedObjectsPerMonth float64
}

// DefaultAssumptions returns the documented defaults of every assumption.
func DefaultAssumptions() Assumptions {
	return Assumptions{
		ScheduledHoursPerMonth:        50 * WeeksPerMonth,
		NATGBPerMonth:                 20,
		LogGBPerGroupMonth:            2,
		LogMonthsStored:               12,
		ConfigItemsPerMonth:           1000,
		ConfigEvaluationsPerRuleMonth: 300,
		DataEventsPerMonth:            500000,
		S3DataInGB:                    100,
		S3OutputGB:                    20,
		S3OtherGB:                     5,
		RedshiftStorageGB:             100,
		ScannedGBPerMonth:             20,
		ScannedObjectsPerMonth:        2000,
	}
}

// assumption is one field of Assumptions with its name for readers.
type assumption struct {
	name  string
	value float64
	unit  string
}

// list returns every assumption with its name and unit, in the order the estimate shows them; Validate
// checks the same list.
func (a Assumptions) list() []assumption {
	return []assumption{
		{"hours a month always on", HoursPerMonth, "h"},
		{"hours a month on the schedule (instances, dedicated fee, Redshift)", a.ScheduledHoursPerMonth, "h"},
		{"NAT gateway data processed", a.NATGBPerMonth, "GB/month"},
		{"log ingested per log group", a.LogGBPerGroupMonth, "GB/month"},
		{"months of logs stored (capped by retention)", a.LogMonthsStored, "months"},
		{"AWS Config items recorded", a.ConfigItemsPerMonth, "items/month"},
		{"AWS Config evaluations per rule", a.ConfigEvaluationsPerRuleMonth, "evaluations/month"},
		{"CloudTrail data events", a.DataEventsPerMonth, "events/month"},
		{"S3 data-in bucket", a.S3DataInGB, "GB"},
		{"S3 output bucket", a.S3OutputGB, "GB"},
		{"S3 other buckets, each", a.S3OtherGB, "GB"},
		{"Redshift managed storage (RA3)", a.RedshiftStorageGB, "GB"},
		{"data uploaded into data-in and scanned for malware", a.ScannedGBPerMonth, "GB/month"},
		{"objects uploaded into data-in, each scanned and tagged", a.ScannedObjectsPerMonth, "objects/month"},
	}
}

// Validate reports every assumption that is negative, and a schedule longer than the month.
func (a Assumptions) Validate() error {
	var errs []error
	for _, f := range a.list() {
		if f.value < 0 {
			errs = append(errs, fmt.Errorf("cost assumption %q is %s: must be zero or more", f.name, formatNumber(f.value)))
		}
	}
	if a.ScheduledHoursPerMonth > HoursPerMonth {
		errs = append(errs, fmt.Errorf("cost assumption %q is %s: must be at most %s, the hours of a month",
			"hours a month on the schedule", formatNumber(a.ScheduledHoursPerMonth), formatNumber(HoursPerMonth)))
	}
	return errors.Join(errs...)
}

// planAssumptions renders the assumptions for the plan's cost.
func (a Assumptions) planAssumptions() []plan.CostAssumption {
	fields := a.list()
	out := make([]plan.CostAssumption, 0, len(fields))
	for _, f := range fields {
		out = append(out, plan.CostAssumption{Name: f.name, Value: formatNumber(f.value) + " " + f.unit})
	}
	return out
}

package cost

// This file prices the audit and key services: the KMS key, log groups, metric alarms, AWS Config rules
// and CloudTrail trails (data events; the first copy of management events is free).

import (
	"fmt"
	"math"

	"github.com/sce-project/sce/internal/plan"
)

// key prices a customer managed KMS key.
func (e *estimator) key(r plan.Resource) {
	note := "requests: $0.03 per 10,000 beyond 20,000 free a month (not estimated)"
	if b, _ := r.Inputs["enableKeyRotation"].(bool); b {
		note = "yearly rotation adds $1 a month for each of the first two rotated versions; " + note
	}
	e.perUnit(r, "kms.key-month", 1, 1, r.Name+": KMS customer managed key", note)
}

// logGroup prices a log group's ingestion and the logs it holds after LogMonthsStored months.
func (e *estimator) logGroup(r plan.Resource) {
	ingest, okIngest := e.book.found("logs.ingest-gb")
	store, okStore := e.book.found("logs.storage-gb-month")
	name := str(r.Inputs["name"])
	if name == "" {
		name = r.Name
	}
	months := e.a.LogMonthsStored
	if days := number(r.Inputs["retentionInDays"]); days > 0 {
		months = math.Min(months, days/daysPerMonth)
	}
	stored := e.a.LogGBPerGroupMonth * months
	what := fmt.Sprintf("%s: log group, %s GB/month ingested, %s GB stored", name,
		formatNumber(e.a.LogGBPerGroupMonth), formatNumber(stored))
	if !okIngest || !okStore {
		e.unpriced(r.URN, what, "no CloudWatch Logs price in the price table")
		return
	}
	usd := ingest.USD*e.a.LogGBPerGroupMonth + store.USD*stored
	e.add(plan.CostItem{URN: r.URN, What: what, Monthly: usd, MonthlyScheduled: usd})
}

// alarms prices the metric alarms as one item: standard resolution ones per alarm-month; high-resolution
// ones (a period under 60 s) are not in the table.
func (e *estimator) alarms(alarms []plan.Resource) {
	var standard []plan.Resource
	for _, r := range alarms {
		if period := number(r.Inputs["period"]); period > 0 && period < 60 {
			e.unpriced(r.URN, r.Name+": high-resolution alarm", "high-resolution alarms are not in the price table")
			continue
		}
		standard = append(standard, r)
	}
	if len(standard) == 0 {
		return
	}
	e.perUnit(standard[0], "cloudwatch.alarm-month", float64(len(standard)), 1,
		fmt.Sprintf("%d CloudWatch alarms (standard resolution)", len(standard)), "")
}

// rules prices the AWS Config rules as one item.
func (e *estimator) rules(rules []plan.Resource) {
	if len(rules) == 0 {
		return
	}
	evaluations := float64(len(rules)) * e.a.ConfigEvaluationsPerRuleMonth
	note := ""
	if evaluations > 100000 {
		note = "above 100,000 evaluations a month the rate falls to $0.0008: this figure is an upper bound"
	}
	e.perUnit(rules[0], "config.rule-evaluation", evaluations, 1,
		fmt.Sprintf("%d AWS Config rules, %s evaluations a month", len(rules), formatNumber(evaluations)), note)
}

// trail prices a trail's data events; the first copy of management events is free.
func (e *estimator) trail(r plan.Resource) {
	note := "the first copy of management events is free; another trail recording them in the region pays $2.00 per 100,000"
	if !recordsDataEvents(r.Inputs) {
		e.add(plan.CostItem{URN: r.URN, What: r.Name + ": CloudTrail trail, management events", Note: note})
		return
	}
	e.perUnit(r, "cloudtrail.data-events-100k", e.a.DataEventsPerMonth, 100000,
		fmt.Sprintf("%s: CloudTrail trail, %s data events a month", r.Name, formatNumber(e.a.DataEventsPerMonth)), note)
}

// recordsDataEvents reports whether a trail's event selectors record data events.
func recordsDataEvents(in map[string]any) bool {
	advanced, _ := in["advancedEventSelectors"].([]any)
	for _, s := range advanced {
		sel, _ := s.(map[string]any)
		fields, _ := sel["fieldSelectors"].([]any)
		for _, f := range fields {
			field, _ := f.(map[string]any)
			if str(field["field"]) != "eventCategory" {
				continue
			}
			equals, _ := field["equals"].([]any)
			for _, v := range equals {
				if str(v) == "Data" {
					return true
				}
			}
		}
	}
	basic, _ := in["eventSelectors"].([]any)
	for _, s := range basic {
		sel, _ := s.(map[string]any)
		if resources, _ := sel["dataResources"].([]any); len(resources) > 0 {
			return true
		}
	}
	return false
}

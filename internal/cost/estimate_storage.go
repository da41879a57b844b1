package cost

// This file prices where data is kept: EBS volumes, S3 buckets (by the volume assumed for their purpose)
// and Redshift clusters (node hours on the schedule and RA3 managed storage).

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// volume prices an EBS volume of a size and type; storage is charged whether or not its instance runs.
func (e *estimator) volume(r plan.Resource, what string, sizeGB float64, volumeType string) {
	if volumeType != "gp3" {
		t := volumeType
		if t == "" {
			t = "(not set: AWS's default applies)"
		}
		e.unpriced(r.URN, fmt.Sprintf("%s, %s GB", what, formatNumber(sizeGB)), "volume type "+t+" is not in the price table")
		return
	}
	e.perUnit(r, "ebs.gp3-gb-month", sizeGB, 1, fmt.Sprintf("%s, gp3 %s GB", what, formatNumber(sizeGB)), "")
}

// bucket prices a bucket's S3 Standard storage for the data volume assumed for its purpose.
func (e *estimator) bucket(r plan.Resource) {
	gb, purpose := e.a.S3OtherGB, "bucket"
	switch {
	case strings.HasSuffix(r.Name, "-data-in-bucket"):
		gb, purpose = e.a.S3DataInGB, "data-in bucket"
	case strings.HasSuffix(r.Name, "-output-bucket"):
		gb, purpose = e.a.S3OutputGB, "output bucket"
	}
	e.perUnit(r, "s3.standard-gb-month", gb, 1, fmt.Sprintf("%s: S3 %s, %s GB Standard", r.Name, purpose, formatNumber(gb)),
		"object versions kept by versioning add to this; requests are not estimated")
}

// redshift prices a cluster's node hours (paused and resumed on the schedule) and, for RA3 nodes, its
// managed storage.
func (e *estimator) redshift(r plan.Resource) {
	nodeType := str(r.Inputs["nodeType"])
	nodes := atLeastOne(number(r.Inputs["numberOfNodes"]))
	what := fmt.Sprintf("%s: Redshift %s × %s nodes, %s h", r.Name, nodeType, formatNumber(nodes), formatNumber(HoursPerMonth))
	p, ok := e.book.found("redshift." + nodeType)
	if !ok {
		e.unpriced(r.URN, what, fmt.Sprintf("no price for Redshift node type %q in the price table", nodeType))
	} else {
		e.add(plan.CostItem{URN: r.URN, What: what, Monthly: p.USD * nodes * HoursPerMonth,
			MonthlyScheduled: p.USD * nodes * e.a.ScheduledHoursPerMonth,
			Note:             "paused and resumed on the schedule"})
	}
	if strings.HasPrefix(nodeType, "ra3.") {
		e.perUnit(r, "redshift.managed-storage-gb-month", e.a.RedshiftStorageGB, 1,
			fmt.Sprintf("%s: Redshift managed storage, %s GB", r.Name, formatNumber(e.a.RedshiftStorageGB)),
			"charged while the cluster is paused too")
	}
}

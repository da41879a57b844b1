package cost

// This file prices compute: instances (hours, root volume, detailed monitoring, public address), the
// dedicated-tenancy fee, EMR clusters and the worker pool, all from the EC2 rates of the price table.

import (
	"fmt"

	"github.com/sce-project/sce/internal/plan"
)

// instance prices an instance's hours, root volume, detailed monitoring and public address, and
// reports whether it runs with dedicated tenancy.
func (e *estimator) instance(r plan.Resource) bool {
	in := r.Inputs
	typ := str(in["instanceType"])
	tenancy := str(in["tenancy"])
	if tenancy == "" || tenancy == "default" {
		tenancy = e.vpcTenancy(str(in["subnetId"]))
	}
	dedicated := tenancy == "dedicated"
	label := instanceLabel(typ, dedicated)
	what := fmt.Sprintf("%s: %s, %s h", r.Name, label, formatNumber(HoursPerMonth))
	if tenancy == "host" {
		e.unpriced(r.URN, r.Name+": "+typ+" on a Dedicated Host", "Dedicated Host tenancy is charged per host: not in the price table")
	} else if rate, note, ok := e.instanceRate(typ, dedicated); ok {
		e.add(plan.CostItem{URN: r.URN, What: what, Monthly: rate * HoursPerMonth,
			MonthlyScheduled: rate * e.a.ScheduledHoursPerMonth, Note: note})
	} else {
		e.unpriced(r.URN, r.Name+": "+label, noInstancePrice(typ))
	}

	root, _ := in["rootBlockDevice"].(map[string]any)
	if size := number(root["volumeSize"]); size > 0 {
		e.volume(r, r.Name+": root volume", size, str(root["volumeType"]))
	} else {
		e.unpriced(r.URN, r.Name+": root volume", "the plan sets no root volume size: the AMI's default applies")
	}

	if b, _ := in["monitoring"].(bool); b {
		if p, ok := e.book.found("cloudwatch.detailed-monitoring-metric"); ok {
			usd := p.USD * detailedMonitoringMetrics
			e.add(plan.CostItem{URN: r.URN,
				What:    fmt.Sprintf("%s: detailed monitoring, %d metrics", r.Name, detailedMonitoringMetrics),
				Monthly: usd, MonthlyScheduled: usd * e.a.ScheduledHoursPerMonth / HoursPerMonth,
				Note: "prorated by the hours the instance runs"})
		}
	}
	if b, _ := in["associatePublicIpAddress"].(bool); b {
		e.hourly(r, "vpc.public-ipv4-hour", r.Name+": auto-assigned public IPv4", true)
	}
	return dedicated
}

// instanceRate returns the hourly rate of an instance type and a note when the rate is a fallback.
func (e *estimator) instanceRate(typ string, dedicated bool) (float64, string, bool) {
	if dedicated {
		if p, ok := e.book.found("ec2.dedicated." + typ); ok {
			return p.USD, "", true
		}
	}
	p, ok := e.book.found("ec2." + typ)
	if !ok {
		return 0, "", false
	}
	if dedicated {
		return p.USD, fmt.Sprintf("the dedicated-instance rate of %s is not in the price table: priced at the "+
			"default-tenancy rate ($%s/h), a lower bound", typ, formatRate(p.USD)), true
	}
	return p.USD, "", true
}

// instanceLabel names an instance type as the items show it: "m5.large", or "m5.large dedicated".
func instanceLabel(typ string, dedicated bool) string {
	if dedicated {
		return typ + " dedicated"
	}
	return typ
}

// noInstancePrice is the note of an instance, EMR node or worker whose type the price table lacks.
func noInstancePrice(typ string) string {
	return fmt.Sprintf("no price for instance type %q in the price table", typ)
}

// dedicatedFee prices the dedicated-tenancy per-region fee once, however many dedicated instances run;
// the item belongs to the VPC of the first of them.
func (e *estimator) dedicatedFee(instances []plan.Resource) {
	if len(instances) == 0 {
		return
	}
	urn := instances[0].URN
	if vpc, ok := e.vpcOf(str(instances[0].Inputs["subnetId"])); ok {
		urn = vpc.URN
	}
	what := fmt.Sprintf("EC2 dedicated per-region fee, %s h (once for the region: %d dedicated instance(s) here)",
		formatNumber(HoursPerMonth), len(instances))
	p, ok := e.price(urn, "ec2.dedicated-region-fee", what)
	if !ok {
		return
	}
	e.add(plan.CostItem{URN: urn, What: what, Monthly: p.USD * HoursPerMonth,
		MonthlyScheduled: p.USD * e.a.ScheduledHoursPerMonth,
		Note: "charged per account and region for every hour any dedicated instance runs: other projects' " +
			"dedicated instances in the same account and region share it"})
}

// emrCluster prices the EC2 hours of an EMR cluster's primary and core nodes as if it ran all month, an
// upper bound: it terminates after its idle timeout. EMR's own per-instance fee is not in the table.
func (e *estimator) emrCluster(r plan.Resource) {
	ec2, _ := r.Inputs["ec2Attributes"].(map[string]any)
	dedicated := e.vpcTenancy(str(ec2["subnetId"])) == "dedicated"
	for _, g := range []struct{ key, role string }{{"masterInstanceGroup", "primary"}, {"coreInstanceGroup", "core"}} {
		group, _ := r.Inputs[g.key].(map[string]any)
		typ := str(group["instanceType"])
		count := atLeastOne(number(group["instanceCount"]))
		what := fmt.Sprintf("%s: EMR %s %s × %s, %s h", r.Name, g.role, instanceLabel(typ, dedicated), formatNumber(count), formatNumber(HoursPerMonth))
		rate, note, ok := e.instanceRate(typ, dedicated)
		if !ok {
			e.unpriced(r.URN, what, noInstancePrice(typ))
			continue
		}
		note = joinNotes(note, "an upper bound: the cluster terminates when idle")
		e.add(plan.CostItem{URN: r.URN, What: what, Monthly: rate * count * HoursPerMonth,
			MonthlyScheduled: rate * count * HoursPerMonth, Note: note})
	}
	e.unpriced(r.URN, r.Name+": EMR per-instance-hour fee and node EBS volumes", "the EMR fee is not in the price table")
}

// workerPool lists an Auto Scaling group at zero with its cost per worker-hour: the workers run only while
// the queue has work, which no assumption here can predict. The per-hour figure covers the instance and
// its volumes; the dedicated-tenancy fee is already counted once for the stack.
func (e *estimator) workerPool(r plan.Resource) {
	ltRef, _ := r.Inputs["launchTemplate"].(map[string]any)
	lt, ok := e.byID(typeLaunchTpl, str(ltRef["id"]))
	what := fmt.Sprintf("%s: worker pool, 0 to %s workers while the queue has work", r.Name, formatNumber(number(r.Inputs["maxSize"])))
	if !ok {
		e.unpriced(r.URN, what, "the group's launch template is not in the plan")
		return
	}
	typ := str(lt.Inputs["instanceType"])
	placement, _ := lt.Inputs["placement"].(map[string]any)
	rate, note, ok := e.instanceRate(typ, str(placement["tenancy"]) == "dedicated")
	if !ok {
		e.unpriced(r.URN, what, noInstancePrice(typ))
		return
	}
	gb := 0.0
	for _, m := range asList(lt.Inputs["blockDeviceMappings"]) {
		bd, _ := m.(map[string]any)
		ebs, _ := bd["ebs"].(map[string]any)
		gb += number(ebs["volumeSize"])
	}
	if p, ok := e.book.found("ebs.gp3-gb-month"); ok {
		rate += p.USD * gb / HoursPerMonth
	}
	e.add(plan.CostItem{URN: r.URN, What: what,
		Note: joinNotes(fmt.Sprintf("$%s per worker-hour (%s and %s GB of gp3), not in the totals: multiply by the hours the workers run",
			formatRate(rate), typ, formatNumber(gb)), note)})
}

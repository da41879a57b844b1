// Package cost prices an offline plan: each resource's monthly cost always on and under the stop/start
// schedule, from the price table of prices.go and the usage assumptions of assumptions.go.
package cost

import (
	"fmt"
	"sort"

	"github.com/sce-project/sce/internal/plan"
)

// Resource types the estimate prices.
const (
	typeInstance    = "aws:ec2/instance:Instance"
	typeSubnet      = "aws:ec2/subnet:Subnet"
	typeVpc         = "aws:ec2/vpc:Vpc"
	typeEIP         = "aws:ec2/eip:Eip"
	typeNAT         = "aws:ec2/natGateway:NatGateway"
	typeVolume      = "aws:ebs/volume:Volume"
	typeKey         = "aws:kms/key:Key"
	typeLogGroup    = "aws:cloudwatch/logGroup:LogGroup"
	typeAlarm       = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeRecorder    = "aws:cfg/recorder:Recorder"
	typeRule        = "aws:cfg/rule:Rule"
	typeTrail       = "aws:cloudtrail/trail:Trail"
	typeBucketV2    = "aws:s3/bucketV2:BucketV2"
	typeBucket      = "aws:s3/bucket:Bucket"
	typeRedshift    = "aws:redshift/cluster:Cluster"
	typeSecret      = "aws:secretsmanager/secret:Secret"
	typeEMRCluster  = "aws:emr/cluster:Cluster"
	typeASG         = "aws:autoscaling/group:Group"
	typeLaunchTpl   = "aws:ec2/launchTemplate:LaunchTemplate"
	typeAWSProvider = "pulumi:providers:aws"
	typeMalwarePlan = "aws:guardduty/malwareProtectionPlan:MalwareProtectionPlan"
)

// usageBased names the resources charged per request or message, which the estimate lists with a note
// instead of a figure.
func usageBased(typ string) (string, bool) {
	switch typ {
	case "aws:sns/topic:Topic":
		return "SNS topic", true
	case "aws:sqs/queue:Queue":
		return "SQS queue", true
	case "aws:lambda/function:Function":
		return "Lambda function", true
	case "aws:dynamodb/table:Table":
		return "DynamoDB table", true
	case "aws:scheduler/schedule:Schedule":
		return "EventBridge Scheduler schedule", true
	case "aws:backup/vault:Vault":
		return "AWS Backup vault (recovery points charged per GB stored, incremental)", true
	}
	return "", false
}

// detailedMonitoringMetrics is the number of metrics EC2 detailed monitoring sends per instance.
const detailedMonitoringMetrics = 7

// daysPerMonth converts a log retention in days into months.
const daysPerMonth = 365.0 / 12

// Estimate prices every resource of p with the price table of this package and the assumptions a: an
// item per priced resource (an instance gives one for its hours, one for its root volume and one for
// detailed monitoring), the dedicated-tenancy fee once for the stack, and an unpriced item, with a note,
// for every resource that costs something the table cannot price. Items are sorted by monthly cost.
func Estimate(p *plan.Plan, a Assumptions) plan.Cost {
	return estimate(p, a, PriceTable())
}

// estimate is Estimate with the price table given, so that tests can price with a changed table: it
// prices every resource, sorts the items (priced first, dearest first) and totals them to the cent.
func estimate(p *plan.Plan, a Assumptions, table []Price) plan.Cost {
	e := &estimator{p: p, a: a, book: newPriceBook(table), region: planRegion(p)}
	e.run()
	c := plan.Cost{Currency: "USD", Items: e.items, Assumptions: a.planAssumptions()}
	sort.SliceStable(c.Items, func(i, j int) bool {
		if c.Items[i].Unpriced != c.Items[j].Unpriced {
			return !c.Items[i].Unpriced
		}
		return c.Items[i].Monthly > c.Items[j].Monthly
	})
	for _, it := range c.Items {
		c.Monthly += it.Monthly
		c.MonthlyScheduled += it.MonthlyScheduled
	}
	c.Monthly, c.MonthlyScheduled = cents(c.Monthly), cents(c.MonthlyScheduled)
	c.Basis = fmt.Sprintf("%s on-demand list prices read %s (internal/cost/prices.go)", PricesRegion, PricesDate)
	if e.region != PricesRegion {
		c.Basis += fmt.Sprintf("; the stack's region %s is priced as %s", orUnknown(e.region), PricesRegion)
	}
	if c.Items == nil {
		c.Items = []plan.CostItem{}
	}
	return c
}

// estimator holds one estimate in progress: the plan, the assumptions, the prices by key, the stack's
// region and the items so far.
type estimator struct {
	p      *plan.Plan
	a      Assumptions
	book   priceBook
	region string
	items  []plan.CostItem
}

// run prices each resource of the plan in plan order; the dedicated-tenancy fee, the alarms and the
// Config rules are collected on the way and priced once each at the end.
func (e *estimator) run() {
	var dedicated []plan.Resource
	var alarms, rules []plan.Resource
	for _, r := range e.p.Resources {
		switch r.Type {
		case typeInstance:
			if e.instance(r) {
				dedicated = append(dedicated, r)
			}
		case typeEIP:
			e.hourly(r, "vpc.public-ipv4-hour", r.Name+": Elastic IP (public IPv4)", false)
		case typeNAT:
			e.natGateway(r)
		case typeVolume:
			e.volume(r, r.Name+": EBS volume", number(r.Inputs["size"]), str(r.Inputs["type"]))
		case typeKey:
			e.key(r)
		case typeLogGroup:
			e.logGroup(r)
		case typeAlarm:
			alarms = append(alarms, r)
		case typeRecorder:
			e.perUnit(r, "config.item", e.a.ConfigItemsPerMonth, 1,
				fmt.Sprintf("%s: AWS Config recorder, %s configuration items a month", r.Name, formatNumber(e.a.ConfigItemsPerMonth)), "")
		case typeRule:
			rules = append(rules, r)
		case typeTrail:
			e.trail(r)
		case typeBucketV2, typeBucket:
			e.bucket(r)
		case typeRedshift:
			e.redshift(r)
		case typeEMRCluster:
			e.emrCluster(r)
		case typeASG:
			e.workerPool(r)
		case typeMalwarePlan:
			e.malwareScan(r)
		case typeSecret:
			e.perUnit(r, "secretsmanager.secret-month", 1, 1, r.Name+": Secrets Manager secret", "")
		default:
			if what, ok := usageBased(r.Type); ok {
				e.add(plan.CostItem{URN: r.URN, What: r.Name + ": " + what,
					Note: "charged per request or message: not estimated, small at this project's volume"})
			}
		}
	}
	e.dedicatedFee(dedicated)
	e.alarms(alarms)
	e.rules(rules)
}

// add appends an item, its figures rounded to cents and, for a stack outside the table's region, a
// note that it was priced as that region.
func (e *estimator) add(it plan.CostItem) {
	it.Monthly, it.MonthlyScheduled = cents(it.Monthly), cents(it.MonthlyScheduled)
	if e.region != PricesRegion && !it.Unpriced {
		it.Note = joinNotes(it.Note, fmt.Sprintf("priced as %s (region %s)", PricesRegion, orUnknown(e.region)))
	}
	e.items = append(e.items, it)
}

// unpriced appends an item whose cost the table cannot give.
func (e *estimator) unpriced(urn, what, why string) {
	e.add(plan.CostItem{URN: urn, What: what, Note: why, Unpriced: true})
}

// price returns the price of a key or, when the table has none, appends what as an unpriced item of urn
// that names the missing key.
func (e *estimator) price(urn, key, what string) (Price, bool) {
	p, ok := e.book.found(key)
	if !ok {
		e.unpriced(urn, what, "no price "+key+" in the price table")
	}
	return p, ok
}

// hourly prices a resource charged by the hour, all month or, when scheduled, for the scheduled hours.
func (e *estimator) hourly(r plan.Resource, key, what string, scheduled bool) {
	p, ok := e.price(r.URN, key, what)
	if !ok {
		return
	}
	hours := HoursPerMonth
	if scheduled {
		hours = e.a.ScheduledHoursPerMonth
	}
	e.add(plan.CostItem{URN: r.URN, What: fmt.Sprintf("%s, %s h", what, formatNumber(HoursPerMonth)),
		Monthly: p.USD * HoursPerMonth, MonthlyScheduled: p.USD * hours})
}

// perUnit prices quantity units of a key (divided by per: 100,000 for events priced per 100,000), the
// same on and off the schedule.
func (e *estimator) perUnit(r plan.Resource, key string, quantity, per float64, what, note string) {
	p, ok := e.price(r.URN, key, what)
	if !ok {
		return
	}
	usd := p.USD * quantity / per
	e.add(plan.CostItem{URN: r.URN, What: what, Monthly: usd, MonthlyScheduled: usd, Note: note})
}

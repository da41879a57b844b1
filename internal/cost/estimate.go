// Package cost prices an offline plan: each resource's monthly cost always on and under the stop/start
// schedule, from the price table of prices.go and the usage assumptions of assumptions.go.
package cost

import (
	"fmt"
	"math"
	"sort"
	"strings"

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

type estimator struct {
	p      *plan.Plan
	a      Assumptions
	book   priceBook
	region string
	items  []plan.CostItem
}

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

// hourly prices a resource charged by the hour, all month or, when scheduled, for the scheduled hours.
func (e *estimator) hourly(r plan.Resource, key, what string, scheduled bool) {
	p, ok := e.book.found(key)
	if !ok {
		e.unpriced(r.URN, what, "no price "+key+" in the price table")
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
	p, ok := e.book.found(key)
	if !ok {
		e.unpriced(r.URN, what, "no price "+key+" in the price table")
		return
	}
	usd := p.USD * quantity / per
	e.add(plan.CostItem{URN: r.URN, What: what, Monthly: usd, MonthlyScheduled: usd, Note: note})
}

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
	label := typ
	if dedicated {
		label += " dedicated"
	}
	what := fmt.Sprintf("%s: %s, %s h", r.Name, label, formatNumber(HoursPerMonth))
	if tenancy == "host" {
		e.unpriced(r.URN, r.Name+": "+typ+" on a Dedicated Host", "Dedicated Host tenancy is charged per host: not in the price table")
	} else if rate, note, ok := e.instanceRate(typ, dedicated); ok {
		e.add(plan.CostItem{URN: r.URN, What: what, Monthly: rate * HoursPerMonth,
			MonthlyScheduled: rate * e.a.ScheduledHoursPerMonth, Note: note})
	} else {
		e.unpriced(r.URN, r.Name+": "+label, fmt.Sprintf("no price for instance type %q in the price table", typ))
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

// vpcTenancy returns the instance tenancy of the VPC of a subnet, or "" if the plan does not say.
func (e *estimator) vpcTenancy(subnetID string) string {
	subnet, ok := e.byID(typeSubnet, subnetID)
	if !ok {
		return ""
	}
	vpc, ok := e.byID(typeVpc, str(subnet.Inputs["vpcId"]))
	if !ok {
		return ""
	}
	return str(vpc.Inputs["instanceTenancy"])
}

// vpcOf returns the VPC of an instance's subnet.
func (e *estimator) vpcOf(instance plan.Resource) (plan.Resource, bool) {
	subnet, ok := e.byID(typeSubnet, str(instance.Inputs["subnetId"]))
	if !ok {
		return plan.Resource{}, false
	}
	return e.byID(typeVpc, str(subnet.Inputs["vpcId"]))
}

func (e *estimator) byID(typ, id string) (plan.Resource, bool) {
	if id == "" {
		return plan.Resource{}, false
	}
	for _, r := range e.p.Resources {
		if r.Type == typ && r.ID == id {
			return r, true
		}
	}
	return plan.Resource{}, false
}

// dedicatedFee prices the dedicated-tenancy per-region fee once, however many dedicated instances run;
// the item belongs to the VPC of the first of them.
func (e *estimator) dedicatedFee(instances []plan.Resource) {
	if len(instances) == 0 {
		return
	}
	urn := instances[0].URN
	if vpc, ok := e.vpcOf(instances[0]); ok {
		urn = vpc.URN
	}
	what := fmt.Sprintf("EC2 dedicated per-region fee, %s h (once for the region: %d dedicated instance(s) here)",
		formatNumber(HoursPerMonth), len(instances))
	p, ok := e.book.found("ec2.dedicated-region-fee")
	if !ok {
		e.unpriced(urn, what, "no price ec2.dedicated-region-fee in the price table")
		return
	}
	e.add(plan.CostItem{URN: urn, What: what, Monthly: p.USD * HoursPerMonth,
		MonthlyScheduled: p.USD * e.a.ScheduledHoursPerMonth,
		Note: "charged per account and region for every hour any dedicated instance runs: other projects' " +
			"dedicated instances in the same account and region share it"})
}

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

// natGateway prices a NAT gateway's hours and the data it processes; it runs all month.
func (e *estimator) natGateway(r plan.Resource) {
	hour, okHour := e.book.found("vpc.nat-gateway-hour")
	gb, okGB := e.book.found("vpc.nat-gateway-gb")
	what := fmt.Sprintf("%s: NAT gateway, %s h + %s GB processed", r.Name, formatNumber(HoursPerMonth), formatNumber(e.a.NATGBPerMonth))
	if !okHour || !okGB {
		e.unpriced(r.URN, what, "no NAT gateway price in the price table")
		return
	}
	usd := hour.USD*HoursPerMonth + gb.USD*e.a.NATGBPerMonth
	e.add(plan.CostItem{URN: r.URN, What: what, Monthly: usd, MonthlyScheduled: usd,
		Note: "its public IPv4 address is the Elastic IP item; internet data transfer out is not estimated"})
}

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
	nodes := number(r.Inputs["numberOfNodes"])
	if nodes < 1 {
		nodes = 1
	}
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

// emrCluster prices the EC2 hours of an EMR cluster's primary and core nodes as if it ran all month, an
// upper bound: it terminates after its idle timeout. EMR's own per-instance fee is not in the table.
func (e *estimator) emrCluster(r plan.Resource) {
	ec2, _ := r.Inputs["ec2Attributes"].(map[string]any)
	dedicated := e.vpcTenancy(str(ec2["subnetId"])) == "dedicated"
	for _, g := range []struct{ key, role string }{{"masterInstanceGroup", "primary"}, {"coreInstanceGroup", "core"}} {
		group, _ := r.Inputs[g.key].(map[string]any)
		typ := str(group["instanceType"])
		count := number(group["instanceCount"])
		if count < 1 {
			count = 1
		}
		label := typ
		if dedicated {
			label += " dedicated"
		}
		what := fmt.Sprintf("%s: EMR %s %s × %s, %s h", r.Name, g.role, label, formatNumber(count), formatNumber(HoursPerMonth))
		rate, note, ok := e.instanceRate(typ, dedicated)
		if !ok {
			e.unpriced(r.URN, what, fmt.Sprintf("no price for instance type %q in the price table", typ))
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
		e.unpriced(r.URN, what, fmt.Sprintf("no price for instance type %q in the price table", typ))
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

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// planRegion returns the region of the plan's AWS provider, or "" if the plan does not say.
func planRegion(p *plan.Plan) string {
	for _, r := range p.Resources {
		if r.Type == typeAWSProvider {
			if region := str(r.Inputs["region"]); region != "" {
				return region
			}
		}
	}
	return ""
}

// str returns a string input, or "" for anything else.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// number returns a numeric input as a float64, or 0 for anything else.
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return 0
}

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

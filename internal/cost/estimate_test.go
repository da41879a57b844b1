package cost_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/cost"
	"github.com/sce-project/sce/internal/plan"
)

// res builds a plan resource of a type, name and id with the inputs given.
func res(typ, name, id string, inputs map[string]any) plan.Resource {
	return plan.Resource{
		URN: "urn:pulumi:test::sce::" + typ + "::" + name, ID: id, Type: typ, Name: name, Custom: true, Inputs: inputs,
	}
}

func provider(region string) plan.Resource {
	return res("pulumi:providers:aws", "aws", "provider-id", map[string]any{"region": region})
}

// dedicatedNetwork is a dedicated-tenancy VPC and a subnet in it.
func dedicatedNetwork() []plan.Resource {
	return []plan.Resource{
		res("aws:ec2/vpc:Vpc", "vpc", "vpc-1", map[string]any{"instanceTenancy": "dedicated"}),
		res("aws:ec2/subnet:Subnet", "subnet", "subnet-1", map[string]any{"vpcId": "vpc-1"}),
	}
}

// instance is an instance of a type in subnet-1 with a gp3 root volume of rootGB.
func instance(name, instanceType string, rootGB int64, extra map[string]any) plan.Resource {
	in := map[string]any{
		"instanceType":    instanceType,
		"subnetId":        "subnet-1",
		"rootBlockDevice": map[string]any{"volumeSize": rootGB, "volumeType": "gp3", "encrypted": true},
	}
	for k, v := range extra {
		in[k] = v
	}
	return res("aws:ec2/instance:Instance", name, "i-"+name, in)
}

func planOf(resources ...plan.Resource) *plan.Plan {
	return &plan.Plan{Stack: "test", Project: "sce", Resources: resources}
}

func itemsAbout(c plan.Cost, substr string) []plan.CostItem {
	var out []plan.CostItem
	for _, it := range c.Items {
		if strings.Contains(it.What, substr) {
			out = append(out, it)
		}
	}
	return out
}

// TestEstimateOfSyntheticPlans prices small plans whose totals were worked out by hand from the price
// table (us-west-2) and the default assumptions (730 h always on, 216.5 h on the schedule).
func TestEstimateOfSyntheticPlans(t *testing.T) {
	tests := []struct {
		name               string
		resources          []plan.Resource
		monthly, scheduled float64
		items              int
	}{
		{
			name: "two dedicated instances pay their hours, their root volumes and one dedicated fee",
			resources: append(append([]plan.Resource{provider("us-west-2")}, dedicatedNetwork()...),
				// m5.large inherits the VPC's dedicated tenancy; r5.2xlarge asks for it itself.
				instance("bastion", "m5.large", 30, nil),
				instance("analysis", "r5.2xlarge", 50, map[string]any{"tenancy": "dedicated"}),
			),
			// fee 2.00 × 730 = 1460.00 (on the schedule 2.00 × 216.5 = 433.00)
			// m5.large 0.096 × 730 = 70.08 (20.784 → 20.78); r5.2xlarge 0.504 × 730 = 367.92 (109.116 → 109.12)
			// root volumes 30 × 0.08 = 2.40 and 50 × 0.08 = 4.00, always on
			monthly:   1460.00 + 70.08 + 367.92 + 2.40 + 4.00,
			scheduled: 433.00 + 20.78 + 109.12 + 2.40 + 4.00,
			items:     5,
		},
		{
			name: "network, storage, key and logs run all month",
			resources: []plan.Resource{
				provider("us-west-2"),
				res("aws:ec2/natGateway:NatGateway", "nat", "nat-1", map[string]any{"connectivityType": "public"}),
				res("aws:ec2/eip:Eip", "nat-eip", "eipalloc-1", map[string]any{"domain": "vpc"}),
				res("aws:ebs/volume:Volume", "data", "vol-1", map[string]any{"size": int64(100), "type": "gp3"}),
				res("aws:kms/key:Key", "key", "key-1", map[string]any{"enableKeyRotation": true}),
				res("aws:s3/bucketV2:BucketV2", "p-data-in-bucket", "p-data-in", map[string]any{}),
				res("aws:s3/bucketV2:BucketV2", "p-output-bucket", "p-output", map[string]any{}),
				res("aws:s3/bucketV2:BucketV2", "p-logs-bucket", "p-logs", map[string]any{}),
				res("aws:cloudwatch/logGroup:LogGroup", "log", "/p/log", map[string]any{"name": "/p/log", "retentionInDays": int64(2192)}),
			},
			// NAT 0.045 × 730 + 0.045 × 20 GB = 32.85 + 0.90 = 33.75; EIP 0.005 × 730 = 3.65
			// gp3 100 GB × 0.08 = 8.00; key 1.00
			// S3 100 GB × 0.023 = 2.30, 20 GB = 0.46, 5 GB = 0.115 → 0.12
			// log group: 2 GB × 0.50 + (2 GB × 12 months) × 0.03 = 1.00 + 0.72 = 1.72 (retention six years > 12 months)
			monthly:   33.75 + 3.65 + 8.00 + 1.00 + 2.30 + 0.46 + 0.12 + 1.72,
			scheduled: 33.75 + 3.65 + 8.00 + 1.00 + 2.30 + 0.46 + 0.12 + 1.72,
			items:     8,
		},
		{
			name: "audit services are priced from the assumed volumes",
			resources: []plan.Resource{
				provider("us-west-2"),
				res("aws:cfg/recorder:Recorder", "recorder", "rec", map[string]any{}),
				res("aws:cfg/rule:Rule", "rule-1", "r1", map[string]any{}),
				res("aws:cfg/rule:Rule", "rule-2", "r2", map[string]any{}),
				res("aws:cfg/rule:Rule", "rule-3", "r3", map[string]any{}),
				res("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm-1", "a1", map[string]any{"period": int64(300)}),
				res("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm-2", "a2", map[string]any{"period": int64(300)}),
				res("aws:cloudtrail/trail:Trail", "trail", "t", map[string]any{"advancedEventSelectors": []any{
					map[string]any{"fieldSelectors": []any{
						map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
					}},
				}}),
				res("aws:secretsmanager/secret:Secret", "secret", "s", map[string]any{}),
				res("aws:sns/topic:Topic", "topic", "arn:topic", map[string]any{}),
			},
			// recorder 1,000 items × 0.003 = 3.00; rules 3 × 300 × 0.001 = 0.90; alarms 2 × 0.10 = 0.20
			// trail 500,000 / 100,000 × 0.10 = 0.50; secret 0.40; SNS topic listed at zero with a note
			monthly:   3.00 + 0.90 + 0.20 + 0.50 + 0.40,
			scheduled: 3.00 + 0.90 + 0.20 + 0.50 + 0.40,
			items:     6,
		},
		{
			name: "a Redshift cluster pauses on the schedule and keeps its managed storage",
			resources: []plan.Resource{
				provider("us-west-2"),
				res("aws:redshift/cluster:Cluster", "omop", "omop", map[string]any{"nodeType": "ra3.xlplus", "numberOfNodes": int64(2)}),
			},
			// nodes 1.086 × 2 × 730 = 1585.56 (× 216.5 = 470.238 → 470.24); storage 100 GB × 0.024 = 2.40
			monthly:   1585.56 + 2.40,
			scheduled: 470.24 + 2.40,
			items:     2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cost.Estimate(planOf(tt.resources...), cost.DefaultAssumptions())
			assert.Equal(t, "USD", c.Currency)
			assert.InDelta(t, tt.monthly, c.Monthly, 0.005)
			assert.InDelta(t, tt.scheduled, c.MonthlyScheduled, 0.005)
			assert.Len(t, c.Items, tt.items, "%+v", c.Items)
			var sum, sumScheduled float64
			for _, it := range c.Items {
				assert.False(t, it.Unpriced, "%s is priced", it.What)
				assert.NotEmpty(t, it.URN, it.What)
				sum += it.Monthly
				sumScheduled += it.MonthlyScheduled
			}
			assert.InDelta(t, c.Monthly, sum, 0.005, "the total is the sum of the items")
			assert.InDelta(t, c.MonthlyScheduled, sumScheduled, 0.005)
		})
	}
}

func TestTheDedicatedFeeIsChargedOnceHoweverManyInstancesRun(t *testing.T) {
	for _, n := range []int{1, 2, 5} {
		t.Run(fmt.Sprintf("%d dedicated instance(s)", n), func(t *testing.T) {
			resources := append([]plan.Resource{provider("us-west-2")}, dedicatedNetwork()...)
			for i := range n {
				resources = append(resources, instance(fmt.Sprintf("i%d", i), "m5.large", 30, nil))
			}
			c := cost.Estimate(planOf(resources...), cost.DefaultAssumptions())
			fees := itemsAbout(c, "dedicated per-region fee")
			require.Len(t, fees, 1)
			assert.InDelta(t, 1460.00, fees[0].Monthly, 0.005)
			assert.InDelta(t, 433.00, fees[0].MonthlyScheduled, 0.005)
			assert.Equal(t, "urn:pulumi:test::sce::aws:ec2/vpc:Vpc::vpc", fees[0].URN, "the fee belongs to the VPC")
			assert.Contains(t, fees[0].What, fmt.Sprintf("%d dedicated instance(s)", n))
			assert.Len(t, itemsAbout(c, "m5.large dedicated"), n)
		})
	}
}

func TestInstancesWithDefaultTenancyPayNoDedicatedFee(t *testing.T) {
	c := cost.Estimate(planOf(
		provider("us-west-2"),
		res("aws:ec2/vpc:Vpc", "vpc", "vpc-1", map[string]any{"instanceTenancy": "default"}),
		res("aws:ec2/subnet:Subnet", "subnet", "subnet-1", map[string]any{"vpcId": "vpc-1"}),
		instance("shared", "m5.large", 30, nil),
	), cost.DefaultAssumptions())
	assert.Empty(t, itemsAbout(c, "dedicated"))
	hours := itemsAbout(c, "shared: m5.large, 730 h")
	require.Len(t, hours, 1)
	assert.InDelta(t, 70.08, hours[0].Monthly, 0.005)
	assert.Empty(t, hours[0].Note, "a default-tenancy rate needs no caveat")
}

func TestADedicatedInstanceWithoutADedicatedRateSaysItIsALowerBound(t *testing.T) {
	c := cost.Estimate(planOf(instance("ws", "m5.xlarge", 30, map[string]any{"tenancy": "dedicated"})), cost.DefaultAssumptions())
	hours := itemsAbout(c, "ws: m5.xlarge dedicated")
	require.Len(t, hours, 1)
	assert.InDelta(t, 0.192*730, hours[0].Monthly, 0.005)
	assert.Contains(t, hours[0].Note, "default-tenancy rate ($0.192/h), a lower bound")
	fees := itemsAbout(c, "dedicated per-region fee")
	require.Len(t, fees, 1)
	assert.Equal(t, hours[0].URN, fees[0].URN, "without a VPC in the plan the fee belongs to the instance")
}

func TestWhatTheTableCannotPriceIsReportedAsUnpriced(t *testing.T) {
	c := cost.Estimate(planOf(
		provider("us-west-2"),
		instance("big", "x2iedn.32xlarge", 30, map[string]any{"tenancy": "dedicated"}),
		res("aws:ec2/instance:Instance", "noroot", "i-noroot", map[string]any{"instanceType": "m5.large"}),
		res("aws:ebs/volume:Volume", "io2", "vol-2", map[string]any{"size": int64(10), "type": "io2"}),
		res("aws:redshift/cluster:Cluster", "dw", "dw", map[string]any{"nodeType": "ds2.xlarge"}),
		res("aws:cloudwatch/metricAlarm:MetricAlarm", "fast", "a", map[string]any{"period": int64(10)}),
	), cost.DefaultAssumptions())

	unpriced := map[string]string{}
	for _, it := range c.Items {
		if it.Unpriced {
			assert.Zero(t, it.Monthly, it.What)
			assert.Zero(t, it.MonthlyScheduled, it.What)
			assert.NotEmpty(t, it.Note, "an unpriced item says why: %s", it.What)
			unpriced[it.What] = it.Note
		}
	}
	assert.Contains(t, unpriced["big: x2iedn.32xlarge dedicated"], `no price for instance type "x2iedn.32xlarge"`)
	assert.Contains(t, unpriced["noroot: root volume"], "no root volume size")
	assert.Contains(t, unpriced["io2: EBS volume, 10 GB"], "volume type io2")
	assert.Contains(t, unpriced["dw: Redshift ds2.xlarge × 1 nodes, 730 h"], `node type "ds2.xlarge"`)
	assert.Contains(t, unpriced["fast: high-resolution alarm"], "high-resolution")
	assert.Len(t, unpriced, 5)
	assert.True(t, c.Items[len(c.Items)-1].Unpriced, "unpriced items come last")

	// The dedicated fee is still due for the unpriced dedicated instance.
	fees := itemsAbout(c, "dedicated per-region fee")
	require.Len(t, fees, 1)
	assert.InDelta(t, 1460.00+0.096*730+2.40, c.Monthly, 0.005, "the fee, noroot's m5.large hours and big's root volume")
}

func TestAStackOutsideTheTablesRegionIsPricedAsUSWest2WithANote(t *testing.T) {
	for _, region := range []string{"eu-west-1", ""} {
		t.Run("region "+region, func(t *testing.T) {
			resources := []plan.Resource{res("aws:kms/key:Key", "key", "key-1", map[string]any{})}
			if region != "" {
				resources = append(resources, provider(region))
			}
			c := cost.Estimate(planOf(resources...), cost.DefaultAssumptions())
			want := region
			if want == "" {
				want = "unknown"
			}
			require.Len(t, c.Items, 1)
			assert.Contains(t, c.Items[0].Note, "priced as us-west-2 (region "+want+")")
			assert.Contains(t, c.Basis, "the stack's region "+want+" is priced as us-west-2")
			assert.InDelta(t, 1.00, c.Monthly, 0.005)
		})
	}
}

func TestTheScheduleShortensOnlyWhatItStops(t *testing.T) {
	a := cost.DefaultAssumptions()
	a.ScheduledHoursPerMonth = 100
	c := cost.Estimate(planOf(append(append([]plan.Resource{provider("us-west-2")}, dedicatedNetwork()...),
		instance("ws", "m5.large", 30, map[string]any{"monitoring": true}),
		res("aws:ec2/natGateway:NatGateway", "nat", "nat-1", map[string]any{}),
	)...), a)
	byWhat := map[string]plan.CostItem{}
	for _, it := range c.Items {
		byWhat[it.What] = it
	}
	assert.InDelta(t, 0.096*100, byWhat["ws: m5.large dedicated, 730 h"].MonthlyScheduled, 0.005)
	assert.InDelta(t, 2.00*100, c.Items[0].MonthlyScheduled, 0.005, "the fee, the largest item, comes first")
	assert.InDelta(t, 0.30*7*100/730, byWhat["ws: detailed monitoring, 7 metrics"].MonthlyScheduled, 0.005)
	assert.InDelta(t, 2.40, byWhat["ws: root volume, gp3 30 GB"].MonthlyScheduled, 0.005, "storage stays")
	nat := byWhat["nat: NAT gateway, 730 h + 20 GB processed"]
	assert.InDelta(t, nat.Monthly, nat.MonthlyScheduled, 0.005, "the NAT gateway stays")
}

func TestTheEstimateListsItsAssumptions(t *testing.T) {
	a := cost.DefaultAssumptions()
	a.S3DataInGB = 750
	c := cost.Estimate(planOf(), a)
	values := map[string]string{}
	for _, x := range c.Assumptions {
		values[x.Name] = x.Value
	}
	assert.Equal(t, "216.5 h", values["hours a month on the schedule (instances, dedicated fee, Redshift)"])
	assert.Equal(t, "730 h", values["hours a month always on"])
	assert.Equal(t, "750 GB", values["S3 data-in bucket"])
	assert.Equal(t, "500000 events/month", values["CloudTrail data events"])
	assert.Len(t, values, 14)
	assert.NotNil(t, c.Items, "an empty plan has an empty list of items, not null")
	assert.Zero(t, c.Monthly)
}

func TestAssumptionsRefuseNegativeValuesAndAScheduleLongerThanTheMonth(t *testing.T) {
	assert.NoError(t, cost.DefaultAssumptions().Validate())

	a := cost.DefaultAssumptions()
	a.NATGBPerMonth = -1
	a.ScheduledHoursPerMonth = 800
	err := a.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `cost assumption "NAT gateway data processed" is -1: must be zero or more`)
	assert.Contains(t, err.Error(), `cost assumption "hours a month on the schedule" is 800: must be at most 730`)
}

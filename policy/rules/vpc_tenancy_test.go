package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

// tenancyStack builds a VPC of the given tenancy with one subnet, and the extra resources.
func tenancyStack(t *testing.T, tenancy string, extra ...*engine.Resource) []*engine.Resource {
	t.Helper()
	props := `{}`
	if tenancy != "" {
		props = `{"instanceTenancy":"` + tenancy + `"}`
	}
	return append([]*engine.Resource{
		res(t, typeVPC, "vpc", props),
		res(t, typeSubnet, "private", `{"vpcId":"vpc-id"}`),
	}, extra...)
}

func redshiftIn(t *testing.T) []*engine.Resource {
	t.Helper()
	return []*engine.Resource{
		res(t, typeRedshiftSubnetGroup, "rsg", `{"name":"omop-redshift","subnetIds":["private-id"]}`),
		res(t, typeRedshiftCluster, "omop", `{"clusterSubnetGroupName":"omop-redshift"}`),
	}
}

func tenancyConfigRule(t *testing.T, tenancy string) *engine.Resource {
	t.Helper()
	return res(t, typeConfigRule, "tenancy", `{"source":{"owner":"AWS","sourceIdentifier":"DESIRED_INSTANCE_TENANCY"},"inputParameters":"{\"tenancy\":\"`+tenancy+`\"}"}`)
}

func TestVPCDedicatedTenancy(t *testing.T) {
	checkRule(t, "vpc-dedicated-tenancy", []ruleCase{
		{name: "dedicated is compliant", rs: tenancyStack(t, "dedicated")},
		{name: "default tenancy without Redshift violates", rs: tenancyStack(t, "default"), want: `"default"; it must be dedicated`},
		{name: "a missing tenancy violates (AWS defaults to shared)", rs: tenancyStack(t, ""), want: "not set"},
		{name: "a tenancy of the wrong shape violates", rs: []*engine.Resource{res(t, typeVPC, "v", `{"instanceTenancy":true}`)}, want: "expected a string"},
		{name: "default tenancy holding Redshift, with the Config rule, is compliant",
			rs: tenancyStack(t, "default", append(redshiftIn(t), tenancyConfigRule(t, "DEDICATED"))...)},
		{name: "default tenancy holding Redshift without the Config rule violates",
			rs: tenancyStack(t, "default", redshiftIn(t)...), want: "no AWS Config rule DESIRED_INSTANCE_TENANCY"},
		{name: "a Config rule asking for DEFAULT does not count",
			rs: tenancyStack(t, "default", append(redshiftIn(t), tenancyConfigRule(t, "DEFAULT"))...), want: "no AWS Config rule"},
		{name: "a Redshift cluster in another VPC does not excuse this one",
			rs: append(tenancyStack(t, "default", tenancyConfigRule(t, "DEDICATED")),
				res(t, typeRedshiftSubnetGroup, "rsg", `{"name":"elsewhere","subnetIds":["subnet-other"]}`),
				res(t, typeRedshiftCluster, "omop", `{"clusterSubnetGroupName":"elsewhere"}`)),
			want: "it must be dedicated"},
	})
	vpc := res(t, typeVPC, "v", `{}`)
	vpc.Props["instanceTenancy"] = engine.Unknown
	checkRule(t, "vpc-dedicated-tenancy", []ruleCase{{name: "an unknown tenancy is undecided", rs: []*engine.Resource{vpc}, want: "unknown until deployment", undecided: true}})
}

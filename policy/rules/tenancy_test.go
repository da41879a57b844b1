package rules

import "testing"

// tenancyStack builds a VPC of the given tenancy with one subnet, and the extra resources.
func tenancyStack(t *testing.T, tenancy string, extra ...*Resource) []*Resource {
	t.Helper()
	props := `{}`
	if tenancy != "" {
		props = `{"instanceTenancy":"` + tenancy + `"}`
	}
	return append([]*Resource{
		res(t, typeVPC, "vpc", props),
		res(t, typeSubnet, "private", `{"vpcId":"vpc-id"}`),
	}, extra...)
}

func redshiftIn(t *testing.T) []*Resource {
	t.Helper()
	return []*Resource{
		res(t, typeRedshiftSubnetGroup, "rsg", `{"name":"omop-redshift","subnetIds":["private-id"]}`),
		res(t, typeRedshiftCluster, "omop", `{"clusterSubnetGroupName":"omop-redshift"}`),
	}
}

func tenancyConfigRule(t *testing.T, tenancy string) *Resource {
	t.Helper()
	return res(t, typeConfigRule, "tenancy", `{"source":{"owner":"AWS","sourceIdentifier":"DESIRED_INSTANCE_TENANCY"},"inputParameters":"{\"tenancy\":\"`+tenancy+`\"}"}`)
}

func TestVPCDedicatedTenancy(t *testing.T) {
	checkRule(t, "vpc-dedicated-tenancy", []ruleCase{
		{name: "dedicated is compliant", rs: tenancyStack(t, "dedicated")},
		{name: "default tenancy without Redshift violates", rs: tenancyStack(t, "default"), want: `"default"; it must be dedicated`},
		{name: "a missing tenancy violates (AWS defaults to shared)", rs: tenancyStack(t, ""), want: "not set"},
		{name: "a tenancy of the wrong shape violates", rs: []*Resource{res(t, typeVPC, "v", `{"instanceTenancy":true}`)}, want: "expected a string"},
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
	vpc.Props["instanceTenancy"] = Unknown
	checkRule(t, "vpc-dedicated-tenancy", []ruleCase{{name: "an unknown tenancy is undecided", rs: []*Resource{vpc}, want: "unknown until deployment", undecided: true}})
}

func TestRedshiftNotInDedicatedVPC(t *testing.T) {
	checkRule(t, "redshift-not-in-dedicated-vpc", []ruleCase{
		{name: "Redshift in a default-tenancy VPC is compliant", rs: tenancyStack(t, "default", redshiftIn(t)...)},
		{name: "Redshift in a dedicated VPC violates", rs: tenancyStack(t, "dedicated", redshiftIn(t)...), want: "Redshift refuses to launch into a dedicated-tenancy VPC"},
		{name: "a dedicated VPC without Redshift is compliant", rs: tenancyStack(t, "dedicated")},
	})
}

func TestLambdaNotInDedicatedVPC(t *testing.T) {
	inVPC := res(t, typeLambdaFunction, "f", `{"vpcConfig":{"subnetIds":["private-id"],"securityGroupIds":["sg-1"]}}`)
	outside := res(t, typeLambdaFunction, "f", `{"runtime":"provided.al2023"}`)
	checkRule(t, "lambda-not-in-dedicated-vpc", []ruleCase{
		{name: "a function attached to a dedicated VPC violates", rs: tenancyStack(t, "dedicated", inVPC), want: "Lambda cannot attach to a dedicated-tenancy VPC"},
		{name: "a function attached to a default VPC is compliant", rs: tenancyStack(t, "default", inVPC)},
		{name: "a function outside any VPC is compliant", rs: tenancyStack(t, "dedicated", outside)},
	})
	byDependency := res(t, typeLambdaFunction, "f", `{"vpcConfig":{"subnetIds":["[unknown]"]}}`)
	byDependency.PropertyDependencies = map[string][]string{"vpcConfig": {"urn:pulumi:test::sce::" + typeSubnet + "::private"}}
	checkRule(t, "lambda-not-in-dedicated-vpc", []ruleCase{
		{name: "a subnet known only through the property dependency is found", rs: tenancyStack(t, "dedicated", byDependency), want: "dedicated"},
	})
}

func TestDeployabilityRulesAreMandatory(t *testing.T) {
	for _, r := range All() {
		if r.CategoryOf() == CategoryDeployability && r.Level != Mandatory {
			t.Errorf("rule %s is a deployability rule at level %s; AWS refuses the broken form, so it must be mandatory", r.ID, r.Level)
		}
	}
}

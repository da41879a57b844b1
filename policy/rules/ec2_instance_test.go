package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIMDSv2Required(t *testing.T) {
	checkRule(t, "ec2-imdsv2-required", []ruleCase{
		{name: "an instance requiring tokens is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"metadataOptions":{"httpTokens":"required"}}`)}},
		{name: "an instance with optional tokens violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"metadataOptions":{"httpTokens":"optional"}}`)},
			want: `metadataOptions.httpTokens is "optional"; it must be required`},
		{name: "an instance without metadata options violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}, want: "metadataOptions.httpTokens is not set"},
		{name: "metadata options without httpTokens violate", rs: []*engine.Resource{res(t, typeInstance, "i", `{"metadataOptions":{"httpEndpoint":"enabled"}}`)},
			want: "metadataOptions.httpTokens is not set"},
		{name: "a launch template requiring tokens is compliant", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"metadataOptions":{"httpTokens":"required"}}`)}},
		{name: "a launch template with optional tokens violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"metadataOptions":{"httpTokens":"optional"}}`)},
			want: `"optional"`},
		{name: "metadata options of the wrong shape violate", rs: []*engine.Resource{res(t, typeInstance, "i", `{"metadataOptions":"required"}`)},
			want: `metadataOptions is a string ("required"); expected an object`},
		{name: "httpTokens of the wrong shape violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"metadataOptions":{"httpTokens":true}}`)},
			want: "expected a string"},
	})
	unknownTokens := res(t, typeInstance, "i", `{"metadataOptions":{}}`)
	unknownTokens.Props["metadataOptions"].(map[string]any)["httpTokens"] = engine.Unknown
	checkRule(t, "ec2-imdsv2-required", []ruleCase{
		{name: "unknown httpTokens are undecided", rs: []*engine.Resource{unknownTokens}, want: "metadataOptions.httpTokens is unknown until deployment", undecided: true},
		{name: "unknown metadata options are undecided", rs: []*engine.Resource{unknownValue(res(t, typeLaunchTemplate, "lt", `{}`), "metadataOptions")},
			want: "unknown until deployment", undecided: true},
	})
}

func TestDetailedMonitoring(t *testing.T) {
	checkRule(t, "ec2-detailed-monitoring", []ruleCase{
		{name: "a monitored instance is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"monitoring":true}`)}},
		{name: "an unmonitored instance violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"monitoring":false}`)}, want: "monitoring is false; it must be true"},
		{name: "an instance without monitoring violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}, want: "monitoring is not set"},
		{name: "a monitored launch template is compliant", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"monitoring":{"enabled":true}}`)}},
		{name: "a launch template without monitoring violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{}`)}, want: "monitoring.enabled is not set"},
		{name: "a launch template with monitoring disabled violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"monitoring":{"enabled":false}}`)},
			want: "monitoring.enabled is false"},
		{name: "a launch template with a boolean monitoring block violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"monitoring":true}`)},
			want: "monitoring is a boolean (true); expected an object"},
		{name: "an instance with a non-boolean monitoring violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"monitoring":"on"}`)},
			want: "expected the boolean true"},
		{name: "unknown monitoring is undecided", rs: []*engine.Resource{unknownValue(res(t, typeInstance, "i", `{}`), "monitoring")},
			want: "monitoring is unknown until deployment", undecided: true},
	})
}

func TestEBSOptimized(t *testing.T) {
	checkRule(t, "ec2-ebs-optimized", []ruleCase{
		{name: "an optimized instance is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"ebsOptimized":true}`)}},
		{name: "a launch template with the string true is compliant", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"ebsOptimized":"true"}`)}},
		{name: "an instance not optimized violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"ebsOptimized":false}`)}, want: "ebsOptimized is false; it must be true"},
		{name: "a launch template with the string false violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"ebsOptimized":"false"}`)}, want: "ebsOptimized is false"},
		{name: "an instance without the flag violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}, want: "ebsOptimized is not set"},
		{name: "a flag that is not a boolean violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"ebsOptimized":"yes"}`)}, want: "expected the boolean true"},
		{name: "an unknown flag is undecided", rs: []*engine.Resource{unknownValue(res(t, typeInstance, "i", `{}`), "ebsOptimized")}, want: "ebsOptimized is unknown", undecided: true},
	})
}

func TestInstanceProfileAttached(t *testing.T) {
	checkRule(t, "ec2-instance-profile-attached", []ruleCase{
		{name: "an instance with a profile is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"iamInstanceProfile":"web-profile"}`)}},
		{name: "an instance whose profile is unknown until deployment is compliant", rs: []*engine.Resource{unknownValue(res(t, typeInstance, "i", `{}`), "iamInstanceProfile")}},
		{name: "an instance without a profile violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}, want: "iamInstanceProfile is not set"},
		{name: "an instance with an empty profile violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"iamInstanceProfile":" "}`)}, want: "iamInstanceProfile is not set"},
		{name: "a profile of the wrong shape violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"iamInstanceProfile":42}`)}, want: "iamInstanceProfile is a number (42); expected a string"},
		{name: "a launch template naming a profile is compliant", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"iamInstanceProfile":{"name":"web-profile"}}`)}},
		{name: "a launch template with a profile arn is compliant", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt",
			`{"iamInstanceProfile":{"arn":"arn:aws:iam::123456789012:instance-profile/web"}}`)}},
		{name: "a launch template with an empty profile block violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"iamInstanceProfile":{}}`)},
			want: "iamInstanceProfile.name and iamInstanceProfile.arn are not set"},
		{name: "a launch template without a profile violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{}`)}, want: "are not set"},
		{name: "a launch template with a profile name string violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"iamInstanceProfile":"web"}`)},
			want: "iamInstanceProfile is a string"},
	})
}

func TestInstancesInVPC(t *testing.T) {
	checkRule(t, "ec2-instances-in-vpc", []ruleCase{
		{name: "an instance in a subnet is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"subnetId":"subnet-1"}`)}},
		{name: "an instance whose subnet is unknown until deployment is compliant", rs: []*engine.Resource{unknownValue(res(t, typeInstance, "i", `{}`), "subnetId")}},
		{name: "an instance on a network interface is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"networkInterfaces":[{"networkInterfaceId":"eni-1","deviceIndex":0}]}`)}},
		{name: "an instance with neither violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}, want: "neither subnetId nor networkInterfaces is set"},
		{name: "an instance with an empty subnet and no interfaces violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"subnetId":"","networkInterfaces":[]}`)},
			want: "neither subnetId nor networkInterfaces"},
		{name: "a subnet of the wrong shape violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"subnetId":["subnet-1"]}`)}, want: "subnetId is a list"},
		{name: "interfaces of the wrong shape violate", rs: []*engine.Resource{res(t, typeInstance, "i", `{"networkInterfaces":"eni-1"}`)},
			want: "networkInterfaces is a string"},
	})
}

func TestNoPublicIP(t *testing.T) {
	inst := func() *engine.Resource { return res(t, typeInstance, "web", `{"subnetId":"subnet-1"}`) }
	byValue := inst()
	previewed := inst()
	associated := inst()
	checkRule(t, "ec2-no-public-ip", []ruleCase{
		{name: "an instance without a public address is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"associatePublicIpAddress":false}`)}},
		{name: "an instance that leaves the setting to the subnet is compliant", rs: []*engine.Resource{inst()}},
		{name: "an instance asking for a public address violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"associatePublicIpAddress":true}`)},
			want: "associatePublicIpAddress is true; it must be false"},
		{name: "a setting of the wrong shape violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"associatePublicIpAddress":"sometimes"}`)},
			want: "expected the boolean false"},
		{name: "an unknown setting is undecided", rs: []*engine.Resource{unknownValue(res(t, typeInstance, "i", `{}`), "associatePublicIpAddress")},
			want: "associatePublicIpAddress is unknown", undecided: true},
		{name: "a launch template interface without a public address is compliant", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt",
			`{"networkInterfaces":[{"associatePublicIpAddress":"false","subnetId":"subnet-1"}]}`)}},
		{name: "a launch template interface asking for a public address violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt",
			`{"networkInterfaces":[{"deviceIndex":0},{"associatePublicIpAddress":"true"}]}`)}, want: "networkInterfaces[1].associatePublicIpAddress is true"},
		{name: "launch template interfaces of the wrong shape violate", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"networkInterfaces":"eni"}`)},
			want: "networkInterfaces is a string; expected a list of objects"},
		{name: "an elastic ip without an instance is compliant", rs: []*engine.Resource{inst(), res(t, computeTypeEIP, "nat-eip", `{"domain":"vpc"}`)}},
		{name: "an elastic ip given to an instance by id violates", rs: []*engine.Resource{byValue, res(t, computeTypeEIP, "web-eip", `{"instance":"web-id"}`)},
			want: "eip web-eip gives the instance a public address through its instance"},
		{name: "an elastic ip given to an instance in preview violates", rs: []*engine.Resource{previewed,
			previewRef(res(t, computeTypeEIP, "web-eip", `{}`), "instance", previewed)}, want: "eip web-eip gives the instance a public address"},
		{name: "an elastic ip association with an instance violates", rs: []*engine.Resource{associated,
			res(t, computeTypeEIPAssociation, "assoc", `{"instanceId":"web-id","allocationId":"eipalloc-1"}`)},
			want: "eipassociation assoc gives the instance a public address through its instanceId"},
		{name: "an elastic ip given to an instance outside the stack violates", rs: []*engine.Resource{res(t, computeTypeEIP, "eip", `{"instance":"i-0123"}`)},
			want: `instance is "i-0123", not an instance of this stack`},
		{name: "an elastic ip whose instance is unknown is undecided", rs: []*engine.Resource{unknownValue(res(t, computeTypeEIP, "eip", `{}`), "instance")},
			want: "instance is unknown until deployment", undecided: true},
	})

	t.Run("the elastic ip finding is reported on the instance, so the bastion can be exempted", func(t *testing.T) {
		web := inst()
		fs := findingsOf(t, "ec2-no-public-ip", web, res(t, computeTypeEIP, "web-eip", `{"instance":"web-id"}`))
		require.Len(t, fs, 1)
		assert.Equal(t, web.URN, fs[0].URN)
	})
}

func TestNoBurstableInstanceTypes(t *testing.T) {
	checkRule(t, "ec2-no-burstable-instance-types", []ruleCase{
		{name: "an m5 instance is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"instanceType":"m5.large"}`)}},
		{name: "a t3 instance violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"instanceType":"t3.large"}`)}, want: `instanceType is "t3.large"`},
		{name: "an instance without a type is not judged here", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}},
		{name: "a launch template with t4g violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"instanceType":"t4g.micro"}`)}, want: "t4g.micro"},
		{name: "an upper-case T2 violates", rs: []*engine.Resource{res(t, typeSpotInstanceRequest, "s", `{"instanceType":"T2.MICRO"}`)}, want: "T2.MICRO"},
		{name: "a later t-family violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"instanceType":"t5a.large"}`)}, want: "t5a.large"},
		{name: "a nested override in an autoscaling group violates", rs: []*engine.Resource{res(t, typeAutoscalingGroup, "asg",
			`{"mixedInstancesPolicy":{"launchTemplate":{"overrides":[{"instanceType":"m5.large"},{"instanceType":"t3.medium"}]}}}`)},
			want: "mixedInstancesPolicy.launchTemplate.overrides[1].instanceType"},
		{name: "a list of instance types with one t-type violates", rs: []*engine.Resource{res(t, "aws:eks/nodeGroup:NodeGroup", "ng", `{"instanceTypes":["m6i.large","t3.large"]}`)}, want: "t3.large"},
		{name: "families that merely contain a t are compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"instanceType":"trn1.2xlarge"}`)}},
		{name: "an unknown type is undecided", rs: []*engine.Resource{res(t, typeInstance, "i", `{"instanceType":null}`)}},
		{name: "an instance type of the wrong shape is ignored, not a panic", rs: []*engine.Resource{res(t, typeInstance, "i", `{"instanceType":{"a":1}}`)}},
	})
	r := res(t, typeInstance, "i", `{}`)
	r.Props["instanceType"] = engine.Unknown
	checkRule(t, "ec2-no-burstable-instance-types", []ruleCase{{name: "an unknown instance type is undecided", rs: []*engine.Resource{r}, want: "unknown until deployment", undecided: true}})
}

func TestInstanceDedicatedTenancy(t *testing.T) {
	checkRule(t, "ec2-dedicated-tenancy", []ruleCase{
		{name: "a dedicated instance is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"tenancy":"dedicated"}`)}},
		{name: "a host instance is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{"tenancy":"host"}`)}},
		{name: "a default instance violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"tenancy":"default"}`)}, want: `"default"`},
		{name: "an instance without tenancy violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}, want: "tenancy is not set"},
		{name: "a dedicated launch configuration is compliant", rs: []*engine.Resource{res(t, typeLaunchConfiguration, "lc", `{"placementTenancy":"dedicated"}`)}},
		{name: "a launch configuration without tenancy violates", rs: []*engine.Resource{res(t, typeLaunchConfiguration, "lc", `{}`)}, want: "placementTenancy is not set"},
		{name: "a dedicated launch template is compliant", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"placement":{"tenancy":"dedicated"}}`)}},
		{name: "a launch template without placement violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{}`)}, want: "placement.tenancy is not set"},
		{name: "a launch template with a malformed placement violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"placement":"dedicated"}`)}, want: "placement.tenancy is not set"},
	})
}

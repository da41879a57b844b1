package rules

import "testing"

func TestNoBurstableInstanceTypes(t *testing.T) {
	checkRule(t, "ec2-no-burstable-instance-types", []ruleCase{
		{name: "an m5 instance is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"instanceType":"m5.large"}`)}},
		{name: "a t3 instance violates", rs: []*Resource{res(t, typeInstance, "i", `{"instanceType":"t3.large"}`)}, want: `instanceType is "t3.large"`},
		{name: "an instance without a type is not judged here", rs: []*Resource{res(t, typeInstance, "i", `{}`)}},
		{name: "a launch template with t4g violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"instanceType":"t4g.micro"}`)}, want: "t4g.micro"},
		{name: "an upper-case T2 violates", rs: []*Resource{res(t, typeSpotInstanceRequest, "s", `{"instanceType":"T2.MICRO"}`)}, want: "T2.MICRO"},
		{name: "a later t-family violates", rs: []*Resource{res(t, typeInstance, "i", `{"instanceType":"t5a.large"}`)}, want: "t5a.large"},
		{name: "a nested override in an autoscaling group violates", rs: []*Resource{res(t, typeAutoscalingGroup, "asg",
			`{"mixedInstancesPolicy":{"launchTemplate":{"overrides":[{"instanceType":"m5.large"},{"instanceType":"t3.medium"}]}}}`)},
			want: "mixedInstancesPolicy.launchTemplate.overrides[1].instanceType"},
		{name: "a list of instance types with one t-type violates", rs: []*Resource{res(t, "aws:eks/nodeGroup:NodeGroup", "ng", `{"instanceTypes":["m6i.large","t3.large"]}`)}, want: "t3.large"},
		{name: "families that merely contain a t are compliant", rs: []*Resource{res(t, typeInstance, "i", `{"instanceType":"trn1.2xlarge"}`)}},
		{name: "an unknown type is undecided", rs: []*Resource{res(t, typeInstance, "i", `{"instanceType":null}`)}},
		{name: "an instance type of the wrong shape is ignored, not a panic", rs: []*Resource{res(t, typeInstance, "i", `{"instanceType":{"a":1}}`)}},
	})
	r := res(t, typeInstance, "i", `{}`)
	r.Props["instanceType"] = Unknown
	checkRule(t, "ec2-no-burstable-instance-types", []ruleCase{{name: "an unknown instance type is undecided", rs: []*Resource{r}, want: "unknown until deployment", undecided: true}})
}

func TestInstanceDedicatedTenancy(t *testing.T) {
	checkRule(t, "ec2-dedicated-tenancy", []ruleCase{
		{name: "a dedicated instance is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"tenancy":"dedicated"}`)}},
		{name: "a host instance is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"tenancy":"host"}`)}},
		{name: "a default instance violates", rs: []*Resource{res(t, typeInstance, "i", `{"tenancy":"default"}`)}, want: `"default"`},
		{name: "an instance without tenancy violates", rs: []*Resource{res(t, typeInstance, "i", `{}`)}, want: "tenancy is not set"},
		{name: "a dedicated launch configuration is compliant", rs: []*Resource{res(t, typeLaunchConfiguration, "lc", `{"placementTenancy":"dedicated"}`)}},
		{name: "a launch configuration without tenancy violates", rs: []*Resource{res(t, typeLaunchConfiguration, "lc", `{}`)}, want: "placementTenancy is not set"},
		{name: "a dedicated launch template is compliant", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"placement":{"tenancy":"dedicated"}}`)}},
		{name: "a launch template without placement violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{}`)}, want: "placement.tenancy is not set"},
		{name: "a launch template with a malformed placement violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"placement":"dedicated"}`)}, want: "placement.tenancy is not set"},
	})
}

func TestEBSVolumesEncrypted(t *testing.T) {
	checkRule(t, "ebs-volumes-encrypted", []ruleCase{
		{name: "an encrypted volume is compliant", rs: []*Resource{res(t, typeEBSVolume, "v", `{"encrypted":true,"kmsKeyId":"k"}`)}},
		{name: "an unencrypted volume violates", rs: []*Resource{res(t, typeEBSVolume, "v", `{"encrypted":false}`)}, want: "encrypted is false"},
		{name: "a volume without the flag violates", rs: []*Resource{res(t, typeEBSVolume, "v", `{}`)}, want: "encrypted is not set"},
		{name: "an instance with encrypted root and data devices is compliant", rs: []*Resource{res(t, typeInstance, "i",
			`{"rootBlockDevice":{"encrypted":true},"ebsBlockDevices":[{"deviceName":"/dev/sdf","encrypted":true}]}`)}},
		{name: "an instance without a root device block violates", rs: []*Resource{res(t, typeInstance, "i", `{}`)}, want: "rootBlockDevice is not set"},
		{name: "a root device with encrypted unset violates", rs: []*Resource{res(t, typeInstance, "i", `{"rootBlockDevice":{"volumeSize":20}}`)}, want: "rootBlockDevice.encrypted is not set"},
		{name: "an unencrypted data device violates", rs: []*Resource{res(t, typeInstance, "i",
			`{"rootBlockDevice":{"encrypted":true},"ebsBlockDevices":[{"encrypted":true},{"encrypted":false}]}`)}, want: "ebsBlockDevices[1].encrypted is false"},
		{name: "data devices of the wrong shape violate", rs: []*Resource{res(t, typeInstance, "i",
			`{"rootBlockDevice":{"encrypted":true},"ebsBlockDevices":"oops"}`)}, want: "expected a list of objects"},
		{name: "a launch template mapping with the string true is compliant", rs: []*Resource{res(t, typeLaunchTemplate, "lt",
			`{"blockDeviceMappings":[{"deviceName":"/dev/xvda","ebs":{"encrypted":"true"}},{"deviceName":"/dev/sdb","virtualName":"ephemeral0"}]}`)}},
		{name: "a launch template mapping without encryption violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt",
			`{"blockDeviceMappings":[{"deviceName":"/dev/xvda","ebs":{"volumeSize":8}}]}`)}, want: "blockDeviceMappings[0].ebs.encrypted is not set"},
		{name: "a launch template mapping with a non-boolean string violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt",
			`{"blockDeviceMappings":[{"ebs":{"encrypted":"yes"}}]}`)}, want: "expected the boolean true"},
	})
}

func TestResourcesTaggedWithPIT(t *testing.T) {
	tagged := res(t, typeVPC, "v", `{"tags":{"Project":"hipaa"}}`)
	untagged := res(t, typeVPC, "u", `{"tags":{"Name":"x"}}`)
	byProvider := res(t, typeSubnet, "s", `{}`)
	byProvider.Provider = obj(t, `{"defaultTags":{"tags":{"Project":"hipaa"}}}`)
	route := res(t, "aws:ec2/route:Route", "r", `{}`)
	checkRule(t, "resources-tagged-with-pit", []ruleCase{
		{name: "a resource tagged itself is compliant", rs: []*Resource{tagged}},
		{name: "a resource tagged by its provider's defaultTags is compliant", rs: []*Resource{byProvider}},
		{name: "a resource without the tag violates", rs: []*Resource{untagged}, want: "no Project tag"},
		{name: "a resource without tags or provider violates", rs: []*Resource{res(t, typeSubnet, "s2", `{}`)}, want: "no Project tag"},
		{name: "an untaggable resource is not judged", rs: []*Resource{route}},
		{name: "tags of the wrong shape violate", rs: []*Resource{res(t, typeVPC, "w", `{"tags":["Project"]}`)}, want: "no Project tag"},
	})
}

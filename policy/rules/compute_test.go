package rules

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// previewRef makes prop of r unknown and records that it came from targets, as `pulumi preview` reports a
// reference to a resource not yet created.
func previewRef(r *Resource, prop string, targets ...*Resource) *Resource {
	r.Props[prop] = Unknown
	if r.PropertyDependencies == nil {
		r.PropertyDependencies = map[string][]string{}
	}
	for _, t := range targets {
		r.PropertyDependencies[prop] = append(r.PropertyDependencies[prop], t.URN)
	}
	return r
}

// unknownValue makes prop of r unknown with no dependency to say where it comes from.
func unknownValue(r *Resource, prop string) *Resource {
	r.Props[prop] = Unknown
	return r
}

func TestIMDSv2Required(t *testing.T) {
	checkRule(t, "ec2-imdsv2-required", []ruleCase{
		{name: "an instance requiring tokens is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"metadataOptions":{"httpTokens":"required"}}`)}},
		{name: "an instance with optional tokens violates", rs: []*Resource{res(t, typeInstance, "i", `{"metadataOptions":{"httpTokens":"optional"}}`)},
			want: `metadataOptions.httpTokens is "optional"; it must be required`},
		{name: "an instance without metadata options violates", rs: []*Resource{res(t, typeInstance, "i", `{}`)}, want: "metadataOptions.httpTokens is not set"},
		{name: "metadata options without httpTokens violate", rs: []*Resource{res(t, typeInstance, "i", `{"metadataOptions":{"httpEndpoint":"enabled"}}`)},
			want: "metadataOptions.httpTokens is not set"},
		{name: "a launch template requiring tokens is compliant", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"metadataOptions":{"httpTokens":"required"}}`)}},
		{name: "a launch template with optional tokens violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"metadataOptions":{"httpTokens":"optional"}}`)},
			want: `"optional"`},
		{name: "metadata options of the wrong shape violate", rs: []*Resource{res(t, typeInstance, "i", `{"metadataOptions":"required"}`)},
			want: `metadataOptions is a string ("required"); expected an object`},
		{name: "httpTokens of the wrong shape violates", rs: []*Resource{res(t, typeInstance, "i", `{"metadataOptions":{"httpTokens":true}}`)},
			want: "expected a string"},
	})
	unknownTokens := res(t, typeInstance, "i", `{"metadataOptions":{}}`)
	unknownTokens.Props["metadataOptions"].(map[string]any)["httpTokens"] = Unknown
	checkRule(t, "ec2-imdsv2-required", []ruleCase{
		{name: "unknown httpTokens are undecided", rs: []*Resource{unknownTokens}, want: "metadataOptions.httpTokens is unknown until deployment", undecided: true},
		{name: "unknown metadata options are undecided", rs: []*Resource{unknownValue(res(t, typeLaunchTemplate, "lt", `{}`), "metadataOptions")},
			want: "unknown until deployment", undecided: true},
	})
}

func TestDetailedMonitoring(t *testing.T) {
	checkRule(t, "ec2-detailed-monitoring", []ruleCase{
		{name: "a monitored instance is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"monitoring":true}`)}},
		{name: "an unmonitored instance violates", rs: []*Resource{res(t, typeInstance, "i", `{"monitoring":false}`)}, want: "monitoring is false; it must be true"},
		{name: "an instance without monitoring violates", rs: []*Resource{res(t, typeInstance, "i", `{}`)}, want: "monitoring is not set"},
		{name: "a monitored launch template is compliant", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"monitoring":{"enabled":true}}`)}},
		{name: "a launch template without monitoring violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{}`)}, want: "monitoring.enabled is not set"},
		{name: "a launch template with monitoring disabled violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"monitoring":{"enabled":false}}`)},
			want: "monitoring.enabled is false"},
		{name: "a launch template with a boolean monitoring block violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"monitoring":true}`)},
			want: "monitoring is a boolean (true); expected an object"},
		{name: "an instance with a non-boolean monitoring violates", rs: []*Resource{res(t, typeInstance, "i", `{"monitoring":"on"}`)},
			want: "expected the boolean true"},
		{name: "unknown monitoring is undecided", rs: []*Resource{unknownValue(res(t, typeInstance, "i", `{}`), "monitoring")},
			want: "monitoring is unknown until deployment", undecided: true},
	})
}

func TestEBSOptimized(t *testing.T) {
	checkRule(t, "ec2-ebs-optimized", []ruleCase{
		{name: "an optimized instance is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"ebsOptimized":true}`)}},
		{name: "a launch template with the string true is compliant", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"ebsOptimized":"true"}`)}},
		{name: "an instance not optimized violates", rs: []*Resource{res(t, typeInstance, "i", `{"ebsOptimized":false}`)}, want: "ebsOptimized is false; it must be true"},
		{name: "a launch template with the string false violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"ebsOptimized":"false"}`)}, want: "ebsOptimized is false"},
		{name: "an instance without the flag violates", rs: []*Resource{res(t, typeInstance, "i", `{}`)}, want: "ebsOptimized is not set"},
		{name: "a flag that is not a boolean violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"ebsOptimized":"yes"}`)}, want: "expected the boolean true"},
		{name: "an unknown flag is undecided", rs: []*Resource{unknownValue(res(t, typeInstance, "i", `{}`), "ebsOptimized")}, want: "ebsOptimized is unknown", undecided: true},
	})
}

func TestInstanceProfileAttached(t *testing.T) {
	checkRule(t, "ec2-instance-profile-attached", []ruleCase{
		{name: "an instance with a profile is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"iamInstanceProfile":"web-profile"}`)}},
		{name: "an instance whose profile is unknown until deployment is compliant", rs: []*Resource{unknownValue(res(t, typeInstance, "i", `{}`), "iamInstanceProfile")}},
		{name: "an instance without a profile violates", rs: []*Resource{res(t, typeInstance, "i", `{}`)}, want: "iamInstanceProfile is not set"},
		{name: "an instance with an empty profile violates", rs: []*Resource{res(t, typeInstance, "i", `{"iamInstanceProfile":" "}`)}, want: "iamInstanceProfile is not set"},
		{name: "a profile of the wrong shape violates", rs: []*Resource{res(t, typeInstance, "i", `{"iamInstanceProfile":42}`)}, want: "iamInstanceProfile is a number (42); expected a string"},
		{name: "a launch template naming a profile is compliant", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"iamInstanceProfile":{"name":"web-profile"}}`)}},
		{name: "a launch template with a profile arn is compliant", rs: []*Resource{res(t, typeLaunchTemplate, "lt",
			`{"iamInstanceProfile":{"arn":"arn:aws:iam::123456789012:instance-profile/web"}}`)}},
		{name: "a launch template with an empty profile block violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"iamInstanceProfile":{}}`)},
			want: "iamInstanceProfile.name and iamInstanceProfile.arn are not set"},
		{name: "a launch template without a profile violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{}`)}, want: "are not set"},
		{name: "a launch template with a profile name string violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"iamInstanceProfile":"web"}`)},
			want: "iamInstanceProfile is a string"},
	})
}

func TestInstancesInVPC(t *testing.T) {
	checkRule(t, "ec2-instances-in-vpc", []ruleCase{
		{name: "an instance in a subnet is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"subnetId":"subnet-1"}`)}},
		{name: "an instance whose subnet is unknown until deployment is compliant", rs: []*Resource{unknownValue(res(t, typeInstance, "i", `{}`), "subnetId")}},
		{name: "an instance on a network interface is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"networkInterfaces":[{"networkInterfaceId":"eni-1","deviceIndex":0}]}`)}},
		{name: "an instance with neither violates", rs: []*Resource{res(t, typeInstance, "i", `{}`)}, want: "neither subnetId nor networkInterfaces is set"},
		{name: "an instance with an empty subnet and no interfaces violates", rs: []*Resource{res(t, typeInstance, "i", `{"subnetId":"","networkInterfaces":[]}`)},
			want: "neither subnetId nor networkInterfaces"},
		{name: "a subnet of the wrong shape violates", rs: []*Resource{res(t, typeInstance, "i", `{"subnetId":["subnet-1"]}`)}, want: "subnetId is a list"},
		{name: "interfaces of the wrong shape violate", rs: []*Resource{res(t, typeInstance, "i", `{"networkInterfaces":"eni-1"}`)},
			want: "networkInterfaces is a string"},
	})
}

func TestNoPublicIP(t *testing.T) {
	inst := func() *Resource { return res(t, typeInstance, "web", `{"subnetId":"subnet-1"}`) }
	byValue := inst()
	previewed := inst()
	associated := inst()
	checkRule(t, "ec2-no-public-ip", []ruleCase{
		{name: "an instance without a public address is compliant", rs: []*Resource{res(t, typeInstance, "i", `{"associatePublicIpAddress":false}`)}},
		{name: "an instance that leaves the setting to the subnet is compliant", rs: []*Resource{inst()}},
		{name: "an instance asking for a public address violates", rs: []*Resource{res(t, typeInstance, "i", `{"associatePublicIpAddress":true}`)},
			want: "associatePublicIpAddress is true; it must be false"},
		{name: "a setting of the wrong shape violates", rs: []*Resource{res(t, typeInstance, "i", `{"associatePublicIpAddress":"sometimes"}`)},
			want: "expected the boolean false"},
		{name: "an unknown setting is undecided", rs: []*Resource{unknownValue(res(t, typeInstance, "i", `{}`), "associatePublicIpAddress")},
			want: "associatePublicIpAddress is unknown", undecided: true},
		{name: "a launch template interface without a public address is compliant", rs: []*Resource{res(t, typeLaunchTemplate, "lt",
			`{"networkInterfaces":[{"associatePublicIpAddress":"false","subnetId":"subnet-1"}]}`)}},
		{name: "a launch template interface asking for a public address violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt",
			`{"networkInterfaces":[{"deviceIndex":0},{"associatePublicIpAddress":"true"}]}`)}, want: "networkInterfaces[1].associatePublicIpAddress is true"},
		{name: "launch template interfaces of the wrong shape violate", rs: []*Resource{res(t, typeLaunchTemplate, "lt", `{"networkInterfaces":"eni"}`)},
			want: "networkInterfaces is a string; expected a list of objects"},
		{name: "an elastic ip without an instance is compliant", rs: []*Resource{inst(), res(t, computeTypeEIP, "nat-eip", `{"domain":"vpc"}`)}},
		{name: "an elastic ip given to an instance by id violates", rs: []*Resource{byValue, res(t, computeTypeEIP, "web-eip", `{"instance":"web-id"}`)},
			want: "eip web-eip gives the instance a public address through its instance"},
		{name: "an elastic ip given to an instance in preview violates", rs: []*Resource{previewed,
			previewRef(res(t, computeTypeEIP, "web-eip", `{}`), "instance", previewed)}, want: "eip web-eip gives the instance a public address"},
		{name: "an elastic ip association with an instance violates", rs: []*Resource{associated,
			res(t, computeTypeEIPAssociation, "assoc", `{"instanceId":"web-id","allocationId":"eipalloc-1"}`)},
			want: "eipassociation assoc gives the instance a public address through its instanceId"},
		{name: "an elastic ip given to an instance outside the stack violates", rs: []*Resource{res(t, computeTypeEIP, "eip", `{"instance":"i-0123"}`)},
			want: `instance is "i-0123", not an instance of this stack`},
		{name: "an elastic ip whose instance is unknown is undecided", rs: []*Resource{unknownValue(res(t, computeTypeEIP, "eip", `{}`), "instance")},
			want: "instance is unknown until deployment", undecided: true},
	})

	t.Run("the elastic ip finding is reported on the instance, so the bastion can be exempted", func(t *testing.T) {
		web := inst()
		fs := findingsOf(t, "ec2-no-public-ip", web, res(t, computeTypeEIP, "web-eip", `{"instance":"web-id"}`))
		require.Len(t, fs, 1)
		assert.Equal(t, web.URN, fs[0].URN)
	})
}

// ssmStack builds an instance linked by value (as in the offline plan) to a profile, a role and an
// attachment of policyArn, plus the patch association when patched.
func ssmStack(t *testing.T, policyArn string, patched bool) []*Resource {
	rs := []*Resource{
		res(t, typeInstance, "web", `{"iamInstanceProfile":"web-profile-id"}`),
		res(t, computeTypeInstanceProfile, "web-profile", `{"role":"web-role-id"}`),
		res(t, computeTypeRole, "web-role", `{}`),
		res(t, computeTypeRolePolicyAttach, "web-ssm", `{"role":"web-role-id","policyArn":"`+policyArn+`"}`),
	}
	if patched {
		rs = append(rs, res(t, computeTypeSSMAssociation, "patch", `{"name":"AWS-RunPatchBaseline","targets":[{"key":"tag:Project","values":["hipaa"]}]}`))
	}
	return rs
}

func TestManagedBySSM(t *testing.T) {
	const core = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
	patch := func() *Resource { return res(t, computeTypeSSMAssociation, "patch", `{"name":"AWS-RunPatchBaseline"}`) }

	// In preview every link is unknown and known only through property dependencies.
	role := res(t, computeTypeRole, "web-role", `{}`)
	profile := previewRef(res(t, computeTypeInstanceProfile, "web-profile", `{}`), "role", role)
	instance := previewRef(res(t, typeInstance, "web", `{}`), "iamInstanceProfile", profile)
	attachment := previewRef(res(t, computeTypeRolePolicyAttach, "web-ssm", `{"policyArn":"`+core+`"}`), "role", role)

	unknownArn := ssmStack(t, core, true)
	unknownValue(unknownArn[3], "policyArn")

	checkRule(t, "ec2-managed-by-ssm", []ruleCase{
		{name: "an instance whose role has the core policy attached, with patching, is compliant", rs: ssmStack(t, core, true)},
		{name: "the same links in preview are compliant", rs: []*Resource{instance, profile, role, attachment, patch()}},
		{name: "a role holding the core policy of another partition in managedPolicyArns is compliant", rs: []*Resource{
			res(t, typeInstance, "web", `{"iamInstanceProfile":"p-id"}`), res(t, computeTypeInstanceProfile, "p", `{"role":"r-id"}`),
			res(t, computeTypeRole, "r", `{"managedPolicyArns":["arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore"]}`), patch()}},
		{name: "a stack without instances is not judged", rs: []*Resource{res(t, computeTypeRole, "r", `{}`)}},
		{name: "a role without the core policy violates", rs: ssmStack(t, "arn:aws:iam::aws:policy/ReadOnlyAccess", true),
			want: "role web-role (through instance profile web-profile) does not have AmazonSSMManagedInstanceCore attached"},
		{name: "a look-alike customer policy violates", rs: ssmStack(t, "arn:aws:iam::123456789012:policy/AmazonSSMManagedInstanceCore", true),
			want: "does not have AmazonSSMManagedInstanceCore attached"},
		{name: "a stack without the patch baseline association violates", rs: ssmStack(t, core, false),
			want: "no aws:ssm/association:Association runs AWS-RunPatchBaseline"},
		{name: "an association running another document violates", rs: append(ssmStack(t, core, false),
			res(t, computeTypeSSMAssociation, "inv", `{"name":"AWS-GatherSoftwareInventory"}`)), want: "runs AWS-RunPatchBaseline"},
		{name: "an instance without a profile violates", rs: []*Resource{res(t, typeInstance, "web", `{}`), patch()},
			want: "iamInstanceProfile is not set, so systems manager cannot manage the instance"},
		{name: "a profile from outside the stack violates", rs: []*Resource{res(t, typeInstance, "web", `{"iamInstanceProfile":"shared"}`), patch()},
			want: `iamInstanceProfile is "shared", not an instance profile of this stack`},
		{name: "a profile without a role violates", rs: []*Resource{res(t, typeInstance, "web", `{"iamInstanceProfile":"p-id"}`),
			res(t, computeTypeInstanceProfile, "p", `{}`), patch()}, want: "instance profile p has no role"},
		{name: "a role from outside the stack violates", rs: []*Resource{res(t, typeInstance, "web", `{"iamInstanceProfile":"p-id"}`),
			res(t, computeTypeInstanceProfile, "p", `{"role":"shared-role"}`), patch()}, want: `role "shared-role" of instance profile p is not a role of this stack`},
		{name: "an unknown policy arn is undecided", rs: unknownArn, want: "policyArn of web-ssm is unknown until deployment", undecided: true},
		{name: "an unknown profile with no dependency is undecided", rs: []*Resource{unknownValue(res(t, typeInstance, "web", `{}`), "iamInstanceProfile"), patch()},
			want: "iamInstanceProfile is unknown", undecided: true},
		{name: "an association whose name is unknown is undecided", rs: append(ssmStack(t, core, false),
			unknownValue(res(t, computeTypeSSMAssociation, "a", `{}`), "name")), want: "the name of association a is unknown", undecided: true},
	})
}

func TestInBackupPlan(t *testing.T) {
	const instanceArn = "arn:aws:ec2:us-east-1:123456789012:instance/web-id"
	instance := func(tags string) *Resource {
		r := res(t, typeInstance, "web", `{"tags":`+tags+`}`)
		r.Outputs = map[string]any{"arn": instanceArn}
		return r
	}
	selection := func(props string) *Resource { return res(t, computeTypeBackupSelection, "sel", props) }

	volume := res(t, typeEBSVolume, "data", `{}`)
	previewSel := previewRef(selection(`{}`), "resources", volume)
	byProvider := res(t, typeEBSVolume, "data", `{}`)
	byProvider.Provider = obj(t, `{"defaultTags":{"tags":{"Backup":"daily"}}}`)

	checkRule(t, "ec2-in-backup-plan", []ruleCase{
		{name: "an instance listed by arn is compliant", rs: []*Resource{instance(`{}`), selection(`{"resources":["` + instanceArn + `"]}`)}},
		{name: "every resource under a star is compliant", rs: []*Resource{instance(`{}`), res(t, typeEBSVolume, "v", `{}`), selection(`{"resources":["*"]}`)}},
		{name: "a volume under a volume arn wildcard is compliant", rs: []*Resource{res(t, typeEBSVolume, "v", `{}`),
			selection(`{"resources":["arn:aws:ec2:*:*:volume/*"]}`)}},
		{name: "an instance carrying a selected tag is compliant", rs: []*Resource{instance(`{"Backup":"daily"}`),
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}},
		{name: "a volume tagged by its provider's default tags is compliant", rs: []*Resource{byProvider,
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}},
		{name: "a volume referenced in preview is compliant", rs: []*Resource{volume, previewSel}},
		{name: "a star narrowed by a tag condition the instance meets is compliant", rs: []*Resource{instance(`{"Project":"hipaa"}`),
			selection(`{"resources":["*"],"conditions":[{"stringEquals":[{"key":"aws:ResourceTag/Project","value":"hipaa"}]}]}`)}},
		{name: "a stack without backup selections violates", rs: []*Resource{res(t, typeEBSVolume, "v", `{}`)},
			want: "no aws:backup/selection:Selection covers this volume"},
		{name: "an instance without the selected tag violates", rs: []*Resource{instance(`{"Backup":"never"}`),
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}, want: "covers this instance"},
		{name: "an instance outside a tag condition violates", rs: []*Resource{instance(`{"Project":"other"}`),
			selection(`{"resources":["*"],"conditions":[{"stringEquals":[{"key":"aws:ResourceTag/Project","value":"hipaa"}]}]}`)}, want: "covers this instance"},
		{name: "a star minus another tag value covers an instance without that tag", rs: []*Resource{instance(`{"Project":"hipaa"}`),
			selection(`{"resources":["*"],"conditions":[{"stringNotEquals":[{"key":"aws:ResourceTag/Backup","value":"never"}]}]}`)}},
		{name: "a star minus a tag value leaves out an instance with that tag", rs: []*Resource{instance(`{"Backup":"never"}`),
			selection(`{"resources":["*"],"conditions":[{"stringNotEquals":[{"key":"aws:ResourceTag/Backup","value":"never"}]}]}`)}, want: "covers this instance"},
		{name: "a tag pattern the instance matches is compliant", rs: []*Resource{instance(`{"Project":"hipaa-prod"}`),
			selection(`{"resources":["*"],"conditions":[{"stringLikes":[{"key":"aws:ResourceTag/Project","value":"hipaa*"}]}]}`)}},
		{name: "an instance excluded by notResources violates", rs: []*Resource{instance(`{}`),
			selection(`{"resources":["*"],"notResources":["` + instanceArn + `"]}`)}, want: "covers this instance"},
		{name: "an instance arn wildcard leaves volumes out", rs: []*Resource{res(t, typeEBSVolume, "v", `{}`),
			selection(`{"resources":["arn:aws:ec2:*:*:instance/*"]}`)}, want: "covers this volume"},
		{name: "resources of the wrong shape violate", rs: []*Resource{instance(`{}`), selection(`{"resources":"*"}`)},
			want: `resources is a string ("*"); expected a list of arns`},
		{name: "unknown resources without dependencies are undecided", rs: []*Resource{instance(`{}`), unknownValue(selection(`{}`), "resources")},
			want: "resources of backup selection sel is unknown until deployment", undecided: true},
	})
}

func TestVolumeAttached(t *testing.T) {
	volume := res(t, typeEBSVolume, "data", `{}`)
	checkRule(t, "ebs-volume-attached", []ruleCase{
		{name: "an attached volume is compliant", rs: []*Resource{res(t, typeEBSVolume, "data", `{}`),
			res(t, computeTypeVolumeAttachment, "att", `{"volumeId":"data-id","instanceId":"web-id","deviceName":"/dev/sdf"}`)}},
		{name: "a volume attached in preview is compliant", rs: []*Resource{volume,
			previewRef(res(t, computeTypeVolumeAttachment, "att", `{}`), "volumeId", volume)}},
		{name: "a volume without an attachment violates", rs: []*Resource{res(t, typeEBSVolume, "data", `{}`)},
			want: "no aws:ec2/volumeAttachment:VolumeAttachment refers to this volume"},
		{name: "an attachment of another volume leaves this one unattached", rs: []*Resource{res(t, typeEBSVolume, "data", `{}`),
			res(t, computeTypeVolumeAttachment, "att", `{"volumeId":"vol-elsewhere"}`)}, want: "refers to this volume"},
		{name: "an attachment whose volume is unknown is undecided", rs: []*Resource{res(t, typeEBSVolume, "data", `{}`),
			unknownValue(res(t, computeTypeVolumeAttachment, "att", `{}`), "volumeId")}, want: "volumeId of volume attachment att is unknown", undecided: true},
	})
}

func TestStoppedBySchedule(t *testing.T) {
	unknownArn := res(t, computeTypeSchedule, "stop", `{"target":{}}`)
	unknownArn.Props["target"].(map[string]any)["arn"] = Unknown
	checkRule(t, "ec2-stopped-by-schedule", []ruleCase{
		{name: "a schedule that stops instances is reported", rs: []*Resource{res(t, computeTypeSchedule, "stop",
			`{"scheduleExpression":"cron(0 20 * * ? *)","target":{"arn":"arn:aws:scheduler:::aws-sdk:ec2:stopInstances","roleArn":"r"}}`)},
			want: `target.arn is "arn:aws:scheduler:::aws-sdk:ec2:stopInstances": this schedule stops instances`},
		{name: "a schedule in another partition that stops instances is reported", rs: []*Resource{res(t, computeTypeSchedule, "stop",
			`{"target":{"arn":"arn:aws-us-gov:scheduler:::aws-sdk:ec2:stopInstances"}}`)}, want: "this schedule stops instances"},
		{name: "a schedule that starts instances is not reported", rs: []*Resource{res(t, computeTypeSchedule, "start",
			`{"target":{"arn":"arn:aws:scheduler:::aws-sdk:ec2:startInstances"}}`)}},
		{name: "a schedule without a target is not reported", rs: []*Resource{res(t, computeTypeSchedule, "s", `{}`)}},
		{name: "a target of the wrong shape violates", rs: []*Resource{res(t, computeTypeSchedule, "s", `{"target":"arn:aws:scheduler:::aws-sdk:ec2:stopInstances"}`)},
			want: "target is a string"},
		{name: "a target arn of the wrong shape violates", rs: []*Resource{res(t, computeTypeSchedule, "s", `{"target":{"arn":7}}`)},
			want: "target.arn is a number (7); expected an arn"},
		{name: "an unknown target arn is undecided", rs: []*Resource{unknownArn}, want: "target.arn is unknown", undecided: true},
	})
}

func TestUserDataNoCredentials(t *testing.T) {
	script := func(s string) string { b, _ := json.Marshal(map[string]string{"userData": s}); return string(b) }
	lt := func(s string) string {
		b, _ := json.Marshal(map[string]string{"userData": base64.StdEncoding.EncodeToString([]byte(s))})
		return string(b)
	}
	checkRule(t, "ec2-user-data-no-credentials", []ruleCase{
		{name: "a password generated at boot is compliant", rs: []*Resource{res(t, typeInstance, "i",
			script("#!/bin/bash\nwebapi_db_password=$(openssl rand -hex 24)\nPOSTGRES_PASSWORD=${webapi_db_password}\nUPDATE s SET password = EXCLUDED.password;\n"))}},
		{name: "no user data is compliant", rs: []*Resource{res(t, typeInstance, "i", `{}`)}},
		{name: "a literal password violates, without quoting it", rs: []*Resource{res(t, typeInstance, "i",
			script("#!/bin/bash\nexport DB_PASSWORD='hunter2'\n"))}, want: "assigns a literal value to DB_PASSWORD"},
		{name: "an access key id violates", rs: []*Resource{res(t, typeInstance, "i", script("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE"))},
			want: "AWS access key id"},
		{name: "a private key in a launch template violates", rs: []*Resource{res(t, typeLaunchTemplate, "lt",
			lt("cat >/root/key <<'K'\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\nK\n"))}, want: "private key"},
		{name: "a secret user data violates", rs: []*Resource{res(t, typeInstance, "i", `{"userData":"[secret]"}`)}, want: "userData is a secret"},
		{name: "unknown user data is undecided", rs: []*Resource{unknownValue(res(t, typeInstance, "i", `{"userData":"x"}`), "userData")},
			want: "userData", undecided: true},
	})
}

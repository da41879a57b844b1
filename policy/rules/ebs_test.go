package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestVolumeAttached(t *testing.T) {
	volume := res(t, typeEBSVolume, "data", `{}`)
	checkRule(t, "ebs-volume-attached", []ruleCase{
		{name: "an attached volume is compliant", rs: []*engine.Resource{res(t, typeEBSVolume, "data", `{}`),
			res(t, computeTypeVolumeAttachment, "att", `{"volumeId":"data-id","instanceId":"web-id","deviceName":"/dev/sdf"}`)}},
		{name: "a volume attached in preview is compliant", rs: []*engine.Resource{volume,
			previewRef(res(t, computeTypeVolumeAttachment, "att", `{}`), "volumeId", volume)}},
		{name: "a volume without an attachment violates", rs: []*engine.Resource{res(t, typeEBSVolume, "data", `{}`)},
			want: "no aws:ec2/volumeAttachment:VolumeAttachment refers to this volume"},
		{name: "an attachment of another volume leaves this one unattached", rs: []*engine.Resource{res(t, typeEBSVolume, "data", `{}`),
			res(t, computeTypeVolumeAttachment, "att", `{"volumeId":"vol-elsewhere"}`)}, want: "refers to this volume"},
		{name: "an attachment whose volume is unknown is undecided", rs: []*engine.Resource{res(t, typeEBSVolume, "data", `{}`),
			unknownValue(res(t, computeTypeVolumeAttachment, "att", `{}`), "volumeId")}, want: "volumeId of volume attachment att is unknown", undecided: true},
	})
}

func TestEBSVolumesEncrypted(t *testing.T) {
	checkRule(t, "ebs-volumes-encrypted", []ruleCase{
		{name: "an encrypted volume is compliant", rs: []*engine.Resource{res(t, typeEBSVolume, "v", `{"encrypted":true,"kmsKeyId":"k"}`)}},
		{name: "an unencrypted volume violates", rs: []*engine.Resource{res(t, typeEBSVolume, "v", `{"encrypted":false}`)}, want: "encrypted is false"},
		{name: "a volume without the flag violates", rs: []*engine.Resource{res(t, typeEBSVolume, "v", `{}`)}, want: "encrypted is not set"},
		{name: "an instance with encrypted root and data devices is compliant", rs: []*engine.Resource{res(t, typeInstance, "i",
			`{"rootBlockDevice":{"encrypted":true},"ebsBlockDevices":[{"deviceName":"/dev/sdf","encrypted":true}]}`)}},
		{name: "an instance without a root device block violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}, want: "rootBlockDevice is not set"},
		{name: "a root device with encrypted unset violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"rootBlockDevice":{"volumeSize":20}}`)}, want: "rootBlockDevice.encrypted is not set"},
		{name: "an unencrypted data device violates", rs: []*engine.Resource{res(t, typeInstance, "i",
			`{"rootBlockDevice":{"encrypted":true},"ebsBlockDevices":[{"encrypted":true},{"encrypted":false}]}`)}, want: "ebsBlockDevices[1].encrypted is false"},
		{name: "data devices of the wrong shape violate", rs: []*engine.Resource{res(t, typeInstance, "i",
			`{"rootBlockDevice":{"encrypted":true},"ebsBlockDevices":"oops"}`)}, want: "expected a list of objects"},
		{name: "a launch template mapping with the string true is compliant", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt",
			`{"blockDeviceMappings":[{"deviceName":"/dev/xvda","ebs":{"encrypted":"true"}},{"deviceName":"/dev/sdb","virtualName":"ephemeral0"}]}`)}},
		{name: "a launch template mapping without encryption violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt",
			`{"blockDeviceMappings":[{"deviceName":"/dev/xvda","ebs":{"volumeSize":8}}]}`)}, want: "blockDeviceMappings[0].ebs.encrypted is not set"},
		{name: "a launch template mapping with a non-boolean string violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt",
			`{"blockDeviceMappings":[{"ebs":{"encrypted":"yes"}}]}`)}, want: "expected the boolean true"},
	})
}

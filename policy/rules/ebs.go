package rules

import (
	"fmt"

	"github.com/sce-project/sce/policy/engine"
)

// The EBS rules: every volume is encrypted, explicitly, and attached to an instance.

// computeTypeVolumeAttachment attaches an EBS volume to an instance. It carries a family prefix so that it
// cannot collide with the constants of other rule families in this package.
const computeTypeVolumeAttachment = "aws:ec2/volumeAttachment:VolumeAttachment"

// ebsRules returns the EBS volume rules: standalone volumes and the block devices of instances and templates.
func ebsRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "ebs-volume-attached",
			Description: "Every EBS volume is attached to an instance by a volume attachment (volumeId), so no volume holds data outside the instances that are managed.",
			Level:       engine.Advisory,
			HIPAA:       []string{"164.310(d)(2)(iii)", hipaaRiskManagement},
			Sources:     engine.Sources{Config: "ec2-volume-inuse-check", AWSGuard: "ec2-volume-inuse", Checklist: []int{23}},
			Types:       []string{typeEBSVolume, computeTypeVolumeAttachment},
			CheckStack:  checkVolumeAttached,
		},
		{
			ID: "ebs-volumes-encrypted",
			Description: "Every EBS volume is encrypted, explicitly: standalone volumes, instance root and data devices, launch template mappings. " +
				"A root device left unset relies on the account default, which proves nothing to a reviewer.",
			Level:   engine.Mandatory,
			HIPAA:   []string{hipaaEncryptionAtRest},
			Sources: engine.Sources{Config: "encrypted-volumes", AWSGuard: "encrypted-volumes", Other: "SCE design card", Checklist: []int{24}},
			Types:   []string{typeEBSVolume, typeInstance, typeLaunchTemplate, typeLaunchConfiguration, typeSpotInstanceRequest},
			Check:   checkEBSEncrypted,
		},
	}
}

// checkVolumeAttached requires every EBS volume to be the volumeId of a volume attachment.
func checkVolumeAttached(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, vol := range s.OfType(typeEBSVolume) {
		out = append(out, requireReferrer(s, vol, "volumeId", computeTypeVolumeAttachment, "volume attachment",
			"no aws:ec2/volumeAttachment:VolumeAttachment refers to this volume (volumeId); attach it to an instance or remove it")...)
	}
	return out
}

// checkEBSEncrypted requires encrypted to be true on a volume, on each EBS mapping of a launch template, and
// on the root device (set explicitly) and EBS devices of an instance, launch configuration or spot request.
func checkEBSEncrypted(r *engine.Resource) []engine.Finding {
	switch r.Type {
	case typeEBSVolume:
		return engine.BoolAt(r.Props, "encrypted", "encrypted", true, false)
	case typeLaunchTemplate:
		mappings, out := engine.ObjectsAt(r.Props, "blockDeviceMappings", "blockDeviceMappings")
		for i, m := range mappings {
			if _, ok := m["ebs"]; !ok {
				continue // an instance-store or suppressed mapping has no EBS volume
			}
			out = append(out, engine.BoolAt(m, "ebs.encrypted", fmt.Sprintf("blockDeviceMappings[%d].ebs.encrypted", i), true, false)...)
		}
		return out
	}
	// Instances, launch configurations and spot requests share the instance shape.
	var out []engine.Finding
	if _, ok := r.Get("rootBlockDevice"); !ok {
		out = append(out, engine.Fail("rootBlockDevice is not set, so the root volume's encryption rests on the account default; set rootBlockDevice.encrypted to true")...)
	} else {
		out = append(out, engine.BoolAt(r.Props, "rootBlockDevice.encrypted", "rootBlockDevice.encrypted", true, false)...)
	}
	devices, problems := engine.ObjectsAt(r.Props, "ebsBlockDevices", "ebsBlockDevices")
	out = append(out, problems...)
	for i, d := range devices {
		out = append(out, engine.BoolAt(d, "encrypted", fmt.Sprintf("ebsBlockDevices[%d].encrypted", i), true, false)...)
	}
	return out
}

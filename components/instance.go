package components

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Instance settings shared by every SCE instance.
const (
	// rootVolumeGiB is the root volume size: the OS and tools; PHI lives on the data volume.
	rootVolumeGiB = 30
	// volumeTypeGP3 is the EBS volume type of every volume.
	volumeTypeGP3 = "gp3"
)

// hardenedInstance returns the instance arguments every SCE instance shares: dedicated tenancy, IMDSv2
// only, detailed monitoring, EBS optimisation, and an encrypted gp3 root volume with the project key.
// Callers tag the root volume through RootBlockDevice.Tags, never VolumeTags: volumeTags applies to every
// volume attached to the instance, so with a separately attached data volume the two resources rewrite
// each other's tags on every update (the pulumi-aws ec2.Instance documentation says not to combine them).
func hardenedInstance(ami, instanceType string, key pulumi.StringInput) *ec2.InstanceArgs {
	return &ec2.InstanceArgs{
		Ami:          pulumi.String(ami),
		InstanceType: pulumi.String(instanceType),
		Tenancy:      pulumi.String(TenancyDedicated),
		Monitoring:   pulumi.Bool(true),
		EbsOptimized: pulumi.Bool(true),
		MetadataOptions: &ec2.InstanceMetadataOptionsArgs{
			HttpTokens:              pulumi.String("required"),
			HttpEndpoint:            pulumi.String("enabled"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		RootBlockDevice: &ec2.InstanceRootBlockDeviceArgs{
			Encrypted:           pulumi.Bool(true),
			KmsKeyId:            key,
			VolumeType:          pulumi.String(volumeTypeGP3),
			VolumeSize:          pulumi.Int(rootVolumeGiB),
			DeleteOnTermination: pulumi.Bool(true),
		},
	}
}

// keepImage is the option that keeps a running instance on its image: a newer Amazon Linux AMI read at
// deploy time must never replace an instance that may hold PHI; patches are applied in place.
func keepImage() pulumi.ResourceOption {
	return pulumi.IgnoreChanges([]string{"ami"})
}

// setRootTags tags the root volume that hardenedInstance describes.
func setRootTags(inst *ec2.InstanceArgs, tags pulumi.StringMap) {
	if root, ok := inst.RootBlockDevice.(*ec2.InstanceRootBlockDeviceArgs); ok {
		root.Tags = tags
	}
}

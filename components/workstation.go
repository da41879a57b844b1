package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// WorkstationArgs configures a PrivateWorkstation.
type WorkstationArgs struct {
	// PIT names the workstation; the data volume is mounted at /<PIT>. Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// VPCID and SubnetID place it in the private subnet; AvailabilityZone is the subnet's zone. Required.
	VPCID, SubnetID  pulumi.StringInput
	AvailabilityZone string
	// BastionSecurityGroupID is the only source of ssh. Required.
	BastionSecurityGroupID pulumi.StringInput
	// InstanceType is an m-, c- or r-family type. Default: m5.xlarge.
	InstanceType string
	// AMI is the Amazon Linux 2023 image, read at deploy time. Required.
	AMI string
	// KeyName is the builder's key pair, for ec2-user. Required.
	KeyName pulumi.StringInput
	// KMSKeyARN encrypts both volumes and the log group, and is the key of the PHI buckets. Required.
	KMSKeyARN pulumi.StringInput
	// DataVolumeGiB is the size of the encrypted gp3 data volume. Default: 100.
	DataVolumeGiB int
	// DataInBucketARN may be read and OutputBucketARN written, by the researchers' sessions; no other
	// bucket. Required.
	DataInBucketARN, OutputBucketARN pulumi.StringInput
	// Software is the ancillary bucket, which holds the credential broker's executable. Required.
	Software *EncryptedBucket
	// Broker is the credential broker's executable for Arch (cmd/sce-broker). Required.
	Broker pulumi.Asset
	// Researchers get one login each, through Systems Manager, and a session of the researcher role
	// through the credential broker. Default: none (then there is no researcher role).
	// LedgerTableARN is the upload ledger table, where egress requests are recorded: the researcher role
	// gets the requester's statements (AirlockRequesterStatements). Default: none, no airlock permissions.
	LedgerTableARN pulumi.StringInput
	Researchers    []Researcher
	// Egress is what the first boot needs to reach the repositories and S3 (SecureVPC.PrivateEgress): the
	// instance waits for it. Required.
	Egress []pulumi.Resource
	// Tools are installed at first boot (python, jupyter, r). Default: none.
	Tools []string
	// Arch is the machine name of InstanceType's processor, x86_64 or aarch64: the Miniforge asset fetched.
	// Default: x86_64.
	Arch string
	// Miniforge is the release and the sha256 of its installer for Arch. Required with the r tool.
	Miniforge PinnedDownload
	// JupyterLabVersion is the JupyterLab release installed. Required with the jupyter tool.
	JupyterLabVersion string
	// LogRetentionDays of the workstation's log group. Default: 2192.
	LogRetentionDays int
	// Protect marks the log group protected. Default: false.
	Protect bool
}

// Workstation defaults.
const (
	DefaultWorkstationInstanceType = "m5.xlarge"
	DefaultDataVolumeGiB           = 100
	// dataDeviceName is where the data volume is attached; Nitro instances show it as an NVMe device whose
	// serial is the volume id, which is how the user data finds it.
	dataDeviceName = "/dev/sdf"
)

// PrivateWorkstation is the analysis machine (seed 1D, 1F): a dedicated instance in the private subnet with
// no public address, reachable by ssh from the bastion only, with an encrypted data volume mounted at
// /<PIT>, no swap, one login per researcher, auditd, and logs shipped to an encrypted log group. The
// researchers' AWS identity is the researcher role, one session per login named by its source identity,
// which the credential broker hands out; the instance role itself reads no data (the PHI buckets refuse
// it) and answers root only (the metadata service is closed to other users).
type PrivateWorkstation struct {
	pulumi.ResourceState

	Instance      *ec2.Instance
	SecurityGroup *ec2.SecurityGroup
	DataVolume    *ebs.Volume
	// ResearcherRole is the role of the researchers' sessions; nil without researchers.
	ResearcherRole *iam.Role
	// PrivateIP is the address researchers reach through the bastion.
	PrivateIP pulumi.StringOutput
	// RoleARN is the instance role's ARN: the agents' identity, which reads no PHI object (docs/attribution.md).
	RoleARN pulumi.StringOutput
}

// check refuses arguments that lack a required value.
func (a *WorkstationArgs) check() error {
	if a.PIT == "" || a.VPCID == nil || a.SubnetID == nil || a.AvailabilityZone == "" || a.BastionSecurityGroupID == nil ||
		a.AMI == "" || a.KeyName == nil || a.KMSKeyARN == nil || a.DataInBucketARN == nil || a.OutputBucketARN == nil || a.Software == nil || a.Broker == nil || len(a.Egress) == 0 {
		return fmt.Errorf("PIT, VPC, subnet, zone, bastion security group, AMI, key pair, key ARN, the data and software buckets, the broker and egress are required")
	}
	return nil
}

// NewPrivateWorkstation creates the workstation.
func NewPrivateWorkstation(ctx *pulumi.Context, name string, args *WorkstationArgs, opts ...pulumi.ResourceOption) (*PrivateWorkstation, error) {
	if args == nil {
		return nil, fmt.Errorf("workstation %s: args are required", name)
	}
	a := *args
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("workstation %s: %w", name, err)
	}
	setDefault(&a.InstanceType, DefaultWorkstationInstanceType)
	setDefault(&a.DataVolumeGiB, DefaultDataVolumeGiB)
	setDefault(&a.LogRetentionDays, SixYearsDays)
	setDefault(&a.Arch, ArchX86)
	// The pins are checked before anything is registered, not first in the user data's apply.
	if err := (UserData{Role: RoleWorkstation, Tools: a.Tools, Arch: a.Arch, Miniforge: a.Miniforge, JupyterLabVersion: a.JupyterLabVersion}).checkDownloads(); err != nil {
		return nil, fmt.Errorf("workstation %s: %w", name, err)
	}
	w := &PrivateWorkstation{}
	child, parent, err := registerComponent(ctx, "sce:compute:PrivateWorkstation", "workstation", name, w, opts...)
	if err != nil {
		return nil, err
	}

	w.SecurityGroup, err = ec2.NewSecurityGroup(ctx, child("sg"), &ec2.SecurityGroupArgs{
		VpcId:       a.VPCID,
		Description: pulumi.Sprintf("Workstation of %s: ssh from the bastion only", a.PIT),
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-workstation")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create workstation security group: %w", err)
	}
	if err := addSecurityRules(ctx, child, w.SecurityGroup, []securityRule{
		{suffix: "ssh-from-bastion", port: PortSSH, sourceGroup: a.BastionSecurityGroupID, why: "ssh from the bastion only"},
		{suffix: "https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: "S3 through the endpoint; updates and packages through the NAT gateway"},
	}, parent); err != nil {
		return nil, err
	}

	w.DataVolume, err = ebs.NewVolume(ctx, child("data"), &ebs.VolumeArgs{
		AvailabilityZone: pulumi.String(a.AvailabilityZone),
		Size:             pulumi.Int(a.DataVolumeGiB),
		Type:             pulumi.String(volumeTypeGP3),
		Encrypted:        pulumi.Bool(true),
		KmsKeyId:         a.KMSKeyARN,
		Tags: pulumi.StringMap{
			"Name":                pulumi.String(a.PIT + "-workstation-data"),
			TagDataClassification: pulumi.String(DataClassificationPHI),
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create data volume: %w", err)
	}

	group, groupName, err := newInstanceLogGroup(ctx, child, a.PIT, RoleWorkstation, a.KMSKeyARN, a.LogRetentionDays, a.Protect, parent)
	if err != nil {
		return nil, err
	}
	profile, role, err := newInstanceRole(ctx, child, instanceRoleArgs{
		pit: a.PIT, role: RoleWorkstation, name: WorkstationRoleName(a.PIT), arns: a.ARNs, logGroup: groupName,
		extra: pulumi.StringArray{a.Software.Bucket.Bucket, a.KMSKeyARN},
		build: func(v []string) []Statement { return workstationStatements(a.ARNs, a.PIT, v[0], v[1]) },
	}, parent)
	if err != nil {
		return nil, err
	}
	if len(a.Researchers) > 0 {
		logins := make([]string, len(a.Researchers))
		for i, r := range a.Researchers {
			logins[i] = r.Login
		}
		w.ResearcherRole, err = newResearcherRole(ctx, child, researcherRoleArgs{pit: a.PIT, arns: a.ARNs, logins: logins,
			dataIn: a.DataInBucketARN, output: a.OutputBucketARN, key: a.KMSKeyARN, table: a.LedgerTableARN}, parent)
		if err != nil {
			return nil, err
		}
	}
	w.RoleARN = role.Arn

	mount := "/" + a.PIT
	userData := w.DataVolume.ID().ToStringOutput().ApplyT(func(volumeID string) (string, error) {
		return RenderUserData(UserData{PIT: a.PIT, Role: RoleWorkstation, LogGroup: groupName,
			DataVolumeID: volumeID, MountPoint: mount, Tools: a.Tools, Region: a.ARNs.Region,
			ResearcherRoleARN: a.ARNs.RoleARN(ResearcherRoleName(a.PIT)),
			Arch:              a.Arch, Miniforge: a.Miniforge, JupyterLabVersion: a.JupyterLabVersion})
	}).(pulumi.StringOutput)
	inst := hardenedInstance(a.AMI, a.InstanceType, a.KMSKeyARN)
	inst.SubnetId = a.SubnetID
	inst.VpcSecurityGroupIds = pulumi.StringArray{w.SecurityGroup.ID()}
	inst.KeyName = a.KeyName
	inst.IamInstanceProfile = profile.Name
	inst.AssociatePublicIpAddress = pulumi.Bool(false)
	inst.UserData = userData
	inst.Tags = pulumi.StringMap{"Name": pulumi.String(a.PIT + "-workstation")}
	setRootTags(inst, pulumi.StringMap{"Name": pulumi.String(a.PIT + "-workstation-root"), TagDataClassification: pulumi.String(DataClassificationPHI)})
	w.Instance, err = ec2.NewInstance(ctx, child("instance"), inst, parent, keepImage(), pulumi.DependsOn(append([]pulumi.Resource{group}, a.Egress...)))
	if err != nil {
		return nil, fmt.Errorf("create workstation instance: %w", err)
	}
	if _, err := ec2.NewVolumeAttachment(ctx, child("data-attachment"), &ec2.VolumeAttachmentArgs{
		DeviceName:                  pulumi.String(dataDeviceName),
		VolumeId:                    w.DataVolume.ID(),
		InstanceId:                  w.Instance.ID(),
		StopInstanceBeforeDetaching: pulumi.Bool(true),
	}, parent); err != nil {
		return nil, fmt.Errorf("attach data volume: %w", err)
	}
	w.PrivateIP = w.Instance.PrivateIp
	if err := newBrokerInstall(ctx, child, brokerArgs{pit: a.PIT, region: a.ARNs.Region, arch: a.Arch, binary: a.Broker,
		software: a.Software, key: a.KMSKeyARN, instanceID: w.Instance.ID()}, parent); err != nil {
		return nil, err
	}
	if _, err := newLoginAssociation(ctx, child, Logins{PIT: a.PIT, Role: RoleWorkstation, Researchers: a.Researchers},
		w.Instance.ID(), parent); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(w, pulumi.Map{"privateIp": w.PrivateIP, "instanceId": w.Instance.ID()}); err != nil {
		return nil, fmt.Errorf("register workstation outputs: %w", err)
	}
	return w, nil
}

package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
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
	// DataInBucketARN may be read and OutputBucketARN written; no other bucket. Required.
	DataInBucketARN, OutputBucketARN pulumi.StringInput
	// LedgerTableARN is the upload ledger table, where egress requests are recorded
	// (AirlockRequesterStatements). Default: none, no airlock permissions.
	LedgerTableARN pulumi.StringInput
	// Researchers get one login each, through Systems Manager. Default: none.
	Researchers []Researcher
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
// /<PIT>, no swap, one login per researcher, auditd, and logs shipped to an encrypted log group. Its role
// may read the data-in bucket and write the output bucket, and nothing else.
type PrivateWorkstation struct {
	pulumi.ResourceState

	Instance      *ec2.Instance
	SecurityGroup *ec2.SecurityGroup
	DataVolume    *ebs.Volume
	// PrivateIP is the address researchers reach through the bastion.
	PrivateIP pulumi.StringOutput
}

func (a *WorkstationArgs) check() error {
	if a.PIT == "" || a.VPCID == nil || a.SubnetID == nil || a.AvailabilityZone == "" || a.BastionSecurityGroupID == nil ||
		a.AMI == "" || a.KeyName == nil || a.KMSKeyARN == nil || a.DataInBucketARN == nil || a.OutputBucketARN == nil || len(a.Egress) == 0 {
		return fmt.Errorf("PIT, VPC, subnet, zone, bastion security group, AMI, key pair, key ARN, both bucket ARNs and egress are required")
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
	if a.InstanceType == "" {
		a.InstanceType = DefaultWorkstationInstanceType
	}
	if a.DataVolumeGiB == 0 {
		a.DataVolumeGiB = DefaultDataVolumeGiB
	}
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = SixYearsDays
	}
	if a.Arch == "" {
		a.Arch = ArchX86
	}
	// The pins are checked before anything is registered, not first in the user data's apply.
	if err := (UserData{Role: RoleWorkstation, Tools: a.Tools, Arch: a.Arch, Miniforge: a.Miniforge, JupyterLabVersion: a.JupyterLabVersion}).checkDownloads(); err != nil {
		return nil, fmt.Errorf("workstation %s: %w", name, err)
	}
	w := &PrivateWorkstation{}
	if err := ctx.RegisterComponentResource("sce:compute:PrivateWorkstation", name, w, opts...); err != nil {
		return nil, fmt.Errorf("register workstation %s: %w", name, err)
	}
	child := func(suffix string) string { return name + "-" + suffix }
	parent := pulumi.Parent(w)
	var err error

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
	table := pulumi.StringInput(pulumi.String(""))
	if a.LedgerTableARN != nil {
		table = a.LedgerTableARN
	}
	profile, err := newInstanceRole(ctx, child, instanceRoleArgs{
		pit: a.PIT, role: RoleWorkstation, arns: a.ARNs, logGroup: groupName,
		extra: pulumi.StringArray{a.DataInBucketARN, a.OutputBucketARN, a.KMSKeyARN, table},
		build: func(v []string) []Statement {
			data := workstationStatements(a.ARNs, v[0], v[1], v[2])
			if v[3] == "" {
				return data
			}
			// The airlock's requests go with the data permissions: whoever holds them writes the outbox
			// (WriteOutput) and is the requester. Moving the data permissions to another role moves this
			// line with them.
			return append(data, AirlockRequesterStatements(a.ARNs, v[3], v[1], v[2])...)
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	mount := "/" + a.PIT
	userData := w.DataVolume.ID().ToStringOutput().ApplyT(func(volumeID string) (string, error) {
		return RenderUserData(UserData{PIT: a.PIT, Role: RoleWorkstation, LogGroup: groupName,
			DataVolumeID: volumeID, MountPoint: mount, Tools: a.Tools,
			Arch: a.Arch, Miniforge: a.Miniforge, JupyterLabVersion: a.JupyterLabVersion})
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
	if _, err := newLoginAssociation(ctx, child, Logins{PIT: a.PIT, Role: RoleWorkstation, Researchers: a.Researchers},
		w.Instance.ID(), parent); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(w, pulumi.Map{"privateIp": w.PrivateIP, "instanceId": w.Instance.ID()}); err != nil {
		return nil, fmt.Errorf("register workstation outputs: %w", err)
	}
	return w, nil
}

// workstationStatements grant what the analysis needs and no more: read data-in, write output, and use the
// project key only through S3 in this region.
func workstationStatements(arns ARNs, dataIn, output, key string) []Statement {
	viaS3 := Condition{"StringEquals": {"kms:ViaService": {fmt.Sprintf("s3.%s.amazonaws.com", arns.Region)}}}
	return []Statement{
		{Sid: "ReadDataIn", Effect: Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{dataIn + "/*"}},
		{Sid: "ListDataIn", Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{dataIn}},
		{Sid: "WriteOutput", Effect: Allow, Action: []string{"s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}, Resource: []string{output + "/*"}},
		{Sid: "UseProjectKeyThroughS3", Effect: Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{key}, Condition: viaS3},
	}
}

package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// Compute is the stack's instances.
type Compute struct {
	Bastion     *components.Bastion
	Workstation *components.PrivateWorkstation
	// Patching is created by buildPatching, once every instance of the stack exists.
	Patching *components.PatchSchedule
}

// AMIParameter is AWS's public SSM parameter that names the latest Amazon Linux 2023 image for an
// instance type's architecture.
func AMIParameter(instanceType string) string {
	arch := "x86_64"
	if config.Graviton(instanceType) {
		arch = "arm64"
	}
	return "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + arch
}

// lookupAMI reads the image at deploy time. The instances ignore later changes of it, so a newer image
// never replaces a running instance.
func lookupAMI(ctx *pulumi.Context, provider *aws.Provider, instanceType string) (string, error) {
	p, err := ssm.LookupParameter(ctx, &ssm.LookupParameterArgs{Name: AMIParameter(instanceType)}, pulumi.Provider(provider))
	if err != nil {
		return "", fmt.Errorf("read the Amazon Linux 2023 image for %s: %w", instanceType, err)
	}
	return p.Value, nil
}

// pinned is a configured download as an instance of that type fetches it: the release and the checksum
// of its architecture's asset.
func pinned(d config.Download, instanceType string) components.PinnedDownload {
	return components.PinnedDownload{Version: d.Version, SHA256: d.SHA256(instanceType)}
}

func researchers(cfg *config.Config) []components.Researcher {
	out := make([]components.Researcher, len(cfg.Researchers))
	for i, r := range cfg.Researchers {
		out[i] = components.Researcher{Login: r.Login, PublicKey: r.PublicKey}
	}
	return out
}

// buildCompute creates the bastion and the workstation.
func buildCompute(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*Compute, error) {
	c := &Compute{}
	bastionAMI, err := lookupAMI(ctx, s.Provider, cfg.BastionInstanceType)
	if err != nil {
		return nil, err
	}
	workstationAMI, err := lookupAMI(ctx, s.Provider, cfg.WorkstationInstanceType)
	if err != nil {
		return nil, err
	}
	people := researchers(cfg)
	broker, err := brokerBinary(ctx, cfg.WorkstationInstanceType)
	if err != nil {
		return nil, err
	}
	c.Bastion, err = components.NewBastion(ctx, cfg.PIT+"-bastion", &components.BastionArgs{
		PIT: cfg.PIT, ARNs: arns,
		VPCID: s.Network.VPC.ID(), SubnetID: s.Network.PublicSubnet.ID(), VPCCIDR: cfg.VPCCIDR.String(),
		AllowedSSHCIDRs: prefixStrings(cfg), InstanceType: cfg.BastionInstanceType, AMI: bastionAMI,
		PublicKey: cfg.SSHPublicKey, KMSKeyARN: s.Key.ARN, Researchers: people,
		LogRetentionDays: cfg.AuditLogRetentionDays, Protect: cfg.Protect, Egress: s.Network.PublicEgress(),
	}, opts...)
	if err != nil {
		return nil, err
	}
	c.Workstation, err = components.NewPrivateWorkstation(ctx, cfg.PIT+"-workstation", &components.WorkstationArgs{
		PIT: cfg.PIT, ARNs: arns,
		VPCID: s.Network.VPC.ID(), SubnetID: s.Network.PrivateSubnet.ID(), AvailabilityZone: cfg.AvailabilityZone,
		BastionSecurityGroupID: c.Bastion.SecurityGroup.ID(),
		InstanceType:           cfg.WorkstationInstanceType, AMI: workstationAMI, KeyName: c.Bastion.KeyPair.KeyName,
		KMSKeyARN: s.Key.ARN, DataVolumeGiB: cfg.DataVolumeGB,
		DataInBucketARN: s.Buckets.DataIn.ARN, OutputBucketARN: s.Buckets.Output.ARN,
		Software: s.Buckets.Ancillary, Broker: broker, LedgerTableARN: s.Ledger.Table.Arn,
		Researchers: people, Tools: cfg.AnalysisTools,
		Arch: config.Arch(cfg.WorkstationInstanceType), JupyterLabVersion: cfg.Software.JupyterLabVersion,
		Miniforge:        pinned(cfg.Software.Miniforge, cfg.WorkstationInstanceType),
		LogRetentionDays: cfg.AuditLogRetentionDays, Protect: cfg.Protect, Egress: s.Network.PrivateEgress(),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// buildPatching patches every instance of the stack in place: the bastion, the workstation and the Atlas
// host by id, rebooting when a patch needs it, and the workers, if any, without a reboot.
func buildPatching(ctx *pulumi.Context, cfg *config.Config, s *Stack, opts ...pulumi.ResourceOption) (*components.PatchSchedule, error) {
	ids := []pulumi.StringInput{s.Compute.Bastion.Instance.ID().ToStringOutput(), s.Compute.Workstation.Instance.ID().ToStringOutput()}
	if s.Data != nil && s.Data.Atlas != nil {
		ids = append(ids, s.Data.Atlas.Instance.ID().ToStringOutput())
	}
	args := &components.PatchScheduleArgs{PIT: cfg.PIT, InstanceIDs: ids, Schedule: config.ThePatchWindow().Cron()}
	if s.Workers != nil {
		args.WorkerGroupName = s.Workers.GroupName
	}
	return components.NewPatchSchedule(ctx, cfg.PIT+"-patching", args, opts...)
}

// SSHConfig returns the ~/.ssh/config snippet for one login: the workstation is reached through the
// bastion with ProxyJump, so no private key is ever copied to the bastion (the seed's pem-on-the-bastion
// risk). IdentityFile names where the login's own private key is kept on the laptop.
func SSHConfig(pit, login, bastionIP, workstationIP string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Host %s-bastion\n", pit)
	fmt.Fprintf(&b, "    HostName %s\n    User %s\n    IdentityFile ~/.ssh/%s_%s\n    IdentitiesOnly yes\n    ForwardAgent no\n", bastionIP, login, pit, login)
	fmt.Fprintf(&b, "Host %s-workstation\n", pit)
	fmt.Fprintf(&b, "    HostName %s\n    User %s\n    IdentityFile ~/.ssh/%s_%s\n    IdentitiesOnly yes\n    ForwardAgent no\n    ProxyJump %s-bastion\n", workstationIP, login, pit, login, pit)
	return b.String()
}

// SSMCommand is the Systems Manager Session Manager command that reaches an instance without ssh keys.
func SSMCommand(region, instanceID string) string {
	return fmt.Sprintf("aws ssm start-session --region %s --target %s", region, instanceID)
}

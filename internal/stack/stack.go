// Package stack composes one SCE stack from its validated configuration. main.go and the offline plan
// both call Run, so what the tests and `sce plan` see is exactly what `pulumi up` deploys.
package stack

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// Tags every resource carries through the provider's defaultTags.
const (
	TagProject   = "Project"
	TagManagedBy = "ManagedBy"
	// ManagedByValue names this program in the ManagedBy tag.
	ManagedByValue = "sce-pulumi"
)

// Stack is what one SCE stack built.
type Stack struct {
	Config   *config.Config
	Provider *aws.Provider
	Key      *components.ProjectKey
	Network  *components.SecureVPC
	Buckets  *Buckets
	Audit    *Audit
	Compute  *Compute
	Data     *Data
	Cost     *components.CostControl
	Ledger   *components.UploadLedger
	// Scan is GuardDuty Malware Protection for S3 on the data-in bucket.
	Scan *components.MalwareScan
	// Workers is the scale-out pool; nil unless workersEnabled.
	Workers *components.WorkerPool
	// EMR is the optional EMR cluster; nil unless emrEnabled.
	EMR *components.EMRCluster
	// Backup is the daily AWS Backup plan of the stateful instances and the ledger.
	Backup *components.BackupPlan
	// Airlock is the release function of egress requests and the ledger table's policy.
	Airlock *components.AirlockRelease
}

// Build creates every resource of the stack from a validated configuration.
func (d Deployment) Build(ctx *pulumi.Context, cfg *config.Config) (*Stack, error) {
	s := &Stack{Config: cfg}
	var err error
	// An explicit provider, handed to every component, so that its defaultTags reach every resource.
	s.Provider, err = aws.NewProvider(ctx, "aws-"+cfg.PIT, &aws.ProviderArgs{
		Region: pulumi.String(cfg.Region),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
			TagProject:   pulumi.String(cfg.PIT),
			TagManagedBy: pulumi.String(ManagedByValue),
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("create aws provider: %w", err)
	}
	withProvider := pulumi.Providers(s.Provider)

	identity, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(s.Provider))
	if err != nil {
		return nil, fmt.Errorf("look up the deploying account: %w", err)
	}
	arns := components.ARNs{Partition: cfg.Partition, Region: cfg.Region, AccountID: identity.AccountId}
	if cfg.Workers.Enabled {
		if err := requireAutoScalingRole(ctx, s.Provider, arns); err != nil {
			return nil, err
		}
	}

	if err := requireReviewerRoles(ctx, s.Provider, arns, cfg.OutputReviewers); err != nil {
		return nil, err
	}
	s.Key, err = components.NewProjectKey(ctx, cfg.PIT, &components.ProjectKeyArgs{
		PIT:              cfg.PIT,
		ARNs:             arns,
		Services:         keyServices(cfg),
		TrailARN:         TrailARN(arns, cfg.PIT),
		LogGroupPrefixes: logGroupPrefixes(cfg),
		Protect:          cfg.Protect,
		LedgerReaders:    cfg.OutputReviewers,
		LedgerTable:      components.LedgerTableName(cfg.PIT),
	}, withProvider)
	if err != nil {
		return nil, err
	}

	s.Network, err = components.NewSecureVPC(ctx, cfg.PIT, &components.SecureVPCArgs{
		PIT:                   cfg.PIT,
		ARNs:                  arns,
		AvailabilityZone:      cfg.AvailabilityZone,
		CIDR:                  cfg.VPCCIDR.String(),
		Tenancy:               cfg.VPCTenancy,
		PrivateSubnetTags:     privateSubnetTags(cfg),
		PublicSubnetCIDR:      cfg.PublicSubnetCIDR.String(),
		PrivateSubnetCIDR:     cfg.PrivateSubnetCIDR.String(),
		AllowedSSHCIDRs:       prefixStrings(cfg),
		ReadOnlySourceBuckets: cfg.ReadOnlySourceBuckets,
		EndpointStatements:    endpointStatements(cfg, arns),
		FlowLogRetentionDays:  cfg.FlowLogRetentionDays,
		KMSKeyARN:             s.Key.ARN,
		Protect:               cfg.Protect,
	}, withProvider)
	if err != nil {
		return nil, err
	}

	s.Buckets, err = buildBuckets(ctx, cfg, arns, s.Key, s.Network.S3Endpoint.ID().ToStringOutput(), withProvider)
	if err != nil {
		return nil, err
	}

	s.Audit, err = buildAudit(ctx, cfg, arns, s.Key, s.Buckets, withProvider)
	if err != nil {
		return nil, err
	}

	s.Ledger, err = buildIngest(ctx, cfg, arns, s, withProvider)
	if err != nil {
		return nil, err
	}

	if s.Airlock, err = buildAirlock(ctx, cfg, arns, s, withProvider); err != nil {
		return nil, err
	}

	s.Compute, err = buildCompute(ctx, cfg, arns, s, withProvider)
	if err != nil {
		return nil, err
	}

	s.Data, err = buildData(ctx, cfg, d, arns, s, withProvider)
	if err != nil {
		return nil, err
	}

	s.Workers, err = buildWorkers(ctx, cfg, arns, s, withProvider)
	if err != nil {
		return nil, err
	}

	if s.Compute.Patching, err = buildPatching(ctx, cfg, s, withProvider); err != nil {
		return nil, err
	}

	if s.EMR, err = buildEMR(ctx, cfg, arns, s, withProvider); err != nil {
		return nil, err
	}

	if s.Backup, err = buildBackup(ctx, cfg, arns, s, withProvider); err != nil {
		return nil, err
	}

	s.Cost, err = buildCostControl(ctx, cfg, arns, s, withProvider)
	if err != nil {
		return nil, err
	}

	s.export(ctx)
	return s, nil
}

// logGroupPrefixes are the log groups the project key may encrypt: the project's own, and Redshift's
// audit log groups, whose names Redshift fixes.
func logGroupPrefixes(cfg *config.Config) []string {
	prefixes := []string{components.LogGroupPrefix(cfg.PIT)}
	if cfg.OMOP.Enabled {
		prefixes = append(prefixes, components.RedshiftLogGroup(cfg.PIT+"-omop", ""))
	}
	return prefixes
}

func prefixStrings(cfg *config.Config) []string {
	out := make([]string, len(cfg.AllowedSSHCIDRs))
	for i, p := range cfg.AllowedSSHCIDRs {
		out[i] = p.String()
	}
	return out
}

// Output names of the stack.
const (
	OutputPIT                 = "pit"
	OutputRegion              = "region"
	OutputAvailabilityZone    = "availabilityZone"
	OutputKMSKeyARN           = "kmsKeyArn"
	OutputKMSKeyAlias         = "kmsKeyAlias"
	OutputVPCID               = "vpcId"
	OutputPublicSubnetID      = "publicSubnetId"
	OutputPrivateSubnetID     = "privateSubnetId"
	OutputPublicRouteTableID  = "publicRouteTableId"
	OutputPrivateRouteTableID = "privateRouteTableId"
	OutputNATPublicIP         = "natPublicIp"
	OutputS3EndpointID        = "s3EndpointId"
	OutputFlowLogGroupName    = "flowLogGroupName"
	OutputDataInBucket        = "dataInBucket"
	OutputOutputBucket        = "outputBucket"
	OutputLogBucket           = "logBucket"
	OutputAncillaryBucket     = "ancillaryBucket"
	OutputAccessLogBucket     = "accessLogBucket"
	OutputTrailARN            = "trailArn"
	OutputAlertTopicARN       = "alertTopicArn"
	OutputBastionIP           = "bastionPublicIp"
	OutputWorkstationIP       = "workstationPrivateIp"
	OutputSSHConfig           = "sshConfig"
	OutputResearcherSSHConfig = "researcherSshConfigs"
	OutputSSMBastion          = "ssmBastionCommand"
	OutputSSMWorkstation      = "ssmWorkstationCommand"
	OutputLedgerTable         = "ledgerTable"
	OutputUploadQueueURL      = "uploadQueueUrl"
	OutputAtlasIP             = "atlasPrivateIp"
	OutputAtlasTunnel         = "atlasTunnelCommand"
	// OutputResearcherAtlasTunnels maps each researcher's login to their complete tunnel command.
	OutputResearcherAtlasTunnels = "researcherAtlasTunnelCommands"
)

// OutputAccountAlarmTopicARN is exported by the baseline stack only: its topic receives the CIS alarms on
// the account's management events, which other stacks' builders subscribe to.
const OutputAccountAlarmTopicARN = "accountAlarmTopicArn"

func (s *Stack) export(ctx *pulumi.Context) {
	n := s.Network
	ctx.Export(OutputPIT, pulumi.String(s.Config.PIT))
	ctx.Export(OutputRegion, pulumi.String(s.Config.Region))
	ctx.Export(OutputAvailabilityZone, pulumi.String(s.Config.AvailabilityZone))
	ctx.Export(OutputKMSKeyARN, s.Key.ARN)
	ctx.Export(OutputKMSKeyAlias, s.Key.AliasName)
	ctx.Export(OutputVPCID, n.VPC.ID())
	ctx.Export(OutputPublicSubnetID, n.PublicSubnet.ID())
	ctx.Export(OutputPrivateSubnetID, n.PrivateSubnet.ID())
	ctx.Export(OutputPublicRouteTableID, n.PublicRouteTable.ID())
	ctx.Export(OutputPrivateRouteTableID, n.PrivateRouteTable.ID())
	ctx.Export(OutputNATPublicIP, n.NATAddress.PublicIp)
	ctx.Export(OutputS3EndpointID, n.S3Endpoint.ID())
	ctx.Export(OutputFlowLogGroupName, n.FlowLogGroup.Name)
	ctx.Export(OutputDataInBucket, s.Buckets.DataIn.Name)
	ctx.Export(OutputOutputBucket, s.Buckets.Output.Name)
	ctx.Export(OutputLogBucket, s.Buckets.Logs.Name)
	ctx.Export(OutputAncillaryBucket, s.Buckets.Ancillary.Name)
	ctx.Export(OutputAccessLogBucket, s.Buckets.AccessLogs.Name)
	ctx.Export(OutputTrailARN, s.Audit.Trail.Trail.Arn)
	ctx.Export(OutputAlertTopicARN, s.Audit.Trail.Topic.Arn)
	if recordsManagementEvents(s.Config) {
		ctx.Export(OutputAccountAlarmTopicARN, s.Audit.Trail.Topic.Arn)
	}

	ctx.Export(OutputKnownPrincipals, s.knownPrincipals())
	ctx.Export(OutputLedgerTable, s.Ledger.Table.Name)
	ctx.Export(OutputUploadQueueURL, s.Ledger.Queue.Url)
	if s.Data != nil && s.Data.Atlas != nil {
		ctx.Export(OutputAtlasIP, s.Data.Atlas.PrivateIP)
		ctx.Export(OutputAtlasTunnel, s.Data.Atlas.PrivateIP.ApplyT(func(ip string) string {
			return AtlasTunnel(s.Config.PIT, "<login>", ip)
		}).(pulumi.StringOutput))
		ctx.Export(OutputResearcherAtlasTunnels, s.Data.Atlas.PrivateIP.ApplyT(func(ip string) map[string]string {
			out := map[string]string{}
			for _, r := range s.Config.Researchers {
				out[r.Login] = AtlasTunnel(s.Config.PIT, r.Login, ip)
			}
			return out
		}).(pulumi.StringMapOutput))
	}

	c := s.Compute
	pit, region := s.Config.PIT, s.Config.Region
	ips := pulumi.All(c.Bastion.PublicIP, c.Workstation.PrivateIP)
	ctx.Export(OutputBastionIP, c.Bastion.PublicIP)
	ctx.Export(OutputWorkstationIP, c.Workstation.PrivateIP)
	ctx.Export(OutputSSHConfig, ips.ApplyT(func(v []any) string {
		return SSHConfig(pit, "ec2-user", v[0].(string), v[1].(string))
	}).(pulumi.StringOutput))
	logins := make([]string, len(s.Config.Researchers))
	for i, r := range s.Config.Researchers {
		logins[i] = r.Login
	}
	ctx.Export(OutputResearcherSSHConfig, ips.ApplyT(func(v []any) map[string]string {
		out := map[string]string{}
		for _, login := range logins {
			out[login] = SSHConfig(pit, login, v[0].(string), v[1].(string))
		}
		return out
	}).(pulumi.StringMapOutput))
	ctx.Export(OutputSSMBastion, c.Bastion.Instance.ID().ToStringOutput().ApplyT(func(id string) string { return SSMCommand(region, id) }).(pulumi.StringOutput))
	ctx.Export(OutputSSMWorkstation, c.Workstation.Instance.ID().ToStringOutput().ApplyT(func(id string) string { return SSMCommand(region, id) }).(pulumi.StringOutput))
}

// AtlasTunnel is the complete ssh command a researcher runs to reach Atlas (and the WebAPI its pages
// call) through the bastion: the jump uses the <pit>-bastion entry of their researcherSshConfigs snippet,
// and the Atlas host, which has no entry there, is given the same key (~/.ssh/<pit>_<login>) with -i. The
// stack output atlasTunnelCommand is this command with login "<login>".
func AtlasTunnel(pit, login, atlasIP string) string {
	return fmt.Sprintf("ssh -J %s-bastion -i ~/.ssh/%s_%s -o IdentitiesOnly=yes -L %d:localhost:%d -L %d:localhost:%d -N %s@%s   # then open %s/atlas",
		pit, pit, login, components.AtlasPort, components.AtlasPort, components.WebAPIPort, components.WebAPIPort, login, atlasIP,
		components.AtlasOrigin(components.AtlasPort))
}

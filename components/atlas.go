package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AtlasPort is the localhost port Atlas listens on; researchers tunnel to it.
const AtlasPort = 8081

// WebAPIPort is the localhost port WebAPI listens on. Atlas's pages call it from the researcher's browser
// (WEBAPI_URL), so the researcher tunnels it too.
const WebAPIPort = 8080

// AtlasHostArgs configures an AtlasHost.
type AtlasHostArgs struct {
	// PIT names the host. Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// VPCID and SubnetID place it in the private subnet. Required.
	VPCID, SubnetID pulumi.StringInput
	// BastionSecurityGroupID is the only source of ssh. Required.
	BastionSecurityGroupID pulumi.StringInput
	// RedshiftSecurityGroupID receives a rule that admits this host on the Redshift port. Required.
	RedshiftSecurityGroupID pulumi.StringInput
	// InstanceType is an m-family type. Default: m5.xlarge.
	InstanceType string
	// AMI is the Amazon Linux 2023 image. Required.
	AMI string
	// Arch is the machine name of InstanceType's processor, x86_64 or aarch64: the docker compose asset
	// fetched. Default: x86_64.
	Arch string
	// Images are WebAPI's, Atlas's and WebAPI's PostgreSQL's images, each at a version tag. Required.
	Images AtlasImages
	// Compose is the docker compose release and the sha256 of its asset for Arch. Required.
	Compose PinnedDownload
	// KeyName is the builder's key pair. Required.
	KeyName pulumi.StringInput
	// KMSKeyARN encrypts the root volume (which holds WebAPI's database) and the log group. Required.
	KMSKeyARN pulumi.StringInput
	// RedshiftEndpoint ("host:port"), Database, CDMSchema and ResultsSchema register the CDM source; the
	// first boot also creates WebAPI's results tables in ResultsSchema as the user of ReadOnlySecretARN,
	// which must be allowed to create tables there (RedshiftOMOP grants it). Required.
	RedshiftEndpoint    pulumi.StringInput
	Database, CDMSchema string
	ResultsSchema       string
	ReadOnlySecretARN   pulumi.StringInput
	// ReadOnlySecretValue is the secret's version resource (RedshiftOMOP.ReadOnlySecretValue): the first
	// boot reads the secret, so the instance waits for its value, not only for the secret. Required.
	ReadOnlySecretValue pulumi.Resource
	// Researchers get tunnel-only logins, through Systems Manager. Default: none.
	Researchers      []Researcher
	LogRetentionDays int
	Protect          bool
	// Egress is what the first boot needs to reach the repositories, the image registries and S3
	// (SecureVPC.PrivateEgress): the instance waits for it. Required.
	Egress []pulumi.Resource
}

// AtlasHost runs OHDSI Atlas and WebAPI (seed 3C) on a dedicated private instance: Broadsea's containers,
// WebAPI's PostgreSQL on the encrypted root volume, Atlas bound to localhost and reached through an ssh
// tunnel over the bastion, the Redshift source registered with the read-only user from Secrets Manager,
// WebAPI's results tables created on Redshift and its cached sources refreshed (userdata/atlas.sh.tmpl,
// userdata/webapi-results.tmpl).
//
// WebAPI's database runs on the instance rather than on RDS: it holds only WebAPI's configuration and
// cohort definitions, not PHI, and the instance's volume is already encrypted with the project key; an RDS
// instance would add a dedicated-tenancy-free managed database, its cost and a second backup regime for
// little gain at one project's scale.
type AtlasHost struct {
	pulumi.ResourceState

	Instance      *ec2.Instance
	SecurityGroup *ec2.SecurityGroup
	PrivateIP     pulumi.StringOutput
}

// NewAtlasHost creates the host.
func NewAtlasHost(ctx *pulumi.Context, name string, args *AtlasHostArgs, opts ...pulumi.ResourceOption) (*AtlasHost, error) {
	if args == nil || args.PIT == "" || args.VPCID == nil || args.SubnetID == nil || args.BastionSecurityGroupID == nil ||
		args.RedshiftSecurityGroupID == nil || args.AMI == "" || args.KeyName == nil || args.KMSKeyARN == nil ||
		args.RedshiftEndpoint == nil || args.ReadOnlySecretARN == nil || args.ReadOnlySecretValue == nil || args.Database == "" || args.CDMSchema == "" || args.ResultsSchema == "" ||
		len(args.Egress) == 0 {
		return nil, fmt.Errorf("atlas host %s: PIT, network, egress, security groups, AMI, key pair, key, Redshift endpoint, schemas and secret are required", name)
	}
	a := *args
	setDefault(&a.InstanceType, "m5.xlarge")
	setDefault(&a.LogRetentionDays, SixYearsDays)
	setDefault(&a.Arch, ArchX86)
	// The pins are checked before anything is registered, not first in the user data's apply.
	if err := (UserData{Role: RoleAtlas, Arch: a.Arch, Images: a.Images, Compose: a.Compose}).checkDownloads(); err != nil {
		return nil, fmt.Errorf("atlas host %s: %w", name, err)
	}
	h := &AtlasHost{}
	child, parent, err := registerComponent(ctx, "sce:data:AtlasHost", "atlas host", name, h, opts...)
	if err != nil {
		return nil, err
	}

	h.SecurityGroup, err = ec2.NewSecurityGroup(ctx, child("sg"), &ec2.SecurityGroupArgs{
		VpcId:       a.VPCID,
		Description: pulumi.Sprintf("Atlas host of %s: ssh tunnels from the bastion only", a.PIT),
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-atlas")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create atlas security group: %w", err)
	}
	if err := addSecurityRules(ctx, child, h.SecurityGroup, []securityRule{
		{suffix: "ssh-from-bastion", port: PortSSH, sourceGroup: a.BastionSecurityGroupID, why: "ssh tunnels from the bastion only"},
		{suffix: "https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: "images, Secrets Manager, updates"},
		{suffix: "redshift-out", egress: true, port: RedshiftPort, sourceGroup: a.RedshiftSecurityGroupID, why: "the OMOP cluster"},
	}, parent); err != nil {
		return nil, err
	}
	if _, err := ec2.NewSecurityGroupRule(ctx, child("redshift-from-atlas"), &ec2.SecurityGroupRuleArgs{
		SecurityGroupId: a.RedshiftSecurityGroupID, Type: pulumi.String("ingress"), Protocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(RedshiftPort), ToPort: pulumi.Int(RedshiftPort), SourceSecurityGroupId: h.SecurityGroup.ID(),
		Description: pulumi.String("WebAPI on the Atlas host"),
	}, parent); err != nil {
		return nil, fmt.Errorf("admit the atlas host to redshift: %w", err)
	}

	group, groupName, err := newInstanceLogGroup(ctx, child, a.PIT, RoleAtlas, a.KMSKeyARN, a.LogRetentionDays, a.Protect, parent)
	if err != nil {
		return nil, err
	}
	profile, _, err := newInstanceRole(ctx, child, instanceRoleArgs{
		pit: a.PIT, role: RoleAtlas, arns: a.ARNs, logGroup: groupName,
		extra: pulumi.StringArray{a.ReadOnlySecretARN, a.KMSKeyARN},
		build: func(v []string) []Statement {
			return []Statement{
				{Sid: "ReadTheReadOnlyUserSecret", Effect: Allow, Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{v[0]}},
				{Sid: "DecryptThroughSecretsManager", Effect: Allow, Action: []string{"kms:Decrypt"}, Resource: []string{v[1]},
					Condition: Condition{"StringEquals": {"kms:ViaService": {fmt.Sprintf("secretsmanager.%s.amazonaws.com", a.ARNs.Region)}}}},
			}
		},
	}, parent)
	if err != nil {
		return nil, err
	}
	userData := pulumi.All(a.RedshiftEndpoint, a.ReadOnlySecretARN).ApplyT(func(v []any) (string, error) {
		host, port := splitEndpoint(v[0].(string))
		return RenderUserData(UserData{PIT: a.PIT, Role: RoleAtlas, LogGroup: groupName,
			Region: a.ARNs.Region, ReadOnlySecretARN: v[1].(string), RedshiftHost: host, RedshiftPort: port,
			Database: a.Database, CDMSchema: a.CDMSchema, ResultsSchema: a.ResultsSchema, AtlasPort: AtlasPort, WebAPIPort: WebAPIPort,
			Arch: a.Arch, Images: a.Images, Compose: a.Compose})
	}).(pulumi.StringOutput)
	inst := hardenedInstance(a.AMI, a.InstanceType, a.KMSKeyARN)
	inst.SubnetId = a.SubnetID
	inst.VpcSecurityGroupIds = pulumi.StringArray{h.SecurityGroup.ID()}
	inst.KeyName = a.KeyName
	inst.IamInstanceProfile = profile.Name
	inst.AssociatePublicIpAddress = pulumi.Bool(false)
	inst.UserData = userData
	inst.Tags = pulumi.StringMap{"Name": pulumi.String(a.PIT + "-atlas")}
	setRootTags(inst, pulumi.StringMap{"Name": pulumi.String(a.PIT + "-atlas-root")})
	deps := append([]pulumi.Resource{group, a.ReadOnlySecretValue}, a.Egress...)
	h.Instance, err = ec2.NewInstance(ctx, child("instance"), inst, parent, keepImage(), pulumi.DependsOn(deps))
	if err != nil {
		return nil, fmt.Errorf("create atlas instance: %w", err)
	}
	h.PrivateIP = h.Instance.PrivateIp
	if _, err := newLoginAssociation(ctx, child, Logins{PIT: a.PIT, Role: RoleAtlas, Researchers: a.Researchers},
		h.Instance.ID(), parent); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(h, pulumi.Map{"privateIp": h.PrivateIP, "instanceId": h.Instance.ID()}); err != nil {
		return nil, fmt.Errorf("register atlas outputs: %w", err)
	}
	return h, nil
}

// splitEndpoint splits Redshift's "host:port" endpoint.
func splitEndpoint(endpoint string) (string, int) {
	host, port, ok := strings.Cut(endpoint, ":")
	if !ok {
		return endpoint, RedshiftPort
	}
	n := RedshiftPort
	if _, err := fmt.Sscanf(port, "%d", &n); err != nil {
		return host, RedshiftPort
	}
	return host, n
}

package config

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valid returns a complete, valid raw configuration; tests change one key at a time.
func valid() map[string]string {
	return map[string]string{
		"aws:region":          "us-west-2",
		"sce:pit":             "hipaa",
		"sce:allowedSshCidrs": `["198.51.100.0/24"]`,
		"sce:sshPublicKey":    builderKey,
	}
}

// Throwaway public keys, generated for these tests; their private keys were discarded.
const (
	builderKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0p+AoIYJo7DfkNJoC637EqJv42XFfBVaI5j/1eTEEn hipaa-builder@example.org"
	aliceKey   = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxshx/hU/qmeT0q1IbNEFxqo2oGGFO7811sVSUS3GmW alice@example.org"
	// rsa2048Key is a 2048-bit RSA key, too short.
	rsa2048Key = rsa2048
)

func with(changes map[string]string, drop ...string) map[string]string {
	raw := valid()
	for k, v := range changes {
		raw[k] = v
	}
	for _, k := range drop {
		delete(raw, k)
	}
	return raw
}

func TestLoadAppliesDefaults(t *testing.T) {
	c, err := Load(FromMap(valid()))
	require.NoError(t, err)
	assert.Equal(t, "hipaa", c.PIT)
	assert.Equal(t, "us-west-2", c.Region)
	assert.Equal(t, "aws", c.Partition)
	assert.Equal(t, "us-west-2a", c.AvailabilityZone, "the default zone is the region's first")
	assert.Equal(t, netip.MustParsePrefix("10.0.0.0/16"), c.VPCCIDR)
	assert.Equal(t, netip.MustParsePrefix("10.0.0.0/24"), c.PublicSubnetCIDR)
	assert.Equal(t, netip.MustParsePrefix("10.0.1.0/24"), c.PrivateSubnetCIDR)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}, c.AllowedSSHCIDRs)
	assert.False(t, c.AllowSSHFromAnywhere)
	assert.Equal(t, "m5.large", c.BastionInstanceType)
	assert.Equal(t, "m5.xlarge", c.WorkstationInstanceType)
	assert.Empty(t, c.NotificationEmails)
	assert.Equal(t, 2192, c.FlowLogRetentionDays)
	assert.Empty(t, c.ReadOnlySourceBuckets)
	assert.True(t, c.Protect)
	assert.Empty(t, c.AdminRoleARNs)
	assert.Empty(t, c.UploaderRoleARNs)
	assert.True(t, c.RestrictToVPCEndpoint, "data-in and output are restricted to the endpoint by default")
	assert.False(t, c.LogBucketObjectLock)
	assert.Equal(t, 2192, c.AuditLogRetentionDays)
	assert.True(t, c.AccountBaseline)
	assert.Equal(t, ConfigRecorderCreate, c.ConfigRecorder, "the baseline stack creates the recorder unless told the account has one")
	assert.Equal(t, builderKey, c.SSHPublicKey)
	assert.Empty(t, c.Researchers)
	assert.Equal(t, 100, c.DataVolumeGB)
	assert.Equal(t, []string{"python", "jupyter", "r"}, c.AnalysisTools)
	assert.Equal(t, &Schedule{StartHour: 8, StopHour: 18, Days: "MON-FRI", TimeZone: "America/Los_Angeles"}, c.Schedule)
	assert.Equal(t, 2000, c.MonthlyBudgetUSD)
	assert.Equal(t, OMOP{Enabled: false, NodeType: "ra3.xlplus", NodeCount: 1, SnapshotRetentionDays: 7, Schema: "cdm",
		ResultsSchema: "results", VocabularyPrefix: "omop/vocabulary/", DataPrefix: "", AtlasInstanceType: "m5.xlarge",
		LoadEnabled: false, VocabularyTables: []string{"concept", "vocabulary", "domain", "concept_class", "concept_relationship",
			"relationship", "concept_synonym", "concept_ancestor", "drug_strength"}}, c.OMOP,
		"the load is off until the vocabulary is uploaded; the default tables are Athena's, without source_to_concept_map")
	assert.Equal(t, Workers{Enabled: false, InstanceType: "c5.xlarge", MaxWorkers: 5, ScratchGB: 200, IdleMinutes: 15}, c.Workers)
	assert.Equal(t, EMR{Enabled: false, ReleaseLabel: "emr-7.5.0", PrimaryInstanceType: "m5.xlarge", CoreInstanceType: "r5.xlarge",
		CoreInstanceCount: 2, IdleMinutes: 60}, c.EMR)
	assert.Equal(t, 35, c.BackupRetentionDays)
	assert.Equal(t, 2192, c.MinimumRetentionDays, "close-out asks for HIPAA's six years unless told otherwise")
	assert.Equal(t, AncillaryKeep, c.AncillaryCloseout, "the ancillary bucket, PHI perhaps, is kept unless its deletion is agreed")
	assert.True(t, c.KeepsAncillary())
	assert.Equal(t, TenancyDedicated, c.VPCTenancy, "the VPC is dedicated unless Redshift needs otherwise")
	assert.Equal(t, Software{
		WebAPIImage: "docker.io/ohdsi/webapi:2.14.0", AtlasImage: "docker.io/ohdsi/atlas:2.14.0", PostgresImage: "docker.io/library/postgres:16.4",
		Compose: Download{Version: "v2.38.2", SHA256AMD64: "486b3ffc0f806ca2efbc430cef89955386011662f0c76bad17c103d059cfa9cf",
			SHA256ARM64: "4d0f7678dd3338452beba4518e36a8e22b20cad79ba2535c687da554dc3997fb"},
		Miniforge: Download{Version: "26.3.2-3", SHA256AMD64: "848194851a98903134187fbb4ab50efe87b003e0c0f808f97644b7524a62bf2c",
			SHA256ARM64: "2c113a69297e612b01ca0f320c22a3107a11f2ab9b573d79ac868a175945ce29"},
		JupyterLabVersion: "4.4.3",
	}, c.Software, "every download is pinned by default")
}

func TestPipelineCommandDefaultsToTheInstalledPipeline(t *testing.T) {
	tests := []struct {
		name, command, want string
	}{
		{"no command runs the installed pipeline", "", "/opt/sce/pipeline/run"},
		{"the installed pipeline with arguments", `["/opt/sce/pipeline/run","--fast"]`, `["/opt/sce/pipeline/run","--fast"]`},
		{"an interpreter running the installed script", `["/usr/bin/python3","/opt/sce/pipeline/run"]`, `["/usr/bin/python3","/opt/sce/pipeline/run"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(FromMap(workersOn(map[string]string{"sce:workerPipelineCommand": tt.command})))
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Workers.PipelineCommand)
			assert.Equal(t, "/opt/sce/pipeline/run", PipelinePath(c.Workers.PipelineObject))
		})
	}
}

func TestSoftwareAcceptsPinnedImagesAndOtherReleases(t *testing.T) {
	digest := "@sha256:" + pipelineSum
	c, err := Load(FromMap(with(map[string]string{
		"sce:atlasWebApiImage": "docker.io/ohdsi/webapi:2.14.0" + digest, "sce:atlasImage": "ohdsi/atlas:2.14.1",
		"sce:atlasPostgresImage": "public.ecr.aws/docker/library/postgres:16.4-bookworm",
		"sce:omopEnabled":        "true", "sce:vpcTenancy": "default", "sce:atlasInstanceType": "m7g.xlarge", "sce:dockerComposeSha256Amd64": "",
		"sce:miniforgeVersion": "26.1.1-3", "sce:miniforgeSha256Amd64": pipelineSum, "sce:miniforgeSha256Arm64": "",
	})))
	require.NoError(t, err, "a digest, another registry, an empty checksum of an unused architecture and a new release with its own checksum")
	assert.Equal(t, "docker.io/ohdsi/webapi:2.14.0"+digest, c.Software.WebAPIImage)
	assert.Equal(t, c.Software.Compose.SHA256ARM64, c.Software.Compose.SHA256(c.OMOP.AtlasInstanceType), "a Graviton host takes the aarch64 checksum")
	assert.Equal(t, pipelineSum, c.Software.Miniforge.SHA256(c.WorkstationInstanceType))
}

func TestArchFollowsTheInstanceFamily(t *testing.T) {
	for typ, want := range map[string]string{"c5.xlarge": "x86_64", "m7g.large": "aarch64", "r6gd.2xlarge": "aarch64", "c6in.large": "x86_64", "m7i-flex.large": "x86_64"} {
		assert.Equal(t, want, Arch(typ), typ)
	}
}

// pipelineSum is a well-formed sha256 for the tests (that of the empty file).
const pipelineSum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// workersOn is the configuration change that turns the pool on with a pipeline named run.
func workersOn(changes map[string]string) map[string]string {
	c := map[string]string{"sce:workersEnabled": "true", "sce:workerPipelineObject": "run", "sce:workerPipelineSha256": pipelineSum}
	for k, v := range changes {
		c[k] = v
	}
	return with(c)
}

// TestVPCTenancyFollowsRedshift: Redshift refuses dedicated-tenancy VPCs, so omopEnabled needs default
// tenancy, said explicitly; without Redshift the VPC stays dedicated.
func TestVPCTenancyFollowsRedshift(t *testing.T) {
	cases := []struct {
		name    string
		changes map[string]string
		want    string
		problem string
	}{
		{name: "default is dedicated", want: TenancyDedicated},
		{name: "dedicated said explicitly", changes: map[string]string{"sce:vpcTenancy": "dedicated"}, want: TenancyDedicated},
		{name: "omop with default tenancy", changes: map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default"}, want: TenancyDefault},
		{name: "omop in the default dedicated VPC is refused, naming Redshift", changes: map[string]string{"sce:omopEnabled": "true"},
			problem: `sce:vpcTenancy: "dedicated" cannot hold Amazon Redshift, which sce:omopEnabled enables: Redshift refuses`},
		{name: "default tenancy without Redshift is refused", changes: map[string]string{"sce:vpcTenancy": "default"},
			problem: `sce:vpcTenancy: "default" gives up the VPC-wide dedicated tenancy`},
		{name: "an unknown tenancy is refused", changes: map[string]string{"sce:vpcTenancy": "host"},
			problem: `sce:vpcTenancy: "host" is not a VPC tenancy; accepted: dedicated or default`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(FromMap(with(tc.changes)))
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.VPCTenancy)
		})
	}
}

func TestWorkersAndEMRAreReadWhenEnabled(t *testing.T) {
	c, err := Load(FromMap(workersOn(map[string]string{
		"sce:workerPipelineCommand": `["/opt/sce/pipeline/run","--threads","4"]`,
		"sce:maxWorkers":            "8", "sce:workerInstanceType": "r6i.2xlarge", "sce:workerIdleMinutes": "30",
		"sce:emrEnabled": "true", "sce:emrReleaseLabel": "emr-6.15.0", "sce:emrCoreInstanceCount": "4",
	})))
	require.NoError(t, err)
	assert.Equal(t, Workers{Enabled: true, InstanceType: "r6i.2xlarge", MaxWorkers: 8, ScratchGB: 200,
		PipelineObject: "run", PipelineSHA256: pipelineSum,
		PipelineCommand: `["/opt/sce/pipeline/run","--threads","4"]`, IdleMinutes: 30}, c.Workers)
	assert.True(t, c.EMR.Enabled)
	assert.Equal(t, "emr-6.15.0", c.EMR.ReleaseLabel, "6.15 is later than 6.7: versions compare as numbers")
	assert.Equal(t, 4, c.EMR.CoreInstanceCount)
}

func TestEMRIsAcceptedWhereItsNodesAreDedicated(t *testing.T) {
	cases := []struct {
		name string
		raw  map[string]string
	}{
		{"EMR in a stack without Redshift", map[string]string{"sce:emrEnabled": "true", "sce:omopEnabled": "false"}},
		{"Redshift without EMR", map[string]string{"sce:emrEnabled": "false", "sce:omopEnabled": "true", "sce:vpcTenancy": "default"}},
		{"the last 7.x release line", map[string]string{"sce:emrEnabled": "true", "sce:emrReleaseLabel": "emr-7.12.0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(FromMap(with(tc.raw)))
			require.NoError(t, err)
		})
	}
}

func TestResearchersAreReadAsLoginAndKey(t *testing.T) {
	c, err := Load(FromMap(with(map[string]string{"sce:researchers": `["alice ` + aliceKey + `"]`, "sce:workstationInstanceType": "r6i.2xlarge"})))
	require.NoError(t, err)
	assert.Equal(t, []Researcher{{Login: "alice", PublicKey: aliceKey}}, c.Researchers)
	assert.Equal(t, "r6i.2xlarge", c.WorkstationInstanceType, "memory-optimised workstations are accepted")
}

func TestLoadReadsEveryKey(t *testing.T) {
	c, err := Load(FromMap(map[string]string{
		"aws:region":                  "ap-northeast-1",
		"sce:pit":                     "study42",
		"sce:vpcCidr":                 "172.16.0.0/20",
		"sce:publicSubnetCidr":        "172.16.0.0/24",
		"sce:privateSubnetCidr":       "172.16.8.0/21",
		"sce:availabilityZone":        "ap-northeast-1c",
		"sce:allowedSshCidrs":         `["0.0.0.0/0"]`,
		"sce:allowSshFromAnywhere":    "true",
		"sce:bastionInstanceType":     "m7i.large",
		"sce:workstationInstanceType": "r6i.2xlarge",
		"sce:notificationEmails":      `["a@example.org","b.c@sub.example.org"]`,
		"sce:flowLogRetentionDays":    "3653",
		"sce:readOnlySourceBuckets":   `["reference-genomes.example"]`,
		"sce:protect":                 "false",
		"sce:sshPublicKey":            builderKey,
	}))
	require.NoError(t, err)
	assert.Equal(t, "ap-northeast-1c", c.AvailabilityZone)
	assert.Equal(t, netip.MustParsePrefix("172.16.8.0/21"), c.PrivateSubnetCIDR)
	assert.True(t, c.AllowSSHFromAnywhere)
	assert.Equal(t, "r6i.2xlarge", c.WorkstationInstanceType)
	assert.Equal(t, []string{"a@example.org", "b.c@sub.example.org"}, c.NotificationEmails)
	assert.Equal(t, 3653, c.FlowLogRetentionDays)
	assert.Equal(t, []string{"reference-genomes.example"}, c.ReadOnlySourceBuckets)
	assert.False(t, c.Protect)
}

func TestGovCloudRegionUsesItsPartition(t *testing.T) {
	c, err := Load(FromMap(with(map[string]string{"aws:region": "us-gov-west-1"})))
	require.NoError(t, err)
	assert.Equal(t, "aws-us-gov", c.Partition)
	assert.Equal(t, "us-gov-west-1a", c.AvailabilityZone)
}

// TestLoadRejectsBadInput checks that each bad value is refused with an error naming its key and, where
// there is one, the value.
func TestLoadRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		raw     map[string]string
		key     string
		value   string
		message string
	}{
		{"a missing PIT", with(nil, "sce:pit"), "sce:pit", "", "required"},
		{"an upper-case PIT", with(map[string]string{"sce:pit": "Hipaa"}), "sce:pit", "Hipaa", "a-z and 0-9"},
		{"a PIT of two characters", with(map[string]string{"sce:pit": "hi"}), "sce:pit", "hi", "3-12"},
		{"a PIT of thirteen characters", with(map[string]string{"sce:pit": "abcdefghijklm"}), "sce:pit", "abcdefghijklm", "3-12"},
		{"a PIT starting with a digit", with(map[string]string{"sce:pit": "1hipaa"}), "sce:pit", "1hipaa", "starting with a letter"},
		{"a PIT with a hyphen", with(map[string]string{"sce:pit": "hip-aa"}), "sce:pit", "hip-aa", "a-z and 0-9"},
		{"a PIT S3 refuses as a bucket prefix", with(map[string]string{"sce:pit": "sthree"}), "sce:pit", "sthree", "sthree-"},
		{"a missing region", with(nil, "aws:region"), "aws:region", "", "required"},
		{"an unknown region", with(map[string]string{"aws:region": "us-west-9"}), "aws:region", "us-west-9", "supported region"},
		{"a VPC block that is not a CIDR", with(map[string]string{"sce:vpcCidr": "10.0.0.0"}), "sce:vpcCidr", "10.0.0.0", "not a CIDR"},
		{"a VPC block wider than /16", with(map[string]string{"sce:vpcCidr": "10.0.0.0/8"}), "sce:vpcCidr", "10.0.0.0/8", "/16 to /27"},
		{"a VPC block narrower than /28", with(map[string]string{"sce:vpcCidr": "10.0.0.0/29", "sce:publicSubnetCidr": "10.0.0.0/29", "sce:privateSubnetCidr": "10.0.0.8/29"}), "sce:vpcCidr", "10.0.0.0/29", "/16 to /27"},
		{"a /28 VPC, which cannot hold two subnets of /28", with(map[string]string{"sce:vpcCidr": "10.0.0.0/28", "sce:publicSubnetCidr": "10.0.0.0/28", "sce:privateSubnetCidr": "10.0.0.16/28"}), "sce:vpcCidr", "10.0.0.0/28", "/16 to /27 (the VPC holds two subnets of at least /28"},
		{"a VPC block with host bits", with(map[string]string{"sce:vpcCidr": "10.0.0.1/16"}), "sce:vpcCidr", "10.0.0.1/16", "did you mean 10.0.0.0/16"},
		{"an IPv6 VPC block", with(map[string]string{"sce:vpcCidr": "2001:db8::/56"}), "sce:vpcCidr", "2001:db8::/56", "not IPv4"},
		{"a public VPC block", with(map[string]string{"sce:vpcCidr": "198.51.100.0/24", "sce:publicSubnetCidr": "198.51.100.0/25", "sce:privateSubnetCidr": "198.51.100.128/25"}), "sce:vpcCidr", "198.51.100.0/24", "RFC 1918"},
		{"a public subnet outside the VPC", with(map[string]string{"sce:publicSubnetCidr": "10.1.0.0/24"}), "sce:publicSubnetCidr", "10.1.0.0/24", "not inside"},
		{"a private subnet outside the VPC", with(map[string]string{"sce:privateSubnetCidr": "192.168.1.0/24"}), "sce:privateSubnetCidr", "192.168.1.0/24", "not inside"},
		{"overlapping subnets", with(map[string]string{"sce:privateSubnetCidr": "10.0.0.128/25"}), "sce:privateSubnetCidr", "10.0.0.128/25", "overlaps"},
		{"a subnet wider than the VPC", with(map[string]string{"sce:vpcCidr": "10.0.0.0/20", "sce:publicSubnetCidr": "10.0.0.0/16"}), "sce:publicSubnetCidr", "10.0.0.0/16", "not inside"},
		{"a malformed subnet", with(map[string]string{"sce:publicSubnetCidr": "ten/24"}), "sce:publicSubnetCidr", "ten/24", "not a CIDR"},
		{"a zone of another region", with(map[string]string{"sce:availabilityZone": "us-east-1a"}), "sce:availabilityZone", "us-east-1a", "not a zone of region us-west-2"},
		{"a zone letter the region lacks", with(map[string]string{"sce:availabilityZone": "us-west-2e"}), "sce:availabilityZone", "us-west-2e", "us-west-2a, us-west-2b"},
		{"missing ssh sources", with(nil, "sce:allowedSshCidrs"), "sce:allowedSshCidrs", "", "required"},
		{"an empty ssh source list", with(map[string]string{"sce:allowedSshCidrs": "[]"}), "sce:allowedSshCidrs", "[]", "at least one"},
		{"ssh sources that are not a list", with(map[string]string{"sce:allowedSshCidrs": "198.51.100.0/24"}), "sce:allowedSshCidrs", "198.51.100.0/24", "not a list"},
		{"ssh from anywhere without the flag", with(map[string]string{"sce:allowedSshCidrs": `["0.0.0.0/0"]`}), "sce:allowedSshCidrs", "0.0.0.0/0", "allowSshFromAnywhere"},
		{"ssh from a /7", with(map[string]string{"sce:allowedSshCidrs": `["2.0.0.0/7"]`}), "sce:allowedSshCidrs", "2.0.0.0/7", "too wide"},
		{"an invalid ssh source", with(map[string]string{"sce:allowedSshCidrs": `["198.51.100.300/32"]`}), "sce:allowedSshCidrs", "198.51.100.300/32", "not a CIDR"},
		{"an IPv6 ssh source", with(map[string]string{"sce:allowedSshCidrs": `["2001:db8::/32"]`}), "sce:allowedSshCidrs", "2001:db8::/32", "not IPv4"},
		{"a duplicated ssh source", with(map[string]string{"sce:allowedSshCidrs": `["198.51.100.0/24","198.51.100.0/24"]`}), "sce:allowedSshCidrs", "198.51.100.0/24", "twice"},
		{"more ssh sources than the ACL quota", with(map[string]string{"sce:allowedSshCidrs": seventeenBlocks()}), "sce:allowedSshCidrs", "", "at most 16"},
		{"a flag that is not a boolean", with(map[string]string{"sce:allowSshFromAnywhere": "yes"}), "sce:allowSshFromAnywhere", "yes", "true or false"},
		{"a burstable bastion", with(map[string]string{"sce:bastionInstanceType": "t3.large"}), "sce:bastionInstanceType", "t3.large", "burstable"},
		{"a burstable t2 workstation", with(map[string]string{"sce:workstationInstanceType": "t2.micro"}), "sce:workstationInstanceType", "t2.micro", "burstable"},
		{"a burstable t4g workstation", with(map[string]string{"sce:workstationInstanceType": "t4g.xlarge"}), "sce:workstationInstanceType", "t4g.xlarge", "burstable"},
		{"a later t-family", with(map[string]string{"sce:bastionInstanceType": "t5a.large"}), "sce:bastionInstanceType", "t5a.large", "burstable"},
		{"a malformed instance type", with(map[string]string{"sce:bastionInstanceType": "large"}), "sce:bastionInstanceType", "large", "family.size"},
		{"an address without a domain", with(map[string]string{"sce:notificationEmails": `["builder@localhost"]`}), "sce:notificationEmails", "builder@localhost", "domain"},
		{"an address with a display name", with(map[string]string{"sce:notificationEmails": `["Builder <builder@example.org>"]`}), "sce:notificationEmails", "Builder <builder@example.org>", "bare address"},
		{"an address without an at sign", with(map[string]string{"sce:notificationEmails": `["builder.example.org"]`}), "sce:notificationEmails", "builder.example.org", "well-formed"},
		{"a retention CloudWatch does not offer", with(map[string]string{"sce:flowLogRetentionDays": "2000"}), "sce:flowLogRetentionDays", "2000", "2192"},
		{"a retention that is not a number", with(map[string]string{"sce:flowLogRetentionDays": "six years"}), "sce:flowLogRetentionDays", "six years", "retention"},
		{"an invalid source bucket", with(map[string]string{"sce:readOnlySourceBuckets": `["Reference_Data"]`}), "sce:readOnlySourceBuckets", "Reference_Data", "bucket name"},
		{"a source bucket shaped like an address", with(map[string]string{"sce:readOnlySourceBuckets": `["192.168.5.4"]`}), "sce:readOnlySourceBuckets", "192.168.5.4", "IP address"},
		{"a protect flag that is not a boolean", with(map[string]string{"sce:protect": "on"}), "sce:protect", "on", "true or false"},
		{"a missing builder key", with(nil, "sce:sshPublicKey"), "sce:sshPublicKey", "", "required"},
		{"a builder key that is not a key", with(map[string]string{"sce:sshPublicKey": "ssh-ed25519 notbase64"}), "sce:sshPublicKey", "ssh-ed25519 notbase64", "not an OpenSSH public key"},
		{"a private key instead of a public one, never echoed", with(map[string]string{"sce:sshPublicKey": "-----BEGIN OPENSSH PRIVATE KEY-----b3BlbnNzaC1rZXktdjEAAAAA"}), "sce:sshPublicKey", "[a private key, not shown]", "is a private key"},
		{"a short RSA key", with(map[string]string{"sce:sshPublicKey": rsa2048Key}), "sce:sshPublicKey", "ssh-rsa", "shorter than 3072 bits"},
		{"a researcher without a key", with(map[string]string{"sce:researchers": `["alice"]`}), "sce:researchers", "alice", "<login> <ssh public key>"},
		{"a researcher with an invalid login", with(map[string]string{"sce:researchers": `["Alice ` + aliceKey + `"]`}), "sce:researchers", "Alice", "not a valid login"},
		{"a one-letter login, which STS refuses as a source identity", with(map[string]string{"sce:researchers": `["a ` + aliceKey + `"]`}), "sce:researchers", "a", "2-32 characters"},
		{"on an OMOP stack, a login that is a Redshift reserved word", with(map[string]string{"sce:researchers": `["user ` + aliceKey + `"]`, "sce:omopEnabled": "true", "sce:vpcTenancy": "default"}), "sce:researchers", "user", "reserved word"},
		{"on an OMOP stack, a login that is the analysis tools' database user", with(map[string]string{"sce:researchers": `["ohdsi_reader ` + aliceKey + `"]`, "sce:omopEnabled": "true", "sce:vpcTenancy": "default"}), "sce:researchers", "ohdsi_reader", "creates for itself"},
		{"a researcher taking a system account", with(map[string]string{"sce:researchers": `["ec2-user ` + aliceKey + `"]`}), "sce:researchers", "ec2-user", "system account"},
		{"a researcher listed twice", with(map[string]string{"sce:researchers": `["alice ` + aliceKey + `","alice ` + aliceKey + `"]`}), "sce:researchers", "alice", "listed twice"},
		{"a researcher with a bad key", with(map[string]string{"sce:researchers": `["alice ssh-rsa AAAA"]`}), "sce:researchers", "alice ssh-rsa AAAA", "not an OpenSSH public key"},
		{"a data volume of zero", with(map[string]string{"sce:dataVolumeGb": "0"}), "sce:dataVolumeGb", "0", "from 1 to 16384"},
		{"a data volume too large", with(map[string]string{"sce:dataVolumeGb": "20000"}), "sce:dataVolumeGb", "20000", "from 1 to 16384"},
		{"an unknown analysis tool", with(map[string]string{"sce:analysisTools": `["stata"]`}), "sce:analysisTools", "stata", "accepted: python, jupyter, r"},
		{"a compute-family bastion", with(map[string]string{"sce:bastionInstanceType": "c5.large"}), "sce:bastionInstanceType", "c5.large", "m-family"},
		{"an accelerated workstation", with(map[string]string{"sce:workstationInstanceType": "p4d.24xlarge"}), "sce:workstationInstanceType", "p4d.24xlarge", "accepted family"},
		{"a Redshift node type of another service", with(map[string]string{"sce:redshiftNodeType": "m5.large"}), "sce:redshiftNodeType", "m5.large", "ra3 or dc2"},
		{"no Redshift nodes", with(map[string]string{"sce:redshiftNodeCount": "0"}), "sce:redshiftNodeCount", "0", "from 1 to 32"},
		{"snapshots kept less than a week", with(map[string]string{"sce:redshiftSnapshotRetentionDays": "3"}), "sce:redshiftSnapshotRetentionDays", "3", "from 7 to 35"},
		{"an upper-case schema", with(map[string]string{"sce:omopSchema": "CDM"}), "sce:omopSchema", "CDM", "schema name"},
		{"a results schema equal to the CDM schema", with(map[string]string{"sce:omopResultsSchema": "cdm"}), "sce:omopResultsSchema", "cdm", "schema of its own"},
		{"a vocabulary prefix without a trailing slash", with(map[string]string{"sce:omopVocabularyPrefix": "omop/vocab"}), "sce:omopVocabularyPrefix", "omop/vocab", "key prefix"},
		{"a data prefix with an absolute path", with(map[string]string{"sce:omopDataPrefix": "/synpuf/"}), "sce:omopDataPrefix", "/synpuf/", "key prefix"},
		{"a t-family Atlas host", with(map[string]string{"sce:atlasInstanceType": "t3.large"}), "sce:atlasInstanceType", "t3.large", "burstable"},
		{"a load without Redshift", with(map[string]string{"sce:omopLoadEnabled": "true"}), "sce:omopLoadEnabled", "true", "loads into the Redshift cluster that sce:omopEnabled creates, and it is false"},
		{"a load without a vocabulary prefix", with(map[string]string{"sce:omopLoadEnabled": "true", "sce:omopEnabled": "true", "sce:vpcTenancy": "default", "sce:omopVocabularyPrefix": ""}),
			"sce:omopLoadEnabled", "true", "needs sce:omopVocabularyPrefix"},
		{"a load flag that is not a boolean", with(map[string]string{"sce:omopLoadEnabled": "later"}), "sce:omopLoadEnabled", "later", "true or false"},
		{"a clinical table among the vocabulary files", with(map[string]string{"sce:omopVocabularyTables": `["concept","person"]`}), "sce:omopVocabularyTables", "person", "not a vocabulary table"},
		{"a vocabulary table listed twice", with(map[string]string{"sce:omopVocabularyTables": `["concept","concept"]`}), "sce:omopVocabularyTables", "concept", "listed twice"},
		{"no vocabulary file at all", with(map[string]string{"sce:omopVocabularyTables": `[]`}), "sce:omopVocabularyTables", "[]", "lists no table"},
		{"working hours off the hour", with(map[string]string{"sce:workingHours": "08:30-18:00"}), "sce:workingHours", "08:30-18:00", "on the hour"},
		{"working hours that start and stop together", with(map[string]string{"sce:workingHours": "08:00-08:00"}), "sce:workingHours", "08:00-08:00", "same hour"},
		{"working days in lower case", with(map[string]string{"sce:workingDays": "mon-fri"}), "sce:workingDays", "mon-fri", "day-of-week"},
		{"a t-family worker", with(map[string]string{"sce:workerInstanceType": "t3.xlarge"}), "sce:workerInstanceType", "t3.xlarge", "burstable"},
		{"no workers at most", with(map[string]string{"sce:maxWorkers": "0"}), "sce:maxWorkers", "0", "from 1 to 100"},
		{"workers without a pipeline", with(map[string]string{"sce:workersEnabled": "true"}), "sce:workerPipelineObject", "", "required when sce:workersEnabled"},
		{"workers without the pipeline's checksum", with(map[string]string{"sce:workersEnabled": "true", "sce:workerPipelineObject": "run"}), "sce:workerPipelineSha256", "", "required when sce:workersEnabled"},
		{"a pipeline checksum that is not a sha256", workersOn(map[string]string{"sce:workerPipelineSha256": "e3b0c442"}), "sce:workerPipelineSha256", "e3b0c442", "64 lower-case hex digits"},
		{"a pipeline checksum in upper case", workersOn(map[string]string{"sce:workerPipelineSha256": strings.ToUpper(pipelineSum)}), "sce:workerPipelineSha256", strings.ToUpper(pipelineSum), "lower-case"},
		{"a pipeline object in a folder", workersOn(map[string]string{"sce:workerPipelineObject": "qc/run"}), "sce:workerPipelineObject", "qc/run", "no '/'"},
		{"a pipeline object that climbs out", workersOn(map[string]string{"sce:workerPipelineObject": ".."}), "sce:workerPipelineObject", "..", "starting with a letter or digit"},
		{"a command that is not the installed pipeline", workersOn(map[string]string{"sce:workerPipelineCommand": "/opt/pipeline/run"}), "sce:workerPipelineCommand", "/opt/pipeline/run", "does not run the installed pipeline /opt/sce/pipeline/run"},
		{"a command whose arguments miss the pipeline", workersOn(map[string]string{"sce:workerPipelineCommand": `["/usr/bin/python3","/opt/qc.py"]`}), "sce:workerPipelineCommand", "/opt/qc.py", "names it"},
		{"a pipeline with a single quote", with(map[string]string{"sce:workerPipelineCommand": `["run","'x'"]`}), "sce:workerPipelineCommand", "'x'", "single quote"},
		{"a pipeline written as a shell line", with(map[string]string{"sce:workerPipelineCommand": "/opt/run --fast"}), "sce:workerPipelineCommand", "/opt/run --fast", "not a JSON array"},
		{"a pipeline that is a broken JSON array", with(map[string]string{"sce:workerPipelineCommand": `["/opt/run",`}), "sce:workerPipelineCommand", "/opt/run", "JSON array of strings"},
		{"a pipeline of two lines", with(map[string]string{"sce:workerPipelineCommand": "run\nrm -rf /"}), "sce:workerPipelineCommand", `run\nrm -rf /`, "line break"},
		{"a worker idle time of zero", with(map[string]string{"sce:workerIdleMinutes": "0"}), "sce:workerIdleMinutes", "0", "from 1 to 1440"},
		{"an EMR release too old for runtime roles", with(map[string]string{"sce:emrReleaseLabel": "emr-6.6.0"}), "sce:emrReleaseLabel", "emr-6.6.0", "older than emr-6.7.0"},
		{"an EMR release that is not one", with(map[string]string{"sce:emrReleaseLabel": "7.5"}), "sce:emrReleaseLabel", "7.5", "release label"},
		{"a t-family EMR core node", with(map[string]string{"sce:emrCoreInstanceType": "t3.large"}), "sce:emrCoreInstanceType", "t3.large", "burstable"},
		{"an accelerated EMR primary", with(map[string]string{"sce:emrPrimaryInstanceType": "g5.xlarge"}), "sce:emrPrimaryInstanceType", "g5.xlarge", "accepted family"},
		{"a backup kept no day", with(map[string]string{"sce:backupRetentionDays": "0"}), "sce:backupRetentionDays", "0", "from 1 to 36500"},
		{"a close-out minimum of no day", with(map[string]string{"sce:minimumRetentionDays": "0"}), "sce:minimumRetentionDays", "0", "from 1 to 36500"},
		{"a close-out minimum in years", with(map[string]string{"sce:minimumRetentionDays": "6y"}), "sce:minimumRetentionDays", "6y", "whole number"},
		{"an ancillary fate that is neither", with(map[string]string{"sce:ancillaryCloseout": "delete"}), "sce:ancillaryCloseout", "delete", "accepted: keep (the bucket is retained"},
		{"no EMR core nodes", with(map[string]string{"sce:emrCoreInstanceCount": "0"}), "sce:emrCoreInstanceCount", "0", "from 1 to 50"},
		{"EMR in a stack with Redshift (a default-tenancy VPC)", with(map[string]string{"sce:emrEnabled": "true", "sce:omopEnabled": "true"}),
			"sce:emrEnabled", "true", "cannot be combined with sce:omopEnabled: true: Redshift needs a default-tenancy VPC"},
		{"an EMR release whose service access group sits on an endpoint", with(map[string]string{"sce:emrReleaseLabel": "emr-8.0.0"}),
			"sce:emrReleaseLabel", "emr-8.0.0", "emr-8.0.0 or later"},
		{"an unknown time zone", with(map[string]string{"sce:timeZone": "Pacific Time"}), "sce:timeZone", "Pacific Time", "IANA time zone"},
		{"a budget of zero", with(map[string]string{"sce:monthlyBudgetUsd": "0"}), "sce:monthlyBudgetUsd", "0", "from 1 to"},
		{"a negative ledger reservation", with(map[string]string{"sce:ledgerReservedConcurrency": "-1"}), "sce:ledgerReservedConcurrency", "-1", "from 0 to 1000"},
		{"a ledger reservation beyond the default account quota", with(map[string]string{"sce:ledgerReservedConcurrency": "1001"}), "sce:ledgerReservedConcurrency", "1001", "from 0 to 1000"},
		{"a mac workstation", with(map[string]string{"sce:workstationInstanceType": "mac2.metal"}), "sce:workstationInstanceType", "mac2.metal", "accepted family"},
		{"an admin user instead of a role", with(map[string]string{"sce:adminRoleArns": `["arn:aws:iam::111122223333:user/builder"]`}), "sce:adminRoleArns", "arn:aws:iam::111122223333:user/builder", "not an IAM role ARN"},
		{"an uploader ARN with a short account", with(map[string]string{"sce:uploaderRoleArns": `["arn:aws:iam::1111:role/up"]`}), "sce:uploaderRoleArns", "arn:aws:iam::1111:role/up", "12-digit"},
		{"a restriction flag that is not a boolean", with(map[string]string{"sce:restrictToVpcEndpoint": "maybe"}), "sce:restrictToVpcEndpoint", "maybe", "true or false"},
		{"an audit retention CloudWatch does not offer", with(map[string]string{"sce:auditLogRetentionDays": "100"}), "sce:auditLogRetentionDays", "100", "retention"},
		{"a baseline flag that is not a boolean", with(map[string]string{"sce:accountBaseline": "1"}), "sce:accountBaseline", "1", "true or false"},
		{"a WebAPI image tagged latest", with(map[string]string{"sce:atlasWebApiImage": "ohdsi/webapi:latest"}), "sce:atlasWebApiImage", "ohdsi/webapi:latest", "tagged latest"},
		{"an Atlas image without a tag", with(map[string]string{"sce:atlasImage": "ohdsi/atlas"}), "sce:atlasImage", "ohdsi/atlas", "has no tag"},
		{"an image on a registry port without a tag", with(map[string]string{"sce:atlasImage": "registry.example.org:5000/ohdsi/atlas"}), "sce:atlasImage", "registry.example.org:5000/ohdsi/atlas", "has no tag"},
		{"an image tagged by a branch", with(map[string]string{"sce:atlasPostgresImage": "postgres:main"}), "sce:atlasPostgresImage", "postgres:main", "not a pinned image reference"},
		{"a WebAPI release whose settings were not checked", with(map[string]string{"sce:atlasWebApiImage": "docker.io/ohdsi/webapi:2.15.0"}), "sce:atlasWebApiImage", "docker.io/ohdsi/webapi:2.15.0", "checked against release 2.14"},
		{"WebAPI 3", with(map[string]string{"sce:atlasWebApiImage": "ohdsi/webapi:3.0.0@sha256:" + pipelineSum}), "sce:atlasWebApiImage", "ohdsi/webapi:3.0.0@sha256:" + pipelineSum, "is release 3.0"},
		{"an Atlas release whose settings were not checked", with(map[string]string{"sce:atlasImage": "docker.io/ohdsi/atlas:2.13.0"}), "sce:atlasImage", "docker.io/ohdsi/atlas:2.13.0", "accepted: a 2.14.x tag"},
		{"an image with a short digest", with(map[string]string{"sce:atlasImage": "ohdsi/atlas:2.14.0@sha256:abc"}), "sce:atlasImage", "@sha256:abc", "64 hex digits"},
		{"an image that breaks out of the compose file", with(map[string]string{"sce:atlasImage": "ohdsi/atlas:2.14.0\n    privileged: true"}), "sce:atlasImage", "privileged", "not a pinned image reference"},
		{"a compose version from releases/latest", with(map[string]string{"sce:dockerComposeVersion": "latest"}), "sce:dockerComposeVersion", "latest", "v2.38.2"},
		{"a compose version without its v", with(map[string]string{"sce:dockerComposeVersion": "2.38.2"}), "sce:dockerComposeVersion", "2.38.2", "release tag"},
		{"a compose checksum that is not hex", with(map[string]string{"sce:dockerComposeSha256Amd64": strings.Repeat("g", 64)}), "sce:dockerComposeSha256Amd64", strings.Repeat("g", 64), "not a sha256"},
		{"a new compose release with the old checksum", with(map[string]string{"sce:dockerComposeVersion": "v2.39.0"}), "sce:dockerComposeSha256Amd64", "486b3ffc", "not of v2.39.0"},
		{"a new Miniforge release with the old checksum", with(map[string]string{"sce:miniforgeVersion": "26.7.2-0", "sce:miniforgeSha256Amd64": pipelineSum}), "sce:miniforgeSha256Arm64", "2c113a69", "not of 26.7.2-0"},
		{"a Miniforge version that is not a release", with(map[string]string{"sce:miniforgeVersion": "latest"}), "sce:miniforgeVersion", "latest", "26.3.2-3"},
		{"a JupyterLab pre-release", with(map[string]string{"sce:jupyterLabVersion": "4.5.0a1"}), "sce:jupyterLabVersion", "4.5.0a1", "final release"},
		{"a Graviton workstation whose R installer has no checksum", with(map[string]string{"sce:workstationInstanceType": "m7g.xlarge", "sce:miniforgeSha256Arm64": ""}), "sce:miniforgeSha256Arm64", "", "m7g.xlarge is an aarch64 type"},
		{"an x86 Atlas host whose compose has no checksum", with(map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default", "sce:dockerComposeSha256Amd64": ""}), "sce:dockerComposeSha256Amd64", "", "docker-compose-linux-x86_64 of docker compose v2.38.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(FromMap(tt.raw))
			require.Error(t, err)
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "error is a *ValidationError")
			var found *Problem
			for i := range verr.Problems {
				if verr.Problems[i].Key == tt.key && strings.Contains(verr.Problems[i].Message, tt.message) {
					found = &verr.Problems[i]
				}
			}
			require.NotNil(t, found, "no problem names %s with %q; got: %v", tt.key, tt.message, err)
			if tt.value != "" {
				assert.Contains(t, err.Error(), tt.value, "the error quotes the bad value")
			}
			assert.Contains(t, err.Error(), tt.key)
		})
	}
}

func seventeenBlocks() string {
	var blocks []string
	for i := 0; i < 17; i++ {
		blocks = append(blocks, fmt.Sprintf("%q", fmt.Sprintf("10.%d.0.0/16", i)))
	}
	return "[" + strings.Join(blocks, ",") + "]"
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	_, err := Load(FromMap(map[string]string{
		"aws:region":              "us-west-2",
		"sce:pit":                 "BAD",
		"sce:vpcCidr":             "10.0.0.0/8",
		"sce:allowedSshCidrs":     `["0.0.0.0/0"]`,
		"sce:bastionInstanceType": "t3.micro",
		"sce:notificationEmails":  `["nobody"]`,
	}))
	var verr *ValidationError
	require.True(t, errors.As(err, &verr))
	keys := map[string]bool{}
	for _, p := range verr.Problems {
		keys[p.Key] = true
	}
	for _, k := range []string{"sce:pit", "sce:vpcCidr", "sce:allowedSshCidrs", "sce:bastionInstanceType", "sce:notificationEmails"} {
		assert.True(t, keys[k], "problem for %s reported", k)
	}
	assert.Equal(t, len(verr.Problems)+1, strings.Count(err.Error(), "\n")+1, "one line per problem after the heading")
}

func TestUnknownKeysCatchesMisspellings(t *testing.T) {
	err := UnknownKeys([]string{"aws:region", "sce:pit", "sce:allowedSshCidr", "other:thing"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sce:allowedSshCidr:")
	assert.Contains(t, err.Error(), "sce:allowedSshCidrs", "the message lists the accepted keys")
	assert.NotContains(t, err.Error(), "other:thing", "other namespaces belong to their providers")
	assert.NoError(t, UnknownKeys([]string{"sce:pit", "aws:region"}))
}

func TestSshFromAnywhereIsAcceptedOnlyExplicitly(t *testing.T) {
	c, err := Load(FromMap(with(map[string]string{"sce:allowedSshCidrs": `["0.0.0.0/0"]`, "sce:allowSshFromAnywhere": "true"})))
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}, c.AllowedSSHCIDRs)
}

func TestCheckInstanceTypeAcceptsNonBurstableFamilies(t *testing.T) {
	for _, it := range []string{"m5.large", "m7i-flex.large", "c6i.xlarge", "r6a.2xlarge", "x2idn.16xlarge", "trn1.2xlarge", "u-6tb1.metal"} {
		assert.Empty(t, CheckInstanceType(it), it)
	}
}

func TestScheduleCanBeTurnedOff(t *testing.T) {
	c, err := Load(FromMap(with(map[string]string{"sce:scheduleEnabled": "false", "sce:workingDays": "MON,WED,FRI"})))
	require.NoError(t, err)
	assert.Nil(t, c.Schedule)
}

// TestARedshiftReservedWordIsALoginWithoutRedshift: the database constraints apply where there is a
// database only.
func TestARedshiftReservedWordIsALoginWithoutRedshift(t *testing.T) {
	c, err := Load(FromMap(with(map[string]string{"sce:researchers": `["user ` + aliceKey + `"]`})))
	require.NoError(t, err)
	assert.Equal(t, "user", c.Researchers[0].Login)
}

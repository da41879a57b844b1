package stack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

const (
	vpcType        = "aws:ec2/vpc:Vpc"
	subnetType     = "aws:ec2/subnet:Subnet"
	routeType      = "aws:ec2/route:Route"
	routeTableType = "aws:ec2/routeTable:RouteTable"
)

func TestVPCHasDedicatedTenancyAndDNS(t *testing.T) {
	p := planWith(t, nil)
	vpcs := p.Find(vpcType)
	require.Len(t, vpcs, 1)
	vpc := vpcs[0]
	assert.Equal(t, "dedicated", in(vpc, "instanceTenancy"))
	assert.Equal(t, "10.20.0.0/16", in(vpc, "cidrBlock"))
	assert.Equal(t, "true", in(vpc, "enableDnsSupport"))
	assert.Equal(t, "true", in(vpc, "enableDnsHostnames"))
}

func TestSubnetsSitInTheConfiguredZoneAndNeverMapPublicAddresses(t *testing.T) {
	p := planWith(t, nil)
	vpc := p.Find(vpcType)[0]
	subnets := p.Find(subnetType)
	require.Len(t, subnets, 2, "one public and one private subnet")
	want := map[string]string{"study-public-subnet": "10.20.0.0/24", "study-private-subnet": "10.20.1.0/24"}
	for _, s := range subnets {
		assert.Equal(t, want[s.Name], in(s, "cidrBlock"), s.Name)
		assert.Equal(t, "us-west-2b", in(s, "availabilityZone"), s.Name)
		assert.Equal(t, "false", in(s, "mapPublicIpOnLaunch"), "%s sets mapPublicIpOnLaunch explicitly to false", s.Name)
		assert.Equal(t, vpc.ID, in(s, "vpcId"), s.Name)
	}
}

// TestNATAndEndpointRoutesBothExist is the seed's Kilroy warning: adding the S3 endpoint made the NAT
// route vanish. Both must be there, each through its own resource.
func TestNATAndEndpointRoutesBothExist(t *testing.T) {
	p := planWith(t, nil)
	privateRT := one(t, p, routeTableType, "study-private-rt")
	publicRT := one(t, p, routeTableType, "study-public-rt")
	nat := one(t, p, "aws:ec2/natGateway:NatGateway", "study-nat")
	igw := one(t, p, "aws:ec2/internetGateway:InternetGateway", "study-igw")
	endpoint := one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint")

	var natRoutes, igwRoutes int
	for _, r := range p.Find(routeType) {
		switch {
		case in(r, "routeTableId") == privateRT.ID && in(r, "destinationCidrBlock") == "0.0.0.0/0" && in(r, "natGatewayId") == nat.ID:
			natRoutes++
		case in(r, "routeTableId") == publicRT.ID && in(r, "destinationCidrBlock") == "0.0.0.0/0" && in(r, "gatewayId") == igw.ID:
			igwRoutes++
		default:
			t.Errorf("unexpected route %s: %v", r.Name, r.Inputs)
		}
	}
	assert.Equal(t, 1, natRoutes, "private route table: 0.0.0.0/0 -> NAT gateway")
	assert.Equal(t, 1, igwRoutes, "public route table: 0.0.0.0/0 -> internet gateway")

	var endpointRoutes int
	for _, a := range p.Find("aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation") {
		assert.Equal(t, endpoint.ID, in(a, "vpcEndpointId"))
		assert.Equal(t, privateRT.ID, in(a, "routeTableId"), "the endpoint serves the private route table only")
		endpointRoutes++
	}
	assert.Equal(t, 1, endpointRoutes, "the S3 prefix-list route comes from its own association resource")

	// No inline routes or associations that would fight the separate resources.
	for _, rt := range p.Find(routeTableType) {
		assert.NotContains(t, rt.Inputs, "routes", "%s declares no inline routes", rt.Name)
	}
	assert.NotContains(t, endpoint.Inputs, "routeTableIds", "the endpoint declares no inline route tables")
	assert.Equal(t, "Gateway", in(endpoint, "vpcEndpointType"))
	assert.Equal(t, "com.amazonaws.us-west-2.s3", in(endpoint, "serviceName"))
}

// TestPrivateRouteTableIsTheMainTable proves the seed's "default subnet" worry is settled: a subnet
// created later without an association uses the private table, and so reaches the internet only through
// the NAT gateway.
func TestPrivateRouteTableIsTheMainTable(t *testing.T) {
	p := planWith(t, nil)
	vpc := p.Find(vpcType)[0]
	privateRT := one(t, p, routeTableType, "study-private-rt")
	publicRT := one(t, p, routeTableType, "study-public-rt")
	mains := p.Find("aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation")
	require.Len(t, mains, 1)
	assert.Equal(t, vpc.ID, in(mains[0], "vpcId"))
	assert.Equal(t, privateRT.ID, in(mains[0], "routeTableId"))

	subnetOf := map[string]string{}
	for _, a := range p.Find("aws:ec2/routeTableAssociation:RouteTableAssociation") {
		subnetOf[in(a, "routeTableId")] = in(a, "subnetId")
	}
	assert.Equal(t, one(t, p, subnetType, "study-private-subnet").ID, subnetOf[privateRT.ID])
	assert.Equal(t, one(t, p, subnetType, "study-public-subnet").ID, subnetOf[publicRT.ID])
	assert.Len(t, subnetOf, 2)
}

func TestS3EndpointPolicyAllowsOnlyProjectSourceAndPlatformBuckets(t *testing.T) {
	p := planWith(t, map[string]string{"sce:readOnlySourceBuckets": `["reference-genomes"]`})
	doc := policyOf(t, one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint"), "policy")
	require.Len(t, doc.Statement, 3)
	var resources []string
	for _, s := range doc.Statement {
		assert.Equal(t, components.Allow, s.Effect, s.Sid)
		assert.NotContains(t, s.Action, "s3:*", "%s lists its actions", s.Sid)
		assert.NotContains(t, s.Resource, "*", "%s names its buckets", s.Sid)
		resources = append(resources, s.Resource...)
	}
	project := doc.Statement[0]
	assert.Equal(t, []string{"arn:aws:s3:::study-*", "arn:aws:s3:::study-*/*"}, project.Resource)
	assert.Equal(t, []string{"111122223333"}, project.Condition["StringEquals"]["aws:ResourceAccount"],
		"a look-alike bucket of another account cannot receive data")
	source := doc.Statement[1]
	assert.Equal(t, []string{"arn:aws:s3:::reference-genomes", "arn:aws:s3:::reference-genomes/*"}, source.Resource)
	assert.NotContains(t, source.Action, "s3:PutObject", "source buckets are read-only")
	platform := doc.Statement[2]
	assert.Equal(t, []string{"s3:GetObject"}, platform.Action)
	assert.Contains(t, platform.Resource, "arn:aws:s3:::al2023-repos-us-west-2-de612dc2/*", "dnf update works through the endpoint")
	assert.Contains(t, platform.Resource, "arn:aws:s3:::aws-patch-manager-us-west-2-34d7f99f8/*", "AWS-RunPatchBaseline downloads its scripts")
	assert.Contains(t, platform.Resource, "arn:aws:s3:::patch-baseline-snapshot-us-west-2/*", "and its baseline snapshot")
	for _, r := range resources {
		assert.Regexp(t, `^arn:aws:s3:::(study-\*|reference-genomes|[a-z0-9.-]+-us-west-2[a-z0-9-]*|us-west-2-birdwatcher-prod)(/\*)?$`, r)
	}
}

// TestPatchBucketsOfEachRegion: the script bucket's suffix is region-specific, and some regions' snapshot
// buckets carry one too (Systems Manager User Guide, patch-operations-s3-buckets.html); every region the
// configuration accepts gets a script bucket, by its documented name or, where the reference lists none
// (GovCloud), by its prefix.
func TestPatchBucketsOfEachRegion(t *testing.T) {
	cases := []struct{ region, manager, snapshot string }{
		{"us-east-1", "aws-patch-manager-us-east-1-1970c647d", "patch-baseline-snapshot-us-east-1"},
		{"eu-west-1", "aws-patch-manager-eu-west-1-5522fb710", "patch-baseline-snapshot-eu-west-1"},
		{"af-south-1", "aws-patch-manager-af-south-1-bdd5f65a9", "patch-baseline-snapshot-af-south-1-tbxdb5b9"},
		{"us-gov-west-1", "aws-patch-manager-us-gov-west-1-*", "patch-baseline-snapshot-us-gov-west-1"},
	}
	for _, tc := range cases {
		assert.Equal(t, []string{tc.manager, tc.snapshot}, components.PatchBuckets(tc.region), tc.region)
	}
	for _, region := range config.Regions() {
		if config.Partition(region) == "aws" {
			assert.NotContains(t, components.PatchBuckets(region)[0], "*", "%s: a commercial region the configuration accepts has its documented bucket", region)
		}
	}
}

func TestS3EndpointPolicyHasNoSourceStatementWithoutSourceBuckets(t *testing.T) {
	doc := policyOf(t, one(t, planWith(t, nil), "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint"), "policy")
	for _, s := range doc.Statement {
		assert.NotEqual(t, "ReadOnlySourceBuckets", s.Sid)
	}
}

func TestDefaultSecurityGroupAndNetworkACLAreEmptied(t *testing.T) {
	p := planWith(t, nil)
	vpc := p.Find(vpcType)[0]
	sgs := p.Find("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
	require.Len(t, sgs, 1)
	assert.Equal(t, vpc.ID, in(sgs[0], "vpcId"))
	assert.NotContains(t, sgs[0].Inputs, "ingress", "no ingress rule: the default group is closed")
	assert.NotContains(t, sgs[0].Inputs, "egress", "no egress rule: the default group is closed")

	acls := p.Find("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl")
	require.Len(t, acls, 1)
	assert.Equal(t, out(vpc, "defaultNetworkAclId"), in(acls[0], "defaultNetworkAclId"))
	assert.NotContains(t, acls[0].Inputs, "ingress")
	assert.NotContains(t, acls[0].Inputs, "egress")
	assert.NotContains(t, acls[0].Inputs, "subnetIds", "the default network ACL serves no subnet")
	for _, a := range p.Find("aws:ec2/networkAclAssociation:NetworkAclAssociation") {
		assert.NotEqual(t, in(acls[0], "defaultNetworkAclId"), in(a, "networkAclId"))
	}
}

func TestFlowLogRecordsAllTrafficIntoAnEncryptedLogGroup(t *testing.T) {
	p := planWith(t, nil)
	vpc := p.Find(vpcType)[0]
	key := one(t, p, "aws:kms/key:Key", "study-key")
	group := one(t, p, "aws:cloudwatch/logGroup:LogGroup", "study-flow-logs")
	logs := p.Find("aws:ec2/flowLog:FlowLog")
	require.Len(t, logs, 1)
	fl := logs[0]
	assert.Equal(t, vpc.ID, in(fl, "vpcId"))
	assert.Equal(t, "ALL", in(fl, "trafficType"))
	assert.Equal(t, "cloud-watch-logs", in(fl, "logDestinationType"))
	assert.Equal(t, out(group, "arn"), in(fl, "logDestination"))

	assert.Equal(t, "/sce/study/vpc-flow-logs", in(group, "name"))
	assert.Equal(t, out(key, "arn"), in(group, "kmsKeyId"), "the flow log group is encrypted with the project key")
	assert.Equal(t, "2192", in(group, "retentionInDays"), "six years by default")
	assert.True(t, group.RetainOnDelete, "flow logs are audit evidence")

	role := one(t, p, "aws:iam/role:Role", "study-flow-logs-role")
	assert.Equal(t, out(role, "arn"), in(fl, "iamRoleArn"))
	assert.NotContains(t, role.Inputs, "inlinePolicies", "no inline policy (HIPAA.Security-IAMNoInlinePolicy)")
	assert.NotContains(t, role.Inputs, "managedPolicyArns", "attachments are separate resources")
	trust := policyOf(t, role, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, []string{"vpc-flow-logs.amazonaws.com"}, trust.Statement[0].Principal.Service)
	assert.Equal(t, []string{"111122223333"}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])

	policy := one(t, p, "aws:iam/policy:Policy", "study-flow-logs-policy")
	doc := policyOf(t, policy, "policy")
	groupARN := "arn:aws:logs:us-west-2:111122223333:log-group:/sce/study/vpc-flow-logs"
	assert.ElementsMatch(t, []string{groupARN, groupARN + ":*"}, doc.Statement[0].Resource)
	assert.Contains(t, doc.Statement[0].Action, "logs:PutLogEvents")
	for _, s := range doc.Statement {
		assert.NotContains(t, s.Resource, "*", "%s is scoped", s.Sid)
	}
	attachment := one(t, p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "study-flow-logs-policy-attachment")
	assert.Equal(t, out(role, "name"), in(attachment, "role"))
	assert.Equal(t, policy.ID, in(attachment, "policyArn"))
	assert.Contains(t, fl.DependsOn, attachment.URN, "the flow log waits for its permissions")
}

func TestFlowLogRetentionComesFromConfig(t *testing.T) {
	p := planWith(t, map[string]string{"sce:flowLogRetentionDays": "3653"})
	assert.Equal(t, "3653", in(one(t, p, "aws:cloudwatch/logGroup:LogGroup", "study-flow-logs"), "retentionInDays"))
}

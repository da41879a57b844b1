package stack_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

func TestProjectKeyRotatesIsAliasedAndOutlivesTheStack(t *testing.T) {
	p := planWith(t, nil)
	keys := p.Find("aws:kms/key:Key")
	require.Len(t, keys, 1, "one project key")
	key := keys[0]
	assert.Equal(t, "true", in(key, "enableKeyRotation"))
	assert.Equal(t, "30", in(key, "deletionWindowInDays"))
	assert.Equal(t, "SYMMETRIC_DEFAULT", in(key, "customerMasterKeySpec"))
	assert.True(t, key.RetainOnDelete, "the key is retained on destroy")
	assert.True(t, key.Protect, "protected by default")

	alias := one(t, p, "aws:kms/alias:Alias", "study-alias")
	assert.Equal(t, "alias/study", in(alias, "name"))
	assert.Equal(t, out(key, "keyId"), in(alias, "targetKeyId"))
	assert.Equal(t, out(key, "arn"), p.Outputs[stack.OutputKMSKeyARN])
	assert.Equal(t, "alias/study", p.Outputs[stack.OutputKMSKeyAlias])
}

func TestProjectKeyIsRetainedButNotProtectedWhenProtectIsOff(t *testing.T) {
	p := planWith(t, map[string]string{"sce:protect": "false"})
	key := p.Find("aws:kms/key:Key")[0]
	assert.False(t, key.Protect)
	assert.True(t, key.RetainOnDelete, "retention does not depend on protect")
	assert.False(t, one(t, p, "aws:cloudwatch/logGroup:LogGroup", "study-flow-logs").Protect)
}

func TestKeyPolicyScopesCloudWatchLogsToTheProjectLogGroups(t *testing.T) {
	doc := policyOf(t, planWith(t, nil).Find("aws:kms/key:Key")[0], "policy")
	assert.Equal(t, []string{"AccountAdministersKeyThroughIAM", "CloudWatchLogsEncryptsProjectLogGroups",
		"CloudTrailEncryptsProjectTrailLogs", "CloudTrailDescribesKeyAndReadsBucketKey", "CloudWatchAlarmsPublishToEncryptedTopic",
		"ConfigDeliversEncryptedHistory"}, sids(doc), "the account and the services the stack uses, nothing else")
	admin := doc.Statement[0]
	assert.Equal(t, []string{"arn:aws:iam::111122223333:root"}, admin.Principal.AWS)
	logs := doc.Statement[1]
	assert.Equal(t, []string{"logs.us-west-2.amazonaws.com"}, logs.Principal.Service)
	assert.NotContains(t, logs.Action, "kms:*")
	assert.Equal(t, []string{"arn:aws:logs:us-west-2:111122223333:log-group:/sce/study/*"},
		logs.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"])
}

func TestProviderDefaultTagsCarryThePITToEveryResource(t *testing.T) {
	p := planWith(t, nil)
	providers := p.Find("pulumi:providers:aws")
	require.Len(t, providers, 1)
	prov := providers[0]
	tags, ok := prov.Inputs["defaultTags"].(map[string]any)["tags"].(map[string]any)
	require.True(t, ok, "the provider sets defaultTags.tags")
	assert.Equal(t, "study", tags["Project"])
	assert.Equal(t, "us-west-2", in(prov, "region"))
	for _, r := range p.Resources {
		if r.Custom && strings.HasPrefix(r.Type, "aws:") {
			assert.Equal(t, prov.URN, r.Provider, "%s %s is managed by the tagging provider", r.Type, r.Name)
		}
	}
}

func TestEveryResourceIsParentedToItsComponent(t *testing.T) {
	p := planWith(t, nil)
	components := 0
	for _, r := range p.Resources {
		if !r.Custom {
			components++
			assert.Len(t, strings.Split(r.Type, ":"), 3, "component %s has a three-part type token", r.Type)
			assert.True(t, strings.HasPrefix(r.Type, "sce:"), r.Type)
			continue
		}
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		parent, ok := p.ByURN(r.Parent)
		require.True(t, ok, "%s %s has a parent in the plan", r.Type, r.Name)
		assert.False(t, parent.Custom, "%s %s is parented to a component", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, parent.Name+"-"), "%s is named from its component %s", r.Name, parent.Name)
	}
	assert.Equal(t, 17, components, "ProjectKey, SecureVPC, five EncryptedBuckets, AuditTrail, AccountBaseline, MalwareScan, UploadLedger, AirlockRelease, Bastion, PrivateWorkstation, PatchSchedule, BackupPlan and CostControl")
}

func TestStackExportsTheNetworkOutputs(t *testing.T) {
	p := planWith(t, nil)
	vpc := p.Find(vpcType)[0]
	eip := one(t, p, "aws:ec2/eip:Eip", "study-nat-eip")
	want := map[string]any{
		stack.OutputVPCID:               vpc.ID,
		stack.OutputPublicSubnetID:      one(t, p, subnetType, "study-public-subnet").ID,
		stack.OutputPrivateSubnetID:     one(t, p, subnetType, "study-private-subnet").ID,
		stack.OutputPublicRouteTableID:  one(t, p, routeTableType, "study-public-rt").ID,
		stack.OutputPrivateRouteTableID: one(t, p, routeTableType, "study-private-rt").ID,
		stack.OutputNATPublicIP:         out(eip, "publicIp"),
		stack.OutputS3EndpointID:        one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint").ID,
		stack.OutputFlowLogGroupName:    "/sce/study/vpc-flow-logs",
		stack.OutputAvailabilityZone:    "us-west-2b",
	}
	for k, v := range want {
		assert.Equal(t, v, p.Outputs[k], k)
		assert.NotEmpty(t, v, k)
	}
}

func TestInvalidConfigurationRegistersNothing(t *testing.T) {
	raw := baseConfig()
	raw["sce:pit"] = "Not-Valid"
	raw["sce:bastionInstanceType"] = "t3.large"
	rec := plan.NewRecorder(plan.Project, "test", "us-west-2", "aws")
	_, err := plan.Run(plan.Options{Stack: "test", Config: raw, Recorder: rec}, stack.Run)
	var verr *config.ValidationError
	require.True(t, errors.As(err, &verr), "a configuration error: %v", err)
	assert.Len(t, verr.Problems, 2)
	assert.Empty(t, rec.Resources(), "no resource is registered before the configuration is valid")
}

package components

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testARNs = ARNs{Partition: "aws", Region: "us-west-2", AccountID: "111122223333"}

func TestPublicNACLStaysWithinTheRuleQuota(t *testing.T) {
	var cidrs []string
	for i := 0; i < 16; i++ {
		cidrs = append(cidrs, fmt.Sprintf("198.51.%d.0/24", i))
	}
	inbound, outbound := 0, 0
	numbers := map[string]bool{}
	for _, r := range PublicNACLRules("10.0.0.0/16", cidrs) {
		if r.Egress {
			outbound++
		} else {
			inbound++
		}
		key := fmt.Sprintf("%v/%d", r.Egress, r.Number)
		assert.False(t, numbers[key], "rule number %s used twice", key)
		numbers[key] = true
		assert.True(t, r.Number >= 1 && r.Number <= 32766, "rule number %d is in AWS's range", r.Number)
	}
	assert.LessOrEqual(t, inbound, 20, "AWS's default quota is 20 inbound rules per network ACL")
	assert.LessOrEqual(t, outbound, 20, "and 20 outbound")
}

func TestReturnTrafficRulesSkipRDP(t *testing.T) {
	for _, r := range PrivateNACLRules("10.0.0.0/16") {
		if r.CIDR == AnyIPv4 && !r.Egress && r.Protocol == ProtocolTCP {
			assert.False(t, r.FromPort <= PortRDP && PortRDP <= r.ToPort, "rule %d spans 3389", r.Number)
			assert.False(t, r.FromPort <= PortSSH && PortSSH <= r.ToPort, "rule %d spans 22", r.Number)
		}
	}
}

func TestKeyPolicyRefusesAnUnknownService(t *testing.T) {
	_, err := KeyPolicy(ProjectKeyArgs{PIT: "p", ARNs: testARNs, LogGroupPrefixes: []string{"/sce/p/"}, Services: []KeyService{"s3"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"s3"`)
}

func TestPolicyDocumentRefusesIncompleteStatements(t *testing.T) {
	_, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{Sid: "NoEffect", Action: []string{"s3:GetObject"}}}}.JSON()
	assert.ErrorContains(t, err, "NoEffect")
	_, err = PolicyDocument{Version: PolicyVersion, Statement: []Statement{{Sid: "NoAction", Effect: Allow}}}.JSON()
	assert.ErrorContains(t, err, "no action")
}

func TestPrincipalRoundTrips(t *testing.T) {
	tests := []struct {
		json string
		want Principal
	}{
		{`"*"`, Principal{Anyone: true}},
		{`{"AWS":"arn:aws:iam::111122223333:root"}`, Principal{AWS: []string{"arn:aws:iam::111122223333:root"}}},
		{`{"Service":["logs.us-west-2.amazonaws.com"]}`, Principal{Service: []string{"logs.us-west-2.amazonaws.com"}}},
	}
	for _, tt := range tests {
		var p Principal
		require.NoError(t, json.Unmarshal([]byte(tt.json), &p), tt.json)
		assert.Equal(t, tt.want, p)
		again, err := json.Marshal(p)
		require.NoError(t, err)
		var back Principal
		require.NoError(t, json.Unmarshal(again, &back))
		assert.Equal(t, tt.want, back)
	}
	var p Principal
	assert.Error(t, json.Unmarshal([]byte(`"someone"`), &p), "a string principal other than * is refused")
	assert.Error(t, json.Unmarshal([]byte(`{"Federated":"x"}`), &p), "unsupported principal kinds are refused")
}

func TestS3EndpointPolicyNamesThePartitionAndRegion(t *testing.T) {
	gov := ARNs{Partition: "aws-us-gov", Region: "us-gov-west-1", AccountID: "111122223333"}
	policy, err := S3EndpointPolicy(gov, "study", nil)
	require.NoError(t, err)
	assert.Contains(t, policy, "arn:aws-us-gov:s3:::study-*")
	assert.Contains(t, policy, "al2023-repos-us-gov-west-1-de612dc2")
	assert.NotContains(t, policy, "arn:aws:s3")
}

// emptyMocks registers nothing of interest; it lets component constructors run.
type emptyMocks struct{ registered int }

func (m *emptyMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.registered++
	return args.Name + "-id", args.Inputs, nil
}

func (m *emptyMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func TestComponentsRefuseIncompleteArgsBeforeRegistering(t *testing.T) {
	tests := []struct {
		name  string
		build func(ctx *pulumi.Context) error
		want  string
	}{
		{"a key without args", func(ctx *pulumi.Context) error { _, err := NewProjectKey(ctx, "k", nil); return err }, "required"},
		{"a key without account", func(ctx *pulumi.Context) error {
			_, err := NewProjectKey(ctx, "k", &ProjectKeyArgs{PIT: "p", ARNs: ARNs{Partition: "aws", Region: "us-west-2"}})
			return err
		}, "account id"},
		{"a vpc without args", func(ctx *pulumi.Context) error { _, err := NewSecureVPC(ctx, "v", nil); return err }, "args are required"},
		{"a vpc without ssh sources", func(ctx *pulumi.Context) error {
			_, err := NewSecureVPC(ctx, "v", &SecureVPCArgs{PIT: "p", ARNs: testARNs, AvailabilityZone: "us-west-2a",
				CIDR: "10.0.0.0/16", PublicSubnetCIDR: "10.0.0.0/24", PrivateSubnetCIDR: "10.0.1.0/24", KMSKeyARN: pulumi.String("k")})
			return err
		}, "ssh"},
		{"a vpc without a key", func(ctx *pulumi.Context) error {
			_, err := NewSecureVPC(ctx, "v", &SecureVPCArgs{PIT: "p", ARNs: testARNs, AvailabilityZone: "us-west-2a",
				CIDR: "10.0.0.0/16", PublicSubnetCIDR: "10.0.0.0/24", PrivateSubnetCIDR: "10.0.1.0/24", AllowedSSHCIDRs: []string{"198.51.100.0/24"}})
			return err
		}, "KMS key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mocks := &emptyMocks{}
			err := pulumi.RunErr(tt.build, pulumi.WithMocks("sce", "test", mocks))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Zero(t, mocks.registered, "nothing registered")
		})
	}
}

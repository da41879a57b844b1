package stack_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/cost"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

const (
	emrClusterType  = "aws:emr/cluster:Cluster"
	emrSecConfType  = "aws:emr/securityConfiguration:SecurityConfiguration"
	emrBPAType      = "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"
	bucketObjectTyp = "aws:s3/bucketObjectv2:BucketObjectv2"
)

func emrPlan(t *testing.T, changes map[string]string) *plan.Plan {
	t.Helper()
	c := map[string]string{"sce:emrEnabled": "true"}
	for k, v := range changes {
		c[k] = v
	}
	return planWith(t, c)
}

// fmtAny renders a number the mock recorded (a float64) or a string as the plan's text does.
func fmtAny(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// nested returns an object input of a resource.
func nested(t *testing.T, r plan.Resource, key string) map[string]any {
	t.Helper()
	m, ok := r.Inputs[key].(map[string]any)
	require.True(t, ok, "%s of %s is an object: %v", key, r.Name, r.Inputs[key])
	return m
}

func TestNothingEMRExistsWhenEMRIsDisabled(t *testing.T) {
	p := planWith(t, nil)
	for _, r := range p.Resources {
		assert.False(t, strings.HasPrefix(r.Type, "aws:emr/"), "no EMR resource: %s %s", r.Type, r.Name)
		assert.False(t, strings.HasPrefix(r.Type, "tls:"), "no certificate: %s %s", r.Type, r.Name)
		assert.NotContains(t, r.Name, "-emr", "no EMR resource: %s %s", r.Type, r.Name)
	}
}

func TestEMRSecurityConfigurationEncryptsEverythingAndUsesKerberos(t *testing.T) {
	p := emrPlan(t, nil)
	sc := one(t, p, emrSecConfType, "study-emr-security-configuration")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	var doc components.EMRSecurityConfigurationDoc
	require.NoError(t, json.Unmarshal([]byte(in(sc, "configuration")), &doc))
	enc := doc.EncryptionConfiguration
	assert.True(t, enc.EnableAtRestEncryption)
	assert.True(t, enc.EnableInTransitEncryption)
	require.NotNil(t, enc.AtRestEncryptionConfiguration)
	s3enc := enc.AtRestEncryptionConfiguration.S3EncryptionConfiguration
	assert.Equal(t, "SSE-KMS", s3enc.EncryptionMode)
	assert.Equal(t, key, s3enc.AwsKmsKey)
	disk := enc.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration
	assert.Equal(t, "AwsKms", disk.EncryptionKeyProviderType)
	assert.Equal(t, key, disk.AwsKmsKey)
	assert.True(t, disk.EnableEbsEncryption)
	require.NotNil(t, enc.InTransitEncryptionConfiguration)
	tlsConf := enc.InTransitEncryptionConfiguration.TLSCertificateConfiguration
	assert.Equal(t, "PEM", tlsConf.CertificateProviderType)
	ancillary := bucketOf(t, p, "ancillary")
	object := one(t, p, bucketObjectTyp, "study-emr-tls-zip")
	assert.Equal(t, "s3://"+ancillary.ID+"/"+in(object, "key"), tlsConf.S3Object)
	require.NotNil(t, doc.AuthenticationConfiguration, "Kerberos (emr-kerberos-enabled)")
	krb := doc.AuthenticationConfiguration.KerberosConfiguration
	assert.Equal(t, "ClusterDedicatedKdc", krb.Provider)
	assert.Equal(t, 24, krb.ClusterDedicatedKdcConfiguration.TicketLifetimeInHours)

	cluster := one(t, p, emrClusterType, "study-emr-cluster")
	assert.Equal(t, sc.ID, in(cluster, "securityConfiguration"))
}

func TestEMRCertificatesAreSecretAndEncryptedInTheAncillaryBucket(t *testing.T) {
	p := emrPlan(t, nil)
	object := one(t, p, bucketObjectTyp, "study-emr-tls-zip")
	assert.Equal(t, bucketOf(t, p, "ancillary").ID, in(object, "bucket"))
	assert.True(t, strings.HasPrefix(in(object, "key"), "emr/tls/"))
	assert.Equal(t, "aws:kms", in(object, "serverSideEncryption"))
	assert.Equal(t, out(p.Find("aws:kms/key:Key")[0], "arn"), in(object, "kmsKeyId"))
	assert.Equal(t, plan.SecretPlaceholder, object.Inputs["contentBase64"], "the zip holds the private key")
	cert := one(t, p, "tls:index/selfSignedCert:SelfSignedCert", "study-emr-tls-cert")
	assert.Equal(t, plan.SecretPlaceholder, cert.Inputs["privateKeyPem"])
	assert.Contains(t, cert.Inputs["dnsNames"], "*.us-west-2.compute.internal", "covers the nodes' private DNS names")
	for k, v := range p.Outputs {
		assert.NotContains(t, strings.ToLower(k), "privatekey", "no key output (%s=%v)", k, v)
	}
}

func TestEMRClusterIsPrivateLoggedAndTerminatesWhenIdle(t *testing.T) {
	p := emrPlan(t, nil)
	c := one(t, p, emrClusterType, "study-emr-cluster")
	ec2 := nested(t, c, "ec2Attributes")
	assert.Equal(t, one(t, p, subnetType, "study-private-subnet").ID, ec2["subnetId"])
	assert.NotContains(t, ec2, "keyName", "no EC2 key pair: Kerberos authenticates")
	for field, sg := range map[string]string{"emrManagedMasterSecurityGroup": "study-emr-primary-sg",
		"emrManagedSlaveSecurityGroup": "study-emr-core-sg", "serviceAccessSecurityGroup": "study-emr-service-sg"} {
		group := one(t, p, "aws:ec2/securityGroup:SecurityGroup", sg)
		assert.Equal(t, group.ID, ec2[field], field)
		assert.Equal(t, "true", in(group, "revokeRulesOnDelete"))
		for _, r := range rulesOf(p, group.ID) {
			if in(r, "type") == "ingress" {
				assert.NotContains(t, r.Inputs, "cidrBlocks", "no address block reaches %s", sg)
			}
		}
	}
	assert.Equal(t, out(one(t, p, "aws:iam/instanceProfile:InstanceProfile", "study-emr-node-profile"), "arn"), ec2["instanceProfile"])
	assert.Equal(t, "s3://"+bucketOf(t, p, "logs").ID+"/emr/", in(c, "logUri"))
	assert.Equal(t, out(p.Find("aws:kms/key:Key")[0], "arn"), in(c, "logEncryptionKmsKeyId"))
	assert.Equal(t, "true", in(c, "keepJobFlowAliveWhenNoSteps"))
	assert.Equal(t, "false", in(c, "terminationProtection"))
	assert.Equal(t, "true", in(c, "visibleToAllUsers"))
	assert.Equal(t, "emr-7.5.0", in(c, "releaseLabel"))
	assert.Equal(t, "3600", fmtAny(nested(t, c, "autoTerminationPolicy")["idleTimeout"]))
	subnet := one(t, p, subnetType, "study-private-subnet")
	assert.Equal(t, "true", nested(t, subnet, "tags")[components.EMRManagedPolicyTag], "AmazonEMRServicePolicy_v2 needs the tag on the subnet")
}

// TestEMRSubnetTagIsTheSubnetsOwn: a separate aws:ec2/tag:Tag on a subnet whose tags Pulumi manages shows a
// diff on every update, and a refresh drops it, after which EMR's managed policy refuses the subnet. The
// tag is among the subnet's own tags, only when EMR is on.
func TestEMRSubnetTagIsTheSubnetsOwn(t *testing.T) {
	assert.Empty(t, emrPlan(t, nil).Find("aws:ec2/tag:Tag"), "no separate tag resource")
	subnet := one(t, planWith(t, nil), subnetType, "study-private-subnet")
	assert.NotContains(t, nested(t, subnet, "tags"), components.EMRManagedPolicyTag, "without EMR the subnet carries no EMR tag")
}

func TestEMRSizingComesFromConfiguration(t *testing.T) {
	cases := []struct {
		name          string
		config        map[string]string
		primary, core string
		count, idle   string
	}{
		{"defaults", nil, "m5.xlarge", "r5.xlarge", "2", "3600"},
		{"configured", map[string]string{"sce:emrPrimaryInstanceType": "c6i.2xlarge", "sce:emrCoreInstanceType": "m6i.4xlarge",
			"sce:emrCoreInstanceCount": "5", "sce:emrIdleMinutes": "15"}, "c6i.2xlarge", "m6i.4xlarge", "5", "900"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := one(t, emrPlan(t, tc.config), emrClusterType, "study-emr-cluster")
			primary, core := nested(t, c, "masterInstanceGroup"), nested(t, c, "coreInstanceGroup")
			assert.Equal(t, tc.primary, primary["instanceType"])
			assert.Equal(t, "1", fmtAny(primary["instanceCount"]))
			assert.Equal(t, tc.core, core["instanceType"])
			assert.Equal(t, tc.count, fmtAny(core["instanceCount"]))
			assert.Equal(t, tc.idle, fmtAny(nested(t, c, "autoTerminationPolicy")["idleTimeout"]))
			for _, g := range []map[string]any{primary, core} {
				assert.NotEmpty(t, g["ebsConfigs"], "every node has an EBS volume (encrypted by the security configuration)")
			}
		})
	}
}

func TestEMRRejectsBurstableInstanceTypes(t *testing.T) {
	raw := baseConfig()
	raw["sce:emrEnabled"], raw["sce:emrCoreInstanceType"] = "true", "t3.xlarge"
	_, err := plan.Run(plan.Options{Stack: "test", Config: raw}, stack.Run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "emrCoreInstanceType")
}

func TestEMRKerberosPasswordIsSecret(t *testing.T) {
	p := emrPlan(t, nil)
	krb := nested(t, one(t, p, emrClusterType, "study-emr-cluster"), "kerberosAttributes")
	assert.Equal(t, plan.SecretPlaceholder, krb["kdcAdminPassword"])
	assert.Equal(t, "US-WEST-2.COMPUTE.INTERNAL", krb["realm"])
	one(t, p, "random:index/randomPassword:RandomPassword", "study-emr-kdc-admin-password")
}

func TestEMRNodeRoleIsLeastPrivilege(t *testing.T) {
	p := emrPlan(t, nil)
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-emr-node-policy"), "policy")
	dataIn, output := out(bucketOf(t, p, "data-in"), "arn"), out(bucketOf(t, p, "output"), "arn")
	ancillary, logs := out(bucketOf(t, p, "ancillary"), "arn"), out(bucketOf(t, p, "logs"), "arn")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	assert.Equal(t, []string{dataIn + "/*"}, statement(t, doc, "ReadDataIn").Resource)
	assert.NotContains(t, statement(t, doc, "ReadDataIn").Action, "s3:PutObject", "data-in is read-only")
	assert.Equal(t, []string{output + "/*"}, statement(t, doc, "ReadWriteOutput").Resource)
	assert.Equal(t, []string{ancillary + "/emr/tls/*"}, statement(t, doc, "ReadClusterFiles").Resource)
	assert.Equal(t, []string{logs + "/emr/*"}, statement(t, doc, "WriteClusterLogs").Resource)
	assert.Equal(t, []string{key}, statement(t, doc, "UseProjectKey").Resource)
	for _, s := range doc.Statement {
		for _, a := range s.Action {
			assert.NotContains(t, a, "*", "%s: no wildcard action", s.Sid)
		}
		for _, r := range s.Resource {
			assert.NotEqual(t, "*", r, "%s: no wildcard resource", s.Sid)
		}
	}
	service := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-emr-service-policy"), "policy")
	assert.Equal(t, []string{out(one(t, p, "aws:iam/role:Role", "study-emr-node-role"), "arn")}, statement(t, service, "PassNodeRoleToEC2").Resource)
}

func TestEMRBlockPublicAccessComesWithTheAccountBaseline(t *testing.T) {
	cases := []struct {
		name   string
		config map[string]string
		want   int
	}{
		{"EMR in the baseline stack", map[string]string{"sce:emrEnabled": "true"}, 1},
		{"EMR in a project stack without the baseline", map[string]string{"sce:emrEnabled": "true", "sce:accountBaseline": "false"}, 0},
		{"baseline without EMR", nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bpa := planWith(t, tc.config).Find(emrBPAType)
			require.Len(t, bpa, tc.want)
			if tc.want == 1 {
				assert.Equal(t, "true", in(bpa[0], "blockPublicSecurityGroupRules"))
				assert.True(t, bpa[0].RetainOnDelete, "an account setting outlives the project")
			}
		})
	}
}

func TestEMRPlanHasNoMandatoryViolations(t *testing.T) {
	p := emrPlan(t, nil)
	p.ApplyPolicy()
	assert.Empty(t, p.MandatoryViolations())
	require.NotNil(t, p.Violations, "the policy ran")
}

func TestS3EndpointLetsEMRNodesReadTheirRepositoryOnlyWithEMR(t *testing.T) {
	cases := []struct {
		name    string
		enabled string
		want    bool
	}{{"with EMR", "true", true}, {"without EMR", "false", false}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planWith(t, map[string]string{"sce:emrEnabled": tc.enabled})
			doc := policyOf(t, one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint"), "policy")
			var resources []string
			for _, s := range doc.Statement {
				resources = append(resources, s.Resource...)
			}
			repo := "arn:aws:s3:::repo.us-west-2.emr.amazonaws.com/*"
			if tc.want {
				assert.Contains(t, resources, repo)
			} else {
				assert.NotContains(t, resources, repo)
			}
		})
	}
}

func TestEMRNodesArePricedAsDedicatedUpperBound(t *testing.T) {
	p := emrPlan(t, nil)
	c := one(t, p, emrClusterType, "study-emr-cluster")
	var priced, unpriced int
	for _, it := range cost.Estimate(p, cost.DefaultAssumptions()).Items {
		if it.URN != c.URN {
			continue
		}
		if it.Unpriced {
			unpriced++
			continue
		}
		priced++
		assert.Contains(t, it.What, "dedicated", "the VPC is dedicated tenancy: %s", it.What)
		assert.Greater(t, it.Monthly, 0.0)
	}
	assert.Equal(t, 2, priced, "primary and core groups")
	assert.Equal(t, 1, unpriced, "the EMR fee")
}

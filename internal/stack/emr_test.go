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
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/rules"
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

// sgRuleTo finds the rule of a group with that direction, protocol, first port and peer (the other group,
// or the prefix list), or fails.
func sgRuleTo(t *testing.T, p *plan.Plan, groupID, kind, protocol string, port int, peer string) plan.Resource {
	t.Helper()
	for _, r := range rulesOf(p, groupID) {
		peers := in(r, "sourceSecurityGroupId")
		if lists, ok := r.Inputs["prefixListIds"].([]any); ok && len(lists) == 1 {
			peers = fmt.Sprint(lists[0])
		}
		if in(r, "type") == kind && in(r, "protocol") == protocol && fmtAny(r.Inputs["fromPort"]) == strconv.Itoa(port) && peers == peer {
			return r
		}
	}
	require.FailNow(t, "no such rule", "%s %s %s %d with %s in group %s", kind, protocol, groupID, port, peer, groupID)
	return plan.Resource{}
}

// emrGroups returns the ids of the primary, core and service access groups.
func emrGroups(t *testing.T, p *plan.Plan) (primary, core, service string) {
	t.Helper()
	sg := func(name string) string { return one(t, p, "aws:ec2/securityGroup:SecurityGroup", name).ID }
	return sg("study-emr-primary-sg"), sg("study-emr-core-sg"), sg("study-emr-service-sg")
}

// TestEMRSecurityGroupsAdmitWhatAPrivateSubnetClusterNeeds follows the EMR Management Guide's rules for
// EMR-managed groups in a private subnet: EMR adds missing inbound rules only, and Pulumi removes a new
// group's allow-all egress, so each outbound flow must be a rule of the program.
func TestEMRSecurityGroupsAdmitWhatAPrivateSubnetClusterNeeds(t *testing.T) {
	p := emrPlan(t, nil)
	primary, core, service := emrGroups(t, p)
	s3 := out(one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint"), "prefixListId")
	require.NotEmpty(t, s3)
	cases := []struct {
		name             string
		group, kind      string
		protocol         string
		port             int
		peer             string
		wantAllPortRange bool
	}{
		{"the primary reaches the service access group on 9443", primary, "egress", "tcp", 9443, service, false},
		{"the primary reaches the other primary nodes", primary, "egress", "-1", 0, primary, true},
		{"the primary reaches the core nodes", primary, "egress", "-1", 0, core, true},
		{"the primary reaches S3 through the endpoint", primary, "egress", "tcp", 443, s3, false},
		{"the core nodes reach each other", core, "egress", "-1", 0, core, true},
		{"the core nodes reach the primary (HDFS, YARN, the KDC)", core, "egress", "-1", 0, primary, true},
		{"the core nodes reach the service access group on 9443", core, "egress", "tcp", 9443, service, false},
		{"the core nodes reach S3 through the endpoint", core, "egress", "tcp", 443, s3, false},
		{"the service access group admits the primary on 9443", service, "ingress", "tcp", 9443, primary, false},
		{"the service access group admits the core nodes on 9443", service, "ingress", "tcp", 9443, core, false},
		{"the service access group reaches the primary on 8443", service, "egress", "tcp", 8443, primary, false},
		{"the service access group reaches the core nodes on 8443", service, "egress", "tcp", 8443, core, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := sgRuleTo(t, p, tc.group, tc.kind, tc.protocol, tc.port, tc.peer)
			if tc.wantAllPortRange {
				assert.Equal(t, "0", fmtAny(r.Inputs["toPort"]), "every protocol: ports 0 to 0")
			} else {
				assert.Equal(t, strconv.Itoa(tc.port), fmtAny(r.Inputs["toPort"]))
			}
		})
	}
}

func TestEMRClusterWaitsForEverySecurityGroupRuleItNeeds(t *testing.T) {
	p := emrPlan(t, nil)
	primary, core, service := emrGroups(t, p)
	cluster := one(t, p, emrClusterType, "study-emr-cluster")
	var rules int
	for _, r := range p.Find(sgRuleType) {
		switch {
		case in(r, "securityGroupId") == primary, in(r, "securityGroupId") == core, in(r, "securityGroupId") == service,
			in(r, "sourceSecurityGroupId") == primary:
			rules++
			assert.Contains(t, cluster.DependsOn, r.URN, "the cluster waits for %s: EMR fails when a flow is missing at launch", r.Name)
		}
	}
	assert.GreaterOrEqual(t, rules, 20, "the groups' rules and the workstation's rules to the primary")
}

// TestTheWorkstationCanKinitAndSshToTheEMRPrimary: researchers run kinit on the workstation (the KDC is on
// the primary, TCP and UDP 88) and ssh with GSSAPI (22). Both groups must admit it: the workstation's
// only other egress is HTTPS. Both are in the private subnet, so no network ACL lies between them.
func TestTheWorkstationCanKinitAndSshToTheEMRPrimary(t *testing.T) {
	p := emrPlan(t, nil)
	primary, _, _ := emrGroups(t, p)
	workstation := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-workstation-sg").ID
	for _, flow := range []struct {
		protocol string
		port     int
	}{{"tcp", 22}, {"tcp", 88}, {"udp", 88}} {
		t.Run(fmt.Sprintf("%s %d", flow.protocol, flow.port), func(t *testing.T) {
			sgRuleTo(t, p, workstation, "egress", flow.protocol, flow.port, primary)
			sgRuleTo(t, p, primary, "ingress", flow.protocol, flow.port, workstation)
		})
	}
	cluster := one(t, p, emrClusterType, "study-emr-cluster")
	assert.Equal(t, in(one(t, p, instanceType, "study-workstation-instance"), "subnetId"), nested(t, cluster, "ec2Attributes")["subnetId"],
		"one subnet: network ACLs filter only what enters or leaves a subnet")
}

func TestEMRServiceRoleLetsEBSUseTheProjectKeyThroughEC2Only(t *testing.T) {
	p := emrPlan(t, nil)
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-emr-service-policy"), "policy")
	grants := statement(t, doc, "EncryptEBSWithProjectKey")
	assert.Equal(t, []string{"kms:CreateGrant"}, grants.Action)
	assert.Equal(t, []string{"true"}, grants.Condition["Bool"]["kms:GrantIsForAWSResource"])
	data := statement(t, doc, "EBSUsesProjectKeyThroughEC2")
	assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"}, data.Action)
	assert.Equal(t, []string{"ec2.us-west-2.amazonaws.com"}, data.Condition["StringEquals"]["kms:ViaService"])
	describe := statement(t, doc, "DescribeProjectKey")
	assert.Equal(t, []string{"kms:DescribeKey"}, describe.Action)
	assert.Empty(t, describe.Condition, "a GrantIsForAWSResource condition would never hold for DescribeKey")
	for _, sid := range []string{"EncryptEBSWithProjectKey", "EBSUsesProjectKeyThroughEC2", "DescribeProjectKey"} {
		assert.Equal(t, []string{key}, statement(t, doc, sid).Resource, "%s: the project key only", sid)
	}
}

// TestEMRRulesFollowTheRecordedPlansLinks proves that the EMR rules find the cluster's subnet, VPC,
// security configuration, service role, policies and key in a real plan: broken there, they fire.
func TestEMRRulesFollowTheRecordedPlansLinks(t *testing.T) {
	cases := []struct {
		name, rule, want string
		breakIt          func(s *engine.Stack)
	}{
		{"a default-tenancy VPC", "emr-nodes-dedicated-tenancy", "shared hardware", func(s *engine.Stack) {
			for _, r := range s.OfType("aws:ec2/vpc:Vpc") {
				r.Props["instanceTenancy"] = "default"
			}
		}},
		{"the service role without the data-key actions", "emr-service-role-can-encrypt-volumes", "kms:Decrypt", func(s *engine.Stack) {
			for _, r := range s.OfType("aws:iam/policy:Policy") {
				if r.Name == "study-emr-service-policy" {
					r.Props["policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:CreateGrant","kms:DescribeKey"],"Resource":"*"}]}`
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := emrPlan(t, nil)
			rule, ok := rules.ByID(tc.rule)
			require.True(t, ok)
			s := p.RulesStack()
			require.Empty(t, rules.Evaluate(s, []engine.Rule{rule}).Violations, "the program complies")
			tc.breakIt(s)
			v := rules.Evaluate(s, []engine.Rule{rule}).Violations
			require.NotEmpty(t, v, "the broken form is caught")
			assert.Contains(t, v[0].Message, tc.want)
			assert.Equal(t, engine.Mandatory, v[0].Level)
		})
	}
}

func TestS3EndpointAdmitsEMRSystemBucketsOnlyWithEMR(t *testing.T) {
	wants := map[string][]string{
		"EMRReadsItsRepositories": {"arn:aws:s3:::repo.us-west-2.emr.amazonaws.com/*"},
		"EMRWritesSystemLogs":     {"arn:aws:s3:::aws157-logs-prod-us-west-2/*"},
		"EMRApplicationHistory":   {"arn:aws:s3:::prod.us-west-2.appinfo.src/*"},
	}
	for _, enabled := range []bool{true, false} {
		t.Run(fmt.Sprintf("emrEnabled %v", enabled), func(t *testing.T) {
			p := planWith(t, map[string]string{"sce:emrEnabled": strconv.FormatBool(enabled)})
			doc := policyOf(t, one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint"), "policy")
			bySid := map[string]components.Statement{}
			for _, s := range doc.Statement {
				bySid[s.Sid] = s
			}
			for sid, resources := range wants {
				s, ok := bySid[sid]
				if !enabled {
					assert.False(t, ok, "%s only with EMR", sid)
					continue
				}
				require.True(t, ok, "statement %s", sid)
				for _, r := range resources {
					assert.Contains(t, s.Resource, r, sid)
				}
			}
			if enabled {
				assert.Contains(t, bySid["EMRWritesSystemLogs"].Action, "s3:Put*", "EMR needs PUT on its system log bucket when the cluster logs")
			}
		})
	}
}

func TestS3EndpointAdmitsTheAmazonLinux2RepositoriesOfEMR6(t *testing.T) {
	cases := []struct {
		release string
		want    bool
	}{{"emr-6.15.0", true}, {"emr-7.5.0", false}}
	for _, tc := range cases {
		t.Run(tc.release, func(t *testing.T) {
			p := emrPlan(t, map[string]string{"sce:emrReleaseLabel": tc.release})
			doc := policyOf(t, one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint"), "policy")
			repos := statement(t, doc, "EMRReadsItsRepositories").Resource
			for _, al2 := range []string{"arn:aws:s3:::amazonlinux.us-west-2.amazonaws.com/*", "arn:aws:s3:::amazonlinux-2-repos-us-west-2/*"} {
				if tc.want {
					assert.Contains(t, repos, al2, "EMR 5.30.0 to 6.15.0 install from Amazon Linux 2")
				} else {
					assert.NotContains(t, repos, al2)
				}
			}
		})
	}
}

func TestEMRIsRefusedInAStackWithRedshift(t *testing.T) {
	raw := baseConfig()
	raw["sce:emrEnabled"], raw["sce:omopEnabled"] = "true", "true"
	_, err := plan.Run(plan.Options{Stack: "test", Config: raw}, stack.Run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sce:emrEnabled")
	assert.Contains(t, err.Error(), "sce:omopEnabled")
	assert.Contains(t, err.Error(), "shared hardware")
}

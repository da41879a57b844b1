package stack_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

const (
	instanceType = "aws:ec2/instance:Instance"
	sgRuleType   = "aws:ec2/securityGroupRule:SecurityGroupRule"
)

// rulesOf returns the security group rules of a group.
func rulesOf(p *plan.Plan, groupID string) []plan.Resource {
	var out []plan.Resource
	for _, r := range p.Find(sgRuleType) {
		if in(r, "securityGroupId") == groupID {
			out = append(out, r)
		}
	}
	return out
}

func assertHardened(t *testing.T, p *plan.Plan, inst plan.Resource, wantType string) {
	t.Helper()
	key := p.Find("aws:kms/key:Key")[0]
	assert.Equal(t, wantType, in(inst, "instanceType"))
	assert.Equal(t, "dedicated", in(inst, "tenancy"))
	assert.Equal(t, "false", in(inst, "associatePublicIpAddress"))
	assert.Equal(t, "true", in(inst, "monitoring"), "detailed monitoring")
	assert.Equal(t, "true", in(inst, "ebsOptimized"))
	meta := inst.Inputs["metadataOptions"].(map[string]any)
	assert.Equal(t, "required", meta["httpTokens"], "IMDSv2 only")
	root := inst.Inputs["rootBlockDevice"].(map[string]any)
	assert.Equal(t, true, root["encrypted"], "the boot volume is encrypted (the seed's risk)")
	assert.Equal(t, out(key, "arn"), root["kmsKeyId"], "with the project key")
	assert.Equal(t, []string{"ami"}, inst.IgnoreChanges, "a newer image never replaces the instance")
	assert.Regexp(t, `^ami-[0-9a-f]{17}$`, in(inst, "ami"), "the image read from AWS's public SSM parameter")
	assert.NotContains(t, in(inst, "ami"), "resolve:ssm:")
	profile, ok := p.ByURN(dependencyOfType(t, p, inst, "aws:iam/instanceProfile:InstanceProfile"))
	require.True(t, ok)
	assert.Equal(t, out(profile, "name"), in(inst, "iamInstanceProfile"))
}

// dependencyOfType returns the URN of the dependency of a resource that has a type.
func dependencyOfType(t *testing.T, p *plan.Plan, r plan.Resource, typ string) string {
	t.Helper()
	for _, urn := range r.DependsOn {
		if dep, ok := p.ByURN(urn); ok && dep.Type == typ {
			return urn
		}
	}
	require.FailNow(t, "no dependency of type "+typ)
	return ""
}

func TestBastionIsAHardenedDedicatedInstanceWithAnElasticIP(t *testing.T) {
	p := planWith(t, nil)
	bastion := one(t, p, instanceType, "study-bastion-instance")
	assertHardened(t, p, bastion, "m5.large")
	assert.Equal(t, one(t, p, subnetType, "study-public-subnet").ID, in(bastion, "subnetId"))
	eip := one(t, p, "aws:ec2/eip:Eip", "study-bastion-eip")
	assert.Equal(t, bastion.ID, in(eip, "instance"))
	assert.Equal(t, out(eip, "publicIp"), p.Outputs[stack.OutputBastionIP])

	key := one(t, p, "aws:ec2/keyPair:KeyPair", "study-bastion-key")
	assert.Equal(t, builderKey, in(key, "publicKey"), "the key pair comes from the public key in configuration")
	assert.Equal(t, in(key, "keyName"), in(bastion, "keyName"))
	var doc bytes.Buffer
	require.NoError(t, plan.WriteJSON(&doc, p))
	assert.NotContains(t, doc.String(), "PRIVATE KEY", "no private key anywhere in the plan")
	assert.Empty(t, p.Find("tls:index/privateKey:PrivateKey"))
}

func TestBastionSecurityGroupAdmitsSSHFromTheAllowedBlocksOnly(t *testing.T) {
	p := planWith(t, nil)
	sg := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-bastion-sg")
	assert.NotContains(t, sg.Inputs, "ingress", "rules are separate resources")
	assert.NotContains(t, sg.Inputs, "egress")
	var ingress, egress []string
	for _, r := range rulesOf(p, sg.ID) {
		cidrs := r.Inputs["cidrBlocks"].([]any)
		line := in(r, "protocol") + "/" + in(r, "fromPort") + "-" + in(r, "toPort") + " " + cidrs[0].(string)
		if in(r, "type") == "ingress" {
			ingress = append(ingress, line)
		} else {
			egress = append(egress, line)
		}
	}
	assert.ElementsMatch(t, []string{"tcp/22-22 198.51.100.0/24", "tcp/22-22 203.0.113.64/26"}, ingress)
	assert.ElementsMatch(t, []string{"tcp/443-443 0.0.0.0/0", "tcp/22-22 10.20.0.0/16"}, egress, "ssh into the VPC and HTTPS for updates")
}

func TestWorkstationIsPrivateAndReachableFromTheBastionOnly(t *testing.T) {
	p := planWith(t, nil)
	ws := one(t, p, instanceType, "study-workstation-instance")
	assertHardened(t, p, ws, "m5.xlarge")
	assert.Equal(t, one(t, p, subnetType, "study-private-subnet").ID, in(ws, "subnetId"))
	assert.Equal(t, out(ws, "privateIp"), p.Outputs[stack.OutputWorkstationIP])
	for _, e := range p.Find("aws:ec2/eip:Eip") {
		assert.NotEqual(t, ws.ID, in(e, "instance"), "no public address for the workstation")
	}
	sg := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-workstation-sg")
	bastionSG := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-bastion-sg")
	var ingress []plan.Resource
	for _, r := range rulesOf(p, sg.ID) {
		if in(r, "type") == "ingress" {
			ingress = append(ingress, r)
		}
	}
	require.Len(t, ingress, 1)
	assert.Equal(t, bastionSG.ID, in(ingress[0], "sourceSecurityGroupId"))
	assert.Equal(t, "22", in(ingress[0], "fromPort"))
	assert.NotContains(t, ingress[0].Inputs, "cidrBlocks")
}

func TestWorkstationDataVolumeIsEncryptedGP3AttachedAndMounted(t *testing.T) {
	p := planWith(t, map[string]string{"sce:dataVolumeGb": "250"})
	ws := one(t, p, instanceType, "study-workstation-instance")
	vol := one(t, p, "aws:ebs/volume:Volume", "study-workstation-data")
	assert.Equal(t, "250", in(vol, "size"))
	assert.Equal(t, "gp3", in(vol, "type"))
	assert.Equal(t, "true", in(vol, "encrypted"))
	assert.Equal(t, out(p.Find("aws:kms/key:Key")[0], "arn"), in(vol, "kmsKeyId"))
	assert.Equal(t, "us-west-2b", in(vol, "availabilityZone"))
	att := one(t, p, "aws:ec2/volumeAttachment:VolumeAttachment", "study-workstation-data-attachment")
	assert.Equal(t, vol.ID, in(att, "volumeId"))
	assert.Equal(t, ws.ID, in(att, "instanceId"))
	userData := in(ws, "userData")
	assert.Contains(t, userData, "nvme-Amazon_Elastic_Block_Store_"+strings.ReplaceAll(vol.ID, "-", ""))
	assert.Contains(t, userData, "mkdir -p /study")
	assert.Contains(t, userData, "chgrp sce-researchers /study")
	assert.Contains(t, userData, "jupyterlab", "the default tools")
	for _, role := range []string{"bastion", "workstation"} {
		data := in(one(t, p, instanceType, "study-"+role+"-instance"), "userData")
		assert.NotContains(t, data, "alice", "%s: no researcher in user data; Systems Manager gives the logins", role)
		assert.NotContains(t, data, "useradd --create-home", role)
	}
}

func TestTheResearcherRoleReadsDataInWritesOutputAndNothingElse(t *testing.T) {
	p := planWith(t, nil)
	dataIn := out(bucketOf(t, p, "data-in"), "arn")
	output := out(bucketOf(t, p, "output"), "arn")
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-workstation-researcher-policy"), "policy")
	byID := map[string][]string{}
	var s3Resources []string
	for _, s := range doc.Statement {
		byID[s.Sid] = s.Action
		if strings.HasPrefix(s.Action[0], "s3:") {
			s3Resources = append(s3Resources, s.Resource...)
		}
	}
	assert.ElementsMatch(t, []string{"s3:GetObject", "s3:GetObjectVersion"}, byID["ReadDataIn"])
	assert.ElementsMatch(t, []string{"s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}, byID["WriteOutput"])
	assert.ElementsMatch(t, []string{dataIn + "/*", dataIn, output + "/*", output + "/outbox/*", output + "/released/*"}, s3Resources,
		"no other bucket; the airlock's outbox and released/ are read too")
	assert.ElementsMatch(t, []string{"s3:GetObject", "s3:GetObjectVersion"}, byID["ReadAirlockObjects"])
	kms := statement(t, doc, "UseProjectKeyThroughS3")
	assert.Equal(t, []string{out(p.Find("aws:kms/key:Key")[0], "arn")}, kms.Resource)
	assert.Equal(t, []string{"s3.us-west-2.amazonaws.com"}, kms.Condition["StringEquals"]["kms:ViaService"])
	logs := statement(t, policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-workstation-policy"), "policy"), "ShipAuthAndAuditLogs")
	assert.Contains(t, logs.Resource, "arn:aws:logs:us-west-2:111122223333:log-group:/sce/study/workstation")

	var ssm int
	for _, a := range p.Find("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if strings.HasSuffix(in(a, "policyArn"), ":iam::aws:policy/AmazonSSMManagedInstanceCore") {
			ssm++
		}
	}
	assert.Equal(t, 2, ssm, "administrators reach both instances through Systems Manager")
	group := one(t, p, "aws:cloudwatch/logGroup:LogGroup", "study-workstation-log-group")
	assert.Equal(t, "/sce/study/workstation", in(group, "name"))
	assert.Equal(t, out(p.Find("aws:kms/key:Key")[0], "arn"), in(group, "kmsKeyId"))
}

func TestOutputsGiveSSHConfigWithProxyJumpAndSSMCommands(t *testing.T) {
	p := planWith(t, nil)
	bastionIP := p.Outputs[stack.OutputBastionIP].(string)
	wsIP := p.Outputs[stack.OutputWorkstationIP].(string)
	cfg := p.Outputs[stack.OutputSSHConfig].(string)
	assert.Contains(t, cfg, "Host study-bastion\n    HostName "+bastionIP+"\n    User ec2-user")
	assert.Contains(t, cfg, "Host study-workstation\n    HostName "+wsIP)
	assert.Contains(t, cfg, "ProxyJump study-bastion", "no private key is ever copied to the bastion")
	assert.Contains(t, cfg, "ForwardAgent no")
	researchers := p.Outputs[stack.OutputResearcherSSHConfig].(map[string]any)
	require.Len(t, researchers, 2)
	assert.Contains(t, researchers["alice"], "User alice")
	assert.Contains(t, researchers["alice"], "IdentityFile ~/.ssh/study_alice")
	ws := one(t, p, instanceType, "study-workstation-instance")
	assert.Equal(t, "aws ssm start-session --region us-west-2 --target "+ws.ID, p.Outputs[stack.OutputSSMWorkstation])
	raw, err := json.Marshal(p.Outputs)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "PRIVATE KEY")
}

func TestGravitonInstancesUseTheArm64Image(t *testing.T) {
	assert.Equal(t, "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", stack.AMIParameter("m7g.large"))
	assert.Equal(t, "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", stack.AMIParameter("m5.large"))
	assert.Equal(t, "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", stack.AMIParameter("m7i-flex.large"))
	assert.Equal(t, "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", stack.AMIParameter("r8g.2xlarge"))
}

// loginScript returns the script of an instance's login document, as Systems Manager runs it.
func loginScript(t *testing.T, p *plan.Plan, role string) string {
	t.Helper()
	doc := one(t, p, "aws:ssm/document:Document", "study-"+role+"-logins-document")
	var content struct {
		SchemaVersion string `json:"schemaVersion"`
		MainSteps     []struct {
			Action string `json:"action"`
			Inputs struct {
				RunCommand []string `json:"runCommand"`
			} `json:"inputs"`
		} `json:"mainSteps"`
	}
	require.NoError(t, json.Unmarshal([]byte(in(doc, "content")), &content))
	require.Equal(t, "2.2", content.SchemaVersion)
	require.Len(t, content.MainSteps, 1)
	require.Equal(t, "aws:runShellScript", content.MainSteps[0].Action)
	return strings.Join(content.MainSteps[0].Inputs.RunCommand, "\n")
}

// TestResearcherLoginsFollowTheConfiguration: user data runs once, so the logins are reconciled by
// Systems Manager on every instance that has them. The script is a document of the stack; the
// association follows the document's default version, so a change of the list gives a new version, an
// updated association and a new run.
func TestResearcherLoginsFollowTheConfiguration(t *testing.T) {
	p := planWith(t, nil)
	for _, c := range []struct{ role, group, shell string }{
		{"bastion", "sce-jump", "/usr/sbin/nologin"}, {"workstation", "sce-researchers", "/bin/bash"},
	} {
		doc := one(t, p, "aws:ssm/document:Document", "study-"+c.role+"-logins-document")
		assert.Equal(t, "Command", in(doc, "documentType"))
		a := one(t, p, "aws:ssm/association:Association", "study-"+c.role+"-logins")
		assert.Equal(t, out(doc, "name"), in(a, "name"), c.role)
		assert.Equal(t, out(doc, "defaultVersion"), in(a, "documentVersion"), "%s: pinned to the document's current version", c.role)
		target := a.Inputs["targets"].([]any)[0].(map[string]any)
		assert.Equal(t, "InstanceIds", target["key"])
		assert.Equal(t, []any{one(t, p, instanceType, "study-"+c.role+"-instance").ID}, target["values"], "%s: its own instance only", c.role)
		script := loginScript(t, p, c.role)
		assert.True(t, strings.HasPrefix(script, "#!/bin/bash\n"), c.role)
		assert.Contains(t, script, "<<'LOGINS'\nalice "+aliceKey+"\nbob "+bobKey+"\nLOGINS\n", c.role)
		assert.Contains(t, script, "for member in $(getent group "+c.group+" | cut -d: -f4", "%s: every login of the group is checked", c.role)
		assert.Contains(t, script, `usermod --expiredate 1 "$member"`, "%s: a login no longer listed expires", c.role)
		assert.Contains(t, script, `rm -f "/home/$member/.ssh/authorized_keys"`, c.role)
		assert.Contains(t, script, "useradd --create-home --shell "+c.shell+" --groups "+c.group+` "$login"`, c.role)
		assert.Contains(t, script, `usermod --expiredate '' "$login"`, "%s: a listed login is enabled again", c.role)
	}

	removed := planWith(t, map[string]string{"sce:researchers": `["alice ` + aliceKey + `"]`})
	script := loginScript(t, removed, "workstation")
	assert.Contains(t, script, "<<'LOGINS'\nalice "+aliceKey+"\nLOGINS\n", "bob is no longer listed: the document changes, so it runs again and expires him")
	assert.NotContains(t, script, "bob")
}

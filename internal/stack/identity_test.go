package stack_test

import (
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
)

const (
	roleType       = "aws:iam/role:Role"
	iamPolicyType  = "aws:iam/policy:Policy"
	workstationARN = "arn:aws:iam::111122223333:role/study-workstation"
	researcherARN  = "arn:aws:iam::111122223333:role/study-researcher"
)

// TestThePlanShowsTheResearcherRoleAndItsTrust: the role every researcher's AWS calls are made as, named
// so that policies can name it, trusted by the workstation's instance role for the configured logins only.
func TestThePlanShowsTheResearcherRoleAndItsTrust(t *testing.T) {
	p := planWith(t, nil)
	role := one(t, p, roleType, "study-workstation-researcher-role")
	assert.Equal(t, "study-researcher", in(role, "name"))
	assert.Equal(t, researcherARN, out(role, "arn"))
	assert.Equal(t, "3600", in(role, "maxSessionDuration"), "role chaining: an hour at most")
	trust := policyOf(t, role, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	st := trust.Statement[0]
	assert.ElementsMatch(t, []string{"sts:AssumeRole", "sts:SetSourceIdentity"}, st.Action)
	assert.Equal(t, []string{"alice", "bob"}, st.Condition["StringEquals"]["sts:SourceIdentity"], "the logins of sce:researchers")
	assert.Equal(t, []string{workstationARN}, st.Condition["ArnEquals"]["aws:PrincipalArn"])

	instance := one(t, p, roleType, "study-workstation-role")
	assert.Equal(t, workstationARN, out(instance, "arn"), "the instance role's fixed name is the ARN the trust and the buckets name")

	carol := planWith(t, map[string]string{"sce:researchers": `["carol ` + aliceKey + `"]`})
	assert.Equal(t, []string{"carol"}, policyOf(t, one(t, carol, roleType, "study-workstation-researcher-role"), "assumeRolePolicy").Statement[0].Condition["StringEquals"]["sts:SourceIdentity"])

	none := planWith(t, map[string]string{"sce:researchers": `[]`})
	for _, r := range none.Find(roleType) {
		assert.NotEqual(t, "study-researcher", in(r, "name"), "no researcher, no researcher role")
	}
}

// TestTheInstanceRoleHoldsNoDataPermission: what the workstation's agents and broker need, no PHI object.
func TestTheInstanceRoleHoldsNoDataPermission(t *testing.T) {
	p := planWith(t, nil)
	doc := policyOf(t, one(t, p, iamPolicyType, "study-workstation-policy"), "policy")
	ancillary := out(bucketOf(t, p, "ancillary"), "arn")
	for _, s := range doc.Statement {
		for _, a := range s.Action {
			if strings.HasPrefix(a, "s3:") {
				assert.Equal(t, "s3:GetObject", a, s.Sid)
				assert.Equal(t, []string{ancillary + "/" + components.BrokerPrefix + "*"}, s.Resource, s.Sid)
			}
		}
	}
	assume := statement(t, doc, "AssumeTheResearcherRoleForALogin")
	assert.Equal(t, []string{researcherARN}, assume.Resource)
	decrypt := statement(t, doc, "DecryptSoftwareThroughS3")
	assert.Equal(t, []string{ancillary}, decrypt.Condition["StringEquals"]["kms:EncryptionContext:aws:s3:arn"])
}

// TestEveryPHIBucketRefusesTheInstanceRole: data-in, output and ancillary (but for the broker's prefix).
func TestEveryPHIBucketRefusesTheInstanceRole(t *testing.T) {
	p := planWith(t, nil)
	for _, purpose := range []string{"data-in", "output", "ancillary"} {
		doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, purpose)), "policy")
		deny := statement(t, doc, "NoObjectAccessByInstanceRoles")
		assert.Equal(t, components.Deny, deny.Effect, purpose)
		assert.Equal(t, []string{workstationARN}, deny.Condition["ArnEquals"]["aws:PrincipalArn"], purpose)
		assert.True(t, slices.Contains(deny.Action, "s3:GetObject") && slices.Contains(deny.Action, "s3:PutObject"), purpose)
		if purpose == "ancillary" {
			assert.Equal(t, []string{out(bucketOf(t, p, purpose), "arn") + "/" + components.BrokerPrefix + "*"}, deny.NotResource)
		}
	}
}

// TestTheBrokerReachesTheWorkstationCheckedAgainstS3sDigest: the executable is uploaded into the
// ancillary bucket with S3's SHA-256 and installed by Systems Manager only once that digest matched.
func TestTheBrokerReachesTheWorkstationCheckedAgainstS3sDigest(t *testing.T) {
	p := planWith(t, nil)
	obj := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "study-workstation-broker-binary")
	assert.Equal(t, components.BrokerKey(components.ArchX86), in(obj, "key"))
	assert.Equal(t, "SHA256", in(obj, "checksumAlgorithm"))
	assert.Equal(t, out(bucketOf(t, p, "ancillary"), "bucket"), in(obj, "bucket"))
	sum, err := base64.StdEncoding.DecodeString(out(obj, "checksumSha256"))
	require.NoError(t, err)
	doc := one(t, p, "aws:ssm/document:Document", "study-workstation-broker-document")
	assert.Contains(t, in(doc, "content"), hex.EncodeToString(sum)+"  /root/sce-downloads/sce-broker' | sha256sum --check --strict")
	assoc := one(t, p, "aws:ssm/association:Association", "study-workstation-broker")
	ws := one(t, p, instanceType, "study-workstation-instance")
	assert.Contains(t, in(assoc, "targets"), ws.ID)

	userData := in(ws, "userData")
	assert.Contains(t, userData, "--role-arn "+researcherARN+" --region us-west-2", "the broker assumes the researcher role")
	assert.Contains(t, userData, "meta skuid != 0 counter reject", "the metadata service answers root only")
	assert.NotContains(t, userData, hex.EncodeToString(sum), "the executable's digest is not in the user data, whose change would not run again")
}

// TestOnOMOPEachResearcherSignsInAsTheirOwnDatabaseUser: the researcher role may ask for credentials of
// the database user named by its session's source identity, and the plan creates that user.
func TestOnOMOPEachResearcherSignsInAsTheirOwnDatabaseUser(t *testing.T) {
	p := omopPlan(t, nil)
	doc := policyOf(t, one(t, p, iamPolicyType, "study-omop-researcher-signin"), "policy")
	signIn := statement(t, doc, "SignInAsTheSessionsOwnDatabaseUser")
	assert.Equal(t, []string{"redshift:GetClusterCredentials"}, signIn.Action)
	assert.Contains(t, signIn.Resource, "arn:aws:redshift:us-west-2:111122223333:dbuser:study-omop/${aws:SourceIdentity}")
	for _, s := range doc.Statement {
		assert.NotContains(t, s.Action, "redshift:CreateClusterUser", "no AutoCreate")
		assert.NotContains(t, s.Action, "redshift:JoinGroup", "no DbGroups")
	}
	attachment := one(t, p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "study-omop-researcher-signin-attachment")
	assert.Equal(t, "study-researcher", in(attachment, "role"))
	names := statementsByName(t, p)
	for _, login := range []string{"alice", "bob"} {
		require.Contains(t, names, "user-"+login)
		assert.Contains(t, in(names["grant-select-cdm-"+login], "sql"), `GRANT SELECT ON ALL TABLES IN SCHEMA "cdm" TO "`+login+`"`)
	}
}

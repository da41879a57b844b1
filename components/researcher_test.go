package components

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheResearcherRoleTrustsTheInstanceRoleOnlyForConfiguredLogins(t *testing.T) {
	raw, err := ResearcherTrustPolicy(testARNs, "study", []string{"alice", "bob"})
	require.NoError(t, err)
	var doc PolicyDocument
	require.NoError(t, json.Unmarshal([]byte(raw), &doc))
	require.Len(t, doc.Statement, 1)
	st := doc.Statement[0]
	assert.Equal(t, Allow, st.Effect)
	assert.Equal(t, []string{"arn:aws:iam::111122223333:root"}, st.Principal.AWS, "the account, narrowed by aws:PrincipalArn: a role ARN principal breaks when the role is replaced")
	assert.ElementsMatch(t, []string{"sts:AssumeRole", "sts:SetSourceIdentity"}, st.Action)
	assert.Equal(t, []string{"arn:aws:iam::111122223333:role/study-workstation"}, st.Condition["ArnEquals"]["aws:PrincipalArn"])
	assert.Equal(t, []string{"alice", "bob"}, st.Condition["StringEquals"]["sts:SourceIdentity"])
}

func TestTheResearcherTrustRefusesNoLoginsAndMoreThanIAMAccepts(t *testing.T) {
	_, err := ResearcherTrustPolicy(testARNs, "study", nil)
	assert.ErrorContains(t, err, "no login")

	var many []string
	for i := 0; len(strings.Join(many, `","`)) < MaxTrustPolicyChars; i++ {
		many = append(many, fmt.Sprintf("researcher%02d", i))
	}
	_, err = ResearcherTrustPolicy(testARNs, "study", many)
	assert.ErrorContains(t, err, "IAM accepts 2048")
	_, err = ResearcherTrustPolicy(testARNs, "study", many[:20])
	assert.NoError(t, err, "twenty logins fit")
}

func TestTheInstanceRoleMayAssumeTheResearcherRoleAndFetchTheBrokerButReadsNoData(t *testing.T) {
	stmts := workstationStatements(testARNs, "study", "study-ancillary-1", "arn:aws:kms:us-west-2:111122223333:key/k")
	var actions []string
	for _, st := range stmts {
		actions = append(actions, st.Action...)
		switch st.Sid {
		case "AssumeTheResearcherRoleForALogin":
			assert.Equal(t, []string{"arn:aws:iam::111122223333:role/study-researcher"}, st.Resource)
		case "FetchTheCredentialBroker":
			assert.Equal(t, []string{"arn:aws:s3:::study-ancillary-1/" + BrokerPrefix + "*"}, st.Resource)
		case "DecryptSoftwareThroughS3":
			assert.Equal(t, []string{"arn:aws:s3:::study-ancillary-1"}, st.Condition["StringEquals"]["kms:EncryptionContext:aws:s3:arn"])
		}
	}
	assert.ElementsMatch(t, []string{"sts:AssumeRole", "sts:SetSourceIdentity", "s3:GetObject", "kms:Decrypt"}, actions)
	assert.NotContains(t, actions, "s3:PutObject")
}

func TestPHIBucketPoliciesRefuseTheInstanceRole(t *testing.T) {
	role := "arn:aws:iam::111122223333:role/study-workstation"
	for _, tc := range []struct {
		name   string
		except string
	}{{"data bucket", ""}, {"software bucket", BrokerPrefix}} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := BucketPolicy(BucketPolicyArgs{ARNs: testARNs, Bucket: "study-b-1", PHI: true, KMSKeyARN: "arn:aws:kms:us-west-2:111122223333:key/k",
				NoDataRoleARNs: []string{role}, NoDataExceptPrefix: tc.except})
			require.NoError(t, err)
			var doc PolicyDocument
			require.NoError(t, json.Unmarshal([]byte(raw), &doc))
			var deny *Statement
			for i := range doc.Statement {
				if doc.Statement[i].Sid == "NoObjectAccessByInstanceRoles" {
					deny = &doc.Statement[i]
				}
			}
			require.NotNil(t, deny)
			assert.Equal(t, Deny, deny.Effect)
			assert.Equal(t, []string{role}, deny.Condition["ArnEquals"]["aws:PrincipalArn"])
			assert.Contains(t, deny.Action, "s3:GetObject")
			assert.Contains(t, deny.Action, "s3:PutObject")
			if tc.except == "" {
				assert.Equal(t, []string{"arn:aws:s3:::study-b-1", "arn:aws:s3:::study-b-1/*"}, deny.Resource)
			} else {
				assert.Empty(t, deny.Resource)
				assert.Equal(t, []string{"arn:aws:s3:::study-b-1/" + BrokerPrefix + "*"}, deny.NotResource)
			}
		})
	}
}

// section returns the text of script from the first line containing from up to the first following
// line containing to.
func section(t *testing.T, script, from, to string) string {
	t.Helper()
	i := strings.Index(script, from)
	require.GreaterOrEqual(t, i, 0, "the script holds %q", from)
	j := strings.Index(script[i:], to)
	require.GreaterOrEqual(t, j, 0, "the script holds %q after %q", to, from)
	return script[i : i+j]
}

func TestTheWorkstationClosesTheMetadataServiceToAllButRootBeforeAnyLogin(t *testing.T) {
	s := renderRole(t, RoleWorkstation)
	rules := section(t, s, "table inet sce_imds {", "\nNFT\n")
	assert.Contains(t, rules, "ip daddr 169.254.169.254 meta skuid != 0 counter reject")
	assert.Contains(t, rules, "ip6 daddr fd00:ec2::254 meta skuid != 0 counter reject")
	assert.Contains(t, rules, "hook output")
	unit := section(t, s, "sce-imds-guard.service <<'UNIT'", "\nUNIT\n")
	for _, want := range []string{"DefaultDependencies=no", "Before=network-pre.target", "sshd.service", "WantedBy=sysinit.target", "ExecStart=/usr/sbin/nft -f /etc/sce/imds-guard.nft"} {
		assert.Contains(t, unit, want)
	}
	dropIn := section(t, s, "10-sce-imds-guard.conf <<'UNIT'", "\nUNIT\n")
	assert.Contains(t, dropIn, "Requires=sce-imds-guard.service", "sshd does not start without the guard")
	assert.Contains(t, dropIn, "After=sce-imds-guard.service")
	guard := strings.Index(s, "systemctl enable --now sce-imds-guard.service")
	for _, later := range []string{"systemctl restart sshd", "date --iso-8601=seconds >" + hardenedMarker} {
		assert.Greater(t, strings.Index(s, later), guard, "the guard is in force before %q", later)
	}
	assert.Contains(t, s, `if runuser -u nobody -- "${imds_put[@]}"`, "the boot fails if another user reaches the service")
	// The agents that need the service run as root, the only user the rule admits.
	assert.Contains(t, s, `"run_as_user": "root"`, "the CloudWatch agent runs as root")
	assert.NotContains(t, renderRole(t, RoleBastion), "sce_imds", "the bastion holds no researcher identity")
}

func TestTheWorkstationReachesTheBrokerThroughTheSystemWideAWSConfig(t *testing.T) {
	s := renderRole(t, RoleWorkstation)
	socket := section(t, s, "sce-broker.socket <<'UNIT'", "\nUNIT\n")
	assert.Contains(t, socket, "ListenStream="+BrokerSocket)
	assert.Contains(t, socket, "SocketGroup=sce-researchers")
	assert.Contains(t, socket, "SocketMode=0660")
	service := section(t, s, "sce-broker.service <<'UNIT'", "\nUNIT\n")
	assert.Contains(t, service, "--role-arn arn:aws:iam::111122223333:role/study-researcher --region us-west-2")
	for _, want := range []string{"NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "ProtectSystem=strict", "ProtectHome=yes", "AWS_CONFIG_FILE=/dev/null"} {
		assert.Contains(t, service, want)
	}
	assert.NotContains(t, service, "User=", "root: only root reaches the metadata service")
	config := section(t, s, "/etc/sce/aws/config <<'AWSCONFIG'", "\nAWSCONFIG\n")
	assert.Contains(t, config, "credential_process = /usr/local/bin/sce-broker credentials --socket "+BrokerSocket)
	assert.Contains(t, config, "region = us-west-2")
	profile := section(t, s, "/etc/profile.d/sce-aws.sh <<'PROFILE'", "\nPROFILE\n")
	assert.Contains(t, profile, "grep -qx sce-researchers", "only the researchers' logins; root keeps the instance role")
	assert.Contains(t, profile, "export AWS_CONFIG_FILE=/etc/sce/aws/config")
	assert.Less(t, strings.Index(s, "groupadd -f sce-researchers"), strings.Index(s, "SocketGroup=sce-researchers"), "the socket's group exists first")
}

func TestTheWorkstationLoginScriptReplacesTheBrokersListBeforeRemovingALogin(t *testing.T) {
	s, err := RenderLoginScript(Logins{PIT: "study", Role: RoleWorkstation, Researchers: testResearchers})
	require.NoError(t, err)
	write := strings.Index(s, "mv -f \"$brokerlist\" /etc/sce-broker/logins")
	require.Greater(t, write, 0)
	assert.Less(t, write, strings.Index(s, "usermod --expiredate 1"))
	for _, role := range []string{RoleBastion, RoleAtlas} {
		other, err := RenderLoginScript(Logins{PIT: "study", Role: role, Researchers: testResearchers})
		require.NoError(t, err)
		assert.NotContains(t, other, "sce-broker", role)
	}

	// Run the list-writing part for real, against a temporary directory.
	dir := t.TempDir()
	part := section(t, s, "listed=$(cat <<'LOGINS'", "# A login no longer listed")
	part = strings.ReplaceAll(part, "/etc/sce-broker", dir)
	out, err := exec.Command("bash", "-c", "set -euo pipefail\n"+part).CombinedOutput()
	require.NoError(t, err, "%s", out)
	got, err := os.ReadFile(filepath.Join(dir, "logins"))
	require.NoError(t, err)
	assert.Equal(t, "alice\nbob\n", string(got))
}

func TestTheBrokerIsInstalledOnlyOnceItsChecksumMatched(t *testing.T) {
	b := BrokerInstall{PIT: "study", Region: "us-west-2", URI: "s3://study-ancillary-1/" + BrokerKey(ArchX86), SHA256: testSumA}
	s, err := RenderBrokerInstall(b)
	require.NoError(t, err)
	check := strings.Index(s, "echo '"+testSumA+"  /root/sce-downloads/sce-broker' | sha256sum --check --strict")
	require.Greater(t, check, 0)
	assert.Less(t, strings.Index(s, "aws s3 cp --region us-west-2 --only-show-errors 's3://study-ancillary-1/software/sce-broker/x86_64/sce-broker'"), check)
	assert.Greater(t, strings.Index(s, "install -m 755 -o root -g root /root/sce-downloads/sce-broker"), check)
	assert.Less(t, strings.Index(s, hardenedMarker), check, "after the first boot's hardening")
	assert.Contains(t, s, "systemctl enable --now sce-broker.socket")
	bashSyntax(t, s)

	for name, bad := range map[string]BrokerInstall{
		"no checksum":    {PIT: "study", Region: "us-west-2", URI: b.URI},
		"not an s3 URI":  {PIT: "study", Region: "us-west-2", URI: "https://example.org/sce-broker", SHA256: testSumA},
		"quote in a URI": {PIT: "study", Region: "us-west-2", URI: "s3://b/k'; reboot", SHA256: testSumA},
	} {
		_, err := RenderBrokerInstall(bad)
		assert.Error(t, err, name)
	}
	doc, err := BrokerDocumentContent(b)
	require.NoError(t, err)
	assert.Contains(t, doc, `"action": "aws:runShellScript"`)
}

package components

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testResearchers = []Researcher{
	{Login: "alice", PublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxshx/hU/qmeT0q1IbNEFxqo2oGGFO7811sVSUS3GmW alice@example.org"},
	{Login: "bob", PublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILss+Wn4JfvPqpyXIG+JOH/hMxip1naXCNOob8me2oma bob@example.org"},
}

func workstationUserData(t *testing.T, tools ...string) string {
	t.Helper()
	s, err := RenderUserData(testWorkstation(ArchX86, tools...))
	require.NoError(t, err)
	return s
}

// bashSyntax checks a script with bash -n.
func bashSyntax(t *testing.T, script string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "user-data.sh")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
	out, err := exec.Command("bash", "-n", path).CombinedOutput()
	require.NoError(t, err, "bash -n: %s", out)
}

func TestWorkstationUserDataFormatsTheDataVolumeOnlyWhenEmpty(t *testing.T) {
	s := workstationUserData(t)
	bashSyntax(t, s)
	assert.Contains(t, s, "device=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0", "the volume is found by its id")
	guard := `if [ -z "$(blkid -p -o value -s TYPE "$device"; blkid -p -o value -s PTTYPE "$device")" ]; then` + "\n  mkfs.xfs -L sce-data \"$device\"\nfi"
	assert.Contains(t, s, guard, "formatting only when there is neither a filesystem nor a partition table")
	assert.Equal(t, 1, strings.Count(s, "mkfs"), "no other formatting")
	assert.NotRegexp(t, regexp.MustCompile(`(?m)^\s*(fdisk|parted|sfdisk|wipefs)`), s, "never partitions or wipes")
	assert.Contains(t, s, "mkdir -p /study")
	assert.Contains(t, s, `echo "UUID=$uuid /study xfs defaults,nofail,nodev,nosuid 0 2" >>/etc/fstab`)
	assert.Contains(t, s, "chmod 2770 /study")
}

func TestWorkstationUserDataTurnsSwapOff(t *testing.T) {
	s := workstationUserData(t)
	assert.Contains(t, s, "swapoff -a")
	assert.Contains(t, s, "systemctl mask --now swap.target")
	assert.NotRegexp(t, regexp.MustCompile(`(?m)^\s*(mkswap|swapon)`), s, "never creates swap")
}

func TestWorkstationUserDataEndsIdleShells(t *testing.T) {
	s := workstationUserData(t)
	assert.Contains(t, s, "cat >/etc/profile.d/sce-idle-logout.sh <<'TMOUT'\nTMOUT=600\nreadonly TMOUT\nexport TMOUT\nTMOUT\n",
		"automatic logoff after ten minutes, which a user cannot unset")
}

func TestUserDataCreatesOneLoginPerResearcher(t *testing.T) {
	s := workstationUserData(t)
	for _, r := range testResearchers {
		assert.Contains(t, s, "useradd --create-home --shell /bin/bash --groups sce-researchers '"+r.Login+"'")
		assert.Contains(t, s, "cat >'/home/"+r.Login+"/.ssh/authorized_keys' <<'KEY'\n"+r.PublicKey+"\nKEY")
	}
	b, err := RenderUserData(UserData{PIT: "study", Role: RoleBastion, LogGroup: "/sce/study/bastion", Researchers: testResearchers})
	require.NoError(t, err)
	bashSyntax(t, b)
	assert.Contains(t, b, "useradd --create-home --shell /usr/sbin/nologin --groups sce-jump 'alice'", "jump-only logins on the bastion")
	assert.Contains(t, b, "PermitOpen *:22")
	assert.Contains(t, b, "PermitTTY no")
	assert.NotContains(t, b, "mkfs")
}

func TestUserDataHardensSSHAndTurnsAuditOn(t *testing.T) {
	for _, role := range []string{RoleBastion, RoleWorkstation} {
		u := UserData{PIT: "study", Role: role, LogGroup: "/sce/study/" + role, Researchers: testResearchers, DataVolumeID: "vol-0123", MountPoint: "/study"}
		s, err := RenderUserData(u)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(s, "#!/bin/bash\n"), role)
		assert.Contains(t, s, "dnf -y upgrade --security", "%s: security updates on boot", role)
		for _, line := range []string{"PasswordAuthentication no", "PermitRootLogin no", "KbdInteractiveAuthentication no", "ClientAliveInterval 300", "AllowAgentForwarding no"} {
			assert.Contains(t, s, "\n"+line+"\n", "%s: %s", role, line)
		}
		assert.Contains(t, s, "sshd -t\nsystemctl restart sshd", "%s: the config is checked before sshd restarts", role)
		assert.Contains(t, s, "systemctl enable --now auditd rsyslog", role)
		assert.Contains(t, s, `"log_group_name": "/sce/study/`+role+`"`, role)
		assert.Contains(t, s, `"file_path": "/var/log/audit/audit.log"`, role)
	}
	assert.Contains(t, workstationUserData(t), "-w /study -p rwa -k phi-access", "every access to the PHI mount is audited")
}

func TestUserDataHoldsNoSecrets(t *testing.T) {
	secret := regexp.MustCompile(`PRIVATE KEY|AKIA[0-9A-Z]{16}|aws_secret_access_key|password=|BEGIN RSA`)
	for _, s := range []string{workstationUserData(t, "python", "jupyter", "r")} {
		assert.NotRegexp(t, secret, s)
	}
}

func TestWorkstationUserDataInstallsTheConfiguredTools(t *testing.T) {
	none := workstationUserData(t)
	assert.NotContains(t, none, "jupyterlab")
	assert.NotContains(t, none, "miniforge")
	all := workstationUserData(t, "jupyter", "r")
	bashSyntax(t, all)
	assert.Contains(t, all, "dnf -y install python3 python3-pip", "jupyter implies python")
	assert.Contains(t, all, "/opt/sce/jupyter/bin/pip install 'jupyterlab==4.4.3'", "a pinned JupyterLab release")
	assert.Contains(t, all, "--proto '=https'", "R's installer is fetched over TLS only")
	assert.Contains(t, all, "r-base r-essentials")
	assert.Less(t, strings.Index(all, "systemctl enable --now auditd"), strings.Index(all, "jupyterlab"), "tools come after hardening")
}

func TestRenderUserDataRefusesUnsafeValues(t *testing.T) {
	tests := []struct {
		name string
		u    UserData
	}{
		{"an unknown role", UserData{PIT: "p", Role: "db", LogGroup: "/sce/p/db"}},
		{"a login with a quote", UserData{PIT: "p", Role: RoleBastion, LogGroup: "/sce/p/b", Researchers: []Researcher{{Login: "a'b", PublicKey: "ssh-ed25519 AAAA"}}}},
		{"a key with a newline", UserData{PIT: "p", Role: RoleBastion, LogGroup: "/sce/p/b", Researchers: []Researcher{{Login: "a", PublicKey: "ssh-ed25519 AAAA\nrm -rf /"}}}},
		{"a log group with a space", UserData{PIT: "p", Role: RoleBastion, LogGroup: "/sce/p/b; reboot"}},
		{"a workstation without its volume", UserData{PIT: "p", Role: RoleWorkstation, LogGroup: "/sce/p/w", MountPoint: "/p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RenderUserData(tt.u)
			assert.Error(t, err)
		})
	}
}

func TestLoginScriptsAreValidBashForEveryRole(t *testing.T) {
	for _, role := range []string{RoleBastion, RoleWorkstation, RoleAtlas} {
		s, err := RenderLoginScript(UserData{PIT: "study", Role: role, Researchers: testResearchers})
		require.NoError(t, err, role)
		bashSyntax(t, s)
		assert.True(t, strings.HasPrefix(s, "#!/bin/bash\n"), role)
		assert.Contains(t, s, "set -euo pipefail", role)
	}
	_, err := RenderLoginScript(UserData{PIT: "study", Role: RoleWorker})
	assert.ErrorContains(t, err, "has no researcher logins")
	_, err = RenderLoginScript(UserData{PIT: "study", Role: RoleWorkstation, Researchers: []Researcher{{Login: "eve'; rm -rf /", PublicKey: "ssh-ed25519 AAAA"}}})
	assert.ErrorContains(t, err, "unsafe login")
}

func TestLoginDocumentRunsExactlyTheLoginScript(t *testing.T) {
	u := UserData{PIT: "study", Role: RoleWorkstation, Researchers: testResearchers}
	script, err := RenderLoginScript(u)
	require.NoError(t, err)
	content, err := LoginDocumentContent(u)
	require.NoError(t, err)
	var doc loginDocument
	require.NoError(t, json.Unmarshal([]byte(content), &doc))
	require.Len(t, doc.MainSteps, 1)
	assert.Equal(t, strings.TrimSuffix(script, "\n"), strings.Join(doc.MainSteps[0].Inputs.RunCommand, "\n"),
		"Systems Manager joins runCommand lines into the script it runs")
}

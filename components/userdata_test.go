package components

import (
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

// sampleUserData is a complete, realistic user data input of each role, with its downloads pinned.
func sampleUserData(role string) UserData {
	switch role {
	case RoleWorkstation:
		return testWorkstation(ArchX86, "python", "jupyter", "r")
	case RoleAtlas:
		return testAtlas(ArchX86)
	case RoleWorker:
		return testWorker()
	}
	return UserData{PIT: "study", Role: role, LogGroup: "/sce/study/" + role}
}

// allRoles are the roles that have user data.
var allRoles = []string{RoleBastion, RoleWorkstation, RoleAtlas, RoleWorker}

// renderRole renders the sample user data of a role.
func renderRole(t *testing.T, role string) string {
	t.Helper()
	s, err := RenderUserData(sampleUserData(role))
	require.NoError(t, err, role)
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

func TestUserDataCreatesTheLoginGroupButNoLogin(t *testing.T) {
	for _, c := range []struct{ role, group string }{{RoleBastion, "sce-jump"}, {RoleWorkstation, "sce-researchers"}, {RoleAtlas, "sce-atlas"}} {
		s := renderRole(t, c.role)
		assert.Contains(t, s, "groupadd -f "+c.group+"\n", "%s: sshd admits the group", c.role)
		assert.Contains(t, s, "AllowGroups ec2-user "+c.group+"\n", c.role)
		assert.NotContains(t, s, "useradd", "%s: logins come from Systems Manager, not user data", c.role)
		assert.NotContains(t, s, "authorized_keys", c.role)
	}
	ws := renderRole(t, RoleWorkstation)
	assert.Less(t, strings.Index(ws, "groupadd -f sce-researchers"), strings.Index(ws, "chgrp sce-researchers /study"), "the group exists before it owns the mount")
	b := renderRole(t, RoleBastion)
	assert.Contains(t, b, "PermitOpen *:22")
	assert.Contains(t, b, "PermitTTY no")
	assert.NotContains(t, b, "mkfs")
}

func TestUserDataHardensSSHAndTurnsAuditOn(t *testing.T) {
	for _, role := range []string{RoleBastion, RoleWorkstation} {
		s := renderRole(t, role)
		assert.True(t, strings.HasPrefix(s, "#!/bin/bash\n"), role)
		assert.Contains(t, s, "sce_retry dnf -y upgrade --security", "%s: security updates on boot", role)
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

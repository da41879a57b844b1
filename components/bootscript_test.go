package components

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helpers renders the boot script's shell functions alone.
func helpers(t *testing.T) string {
	t.Helper()
	tmpl, err := template.ParseFS(userDataFS, "userdata/common.tmpl")
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, tmpl.ExecuteTemplate(&b, "helpers", sampleUserData(RoleWorkstation)))
	return b.String()
}

// runHelpers runs a snippet after the helper functions, with bin first on the PATH, and returns its
// output and exit status.
func runHelpers(t *testing.T, bin, snippet string, env ...string) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snippet.sh")
	script := "#!/bin/bash\nset -Eeuo pipefail\n" + helpers(t) + "\n" + snippet + "\n"
	require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
	cmd := exec.Command("bash", path)
	cmd.Env = append(append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH")), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "%s", out)
		return string(out), exit.ExitCode()
	}
	return string(out), 0
}

// stubCommand writes an executable stand-in for a command into dir.
func stubCommand(t *testing.T, dir, name, body string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/bash\n"+body+"\n"), 0o755))
}

// TestRetryOutlastsAnAbsentNetwork: the first dnf can run before the bastion's Elastic IP is associated;
// sce_retry tries again until the command succeeds, and gives up, failing, after its bound.
func TestRetryOutlastsAnAbsentNetwork(t *testing.T) {
	bin := t.TempDir()
	count := filepath.Join(bin, "count")
	stubCommand(t, bin, "flaky", `n=$(cat `+count+` 2>/dev/null || echo 0); echo $((n + 1)) >`+count+`; [ "$n" -ge 2 ]`)
	out, status := runHelpers(t, bin, "sce_retry flaky && echo reached", "SCE_RETRY_DELAY=0")
	assert.Equal(t, 0, status, out)
	assert.Contains(t, out, "'flaky' failed (try 2)")
	assert.Contains(t, out, "reached")
	raw, err := os.ReadFile(count)
	require.NoError(t, err)
	assert.Equal(t, "3\n", string(raw), "two failures, then success")

	stubCommand(t, bin, "down", "exit 1")
	out, status = runHelpers(t, bin, "sce_retry down; echo never", "SCE_RETRY_DELAY=0", "SCE_RETRY_SECONDS=0")
	assert.NotEqual(t, 0, status, "a command that never succeeds fails the boot")
	assert.Contains(t, out, "giving up on 'down'")
	assert.NotContains(t, out, "never")
}

// TestFirstBootWaitsForTheNetworkBeforeAnyDownload: every role's first network use is the bounded wait,
// and every dnf of the shared steps is retried.
func TestFirstBootWaitsForTheNetworkBeforeAnyDownload(t *testing.T) {
	network := regexp.MustCompile(`(?m)^[^#\n]*\b(dnf|curl|aws|docker) `)
	for _, role := range allRoles {
		s := renderRole(t, role)
		wait := strings.Index(s, "\nsce_retry dnf -q makecache --refresh\n")
		require.GreaterOrEqual(t, wait, 0, "%s waits for the repositories", role)
		first := network.FindStringIndex(s)
		require.NotNil(t, first, role)
		assert.Equal(t, wait+1, first[0], "%s: nothing reaches the network before the wait", role)
		for _, step := range []string{"sce_retry dnf -y upgrade --security", "sce_retry dnf -y install audit rsyslog amazon-cloudwatch-agent"} {
			assert.Contains(t, s, "\n"+step+"\n", role)
		}
		assert.Contains(t, s, "set -Eeuo pipefail\n", "%s: the ERR trap reaches into functions", role)
		assert.Contains(t, s, `trap 'sce_fail "line $LINENO exited with status $?"' ERR`, "%s: a failure is reported", role)
	}
}

// TestTheErrTrapLeavesTheFormatGuardAlone: with set -E the ERR trap also runs in command substitutions.
// The workstation's guard runs blkid, which fails on a blank volume, inside one: the trap must not fire
// there, or its message would make the blank volume look formatted and it would never be formatted.
func TestTheErrTrapLeavesTheFormatGuardAlone(t *testing.T) {
	s := renderRole(t, RoleWorkstation)
	trap := regexp.MustCompile(`(?m)^trap .* ERR$`).FindString(s)
	guard := regexp.MustCompile(`(?s)\nif \[ -z "\$\(blkid .*?\nfi\n`).FindString(s)
	require.NotEmpty(t, trap)
	require.NotEmpty(t, guard)
	for _, c := range []struct {
		name, blkid string
		formats     bool
	}{
		{"a blank volume is formatted", "exit 2", true},
		{"a volume with a filesystem is not", `[ "$5" = TYPE ] && echo xfs; [ "$5" = TYPE ]`, false},
		{"a volume with a partition table is not", `[ "$5" = PTTYPE ] && echo gpt; [ "$5" = PTTYPE ]`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			bin := t.TempDir()
			stubCommand(t, bin, "blkid", c.blkid)
			stubCommand(t, bin, "mkfs.xfs", `echo "mkfs.xfs $*"`)
			out, status := runHelpers(t, bin, trap+"\ndevice=/dev/nvme1n1"+guard+"echo done")
			assert.Equal(t, 0, status, out)
			assert.Equal(t, c.formats, strings.Contains(out, "mkfs.xfs -L sce-data /dev/nvme1n1"), out)
			assert.NotContains(t, out, "FAILED")
		})
	}
}

// A Fedora-family default rules file: it disables syscall auditing for every task (auditctl(8)).
const fedoraAuditRules = `## This file is automatically generated from /etc/audit/rules.d
-D
-b 8192
## This suppresses syscall auditing for all tasks started
## with this rule in effect.  Remove it if you need syscall
## auditing.
-a task,never
--backlog_wait_time 60000
`

func TestNeverTaskRulesAreDisabledBeforeOursLoad(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.d")
	require.NoError(t, os.Mkdir(rules, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(rules, "audit.rules"), []byte(fedoraAuditRules), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(rules, "30-other.rules"), []byte("  -A never,task -F uid=0\n-a always,exit -S all -k keep\n"), 0o600))
	out, status := runHelpers(t, dir, "sce_allow_syscall_audit "+rules)
	require.Equal(t, 0, status, out)
	got, err := os.ReadFile(filepath.Join(rules, "audit.rules"))
	require.NoError(t, err)
	assert.Contains(t, string(got), "\n# disabled by SCE: -a task,never\n")
	assert.Contains(t, string(got), "\n-b 8192\n", "other lines stay")
	assert.Contains(t, string(got), "\n--backlog_wait_time 60000\n", "other lines stay")
	got, err = os.ReadFile(filepath.Join(rules, "30-other.rules"))
	require.NoError(t, err)
	assert.Equal(t, "# disabled by SCE:   -A never,task -F uid=0\n-a always,exit -S all -k keep\n", string(got), "either order, -A too")

	out, status = runHelpers(t, dir, "sce_allow_syscall_audit "+filepath.Join(dir, "empty"))
	assert.Equal(t, 0, status, "a directory without rules files is no error: %s", out)
}

// TestTheAuditLogNamesLogins: auditd writes AUID="alice" only with log_format = ENRICHED, which the usage
// report reads; the boot script sets it whatever the image's auditd.conf says, keeping the rest, and
// signals the running auditd to re-read it.
func TestTheAuditLogNamesLogins(t *testing.T) {
	for name, conf := range map[string]string{
		"RAW in the image":   "local_events = yes\nlog_format = RAW\nflush = INCREMENTAL_ASYNC\n",
		"spaced differently": "  log_format=NOLOG\nflush = INCREMENTAL_ASYNC\n",
		"not set":            "flush = INCREMENTAL_ASYNC\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "auditd.conf")
			require.NoError(t, os.WriteFile(path, []byte(conf), 0o600))
			out, status := runHelpers(t, dir, "sce_enriched_audit_log "+path)
			require.Equal(t, 0, status, out)
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Regexp(t, `(?m)^log_format = ENRICHED$`, string(got))
			assert.NotRegexp(t, `(?m)^\s*log_format\s*=\s*(RAW|NOLOG)`, string(got))
			assert.Contains(t, string(got), "flush = INCREMENTAL_ASYNC\n", "the rest stays")
		})
	}
	for _, role := range allRoles {
		s := renderRole(t, role)
		pin, signal := strings.Index(s, "sce_enriched_audit_log /etc/audit/auditd.conf\n"), strings.Index(s, "systemctl kill --kill-whom=main --signal=SIGHUP auditd.service\n")
		require.GreaterOrEqual(t, pin, 0, role)
		assert.Greater(t, signal, pin, "%s: auditd re-reads the pinned configuration", role)
	}
}

// auditctlListing is what auditctl -l prints for the workstation's rules.
const auditctlListing = `-w /etc/passwd -p wa -k identity
-w /etc/group -p wa -k identity
-w /etc/shadow -p wa -k identity
-w /etc/sudoers -p wa -k privilege
-w /etc/sudoers.d -p wa -k privilege
-w /etc/ssh/sshd_config.d -p wa -k sshd
-a always,exit -F arch=b64 -S execve -F euid=0 -F auid>=1000 -F auid!=-1 -F key=privileged
-w /study -p rwa -k phi-access
`

// TestAuditVerificationFailsTheBootUnlessTheWatchIsActive runs the verification against auditctl
// stand-ins: the boot fails when a never,task rule is loaded, when the PHI watch is missing, or when the
// rules cannot be read.
func TestAuditVerificationFailsTheBootUnlessTheWatchIsActive(t *testing.T) {
	check := "sce_verify_audit identity privilege sshd privileged phi-access:/study; echo verified"
	tests := []struct {
		name, listing, want string
		status              int
	}{
		{"our rules, loaded", auditctlListing, "verified", 0},
		{"a never,task rule still loaded", "-a never,task\n" + auditctlListing, "a never,task audit rule is loaded", 1},
		{"no PHI watch", strings.ReplaceAll(auditctlListing, "-w /study -p rwa -k phi-access\n", ""), "no audit rule with key phi-access is loaded", 1},
		{"the watch on another path", strings.ReplaceAll(auditctlListing, "-w /study ", "-w /studyx "), "no audit rule with key phi-access watches /study", 1},
		{"no rules at all", "No rules\n", "no audit rule with key identity is loaded", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(bin, "listing"), []byte(tt.listing), 0o600))
			stubCommand(t, bin, "auditctl", `[ "$1" = -l ] && cat `+filepath.Join(bin, "listing"))
			out, status := runHelpers(t, bin, check)
			assert.Equal(t, tt.status, status, out)
			assert.Contains(t, out, tt.want)
			if tt.status != 0 {
				assert.Contains(t, out, "FAILED")
				assert.NotContains(t, out, "verified")
			}
		})
	}
	bin := t.TempDir()
	stubCommand(t, bin, "auditctl", "exit 1")
	out, status := runHelpers(t, bin, check)
	assert.Equal(t, 1, status, out)
	assert.Contains(t, out, "auditctl -l failed")
}

// TestAuditIsOnBeforeTheInstanceCountsAsHardened checks the order of the audit steps in every role: the
// agent that ships the log first, the never,task rule disabled before our rules load, the load verified,
// and only then the mark that lets logins be created, before tools or services.
func TestAuditIsOnBeforeTheInstanceCountsAsHardened(t *testing.T) {
	for _, role := range allRoles {
		s := renderRole(t, role)
		order := []string{
			"amazon-cloudwatch-agent-ctl -a fetch-config",
			"sce_allow_syscall_audit /etc/audit/rules.d",
			"cat >/etc/audit/rules.d/50-sce.rules <<'AUDIT'\n-D\n",
			"augenrules --load\n",
			"sce_verify_audit identity privilege sshd privileged",
			"date --iso-8601=seconds >" + hardenedMarker,
		}
		at := -1
		for _, step := range order {
			i := strings.Index(s, step)
			require.GreaterOrEqual(t, i, 0, "%s: %q", role, step)
			assert.Greater(t, i, at, "%s: %q comes after the previous step", role, step)
			at = i
		}
		assert.NotContains(t, s, "augenrules --load || true", "%s: a failed load is not ignored", role)
		if role != RoleWorker {
			assert.Less(t, strings.Index(s, "systemctl restart sshd"), at, "%s: sshd is hardened before the mark", role)
		}
	}
	ws := renderRole(t, RoleWorkstation)
	assert.Contains(t, ws, "sce_verify_audit identity privilege sshd privileged phi-access:/study\n", "the PHI watch is verified")
	assert.Less(t, strings.Index(ws, hardenedMarker), strings.Index(ws, "jupyterlab"), "tools come after the mark")
	atlas := renderRole(t, RoleAtlas)
	assert.Less(t, strings.Index(atlas, hardenedMarker), strings.Index(atlas, "dnf -y install docker"), "Atlas comes after the mark")
	worker := renderRole(t, RoleWorker)
	assert.Contains(t, worker, "sce_verify_audit identity privilege sshd privileged phi-access:/scratch\n")
	assert.Less(t, strings.Index(worker, "mount /scratch"), strings.Index(worker, "\nsce_verify_audit "), "the scratch watch is placed on the mounted volume")
}

// TestUserDataFitsEC2sLimit: EC2 accepts at most 16 KB of user data before base64 encoding, and no
// researcher adds to it.
func TestUserDataFitsEC2sLimit(t *testing.T) {
	for _, role := range allRoles {
		assert.LessOrEqual(t, len(renderRole(t, role)), MaxUserDataBytes, role)
	}
	u := sampleUserData(RoleWorker)
	u.Worker.Pipeline = "/opt/pipeline/run " + strings.Repeat("--flag ", MaxUserDataBytes/7)
	_, err := RenderUserData(u)
	assert.ErrorContains(t, err, "EC2 accepts at most 16384 before base64 encoding", "refused when the plan is built, not by AWS")
}

// TestRenderedScriptsPassShellcheck runs shellcheck over every user data script and login script. It runs
// wherever shellcheck is installed, and must run in CI.
func TestRenderedScriptsPassShellcheck(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("shellcheck is not installed; CI must run this test (apt-get install shellcheck)")
		}
		t.Skip("shellcheck is not installed (apt-get install shellcheck)")
	}
	scripts := map[string]string{}
	for _, role := range allRoles {
		scripts[role+"-user-data.sh"] = renderRole(t, role)
	}
	for name, s := range renderedScripts(t) {
		scripts[name+"-pinned.sh"] = s
	}
	// The results script is a quoted here-document of the Atlas host's user data, which shellcheck does
	// not look into: it is checked on its own.
	scripts["atlas-webapi-results.sh"] = heredoc(t, renderRole(t, RoleAtlas), "RESULTS")
	for _, role := range []string{RoleBastion, RoleWorkstation, RoleAtlas} {
		s, err := RenderLoginScript(Logins{PIT: "study", Role: role, Researchers: testResearchers})
		require.NoError(t, err)
		scripts[role+"-logins.sh"] = s
	}
	broker, err := RenderBrokerInstall(BrokerInstall{PIT: "study", Region: "us-west-2", URI: "s3://study-ancillary-1/" + BrokerKey(ArchX86), SHA256: testSumA})
	require.NoError(t, err)
	scripts["workstation-broker-install.sh"] = broker
	dir := t.TempDir()
	for name, s := range scripts {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(s), 0o600))
		out, err := exec.Command(shellcheck, "--shell=bash", "--severity=style", path).CombinedOutput()
		assert.NoError(t, err, "%s:\n%s", name, out)
	}
}

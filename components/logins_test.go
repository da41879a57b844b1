package components

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
)

// manyResearchers returns n researchers with distinct real ed25519 keys and a typical comment.
func manyResearchers(t *testing.T, n int) []Researcher {
	t.Helper()
	out := make([]Researcher, n)
	for i := range out {
		seed := make([]byte, ed25519.SeedSize)
		copy(seed, fmt.Sprintf("researcher-%04d", i))
		pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
		require.NoError(t, err)
		login := fmt.Sprintf("researcher%03d", i)
		key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " " + login + "@university.example.org"
		out[i] = Researcher{Login: login, PublicKey: key}
	}
	return out
}

func TestLoginScriptsAreValidBashForEveryRole(t *testing.T) {
	for _, role := range []string{RoleBastion, RoleWorkstation, RoleAtlas} {
		s, err := RenderLoginScript(Logins{PIT: "study", Role: role, Researchers: testResearchers})
		require.NoError(t, err, role)
		bashSyntax(t, s)
		assert.True(t, strings.HasPrefix(s, "#!/bin/bash\n"), role)
		assert.Contains(t, s, "set -euo pipefail", role)
	}
	_, err := RenderLoginScript(Logins{PIT: "study", Role: RoleWorker})
	assert.ErrorContains(t, err, "has no researcher logins")
}

func TestLoginScriptRefusesUnsafeValues(t *testing.T) {
	tests := []struct {
		name string
		r    Researcher
	}{
		{"a login with a quote", Researcher{Login: "eve'; rm -rf /", PublicKey: "ssh-ed25519 AAAA"}},
		{"a key with a newline", Researcher{Login: "eve", PublicKey: "ssh-ed25519 AAAA\nrm -rf /"}},
		{"a key with a quote", Researcher{Login: "eve", PublicKey: "ssh-ed25519 AAAA eve'@example.org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RenderLoginScript(Logins{PIT: "study", Role: RoleWorkstation, Researchers: []Researcher{tt.r}})
			assert.ErrorContains(t, err, "unsafe login or key")
		})
	}
}

// TestLoginScriptWaitsForTheHardenedMark: Systems Manager runs a new association as soon as the instance
// registers, which is before its first boot has hardened sshd and auditd.
func TestLoginScriptWaitsForTheHardenedMark(t *testing.T) {
	s, err := RenderLoginScript(Logins{PIT: "study", Role: RoleWorkstation, Researchers: testResearchers})
	require.NoError(t, err)
	wait := strings.Index(s, "[ -e "+hardenedMarker+" ] && break")
	require.GreaterOrEqual(t, wait, 0, "the script waits for the mark")
	assert.Contains(t, s, "for _ in $(seq 1 300); do", "for at most 300 x 10 s, within the step's 3600 s timeout")
	assert.Contains(t, s, "exit 1\nfi", "and fails when the mark never comes")
	for _, change := range []string{"groupadd", "useradd", "usermod"} {
		assert.Less(t, wait, strings.Index(s, change), "%s only after the wait", change)
	}
	for _, role := range []string{RoleBastion, RoleWorkstation, RoleAtlas, RoleWorker} {
		assert.Contains(t, renderRole(t, role), "date --iso-8601=seconds >"+hardenedMarker, "%s: its first boot writes the mark", role)
	}
}

// TestLoginScriptReconcilesTheListedLogins runs the script with stand-ins for the account commands: the
// listed logins are enabled, a new one is created, and a group member no longer listed is expired.
func TestLoginScriptReconcilesTheListedLogins(t *testing.T) {
	s, err := RenderLoginScript(Logins{PIT: "study", Role: RoleWorkstation, Researchers: testResearchers})
	require.NoError(t, err)
	dir := t.TempDir()
	marker := filepath.Join(dir, "hardened")
	require.NoError(t, os.WriteFile(marker, nil, 0o600))
	s = strings.ReplaceAll(s, hardenedMarker, marker)

	calls := filepath.Join(dir, "calls")
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	stub := func(name, body string) {
		script := "#!/bin/bash\necho \"" + name + " $*\" >>" + calls + "\n" + body + "\n"
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755))
	}
	for _, name := range []string{"groupadd", "usermod", "useradd", "pkill"} {
		stub(name, "exit 0")
	}
	stub("getent", `echo "sce-researchers:x:1001:alice,carol"`)
	stub("id", `[ "$2" = alice ] || [ "$2" = carol ]`)
	stub("runuser", `[ "$4" = tee ] && cat >/dev/null; exit 0`)
	path := filepath.Join(dir, "login.sh")
	require.NoError(t, os.WriteFile(path, []byte(s), 0o600))
	cmd := exec.Command("bash", path)
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	raw, err := os.ReadFile(calls)
	require.NoError(t, err)
	log := string(raw)
	assert.Contains(t, log, "groupadd -f sce-researchers\n")
	assert.Contains(t, log, "usermod --expiredate 1 carol\n", "carol is no longer listed")
	assert.Contains(t, log, "pkill -KILL -u carol\n")
	assert.NotContains(t, log, "usermod --expiredate 1 alice")
	assert.Contains(t, log, "useradd --create-home --shell /bin/bash --groups sce-researchers bob\n", "bob is new")
	assert.NotContains(t, log, "useradd --create-home --shell /bin/bash --groups sce-researchers alice", "alice exists")
	for _, login := range []string{"alice", "bob"} {
		assert.Contains(t, log, "usermod --expiredate  "+login+"\n", "%s is enabled", login)
		assert.Contains(t, log, "runuser -u "+login+" -- tee /home/"+login+"/.ssh/authorized_keys\n", "%s's key is written as %s", login, login)
	}
	assert.Contains(t, string(out), "sce: login carol removed from sce-researchers's list: expired")
}

func TestLoginDocumentRunsExactlyTheLoginScript(t *testing.T) {
	l := Logins{PIT: "study", Role: RoleWorkstation, Researchers: testResearchers}
	script, err := RenderLoginScript(l)
	require.NoError(t, err)
	content, err := LoginDocumentContent(l)
	require.NoError(t, err)
	var doc loginDocument
	require.NoError(t, json.Unmarshal([]byte(content), &doc))
	require.Len(t, doc.MainSteps, 1)
	assert.Equal(t, strings.TrimSuffix(script, "\n"), strings.Join(doc.MainSteps[0].Inputs.RunCommand, "\n"),
		"Systems Manager joins runCommand lines into the script it runs")
	assert.Equal(t, "3600", doc.MainSteps[0].Inputs.TimeoutSeconds)
}

// TestLoginDocumentsFitSystemsManagersLimit: a Command document holds at most 64 KB. A hundred researchers
// with ed25519 keys fit; a list that does not is refused when the plan is built, not by AWS.
func TestLoginDocumentsFitSystemsManagersLimit(t *testing.T) {
	people := manyResearchers(t, 100)
	for _, role := range []string{RoleBastion, RoleWorkstation, RoleAtlas} {
		content, err := LoginDocumentContent(Logins{PIT: "study", Role: role, Researchers: people})
		require.NoError(t, err, role)
		assert.LessOrEqual(t, len(content), MaxDocumentBytes, role)
		assert.Contains(t, content, people[99].PublicKey, role)
	}
	rsa := strings.Repeat("A", 716) // the base64 body of an RSA-4096 public key
	var big []Researcher
	for i := 0; i < 100; i++ {
		big = append(big, Researcher{Login: fmt.Sprintf("r%03d", i), PublicKey: "ssh-rsa " + rsa + " r@example.org"})
	}
	_, err := LoginDocumentContent(Logins{PIT: "study", Role: RoleWorkstation, Researchers: big})
	assert.ErrorContains(t, err, "Systems Manager accepts at most 65536")
}

package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
)

// publicKeyFile writes a fresh ed25519 public key into dir and returns its path.
func publicKeyFile(t *testing.T, dir string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	sshPub, err := ssh.NewPublicKey(pub)
	require.NoError(t, err)
	path := filepath.Join(dir, "builder.pub")
	require.NoError(t, os.WriteFile(path, ssh.MarshalAuthorizedKey(sshPub), 0o644))
	return path
}

func TestInitWritesAStackFileThatScePlanAccepts(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"hipaa", "omop"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), data, 0o644))
	}
	key := publicKeyFile(t, t.TempDir())

	// Flags may follow the PIT, as in the usage line.
	code, stdout, stderr := runCLI("init", "cardio", "--dir", dir, "--ssh-cidr", "198.51.100.0/24", "--ssh-cidr", "203.0.113.9",
		"--ssh-key", key, "--email", "builder@example.org")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	path := filepath.Join(dir, "Pulumi.cardio.yaml")
	assert.Contains(t, stdout, "wrote "+path)
	assert.Contains(t, stdout, "VPC 10.2.0.0/16 (the first free /16)")
	assert.NotContains(t, stdout, "accountBaseline false", "the example Pulumi.hipaa.yaml owns no account's baseline")
	assert.Contains(t, stdout, "schedule  working hours in America/Los_Angeles (sce:timeZone)")
	assert.Contains(t, stdout, "go run ./cmd/sce plan --stack cardio --config "+path)

	code, stdout, stderr = runCLI("plan", "--stack", "cardio", "--config", path)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `Plan of stack "cardio"`)

	// A second run refuses to overwrite, and exits 1.
	code, _, stderr = runCLI("init", "--dir", dir, "cardio", "--ssh-cidr", "198.51.100.0/24", "--ssh-key", key)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "Pulumi.cardio.yaml exists; nothing is overwritten without --force")
}

func TestInitExitCodes(t *testing.T) {
	key := publicKeyFile(t, t.TempDir())
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no PIT is a usage error", []string{"init", "--ssh-key", key}, 2, "the PIT is required"},
		{"two PITs are a usage error", []string{"init", "a1x", "b2y"}, 2, "one PIT only, got 2 arguments"},
		{"an unknown flag is a usage error", []string{"init", "cardio", "--vpc", "10.0.0.0/16"}, 2, "flag provided but not defined: -vpc"},
		{"an invalid PIT exits 1 with every problem", []string{"init", "Cardio", "--ssh-key", key}, 1,
			"PIT: \"Cardio\" is not a valid PIT"},
		{"missing ssh ranges exit 1 naming the flag", []string{"init", "cardio", "--ssh-key", key}, 1,
			"--ssh-cidr: sce:allowedSshCidrs: is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := runCLI(append(tc.args, "--dir", dir)...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr, tc.stderr)
			assert.Empty(t, stdout)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written")
		})
	}
}

func TestUsageListsInit(t *testing.T) {
	code, stdout, _ := runCLI("help")
	assert.Equal(t, 0, code)
	assert.True(t, strings.Contains(stdout, "init       Write a new project's stack file"), stdout)
	assert.Contains(t, stdout, "sce init <pit> [--cidr BLOCK] [--dir DIR] [--email ADDRESS ...] [--force]")
}

// TestInitWarnsWithoutAnEmail: without --email the project's alerts reach nobody; init still writes the
// file and says so on stderr.
func TestInitWarnsWithoutAnEmail(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI("init", "cardio", "--dir", dir, "--ssh-cidr", "198.51.100.0/24", "--ssh-key", publicKeyFile(t, t.TempDir()))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "warning: no --email")
	assert.Contains(t, stderr, "sce:notificationEmails")
}

func TestInitForceUpdatesALiveStackFileAndSaysWhatItKept(t *testing.T) {
	dir := t.TempDir()
	key := publicKeyFile(t, t.TempDir())
	code, _, stderr := runCLI("init", "cardio", "--dir", dir, "--ssh-cidr", "198.51.100.0/24", "--ssh-key", key, "--email", "b@example.org")
	require.Equal(t, 0, code, stderr)
	path := filepath.Join(dir, "Pulumi.cardio.yaml")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	live := "secretsprovider: awskms://alias/pulumi-secrets?region=us-west-2\n" + strings.Replace(string(data), "  sce:researchers: []\n",
		"  sce:researchers:\n    - alice ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxshx/hU/qmeT0q1IbNEFxqo2oGGFO7811sVSUS3GmW alice@example.org\n", 1)
	require.NoError(t, os.WriteFile(path, []byte(live), 0o644))

	code, stdout, stderr := runCLI("init", "cardio", "--dir", dir, "--force", "--ssh-cidr", "203.0.113.0/24")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "updated "+path+" (the previous file is kept as "+path+".")
	assert.Contains(t, stdout, "  replaced  sce:allowedSshCidrs\n")
	assert.Contains(t, stdout, "secretsprovider")
	assert.Contains(t, stdout, "sce:researchers")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(live, "198.51.100.0/24", "203.0.113.0/24", 1), string(got))
}

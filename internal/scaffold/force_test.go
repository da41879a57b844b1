package scaffold_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/scaffold"
)

// liveStack is a stack file as it looks after `pulumi stack init` and some weeks of use: a secrets
// provider and its encrypted data key, an encrypted value, researchers, OMOP, a VPC block of its own, and
// comments.
const liveStack = `secretsprovider: awskms://alias/pulumi-secrets?region=us-west-2
encryptedkey: AQICAHhExampleOnlyNotARealKey0123456789abcdefghij==
config:
  aws:region: us-west-2
  sce:pit: cardio
  # Our network plan: 10.40/16 is cardio's.
  sce:vpcCidr: 10.40.0.0/16
  sce:publicSubnetCidr: 10.40.0.0/24
  sce:privateSubnetCidr: 10.40.1.0/24
  sce:availabilityZone: us-west-2b
  sce:allowedSshCidrs:
    - 198.51.100.0/24
  sce:sshPublicKey: KEY
  sce:researchers:
    - alice ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxshx/hU/qmeT0q1IbNEFxqo2oGGFO7811sVSUS3GmW alice@example.org
  sce:notificationEmails:
    - builder@example.org
  sce:accountBaseline: false
  sce:omopEnabled: true
  sce:vpcTenancy: default
  sce:timeZone: America/Chicago
  aws:secretKey:
    secure: v1:ExampleOnlyCiphertext==
`

func TestForceKeepsEverythingTheFlagsDoNotSetAndWritesABackup(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	live := strings.Replace(liveStack, "KEY", pub, 1)
	dir := stackDir(t, map[string]string{"Pulumi.cardio.yaml": live, "Pulumi.hipaa.yaml": stackWith("10.0.0.0/16")})
	at := time.Date(2026, 12, 3, 14, 1, 2, 0, time.UTC)

	res, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: dir, Force: true, SSHCIDRs: []string{"203.0.113.0/24"},
		Now: func() time.Time { return at }})
	require.NoError(t, err)

	// The backup is the old file, byte for byte, next to it, under a name no tool takes for a stack file.
	assert.Equal(t, filepath.Join(dir, "Pulumi.cardio.yaml.20261203T140102Z.bak"), res.Backup)
	backup, err := os.ReadFile(res.Backup)
	require.NoError(t, err)
	assert.Equal(t, live, string(backup))
	files, err := scaffold.StackFiles(dir)
	require.NoError(t, err)
	assert.Len(t, files, 2, "the backup is not a stack file")

	// What the flag gave is replaced; everything else is as it was, comments and secrets included.
	got, err := os.ReadFile(filepath.Join(dir, "Pulumi.cardio.yaml"))
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(live, "198.51.100.0/24", "203.0.113.0/24", 1), string(got))
	assert.Equal(t, []string{"sce:allowedSshCidrs"}, res.Replaced)
	for _, k := range []string{"secretsprovider", "encryptedkey", "sce:researchers", "sce:omopEnabled", "sce:vpcCidr", "aws:secretKey", "sce:timeZone"} {
		assert.Contains(t, res.Kept, k)
	}
	assert.Equal(t, "10.40.0.0/16", res.Values.VPC.String())
	assert.True(t, res.Values.KeptNetwork)
	assert.Equal(t, "us-west-2b", res.Values.AvailabilityZone)
	assert.Equal(t, "America/Chicago", res.Values.TimeZone)

	sf, err := plan.ParseStackFile(got, "Pulumi.cardio.yaml")
	require.NoError(t, err)
	assert.Equal(t, []string{"aws:secretKey"}, sf.SecretKeys)
	assert.Equal(t, "false", sf.Config["sce:accountBaseline"])

	// A second update never overwrites the first backup.
	at = at.Add(0)
	res2, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: dir, Force: true, Emails: []string{"pi@example.org"}, Now: func() time.Time { return at }})
	require.NoError(t, err)
	assert.NotEqual(t, res.Backup, res2.Backup)
	first, err := os.ReadFile(res.Backup)
	require.NoError(t, err)
	assert.Equal(t, live, string(first))
}

func TestForceAddsAKeyTheFileLacksWithItsComment(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	live := "config:\n  aws:region: us-west-2\n  sce:pit: cardio\n  sce:allowedSshCidrs:\n    - 198.51.100.0/24\n  sce:sshPublicKey: " + pub + "\n"
	dir := stackDir(t, map[string]string{"Pulumi.cardio.yaml": live})
	res, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: dir, Force: true, Emails: []string{"pi@example.org"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"sce:notificationEmails"}, res.Replaced)
	assert.Contains(t, res.Content, "# ATTENTION: who receives the alarms")
	assert.Contains(t, res.Content, "  sce:notificationEmails:\n    - pi@example.org\n")
	assert.NotContains(t, res.Content, "sce:accountBaseline", "a key the flags do not give is not added: its default is what the live stack runs with")
	assert.Equal(t, "10.0.0.0/16", res.Values.VPC.String(), "the file's network, the default, is kept")
}

func TestForceRefusesAFileItCannotReadBackAndChangesNothing(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	const broken = "config:\n  aws:region: [unclosed\n"
	dir := stackDir(t, map[string]string{"Pulumi.cardio.yaml": broken})
	_, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: dir, Force: true, SSHCIDRs: []string{"198.51.100.0/24"}, SSHKey: pub})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Pulumi.cardio.yaml cannot be updated")
	assert.Equal(t, map[string]string{"Pulumi.cardio.yaml": broken}, listing(t, dir))
}

func TestExampleStacksNeverOwnTheAccountBaseline(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	example := scaffold.ExampleMarker + ": example values\n" + stackWith("10.0.0.0/16")
	tests := []struct {
		name     string
		files    map[string]string
		baseline bool
		owner    string
	}{
		{"only an example owns it: the new stack must", map[string]string{"Pulumi.hipaa.yaml": example}, true, ""},
		{"a deployed stack owns it", map[string]string{"Pulumi.hipaa.yaml": example, "Pulumi.onco.yaml": stackWith("10.5.0.0/16")}, false, "Pulumi.onco.yaml"},
		{"a deployed stack of another region does not", map[string]string{"Pulumi.onco.yaml": strings.Replace(stackWith("10.5.0.0/16"), "us-west-2", "us-east-1", 1)}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := stackDir(t, tt.files)
			res, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: dir, SSHCIDRs: []string{"198.51.100.0/24"}, SSHKey: pub})
			require.NoError(t, err)
			assert.Equal(t, tt.baseline, res.Values.AccountBaseline)
			assert.Equal(t, tt.owner, res.Values.BaselineOwner)
		})
	}
}

func TestTheRepositorysReferenceStacksAreMarkedAsExamples(t *testing.T) {
	stacks, err := scaffold.ReadStacks(filepath.Join("..", ".."), "")
	require.NoError(t, err)
	require.Len(t, stacks, 2)
	for _, s := range stacks {
		assert.True(t, s.Example, s.File)
	}
}

func TestInitWritesTheRegionsTimeZone(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	res, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: t.TempDir(), Region: "eu-central-1", SSHCIDRs: []string{"198.51.100.0/24"}, SSHKey: pub})
	require.NoError(t, err)
	assert.Contains(t, res.Content, "  sce:timeZone: Europe/Berlin\n")
	assert.Equal(t, "Europe/Berlin", res.Values.TimeZone)
	assert.Equal(t, "eu-central-1a", res.Values.AvailabilityZone)
}

func TestInitWarnsOfAnSSHBlockThatCanNeverMatch(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	res, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: t.TempDir(), SSHCIDRs: []string{"192.168.1.0/24"}, SSHKey: pub, Emails: []string{"b@example.org"}})
	require.NoError(t, err, "a warning still writes the file")
	require.Len(t, res.Warnings, 1)
	assert.Contains(t, res.Warnings[0], `sce:allowedSshCidrs: "192.168.1.0/24" is a private-use block (RFC 1918)`)
}

func TestForceKeepsAnotherIndentationAndTheBlankLines(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	live := "config:\n    aws:region: us-west-2\n\n    sce:pit: cardio\n\n    # our blocks\n    sce:allowedSshCidrs:\n        - 198.51.100.0/24\n\n    sce:sshPublicKey: " + pub + "\n"
	dir := stackDir(t, map[string]string{"Pulumi.cardio.yaml": live})
	res, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: dir, Force: true, SSHCIDRs: []string{"203.0.113.0/24", "192.0.2.0/24"},
		Emails: []string{"pi@example.org"}})
	require.NoError(t, err)
	want := "config:\n    aws:region: us-west-2\n\n    sce:pit: cardio\n\n    # our blocks\n    sce:allowedSshCidrs:\n      - 203.0.113.0/24\n      - 192.0.2.0/24\n\n    sce:sshPublicKey: " + pub + "\n"
	assert.True(t, strings.HasPrefix(res.Content, want), res.Content)
	assert.Contains(t, res.Content, "\n    sce:notificationEmails:\n      - pi@example.org\n")
}

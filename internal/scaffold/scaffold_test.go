package scaffold_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/scaffold"
	"github.com/sce-project/sce/internal/stack"
)

// keyPair makes an ed25519 key pair and returns the public key line and the private key in OpenSSH PEM.
func keyPair(t *testing.T, comment string) (string, []byte) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	sshPub, err := ssh.NewPublicKey(pub)
	require.NoError(t, err)
	block, err := ssh.MarshalPrivateKey(priv, comment)
	require.NoError(t, err)
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " " + comment, pem.EncodeToMemory(block)
}

// stackDir makes a directory holding the given stack files (base name -> contents).
func stackDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	return dir
}

// listing returns the directory's file names and contents, to prove that nothing was written.
func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = string(data)
	}
	return out
}

func stackWith(cidr string) string {
	return "config:\n  aws:region: us-west-2\n  sce:pit: other\n  sce:vpcCidr: " + cidr + "\n"
}

func TestInitChoosesTheFirstVPCBlockThatOverlapsNoOtherStack(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	cases := []struct {
		name     string
		existing map[string]string
		want     string
	}{
		{"an empty directory gets 10.0.0.0/16", nil, "10.0.0.0/16"},
		{"the reference stacks' 10.0 and 10.1 leave 10.2", map[string]string{
			"Pulumi.hipaa.yaml": stackWith("10.0.0.0/16"), "Pulumi.omop.yaml": stackWith("10.1.0.0/16")}, "10.2.0.0/16"},
		{"a gap between stacks is filled first", map[string]string{
			"Pulumi.a.yaml": stackWith("10.0.0.0/16"), "Pulumi.b.yaml": stackWith("10.2.0.0/16")}, "10.1.0.0/16"},
		{"a stack without sce:vpcCidr holds the default 10.0.0.0/16", map[string]string{
			"Pulumi.a.yaml": "config:\n  aws:region: us-west-2\n"}, "10.1.0.0/16"},
		{"a narrow block inside a /16 takes the whole /16", map[string]string{
			"Pulumi.a.yaml": stackWith("10.0.200.0/24")}, "10.1.0.0/16"},
		{"a wide block excludes every /16 inside it", map[string]string{
			"Pulumi.a.yaml": stackWith("10.0.0.0/12")}, "10.16.0.0/16"},
		{"a .yml stack file counts too", map[string]string{
			"Pulumi.a.yml": stackWith("10.0.0.0/16")}, "10.1.0.0/16"},
		{"blocks outside 10.0.0.0/8 take nothing from it", map[string]string{
			"Pulumi.a.yaml": stackWith("172.16.0.0/16")}, "10.0.0.0/16"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := stackDir(t, tc.existing)
			res, err := scaffold.Init(scaffold.Options{PIT: "cardio", Dir: dir, SSHCIDRs: []string{"198.51.100.0/24"}, SSHKey: pub})
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Values.VPC.String())
			assert.True(t, res.Values.Chosen)
			vpc := netip.MustParsePrefix(tc.want)
			public, private, err := scaffold.Subnets(vpc)
			require.NoError(t, err)
			assert.Equal(t, public, res.Values.PublicSubnet)
			assert.Equal(t, private, res.Values.PrivateSubnet)
			for _, n := range res.Values.Neighbours {
				assert.False(t, n.VPC.Overlaps(vpc), "%s overlaps %s", n.File, vpc)
			}
			written, err := os.ReadFile(filepath.Join(dir, "Pulumi.cardio.yaml"))
			require.NoError(t, err)
			assert.Contains(t, string(written), "sce:vpcCidr: "+tc.want+"\n")
		})
	}
}

func TestSubnetsAreTheFirstTwoSlashTwentyFoursOrTheTwoHalves(t *testing.T) {
	cases := []struct {
		vpc, public, private string
	}{
		{"10.7.0.0/16", "10.7.0.0/24", "10.7.1.0/24"},
		{"172.16.4.0/22", "172.16.4.0/24", "172.16.5.0/24"},
		{"192.168.8.0/23", "192.168.8.0/24", "192.168.9.0/24"},
		{"10.0.0.0/24", "10.0.0.0/25", "10.0.0.128/25"},
		{"10.0.0.0/27", "10.0.0.0/28", "10.0.0.16/28"},
	}
	for _, tc := range cases {
		t.Run(tc.vpc, func(t *testing.T) {
			public, private, err := scaffold.Subnets(netip.MustParsePrefix(tc.vpc))
			require.NoError(t, err)
			assert.Equal(t, tc.public, public.String())
			assert.Equal(t, tc.private, private.String())
		})
	}
	_, _, err := scaffold.Subnets(netip.MustParsePrefix("10.0.0.0/28"))
	assert.ErrorContains(t, err, "too narrow")
}

func TestInitRefusesBadInputAndWritesNothing(t *testing.T) {
	pub, priv := keyPair(t, "builder@example.org")
	reference := map[string]string{"Pulumi.hipaa.yaml": stackWith("10.0.0.0/16"), "Pulumi.omop.yaml": stackWith("10.1.0.0/16")}
	good := func() scaffold.Options {
		return scaffold.Options{PIT: "cardio", SSHCIDRs: []string{"198.51.100.0/24"}, SSHKey: pub}
	}
	cases := []struct {
		name     string
		existing map[string]string
		change   func(o *scaffold.Options, dir string)
		want     []string // substrings of the error, each naming the flag
		notWant  []string
	}{
		{name: "a --cidr overlapping another stack names that stack file and its block", existing: reference,
			change: func(o *scaffold.Options, _ string) { o.CIDR = "10.1.128.0/20" },
			want:   []string{"--cidr: 10.1.128.0/20 overlaps the VPC of Pulumi.omop.yaml 10.1.0.0/16"}},
		{name: "a --cidr containing two stacks names both",
			existing: map[string]string{"Pulumi.a.yaml": stackWith("10.5.0.0/24"), "Pulumi.b.yaml": stackWith("10.5.1.0/24")},
			change:   func(o *scaffold.Options, _ string) { o.CIDR = "10.5.0.0/16" },
			want:     []string{"--cidr: 10.5.0.0/16 overlaps the VPC of Pulumi.a.yaml 10.5.0.0/24, Pulumi.b.yaml 10.5.1.0/24"}},
		{name: "an invalid PIT is refused with what is accepted", existing: reference,
			change: func(o *scaffold.Options, _ string) { o.PIT = "Cardio_1" },
			want:   []string{`PIT: "Cardio_1" is not a valid PIT; accepted: 3-12 characters`}},
		{name: "a PIT that is a path is refused before any path is built", existing: reference,
			change: func(o *scaffold.Options, _ string) { o.PIT = "../x" },
			want:   []string{`PIT: "../x" is not a valid PIT`}},
		{name: "a missing PIT is required",
			change: func(o *scaffold.Options, _ string) { o.PIT = "" },
			want:   []string{"PIT: is required"}},
		{name: "a private key file is refused without showing it",
			change: func(o *scaffold.Options, dir string) {
				path := filepath.Join(dir, "..", "id_ed25519")
				require.NoError(t, os.WriteFile(path, priv, 0o600))
				o.SSHKey = path
			},
			want:    []string{"--ssh-key: file ", "is a private key; give the public key"},
			notWant: []string{"sce:sshPublicKey: is required", string(priv[40:80])}},
		{name: "a private key given inline is refused without showing it",
			change:  func(o *scaffold.Options, _ string) { o.SSHKey = string(priv) },
			want:    []string{"--ssh-key: is a private key"},
			notWant: []string{string(priv[40:80])}},
		{name: "a key file that does not exist is named",
			change: func(o *scaffold.Options, _ string) { o.SSHKey = "/nonexistent/id.pub" },
			want:   []string{"--ssh-key: read public key file: open /nonexistent/id.pub"}},
		{name: "a garbled key line is refused by the configuration check",
			change: func(o *scaffold.Options, _ string) { o.SSHKey = "ssh-ed25519 AAAAnotbase64" },
			want:   []string{"--ssh-key: sce:sshPublicKey:", "is not an OpenSSH public key"}},
		{name: "without ssh ranges and key both are required",
			change: func(o *scaffold.Options, _ string) { o.SSHCIDRs, o.SSHKey = nil, "" },
			want:   []string{"--ssh-cidr: sce:allowedSshCidrs: is required", "--ssh-key: sce:sshPublicKey: is required"}},
		{name: "ssh from anywhere is refused",
			change: func(o *scaffold.Options, _ string) { o.SSHCIDRs = []string{"0.0.0.0/0"} },
			want:   []string{"--ssh-cidr: sce:allowedSshCidrs: \"0.0.0.0/0\" admits ssh from a /0, too wide"}},
		{name: "a malformed e-mail is refused",
			change: func(o *scaffold.Options, _ string) { o.Emails = []string{"Builder <b@example.org>"} },
			want:   []string{"--email: sce:notificationEmails:", "is not a well-formed e-mail address"}},
		{name: "an unknown region is refused",
			change: func(o *scaffold.Options, _ string) { o.Region = "mars-north-1" },
			want:   []string{`--region: aws:region: "mars-north-1" is not a supported region`}},
		{name: "a public --cidr is refused",
			change: func(o *scaffold.Options, _ string) { o.CIDR = "8.8.0.0/16" },
			want:   []string{"--cidr: sce:vpcCidr: \"8.8.0.0/16\" is not a private range"}},
		{name: "a --cidr with host bits is refused",
			change: func(o *scaffold.Options, _ string) { o.CIDR = "10.9.1.0/16" },
			want:   []string{`--cidr: "10.9.1.0/16" has host bits set; did you mean 10.9.0.0/16?`}},
		{name: "a --cidr too narrow for two subnets is refused",
			change: func(o *scaffold.Options, _ string) { o.CIDR = "10.9.0.0/28" },
			want:   []string{`--cidr: "10.9.0.0/28" is /28; accepted: /16 to /27`}},
		{name: "an unreadable neighbour stack file is named, and no block is chosen blind",
			existing: map[string]string{"Pulumi.broken.yaml": "config: [unclosed\n"},
			want:     []string{"existing stack file Pulumi.broken.yaml: parse stack file"},
			notWant:  []string{"--cidr"}},
		{name: "a neighbour with an encrypted VPC block cannot be compared",
			existing: map[string]string{"Pulumi.secret.yaml": "config:\n  sce:vpcCidr:\n    secure: AAAbase64\n"},
			want:     []string{"existing stack file Pulumi.secret.yaml: sce:vpcCidr is encrypted"}},
		{name: "every problem is reported at once", existing: reference,
			change: func(o *scaffold.Options, _ string) {
				o.PIT, o.CIDR, o.Emails, o.Region = "X", "10.0.0.0/16", []string{"nope"}, "nowhere"
			},
			want: []string{"PIT:", "--cidr: 10.0.0.0/16 overlaps", "--email:", "--region:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := stackDir(t, tc.existing)
			before := listing(t, dir)
			opts := good()
			opts.Dir = dir
			if tc.change != nil {
				tc.change(&opts, dir)
			}
			res, err := scaffold.Init(opts)
			require.Error(t, err)
			assert.Nil(t, res)
			var problems *scaffold.Error
			require.True(t, errors.As(err, &problems), "%T", err)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "nothing written, "), msg)
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
			for _, nw := range tc.notWant {
				assert.NotContains(t, msg, nw)
			}
			assert.Equal(t, before, listing(t, dir), "nothing was written")
		})
	}
}

func TestInitNeverOverwritesAStackFileWithoutForce(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	const old = "config:\n  aws:region: us-west-2\n  sce:pit: cardio\n  sce:vpcCidr: 10.40.0.0/16\n"
	dir := stackDir(t, map[string]string{"Pulumi.cardio.yaml": old, "Pulumi.hipaa.yaml": stackWith("10.0.0.0/16")})
	opts := scaffold.Options{PIT: "cardio", Dir: dir, SSHCIDRs: []string{"198.51.100.0/24"}, SSHKey: pub}

	_, err := scaffold.Init(opts)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Pulumi.cardio.yaml exists; nothing is overwritten without --force")
	got, err := os.ReadFile(filepath.Join(dir, "Pulumi.cardio.yaml"))
	require.NoError(t, err)
	assert.Equal(t, old, string(got))

	// With --force the file is updated, and its own block does not count as another stack's: the
	// network of a live stack is kept (force_test.go has the rest).
	opts.Force = true
	opts.Now = func() time.Time { return time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC) }
	_, err = scaffold.Init(opts)
	require.Error(t, err, "the old file's subnets are the defaults, outside its 10.40.0.0/16: validation says so")
	assert.Contains(t, err.Error(), "sce:publicSubnetCidr")
	opts.CIDR = "10.40.0.0/16"
	res, err := scaffold.Init(opts)
	require.NoError(t, err)
	assert.Equal(t, "10.40.0.0/16", res.Values.VPC.String())
	require.Len(t, res.Values.Neighbours, 1)
	assert.Equal(t, "Pulumi.hipaa.yaml", res.Values.Neighbours[0].File)
	got, err = os.ReadFile(filepath.Join(dir, "Pulumi.cardio.yaml"))
	require.NoError(t, err)
	assert.Equal(t, res.Content, string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "the stack file, its backup and the other stack: no temporary file is left behind")
	backup, err := os.ReadFile(res.Backup)
	require.NoError(t, err)
	assert.Equal(t, old, string(backup))
}

func TestTheWrittenFileIsAValidStackThatPlansOffline(t *testing.T) {
	pub, _ := keyPair(t, "builder@example.org")
	keyDir := t.TempDir()
	keyFile := filepath.Join(keyDir, "id_ed25519.pub")
	require.NoError(t, os.WriteFile(keyFile, []byte(pub+"\n"), 0o644))
	repo, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.hipaa.yaml"))
	require.NoError(t, err)
	omop, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.omop.yaml"))
	require.NoError(t, err)
	dir := stackDir(t, map[string]string{"Pulumi.hipaa.yaml": string(repo), "Pulumi.omop.yaml": string(omop)})

	cases := []struct {
		name string
		opts scaffold.Options
		// what the stack file must say
		vpc, region, zone string
		baseline          bool
		emails            []string
	}{
		{name: "a stack next to the reference stacks in their region owns the baseline: examples are never deployed ones",
			opts: scaffold.Options{PIT: "cardio", SSHCIDRs: []string{"198.51.100.7", "203.0.113.0/24"}, SSHKey: keyFile,
				Emails: []string{"builder@example.org", "pi@example.org"}},
			vpc: "10.2.0.0/16", region: "us-west-2", zone: "us-west-2a", baseline: true,
			emails: []string{"builder@example.org", "pi@example.org"}},
		{name: "a stack in another region with a given block owns its region's baseline",
			opts: scaffold.Options{PIT: "onco", Region: "eu-west-1", CIDR: "172.20.0.0/16", SSHCIDRs: []string{"192.0.2.0/24"}, SSHKey: pub},
			vpc:  "172.20.0.0/16", region: "eu-west-1", zone: "eu-west-1a", baseline: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Dir = dir
			res, err := scaffold.Init(tc.opts)
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(dir, "Pulumi."+tc.opts.PIT+".yaml"), res.Path)

			sf, err := plan.ReadStackFile(res.Path)
			require.NoError(t, err)
			cfg, err := config.Load(config.FromMap(sf.Config))
			require.NoError(t, err)
			assert.Equal(t, tc.opts.PIT, cfg.PIT)
			assert.Equal(t, tc.region, cfg.Region)
			assert.Equal(t, tc.zone, cfg.AvailabilityZone)
			assert.Equal(t, tc.vpc, cfg.VPCCIDR.String())
			assert.True(t, config.Contains(cfg.VPCCIDR, cfg.PublicSubnetCIDR) && config.Contains(cfg.VPCCIDR, cfg.PrivateSubnetCIDR))
			assert.False(t, cfg.PublicSubnetCIDR.Overlaps(cfg.PrivateSubnetCIDR))
			assert.Equal(t, pub, cfg.SSHPublicKey, "the key from the file or the flag, whole")
			assert.Equal(t, tc.baseline, cfg.AccountBaseline)
			assert.Equal(t, tc.emails, cfg.NotificationEmails)
			assert.Empty(t, cfg.Researchers)
			require.NotNil(t, cfg.Schedule, "the working-hours schedule is on")
			var sshBlocks []string
			for _, p := range cfg.AllowedSSHCIDRs {
				sshBlocks = append(sshBlocks, p.String())
			}
			for _, c := range tc.opts.SSHCIDRs {
				if !strings.Contains(c, "/") {
					c += "/32"
				}
				assert.Contains(t, sshBlocks, c)
			}
			for _, comment := range []string{"ATTENTION: the only address blocks", "ATTENTION: your own ssh PUBLIC key",
				"ATTENTION: one Linux login per researcher", "ATTENTION: who receives the alarms"} {
				assert.Contains(t, res.Content, comment)
			}

			p, err := plan.Run(plan.Options{Stack: tc.opts.PIT, Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
			require.NoError(t, err)
			assert.Empty(t, p.MandatoryViolations(), "the new stack passes every mandatory policy")
			assert.Equal(t, tc.vpc, vpcBlock(t, p))
			assert.Contains(t, p.Outputs, "researcherSshConfigs")
		})
	}
	// The four stack files of the directory overlap pairwise nowhere.
	stacks, err := scaffold.ReadStacks(dir, "")
	require.NoError(t, err)
	require.Len(t, stacks, 4)
	for i := range stacks {
		for j := i + 1; j < len(stacks); j++ {
			assert.False(t, stacks[i].VPC.Overlaps(stacks[j].VPC), "%s and %s", stacks[i].File, stacks[j].File)
		}
	}
}

// vpcBlock returns the cidrBlock the plan's one VPC was given.
func vpcBlock(t *testing.T, p *plan.Plan) string {
	t.Helper()
	var blocks []string
	for _, r := range p.Resources {
		if r.Type == "aws:ec2/vpc:Vpc" {
			s, _ := r.Inputs["cidrBlock"].(string)
			blocks = append(blocks, s)
		}
	}
	sort.Strings(blocks)
	require.Len(t, blocks, 1)
	return blocks[0]
}

func TestResolveSSHKeyTakesAFileOrTheKeyAndNeverAPrivateKey(t *testing.T) {
	pub, priv := keyPair(t, "me@example.org")
	dir := t.TempDir()
	pubFile := filepath.Join(dir, "id.pub")
	require.NoError(t, os.WriteFile(pubFile, []byte("\n"+pub+"\n\n"), 0o644))
	privFile := filepath.Join(dir, "id")
	require.NoError(t, os.WriteFile(privFile, priv, 0o600))
	putty := filepath.Join(dir, "id.ppk")
	require.NoError(t, os.WriteFile(putty, []byte("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"), 0o600))
	big := filepath.Join(dir, "big.pub")
	require.NoError(t, os.WriteFile(big, []byte(strings.Repeat("a", 20000)), 0o644))

	cases := []struct {
		name, value, want, wantErr string
	}{
		{"a key line is taken as it is", "  " + pub + " ", pub, ""},
		{"a .pub file is read and trimmed", pubFile, pub, ""},
		{"an OpenSSH private key file is refused", privFile, "", "is a private key"},
		{"a PuTTY private key file is refused", putty, "", "is a private key"},
		{"a private key pasted inline is refused", string(priv), "", "is a private key"},
		{"an oversized file is refused", big, "", "larger than"},
		{"an empty value is refused", " ", "", "is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scaffold.ResolveSSHKey(tc.value)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.NotContains(t, err.Error(), "AAAA", "no key material in the message")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	home, err := os.UserHomeDir()
	if err == nil && strings.HasPrefix(pubFile, home+string(filepath.Separator)) {
		got, err := scaffold.ResolveSSHKey("~/" + strings.TrimPrefix(pubFile, home+string(filepath.Separator)))
		require.NoError(t, err)
		assert.Equal(t, pub, got)
	}
}

func TestRenderedValuesReadBackExactly(t *testing.T) {
	values := []string{"ssh-ed25519 AAAA x@example.org", "no", "Off", "null", "2000", "1e3", "08:00-18:00",
		"has # hash", "trailing ", " leading", `quote"and\backslash`, "tab\there", "key: value", "ok-plain_value.1"}
	for _, v := range values {
		t.Run(v, func(t *testing.T) {
			content := scaffold.Render(scaffold.Values{PIT: "cardio", Region: "us-west-2", SSHPublicKey: v,
				VPC: netip.MustParsePrefix("10.0.0.0/16")})
			sf, err := plan.ParseStackFile([]byte(content), "test")
			require.NoError(t, err)
			assert.Equal(t, v, sf.Config["sce:sshPublicKey"])
		})
	}
}

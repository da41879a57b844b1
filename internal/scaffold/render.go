package scaffold

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/sce-project/sce/internal/config"
)

// Values are what a new stack file holds.
type Values struct {
	// PIT, Region and AvailabilityZone are sce:pit, aws:region and sce:availabilityZone (left out when the
	// region is unknown, so that validation reports the region).
	PIT, Region, AvailabilityZone string
	// VPC, PublicSubnet and PrivateSubnet are the network blocks.
	VPC, PublicSubnet, PrivateSubnet netip.Prefix
	// Neighbours are the other stack files the VPC block was compared with.
	Neighbours []Stack
	// Chosen records that the VPC block was chosen by sce init rather than given.
	Chosen bool
	// SSHCIDRs, SSHPublicKey and Emails are left out of the file when empty, so that validation says
	// they are required.
	SSHCIDRs     []string
	SSHPublicKey string
	Emails       []string
	// AccountBaseline, and the stack file that already owns the baseline when it is false.
	AccountBaseline bool
	BaselineOwner   string
	// TimeZone is sce:timeZone: the region's (config.RegionTimeZone).
	TimeZone string
	// KeptNetwork records that the network blocks are those of the existing file --force updates.
	KeptNetwork bool
}

// plainScalar matches values that YAML reads back as the same string without quotes.
var plainScalar = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._/@+=-]*$`)

// yamlSpecial are plain scalars that YAML 1.1 or 1.2 reads as something other than a string.
var yamlSpecial = []string{"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}

// scalar writes s as a YAML scalar that reads back as exactly s: plain when that is safe, otherwise
// double-quoted.
func scalar(s string) string {
	safe := plainScalar.MatchString(s) && !strings.HasSuffix(s, " ")
	for _, w := range yamlSpecial {
		if strings.EqualFold(s, w) {
			safe = false
		}
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		safe = false
	}
	if safe {
		return s
	}
	// Go's escapes (\n, \t, \", \\, \xXX, \uXXXX) are all valid in a YAML double-quoted scalar.
	return strconv.Quote(s)
}

// defaultOf returns a key's declared default, as Pulumi.yaml and the README give it.
func defaultOf(name string) string {
	k, _ := config.KeyNamed(name)
	return k.Default
}

// Render writes the stack file. Every key the builder must look at carries a comment saying what it is
// for and what to put there.
func Render(v Values) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	key := func(name string) string { return config.Namespace + ":" + name }
	list := func(name string, items []string) {
		if len(items) == 0 {
			line("  %s: []", key(name))
			return
		}
		line("  %s:", key(name))
		for _, it := range items {
			line("    - %s", scalar(it))
		}
	}

	line("# Stack %s, written by `sce init`. Check it offline before anything else:", v.PIT)
	line("#   go run ./cmd/sce plan --stack %s", v.PIT)
	line("# Keys marked ATTENTION need your decision. Keys not written here take their defaults: every key is")
	line("# described in README.md (Configuration reference) and in Pulumi.yaml.")
	line("config:")
	line("  %s: %s", config.RegionKey, scalar(v.Region))
	line("  # The Project Identifier Tag: it names every resource and bucket and tags each one Project=%s.", v.PIT)
	line("  %s: %s", key(config.KeyPIT), scalar(v.PIT))

	line("")
	if v.Chosen {
		line("  # The network: the first free /16 of 10.0.0.0/8, chosen by sce init so that it overlaps no other stack")
	} else {
		line("  # The network, given with --cidr: it overlaps no other stack")
	}
	if len(v.Neighbours) > 0 {
		line("  # file in this directory (%s).", describeStacks(v.Neighbours))
	} else {
		line("  # file in this directory (there is none yet).")
	}
	line("  # It must also differ from any network this VPC may ever be peered or joined with by VPN.")
	line("  %s: %s", key(config.KeyVPCCIDR), v.VPC)
	line("  %s: %s", key(config.KeyPublicSubnetCIDR), v.PublicSubnet)
	line("  %s: %s", key(config.KeyPrivateSubnetCIDR), v.PrivateSubnet)
	if v.AvailabilityZone != "" {
		line("  %s: %s", key(config.KeyAvailabilityZone), scalar(v.AvailabilityZone))
	}

	line("")
	line("  # ATTENTION: the only address blocks that may reach the bastion by ssh: your institution's and its")
	line("  # VPN's public ranges, as narrow as you can (a /32 is one address). Everyone else is refused by the")
	line("  # security group and the network ACL. At most %d blocks; nothing wider than /%d.", config.MaxSSHCIDRs, config.MinSSHPrefixBits)
	if len(v.SSHCIDRs) > 0 {
		list(config.KeyAllowedSSHCIDRs, v.SSHCIDRs)
	}

	line("")
	line("  # ATTENTION: your own ssh PUBLIC key (ed25519, ECDSA, a FIDO security key such as ed25519-sk, or RSA of")
	line("  # 3072 bits or more), for ec2-user, the administration login on the bastion and the workstation. Only")
	line("  # public keys belong in this file: the private key stays on your computer and is never copied to the")
	line("  # bastion.")
	if v.SSHPublicKey != "" {
		line("  %s: %s", key(config.KeySSHPublicKey), scalar(v.SSHPublicKey))
	}

	line("")
	line("  # ATTENTION: one Linux login per researcher, each written \"<login> <ssh public key>\", for example")
	line("  #   - alice ssh-ed25519 AAAA... alice@example.org")
	line("  # Each researcher makes a key pair on their own computer (ssh-keygen -t ed25519 -f ~/.ssh/%s_<login>)", v.PIT)
	line("  # and sends you only the .pub file. Nobody can log in to the workstation until you add them here.")
	list(config.KeyResearchers, nil)

	line("")
	line("  # ATTENTION: who receives the alarms (security alarms, PHI-looking uploads, the budget). Each address")
	line("  # gets an e-mail from AWS after deployment and must confirm it; nobody is alerted while this is empty.")
	list(config.KeyNotificationEmails, v.Emails)

	line("")
	if v.AccountBaseline {
		line("  # The account-level parts (AWS Config recorder, management-event trail, account S3 Block Public Access,")
		line("  # EBS encryption by default) are created by exactly one stack per AWS account and region. No other")
		line("  # stack file here owns them for %s (example stacks, marked %q, do not count); set this to false if", v.Region, ExampleMarker)
		line("  # another stack in the account already does.")
	} else {
		line("  # The account-level parts (AWS Config recorder, management-event trail, account settings) are created")
		line("  # by exactly one stack per AWS account and region, and %s does for %s.", v.BaselineOwner, v.Region)
		line("  # Set this to true if this project is deployed into an AWS account of its own.")
	}
	line("  %s: %t", key(config.KeyAccountBaseline), v.AccountBaseline)

	line("")
	line("  # Cost: the instances (and Redshift) run only in working hours; an AWS Budget alerts the e-mails above")
	line("  # at 80%% and 100%%. Researchers are not IAM users: outside these hours they ask you to start the machines.")
	line("  %s: %s", key(config.KeyWorkingHours), scalar(defaultOf(config.KeyWorkingHours)))
	line("  %s: %s", key(config.KeyWorkingDays), scalar(defaultOf(config.KeyWorkingDays)))
	if v.TimeZone != "" {
		line("  # The time zone of the working hours: the region's. Change it if the researchers work elsewhere.")
		line("  %s: %s", key(config.KeyTimeZone), scalar(v.TimeZone))
	}
	line("  %s: %s", key(config.KeyMonthlyBudgetUSD), defaultOf(config.KeyMonthlyBudgetUSD))
	return b.String()
}

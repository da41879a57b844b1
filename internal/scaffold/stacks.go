package scaffold

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
)

// newStackPool is the block in which sce init looks for a free VPC block, one /16 at a time.
var newStackPool = netip.MustParsePrefix("10.0.0.0/8")

// NewStackBits is the size of the VPC block sce init chooses.
const NewStackBits = 16

// Stack is what sce init needs to know of a stack file already in the directory.
type Stack struct {
	// File is the stack file's base name ("Pulumi.hipaa.yaml").
	File string
	// VPC is the stack's VPC block: sce:vpcCidr, or the key's default when the file does not set it.
	VPC netip.Prefix
	// Region is aws:region, "" when the file does not set it.
	Region string
	// AccountBaseline is sce:accountBaseline, true unless the file sets it false.
	AccountBaseline bool
	// Example is true for a stack file marked with ExampleMarker: example values, never deployed as it is.
	Example bool
}

// ExampleMarker marks an example stack file (Pulumi.hipaa.yaml, Pulumi.omop.yaml): a comment line that
// begins with it, before the config section. An example stack still counts for VPC overlaps, but never as
// the owner of an account's baseline, which a deployed stack must create.
const ExampleMarker = "# sce:example-stack"

// IsExample reports whether a stack file's text carries ExampleMarker on a line of its own before
// `config:`.
func IsExample(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, ExampleMarker) {
			return true
		}
		if strings.HasPrefix(line, "config:") {
			return false
		}
	}
	return false
}

// BaselineOwner returns the first stack of region that owns the account baseline, leaving out example
// stacks unless examples is true.
func BaselineOwner(stacks []Stack, region string, examples bool) (Stack, bool) {
	for _, s := range stacks {
		if s.AccountBaseline && s.Region == region && (examples || !s.Example) {
			return s, true
		}
	}
	return Stack{}, false
}

// StackFiles returns the stack files (Pulumi.<stack>.yaml or .yml) in dir, sorted, leaving out the
// project file Pulumi.yaml.
func StackFiles(dir string) ([]string, error) {
	var files []string
	for _, pattern := range []string{"Pulumi.*.yaml", "Pulumi.*.yml"} {
		matches, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, fmt.Errorf("list stack files in %s: %w", dir, err)
		}
		files = append(files, matches...)
	}
	sort.Strings(files)
	return files, nil
}

// ReadStacks reads every stack file of dir but skip (a base name, the file being written). A file whose
// VPC block cannot be known (unreadable, not YAML, an invalid or encrypted sce:vpcCidr) is an error naming
// it: no overlap check can be promised without it. Every such file is reported.
func ReadStacks(dir, skip string) ([]Stack, error) {
	files, err := StackFiles(dir)
	if err != nil {
		return nil, err
	}
	vpcKey, _ := config.KeyNamed(config.KeyVPCCIDR)
	var (
		stacks []Stack
		errs   []error
	)
	for _, path := range files {
		base := filepath.Base(path)
		if base == skip {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("existing stack file %s: %w", base, err))
			continue
		}
		sf, err := plan.ParseStackFile(data, path)
		if err != nil {
			errs = append(errs, fmt.Errorf("existing stack file %s: %w", base, err))
			continue
		}
		raw, ok := sf.Config[vpcKey.FullName()]
		if !ok {
			raw = vpcKey.Default
		}
		if isSecret(sf, vpcKey.FullName()) {
			errs = append(errs, fmt.Errorf("existing stack file %s: %s is encrypted, so its VPC block cannot be compared", base, vpcKey.FullName()))
			continue
		}
		vpc, err := config.ParseCIDR(strings.TrimSpace(raw))
		if err != nil {
			errs = append(errs, fmt.Errorf("existing stack file %s: %s %q %v", base, vpcKey.FullName(), raw, err))
			continue
		}
		stacks = append(stacks, Stack{
			File:            base,
			VPC:             vpc,
			Region:          strings.TrimSpace(sf.Config[config.RegionKey]),
			AccountBaseline: strings.TrimSpace(sf.Config[config.Namespace+":"+config.KeyAccountBaseline]) != "false",
			Example:         IsExample(data),
		})
	}
	if len(errs) > 0 {
		return stacks, errors.Join(errs...)
	}
	return stacks, nil
}

func isSecret(sf *plan.StackFile, key string) bool {
	for _, k := range sf.SecretKeys {
		if k == key {
			return true
		}
	}
	return false
}

// Overlapping returns the stacks whose VPC block shares an address with block.
func Overlapping(stacks []Stack, block netip.Prefix) []Stack {
	var out []Stack
	for _, s := range stacks {
		if s.VPC.Overlaps(block) {
			out = append(out, s)
		}
	}
	return out
}

// FreeVPC returns the first /16 of 10.0.0.0/8, in address order, that overlaps no stack's VPC block.
func FreeVPC(stacks []Stack) (netip.Prefix, error) {
	step := 1 << (32 - NewStackBits)
	first := newStackPool.Addr().As4()
	base := binary.BigEndian.Uint32(first[:])
	count := 1 << (NewStackBits - newStackPool.Bits())
	for i := 0; i < count; i++ {
		n := base + uint32(i*step)
		candidate := netip.PrefixFrom(addrFrom32(n), NewStackBits)
		if len(Overlapping(stacks, candidate)) == 0 {
			return candidate, nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("no /%d of %s is free: every one overlaps a stack file's VPC; give --cidr (in 172.16.0.0/12 or 192.168.0.0/16)", NewStackBits, newStackPool)
}

// Subnets splits a VPC block into the public and the private subnet: the first two /24s of a /16 to
// /23, the two halves of anything narrower. It fails when the halves would be narrower than AWS's /28.
func Subnets(vpc netip.Prefix) (public, private netip.Prefix, err error) {
	bits := 24
	if vpc.Bits() >= bits {
		bits = vpc.Bits() + 1
	}
	if bits > config.MaxVPCPrefixBits {
		return netip.Prefix{}, netip.Prefix{}, fmt.Errorf("%s is too narrow for two subnets of at least /%d; accepted: /%d to /%d",
			vpc, config.MaxVPCPrefixBits, config.MinVPCPrefixBits, config.MaxVPCPrefixBits-1)
	}
	public = netip.PrefixFrom(vpc.Addr(), bits)
	a := vpc.Addr().As4()
	n := binary.BigEndian.Uint32(a[:])
	n += 1 << (32 - bits)
	private = netip.PrefixFrom(addrFrom32(n), bits)
	return public, private, nil
}

// addrFrom32 is the IPv4 address whose big-endian value is n.
func addrFrom32(n uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return netip.AddrFrom4(b)
}

// describeStacks lists stacks as "Pulumi.hipaa.yaml 10.0.0.0/16, ...".
func describeStacks(stacks []Stack) string {
	parts := make([]string, len(stacks))
	for i, s := range stacks {
		parts[i] = s.File + " " + s.VPC.String()
	}
	return strings.Join(parts, ", ")
}

// networkFor returns the VPC block: the one given, checked against the other stacks, or the first free
// one. compared says whether every other stack file could be read; without that no block is chosen.
func networkFor(given string, stacks []Stack, compared bool, add func(flag, format string, args ...any)) (netip.Prefix, bool) {
	given = strings.TrimSpace(given)
	if given == "" {
		if !compared {
			return netip.Prefix{}, true
		}
		vpc, err := FreeVPC(stacks)
		if err != nil {
			add("--cidr", "%v", err)
			return netip.Prefix{}, true
		}
		return vpc, true
	}
	vpc, err := config.ParseCIDR(given)
	if err != nil {
		add("--cidr", "%q %v", given, err)
		return netip.Prefix{}, false
	}
	if vpc.Bits() < config.MinVPCPrefixBits || vpc.Bits() > config.MaxVPCBlockBits {
		add("--cidr", "%q is /%d; accepted: /%d to /%d (room for two subnets of at least /%d)",
			given, vpc.Bits(), config.MinVPCPrefixBits, config.MaxVPCBlockBits, config.MaxVPCPrefixBits)
		return netip.Prefix{}, false
	}
	if clash := Overlapping(stacks, vpc); len(clash) > 0 {
		add("--cidr", "%s overlaps the VPC of %s; accepted: a block that overlaps no other stack (omit --cidr to have one chosen)",
			vpc, describeStacks(clash))
		return netip.Prefix{}, false
	}
	return vpc, false
}

package config

import (
	"fmt"
	"net/mail"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Network limits.
const (
	// MinVPCPrefixBits and MaxVPCPrefixBits bound a VPC or subnet block, as AWS does (/16 to /28).
	MinVPCPrefixBits = 16
	MaxVPCPrefixBits = 28
	// MaxVPCBlockBits is the narrowest VPC block the stack accepts: a /27 holds the public and the private
	// subnet, each of at least /28; a /28 VPC, which AWS accepts, cannot hold two subnets.
	MaxVPCBlockBits = MaxVPCPrefixBits - 1
	// MinSSHPrefixBits is the widest ssh source accepted without allowSshFromAnywhere.
	MinSSHPrefixBits = 8
	// MaxSSHCIDRs keeps the public network ACL within AWS's default quota of 20 inbound rules: one rule per
	// ssh source plus four fixed rules (VPC, two ephemeral ranges, ICMP).
	MaxSSHCIDRs = 16
)

// privateRanges are the RFC 1918 blocks a VPC may use: any other block would shadow internet addresses.
var privateRanges = [...]netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

var (
	pitPattern          = regexp.MustCompile(`^[a-z][a-z0-9]{2,11}$`)
	instanceTypePattern = regexp.MustCompile(`^([a-z][a-z0-9-]*)\.([a-z0-9]+)$`)
	burstableFamily     = regexp.MustCompile(`^t[0-9]`)
	bucketNamePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	roleARNPattern      = regexp.MustCompile(`^arn:aws(-us-gov|-cn)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/*?-]{1,512}$`)
)

// retentionDays are the retention periods CloudWatch Logs accepts.
var retentionDays = [...]int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// checkPIT returns why a PIT is invalid, or "".
func checkPIT(pit string) string {
	if !pitPattern.MatchString(pit) {
		return "is not a valid PIT; accepted: 3-12 characters of a-z and 0-9, starting with a letter"
	}
	if pit == "sthree" {
		return "is not a valid PIT: S3 refuses bucket names that begin with \"sthree-\""
	}
	return ""
}

// ParseCIDR parses a canonical IPv4 block ("10.0.0.0/16"). It refuses IPv6 and blocks with host bits set.
func ParseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("is not a CIDR block; accepted: an IPv4 block such as 10.0.0.0/16")
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("is not IPv4; accepted: an IPv4 block such as 10.0.0.0/16")
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("has host bits set; did you mean %s?", p.Masked())
	}
	return p, nil
}

// Contains reports whether inner lies wholly inside outer.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

func (r *reader) prefix(name string) netip.Prefix {
	v := r.value(name)
	p, err := ParseCIDR(v)
	if err != nil {
		r.ps.add(full(name), v, "%v", err)
		return netip.Prefix{}
	}
	narrowest, why := MaxVPCPrefixBits, ""
	if name == KeyVPCCIDR {
		narrowest, why = MaxVPCBlockBits, fmt.Sprintf(" (the VPC holds two subnets of at least /%d, the smallest AWS allows)", MaxVPCPrefixBits)
	}
	if p.Bits() < MinVPCPrefixBits || p.Bits() > narrowest {
		r.ps.add(full(name), v, "is /%d; accepted: a block from /%d to /%d%s", p.Bits(), MinVPCPrefixBits, narrowest, why)
		return netip.Prefix{}
	}
	return p
}

// checkNetwork checks how the VPC and subnet blocks relate; blocks that failed to parse are skipped.
func (r *reader) checkNetwork(c *Config) {
	if c.VPCCIDR.IsValid() {
		private := slices.ContainsFunc(privateRanges[:], func(rng netip.Prefix) bool { return Contains(rng, c.VPCCIDR) })
		if !private {
			r.ps.add(full(KeyVPCCIDR), c.VPCCIDR.String(),
				"is not a private range; accepted: a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)")
		}
	}
	for _, s := range []struct {
		name   string
		prefix netip.Prefix
	}{{KeyPublicSubnetCIDR, c.PublicSubnetCIDR}, {KeyPrivateSubnetCIDR, c.PrivateSubnetCIDR}} {
		if c.VPCCIDR.IsValid() && s.prefix.IsValid() && !Contains(c.VPCCIDR, s.prefix) {
			r.ps.add(full(s.name), s.prefix.String(), "is not inside %s %s; accepted: a block within the VPC", full(KeyVPCCIDR), c.VPCCIDR)
		}
	}
	if c.PublicSubnetCIDR.IsValid() && c.PrivateSubnetCIDR.IsValid() && c.PublicSubnetCIDR.Overlaps(c.PrivateSubnetCIDR) {
		r.ps.add(full(KeyPrivateSubnetCIDR), c.PrivateSubnetCIDR.String(),
			"overlaps %s %s; accepted: a block that shares no address with the public subnet", full(KeyPublicSubnetCIDR), c.PublicSubnetCIDR)
	}
}

func (r *reader) availabilityZone(region string) string {
	zones, known := Zones(region)
	v, ok := r.get(full(KeyAvailabilityZone))
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		if !known {
			return "" // the region's own problem is already reported
		}
		return zones[0]
	}
	if known && !zoneInRegion(region, v) {
		r.ps.add(full(KeyAvailabilityZone), v, "is not a zone of region %s; accepted: %s", region, strings.Join(zones, ", "))
	}
	return v
}

func (r *reader) sshCIDRs(fromAnywhere bool) []netip.Prefix {
	key := full(KeyAllowedSSHCIDRs)
	v, ok := r.get(key)
	if !ok || strings.TrimSpace(v) == "" {
		r.ps.add(key, "", "is required: list the address blocks (office, VPN) that may reach the bastion by ssh")
		return nil
	}
	raw := r.list(KeyAllowedSSHCIDRs)
	if raw == nil {
		return nil
	}
	if len(raw) == 0 {
		r.ps.add(key, v, "is empty; accepted: at least one IPv4 block, such as 198.51.100.0/24")
		return nil
	}
	if len(raw) > MaxSSHCIDRs {
		r.ps.add(key, v, "lists %d blocks; accepted: at most %d (the network ACL rule quota)", len(raw), MaxSSHCIDRs)
	}
	var out []netip.Prefix
	seen := map[netip.Prefix]bool{}
	for _, s := range raw {
		p, err := ParseCIDR(strings.TrimSpace(s))
		if err != nil {
			r.ps.add(key, s, "%v", err)
			continue
		}
		if p.Bits() < MinSSHPrefixBits && !fromAnywhere {
			r.ps.add(key, s, "admits ssh from a /%d, too wide; accepted: /%d or narrower, or set %s: true to accept it explicitly",
				p.Bits(), MinSSHPrefixBits, full(KeyAllowSSHFromAnywhere))
			continue
		}
		if seen[p] {
			r.ps.add(key, s, "is listed twice; accepted: each block once")
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// CheckInstanceType returns why an instance type is refused, or "".
func CheckInstanceType(t string) string {
	m := instanceTypePattern.FindStringSubmatch(t)
	if m == nil {
		return "is not an EC2 instance type; accepted: family.size, such as m5.large"
	}
	if burstableFamily.MatchString(m[1]) {
		return "is a burstable (t-family) type, which cannot run with dedicated tenancy; accepted: a non-burstable type such as m5.large"
	}
	return ""
}

// instanceType reads an instance type that must be of one of the family classes given (the letters that
// begin the family: "m" for m5, m7i-flex, ...).
func (r *reader) instanceType(name string, classes ...string) string {
	v := r.value(name)
	if msg := CheckInstanceType(v); msg != "" {
		r.ps.add(full(name), v, "%s", msg)
		return v
	}
	family := strings.SplitN(v, ".", 2)[0]
	class := family[:1]
	if !slices.Contains(classes, class) || len(family) < 2 || family[1] < '0' || family[1] > '9' {
		r.ps.add(full(name), v, "is not of an accepted family; accepted: %s-family types such as %s5.large", strings.Join(classes, "-, "), classes[0])
	}
	return v
}

func (r *reader) integer(name string, lo, hi int) int {
	v := r.value(name)
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.ps.add(full(name), v, "is not a whole number from %d to %d", lo, hi)
		return 0
	}
	return n
}

// CheckEmail returns why an address is refused, or "". Only a bare address is accepted: no display name.
func CheckEmail(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "is not a well-formed e-mail address; accepted: a bare address such as researcher@example.org"
	}
	_, domain, _ := strings.Cut(s, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "has no fully qualified domain; accepted: a bare address such as researcher@example.org"
	}
	return ""
}

// checkedList reads a list key and keeps the entries check accepts, reporting the others.
func (r *reader) checkedList(name string, check func(string) string) []string {
	var out []string
	for _, e := range r.list(name) {
		if msg := check(e); msg != "" {
			r.ps.add(full(name), e, "%s", msg)
			continue
		}
		out = append(out, e)
	}
	return out
}

func (r *reader) retention(name string) int {
	v := r.value(name)
	n, err := strconv.Atoi(v)
	if err != nil || !slices.Contains(retentionDays[:], n) {
		var accepted []string
		for _, d := range retentionDays {
			accepted = append(accepted, strconv.Itoa(d))
		}
		r.ps.add(full(name), v, "is not a CloudWatch Logs retention; accepted: %s", strings.Join(accepted, ", "))
		return 0
	}
	return n
}

// CheckBucketName returns why an S3 bucket name is refused, or "".
func CheckBucketName(s string) string {
	switch {
	case !bucketNamePattern.MatchString(s):
		return "is not a valid S3 bucket name; accepted: 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit"
	case strings.Contains(s, ".."):
		return "is not a valid S3 bucket name: two adjacent periods"
	case isIPv4(s):
		return "is not a valid S3 bucket name: formatted as an IP address"
	}
	return ""
}

func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// CheckRoleARN returns why an IAM role ARN is refused, or "". Wildcards (* and ?) are accepted, as
// aws:PrincipalArn conditions match them.
func CheckRoleARN(s string) string {
	if !roleARNPattern.MatchString(s) {
		return "is not an IAM role ARN; accepted: arn:aws:iam::<12-digit account>:role/<name>, wildcards allowed"
	}
	return ""
}

// checkPHIName refuses names that would break the comma-separated list the upload ledger receives.
func checkPHIName(s string) string {
	if strings.TrimSpace(s) == "" || strings.ContainsAny(s, ",\n\r") || len(s) > 100 {
		return "is not a usable name; accepted: 1-100 characters without commas or line breaks"
	}
	return ""
}

package config

import (
	"net/netip"

	"github.com/sce-project/sce/internal/addrspace"
)

// warnUnroutableSSH warns about ssh blocks that no packet from the internet can come from. The bastion is
// reached at its Elastic IP, and a connection arrives there with its public source address: a private or
// otherwise special-purpose block (10.0.0.0/8, 192.168.1.0/24, 100.64.0.0/10, link-local) never matches
// it, so the builder who meant their office's private range is locked out. Such a block can only match
// traffic from inside the VPC (or from a network joined to it, of which the stack has none): when it
// covers the VPC's own block, the instances of the VPC itself may reach the bastion's ssh.
func (r *reader) warnUnroutableSSH(blocks []netip.Prefix, vpc netip.Prefix) {
	key := full(KeyAllowedSSHCIDRs)
	for _, b := range blocks {
		special, ok := addrspace.Unroutable(b)
		if !ok {
			continue
		}
		also := ""
		if vpc.IsValid() && b.Overlaps(vpc) {
			also = "; it overlaps this stack's own VPC block " + vpc.String() + ", whose instances it admits to the bastion's ssh instead"
		}
		r.warnings.add(key, b.String(), "is %s (%s): no connection from the internet comes from it, so it can never match at the bastion's public address; "+
			"give the public address block your office or VPN connects from (what https://checkip.amazonaws.com shows there)%s",
			special.Name, special.RFC, also)
	}
}

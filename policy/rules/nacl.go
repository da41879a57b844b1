package rules

import "fmt"

// The network ACL rule: no entry admits the internet to an administration port. The default network ACL's
// own rule is in vpc.go.

// Resource type tokens of the network ACL rules, with a family prefix so that they cannot collide with the
// constants of other rule families in this package.
const (
	netTypeDefaultNACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	netTypeNACL        = "aws:ec2/networkAcl:NetworkAcl"
	netTypeNACLRule    = "aws:ec2/networkAclRule:NetworkAclRule"
)

// naclRules returns the network ACL rules.
func naclRules() []Rule {
	return []Rule{
		{
			ID: "nacl-no-admin-ports-from-anywhere",
			Description: "No network ACL admits 0.0.0.0/0 or ::/0 inbound to port 22 or 3389, whether as a NetworkAclRule or inline in a network ACL " +
				"or the default network ACL.",
			Level:   Mandatory,
			HIPAA:   netHIPAAAccess,
			Sources: Sources{Other: "CIS AWS Foundations Benchmark 5.1"},
			Types:   []string{netTypeNACLRule, netTypeNACL, netTypeDefaultNACL},
			Check:   checkNACLAdminPorts,
		},
	}
}

// netCoversPort reports whether a protocol and range admit TCP or UDP traffic to port.
func netCoversPort(proto string, from, to, port int64) bool {
	return proto == "all" || ((proto == "tcp" || proto == "udp") && from <= port && port <= to)
}

// netAdminPorts judges a network ACL entry: it breaks the rule when it admits TCP or UDP to 22 or 3389.
func netAdminPorts(proto string, from, to int64) (bool, string) {
	for _, p := range []struct {
		port    int64
		service string
	}{{netPortSSH, "ssh"}, {netPortRDP, "rdp"}} {
		if netCoversPort(proto, from, to, p.port) {
			return true, fmt.Sprintf("which includes port %d (%s); no network acl may admit the internet to an administration port", p.port, p.service)
		}
	}
	return false, ""
}

// checkNACLAdminPorts judges the inbound allow entries of a network ACL rule resource, or the inline ingress
// entries of a network ACL, against the administration ports.
func checkNACLAdminPorts(r *Resource) []Finding {
	if r.Type == netTypeNACLRule {
		e, egress, fs := aclRuleEntry(r)
		switch {
		case fs != nil:
			return fs
		case egress == MatchYes:
			return nil
		case egress == MatchMaybe:
			e.Applies, e.AppliesWhy = MatchMaybe, "egress"
		}
		allow, fs := aclAllows(e)
		if fs != nil {
			return fs
		}
		if allow == MatchNo {
			return nil
		}
		if allow == MatchMaybe && e.Applies == MatchYes {
			e.Applies, e.AppliesWhy = MatchMaybe, e.Path(e.Shape.Action)
		}
		return e.judge(netAdminPorts)
	}
	entries, out := aclInlineEntries(r, "ingress")
	for _, e := range entries {
		allow, fs := aclAllows(e)
		if fs != nil {
			out = append(out, fs...)
			continue
		}
		if allow == MatchNo {
			continue
		}
		e.Applies, e.AppliesWhy = allow, e.Path(e.Shape.Action)
		out = append(out, e.judge(netAdminPorts)...)
	}
	return out
}

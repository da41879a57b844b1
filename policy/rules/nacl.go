package rules

import (
	"fmt"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// The network ACL rule: no entry admits the internet to an administration port. The default network ACL's
// own rule is in vpc.go.

// naclRules returns the network ACL rules.
func naclRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "nacl-no-admin-ports-from-anywhere",
			Description: "No network ACL admits 0.0.0.0/0 or ::/0 inbound to port 22 or 3389, whether as a NetworkAclRule or inline in a network ACL " +
				"or the default network ACL.",
			Level:   engine.Mandatory,
			HIPAA:   hipaaNotReachable(),
			Sources: engine.Sources{Other: "CIS AWS Foundations Benchmark 5.1"},
			Types:   []string{netmodel.TypeNACLRule, netmodel.TypeNACL, netmodel.TypeDefaultNACL},
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
	}{{netmodel.PortSSH, "ssh"}, {netmodel.PortRDP, "rdp"}} {
		if netCoversPort(proto, from, to, p.port) {
			return true, fmt.Sprintf("which includes port %d (%s); no network acl may admit the internet to an administration port", p.port, p.service)
		}
	}
	return false, ""
}

// checkNACLAdminPorts judges the inbound allow entries of a network ACL rule resource, or the inline ingress
// entries of a network ACL, against the administration ports.
func checkNACLAdminPorts(r *engine.Resource) []engine.Finding {
	if r.Type == netmodel.TypeNACLRule {
		e, egress, fs := netmodel.ACLRuleEntry(r)
		switch {
		case fs != nil:
			return fs
		case egress == engine.MatchYes:
			return nil
		case egress == engine.MatchMaybe:
			e.Applies, e.AppliesWhy = engine.MatchMaybe, "egress"
		}
		allow, fs := netmodel.ACLAllows(e)
		if fs != nil {
			return fs
		}
		if allow == engine.MatchNo {
			return nil
		}
		if allow == engine.MatchMaybe && e.Applies == engine.MatchYes {
			e.Applies, e.AppliesWhy = engine.MatchMaybe, e.Path(e.Shape.Action)
		}
		return judgeEntry(e, netAdminPorts)
	}
	entries, out := netmodel.ACLInlineEntries(r, "ingress")
	for _, e := range entries {
		allow, fs := netmodel.ACLAllows(e)
		if fs != nil {
			out = append(out, fs...)
			continue
		}
		if allow == engine.MatchNo {
			continue
		}
		e.Applies, e.AppliesWhy = allow, e.Path(e.Shape.Action)
		out = append(out, judgeEntry(e, netAdminPorts)...)
	}
	return out
}

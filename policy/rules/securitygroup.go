package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// The security group rules: what the internet may reach (ssh, common ports, anything but 443), what may
// leave for the internet, and rules managed in two places at once. sg_flows.go judges flows between groups.

// netCommonPorts are the ports of cdk-nag's EC2RestrictedCommonPorts and AWS Config's restricted-common-ports,
// with the service each belongs to.
var netCommonPorts = []struct {
	port    int64
	service string
}{{20, "ftp data"}, {21, "ftp"}, {3389, "rdp"}, {3306, "mysql"}, {4333, "msql"}}

// HIPAA citations of cdk-nag's mapping for rules that restrict open ports.
var (
	netHIPAAPorts = []string{"164.308(a)(3)(i)", hipaaAccessManagement, "164.308(a)(4)(ii)(A)", hipaaAccessAuthorize, hipaaAccessEstablish,
		hipaaAccessControl, hipaaTransmission}
)

// sgRules returns the security group rules.
func sgRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "sg-egress-restricted",
			Description: "No security group rule lets traffic out to 0.0.0.0/0 or ::/0, inline or as a separate rule resource: outbound " +
				"traffic goes to named destinations (the VPC block, prefix lists, other groups), or the exception is declared.",
			Level:   engine.Advisory,
			HIPAA:   []string{hipaaTransmission, hipaaAccessManagement},
			Sources: engine.Sources{Other: "CIS AWS Foundations 5.x practice; Trivy AVD-AWS-0104"},
			Types:   netmodel.SGTypes(),
			Check: func(r *engine.Resource) []engine.Finding {
				return netJudgeSGEgress(r, func(_ string, _, _ int64) (bool, string) {
					return true, "which lets data out to the whole internet; name the destinations, or declare the exemption with its reason"
				})
			},
		},
		{
			ID:          "sg-restricted-ssh",
			Description: "No security group rule admits 0.0.0.0/0 or ::/0 to TCP port 22 (ssh), inline or as a separate rule resource.",
			Level:       engine.Mandatory,
			HIPAA:       netHIPAAPorts,
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-EC2RestrictedSSH", Config: "restricted-ssh", Checklist: []int{45}},
			Types:       netmodel.SGTypes(),
			Check: func(r *engine.Resource) []engine.Finding {
				return netJudgeSGIngress(r, func(proto string, from, to int64) (bool, string) {
					if netTCPCovers(proto, from, to, netmodel.PortSSH) {
						return true, "which includes port 22 (ssh); open ssh only to known address blocks"
					}
					return false, ""
				})
			},
		},
		{
			ID:          "sg-restricted-common-ports",
			Description: "No security group rule admits 0.0.0.0/0 or ::/0 to TCP ports 20, 21, 3389, 3306 or 4333, inline or as a separate rule resource.",
			Level:       engine.Mandatory,
			HIPAA:       netHIPAAPorts,
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-EC2RestrictedCommonPorts", Config: "restricted-common-ports", Checklist: []int{44}},
			Types:       netmodel.SGTypes(),
			Check: func(r *engine.Resource) []engine.Finding {
				return netJudgeSGIngress(r, func(proto string, from, to int64) (bool, string) {
					for _, p := range netCommonPorts {
						if netTCPCovers(proto, from, to, p.port) {
							return true, fmt.Sprintf("which includes port %d (%s); open it only to known address blocks", p.port, p.service)
						}
					}
					return false, ""
				})
			},
		},
		{
			ID:          "sg-only-authorized-ports-open",
			Description: "Security group rules admit 0.0.0.0/0 or ::/0 only to TCP port 443: no other TCP port, no UDP port and not all protocols.",
			Level:       engine.Mandatory,
			HIPAA:       netHIPAAPorts,
			Sources:     engine.Sources{Config: "vpc-sg-open-only-to-authorized-ports", Checklist: []int{64}},
			Types:       netmodel.SGTypes(),
			Check: func(r *engine.Resource) []engine.Finding {
				return netJudgeSGIngress(r, func(proto string, from, to int64) (bool, string) {
					switch {
					case proto == "all", proto == "udp", proto == "tcp" && (from != netmodel.PortHTTPS || to != netmodel.PortHTTPS):
						return true, "but only tcp port 443 may be open to the internet"
					}
					return false, ""
				})
			},
		},
		{
			ID: "sg-no-rule-management-conflicts",
			Description: "No security group that sets ingress or egress inline is also the target (securityGroupId) of separate security group rule resources: " +
				"Pulumi would remove the separate rules on every update.",
			Level:      engine.Mandatory,
			HIPAA:      []string{hipaaTransmission, hipaaRiskManagement},
			Sources:    engine.Sources{AWSGuard: "security-group-no-rule-management-conflicts", Checklist: []int{66}},
			Types:      []string{netmodel.TypeSG, netmodel.TypeDefaultSG, netmodel.TypeSGRule, netmodel.TypeSGIngressRule, netmodel.TypeSGEgressRule},
			CheckStack: checkSGRuleConflicts,
		},
	}
}

// checkSGRuleConflicts reports security groups that set rules inline while separate rule resources also
// manage them.
func checkSGRuleConflicts(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, sg := range s.OfType(netmodel.TypeSG, netmodel.TypeDefaultSG) {
		var inline []string
		for _, prop := range []string{"ingress", "egress"} {
			if _, ok := sg.Get(prop); ok {
				inline = append(inline, prop)
			}
		}
		if len(inline) == 0 {
			continue
		}
		separate := s.ReferringTo(sg, "securityGroupId", netmodel.TypeSGRule, netmodel.TypeSGIngressRule, netmodel.TypeSGEgressRule)
		if len(separate) == 0 {
			continue
		}
		names := make([]string, len(separate))
		for i, r := range separate {
			names[i] = r.Name
		}
		out = append(out, engine.Finding{URN: sg.URN, Message: fmt.Sprintf("%s set inline (even an empty list manages every rule) while separate rules %s also "+
			"manage this group (securityGroupId); pulumi would remove one or the other on every update: keep the rules in one place",
			strings.Join(inline, " and "), strings.Join(names, ", "))})
	}
	return out
}

// netPortJudge says whether a protocol and port range breaks a rule and, if so, the end of the message.
type netPortJudge func(proto string, from, to int64) (bool, string)

// netTCPCovers reports whether a protocol and range admit TCP traffic to port.
func netTCPCovers(proto string, from, to, port int64) bool {
	return proto == "all" || (proto == "tcp" && from <= port && port <= to)
}

// judgeEntry applies a port judgement to an inbound entry open to the internet. Shape problems come first; a
// value the judgement needs that is unknown gives an undecided finding.
func judgeEntry(e netmodel.NetEntry, j netPortJudge) []engine.Finding {
	open, source, openWhy, problems := e.OpenToInternet()
	proto, fs := e.Protocol()
	problems = append(problems, fs...)
	var from, to int64 = 0, netmodel.PortMax
	portsKnown, portsWhy := true, ""
	if proto == "tcp" || proto == "udp" {
		var known bool
		from, to, known, portsWhy, fs = e.Ports()
		problems = append(problems, fs...)
		portsKnown = known
	}
	if len(problems) > 0 {
		return problems
	}
	if e.Applies == engine.MatchNo || open == engine.MatchNo {
		return nil
	}
	var hit bool
	var why string
	switch {
	case proto == "":
		// Unknown protocol: it could be any; the rule cannot decide unless nothing could break it.
		if ok, _ := j("all", 0, netmodel.PortMax); ok {
			return engine.Undecided(e.Path(e.Shape.Protocol))
		}
		return nil
	case !portsKnown:
		if ok, _ := j(proto, 0, netmodel.PortMax); ok {
			return engine.Undecided(portsWhy)
		}
		return nil
	}
	if hit, why = j(proto, from, to); !hit {
		return nil
	}
	switch {
	case open == engine.MatchMaybe:
		return engine.Undecided(openWhy)
	case e.Applies == engine.MatchMaybe:
		return engine.Undecided(e.AppliesWhy)
	}
	return engine.Fail("%s admits %s to %s, %s", e.Subject(), source, netmodel.DescribeRange(proto, from, to), why)
}

// netJudgeSGIngress applies a port judgement to every ingress rule of a security group or rule resource.
func netJudgeSGIngress(r *engine.Resource, j netPortJudge) []engine.Finding {
	return netJudgeSGDirection(r, "ingress", j)
}

// netJudgeSGEgress applies a port judgement to every egress rule of a security group or rule resource; the
// remote blocks are the destinations.
func netJudgeSGEgress(r *engine.Resource, j netPortJudge) []engine.Finding {
	return netJudgeSGDirection(r, "egress", j)
}

// netJudgeSGDirection applies a port judgement to the rules of one direction ("ingress" or "egress") that a
// security group or rule resource holds, as the network model reads them (sgEntries).
func netJudgeSGDirection(r *engine.Resource, direction string, j netPortJudge) []engine.Finding {
	entries, out := netmodel.SGEntries(r, direction)
	for _, e := range entries {
		out = append(out, judgeEntry(e, j)...)
	}
	return out
}

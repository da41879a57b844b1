package rules

import (
	"fmt"
	"strings"
)

// Resource type tokens of the network rules, with a family prefix so that they cannot collide with the
// constants of other rule families in this package.
const (
	netTypeRoute             = "aws:ec2/route:Route"
	netTypeRouteTable        = "aws:ec2/routeTable:RouteTable"
	netTypeDefaultRouteTable = "aws:ec2/defaultRouteTable:DefaultRouteTable"
	netTypeIGW               = "aws:ec2/internetGateway:InternetGateway"
	netTypeIGWAttachment     = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
	netTypeDefaultSG         = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	netTypeDefaultNACL       = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	netTypeNACL              = "aws:ec2/networkAcl:NetworkAcl"
	netTypeNACLRule          = "aws:ec2/networkAclRule:NetworkAclRule"
	netTypeFlowLog           = "aws:ec2/flowLog:FlowLog"
	netTypeSG                = "aws:ec2/securityGroup:SecurityGroup"
	netTypeSGRule            = "aws:ec2/securityGroupRule:SecurityGroupRule"
	netTypeSGIngressRule     = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	netTypeSGEgressRule      = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

// The whole internet, as route destinations and rule sources name it.
const (
	netAnyIPv4 = "0.0.0.0/0"
	netAnyIPv6 = "::/0"
)

// Ports the security group and network ACL rules protect.
const (
	netPortSSH   = 22
	netPortRDP   = 3389
	netPortHTTPS = 443
	netPortMax   = 65535
)

// netCommonPorts are the ports of cdk-nag's EC2RestrictedCommonPorts and AWS Config's restricted-common-ports,
// with the service each belongs to.
var netCommonPorts = []struct {
	port    int64
	service string
}{{20, "ftp data"}, {21, "ftp"}, {3389, "rdp"}, {3306, "mysql"}, {4333, "msql"}}

// HIPAA citations of cdk-nag's mapping for rules that restrict network access.
var (
	netHIPAAAccess = []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", hipaaAccessEstablish, hipaaAccessControl, hipaaTransmission}
	netHIPAAPorts  = []string{"164.308(a)(3)(i)", hipaaAccessManagement, "164.308(a)(4)(ii)(A)", hipaaAccessAuthorize, hipaaAccessEstablish,
		hipaaAccessControl, hipaaTransmission}
)

// referrers returns the resources of the given types whose prop refers to target. When none does, it also
// returns a resource of those types whose prop is unknown with no dependency to say where it points (it
// may refer to target once deployed), so that the caller can report an undecided finding instead.
func referrers(s *Stack, target *Resource, prop string, types ...string) ([]*Resource, *Resource) {
	found := s.ReferringTo(target, prop, types...)
	if len(found) > 0 {
		return found, nil
	}
	for _, r := range s.OfType(types...) {
		if v, ok := r.Get(prop); ok && IsUnknown(v) && len(r.PropertyDependencies[prop]) == 0 {
			return nil, r
		}
	}
	return nil, nil
}

// networkRules returns the network rules: VPCs, routes, gateways, subnets, security groups, network ACLs
// and flow logs.
func networkRules() []Rule {
	return []Rule{
		{
			ID:          "vpc-no-unrestricted-route-to-igw",
			Description: "No route sends 0.0.0.0/0 or ::/0 to an internet gateway, as a route resource or inline in a route table; a default route to a NAT gateway is fine.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaTransmission},
			Sources: Sources{CdkNag: "HIPAA.Security-VPCNoUnrestrictedRouteToIGW", Config: "no-unrestricted-route-to-igw",
				Checklist: []int{36}},
			Types:      []string{netTypeRoute, netTypeRouteTable, netTypeDefaultRouteTable},
			CheckStack: checkNoRouteToIGW,
		},
		{
			ID:          "vpc-igw-attached-to-stack-vpc",
			Description: "Every internet gateway is attached to a VPC of this stack (its vpcId or an internet gateway attachment), and to no other VPC.",
			Level:       Mandatory,
			HIPAA:       netHIPAAAccess,
			Sources:     Sources{Config: "internet-gateway-authorized-vpc-only", Checklist: []int{30}},
			Types:       []string{netTypeIGW, netTypeIGWAttachment},
			CheckStack:  checkIGWAttached,
		},
		{
			ID:          "subnet-no-public-ip-on-launch",
			Description: "No subnet sets mapPublicIpOnLaunch: instances launched into it must not get public addresses by default (AWS's default is false).",
			Level:       Mandatory,
			HIPAA:       netHIPAAAccess,
			Sources: Sources{CdkNag: "HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled", Config: "subnet-auto-assign-public-ip-disabled",
				Checklist: []int{61}},
			Types: []string{typeSubnet},
			Check: func(r *Resource) []Finding {
				return shapedBoolAt(r.Props, "mapPublicIpOnLaunch", false, true)
			},
		},
		{
			ID: "vpc-default-security-group-closed",
			Description: "Every VPC's default security group is taken under management by a DefaultSecurityGroup with no ingress and no egress rules, " +
				"so that anything attached to it by accident can send and receive nothing.",
			Level: Mandatory,
			HIPAA: []string{hipaaTransmission},
			Sources: Sources{CdkNag: "HIPAA.Security-VPCDefaultSecurityGroupClosed", Config: "vpc-default-security-group-closed",
				Checklist: []int{62}},
			Types:      []string{typeVPC, netTypeDefaultSG},
			CheckStack: checkDefaultSGClosed,
		},
		{
			ID: "vpc-default-network-acl-closed",
			Description: "Every VPC's default network ACL is taken under management by a DefaultNetworkAcl with no ingress, no egress and no subnets, " +
				"so that a subnet left without a network ACL of its own passes no traffic.",
			Level:      Mandatory,
			HIPAA:      []string{hipaaTransmission, hipaaAccessControl},
			Sources:    Sources{Other: "CIS AWS Foundations 5.x, SCE design"},
			Types:      []string{typeVPC, netTypeDefaultNACL},
			CheckStack: checkDefaultNACLClosed,
		},
		{
			ID:          "vpc-flow-logs-enabled",
			Description: "Every VPC has a flow log (vpcId), and every flow log records ALL traffic, accepted and rejected (the seed: \"Filter = All\").",
			Level:       Mandatory,
			HIPAA:       []string{"164.308(a)(3)(ii)(A)", hipaaAuditControls, hipaaActivityReview},
			Sources: Sources{CdkNag: "HIPAA.Security-VPCFlowLogsEnabled", Config: "vpc-flow-logs-enabled",
				Other: "seed, Part 1B (flow log filter All)", Checklist: []int{63}},
			Types:      []string{typeVPC, netTypeFlowLog},
			CheckStack: checkFlowLogs,
		},
		{
			ID: "sg-egress-restricted",
			Description: "No security group rule lets traffic out to 0.0.0.0/0 or ::/0, inline or as a separate rule resource: outbound " +
				"traffic goes to named destinations (the VPC block, prefix lists, other groups), or the exception is declared.",
			Level:   Advisory,
			HIPAA:   []string{hipaaTransmission, hipaaAccessManagement},
			Sources: Sources{Other: "CIS AWS Foundations 5.x practice; Trivy AVD-AWS-0104"},
			Types:   netSGTypes(),
			Check: func(r *Resource) []Finding {
				return netJudgeSGEgress(r, func(_ string, _, _ int64) (bool, string) {
					return true, "which lets data out to the whole internet; name the destinations, or declare the exemption with its reason"
				})
			},
		},
		{
			ID:          "sg-restricted-ssh",
			Description: "No security group rule admits 0.0.0.0/0 or ::/0 to TCP port 22 (ssh), inline or as a separate rule resource.",
			Level:       Mandatory,
			HIPAA:       netHIPAAPorts,
			Sources:     Sources{CdkNag: "HIPAA.Security-EC2RestrictedSSH", Config: "restricted-ssh", Checklist: []int{45}},
			Types:       netSGTypes(),
			Check: func(r *Resource) []Finding {
				return netJudgeSGIngress(r, func(proto string, from, to int64) (bool, string) {
					if netTCPCovers(proto, from, to, netPortSSH) {
						return true, "which includes port 22 (ssh); open ssh only to known address blocks"
					}
					return false, ""
				})
			},
		},
		{
			ID:          "sg-restricted-common-ports",
			Description: "No security group rule admits 0.0.0.0/0 or ::/0 to TCP ports 20, 21, 3389, 3306 or 4333, inline or as a separate rule resource.",
			Level:       Mandatory,
			HIPAA:       netHIPAAPorts,
			Sources:     Sources{CdkNag: "HIPAA.Security-EC2RestrictedCommonPorts", Config: "restricted-common-ports", Checklist: []int{44}},
			Types:       netSGTypes(),
			Check: func(r *Resource) []Finding {
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
			Level:       Mandatory,
			HIPAA:       netHIPAAPorts,
			Sources:     Sources{Config: "vpc-sg-open-only-to-authorized-ports", Checklist: []int{64}},
			Types:       netSGTypes(),
			Check: func(r *Resource) []Finding {
				return netJudgeSGIngress(r, func(proto string, from, to int64) (bool, string) {
					switch {
					case proto == "all", proto == "udp", proto == "tcp" && (from != netPortHTTPS || to != netPortHTTPS):
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
			Level:      Mandatory,
			HIPAA:      []string{hipaaTransmission, hipaaRiskManagement},
			Sources:    Sources{AWSGuard: "security-group-no-rule-management-conflicts", Checklist: []int{66}},
			Types:      []string{netTypeSG, netTypeDefaultSG, netTypeSGRule, netTypeSGIngressRule, netTypeSGEgressRule},
			CheckStack: checkSGRuleConflicts,
		},
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

// netSGTypes are the resources that carry security group ingress rules.
func netSGTypes() []string {
	return []string{netTypeSG, netTypeDefaultSG, netTypeSGRule, netTypeSGIngressRule, netTypeSGEgressRule}
}

// netIGWTarget reports whether a gateway id names an internet gateway: by its value ("igw-", or an
// internet gateway of the stack) or, when the value is unknown, by the dependencies of depsProp.
func netIGWTarget(s *Stack, r *Resource, depsProp string, v any) (Match3, string) {
	if IsUnknown(v) {
		deps := r.PropertyDependencies[depsProp]
		for _, urn := range deps {
			if t, ok := s.ByURN(urn); ok && t.Type == netTypeIGW {
				return MatchYes, "internet gateway " + t.Name
			}
		}
		if len(deps) > 0 {
			return MatchNo, ""
		}
		return MatchMaybe, ""
	}
	id, _ := v.(string)
	for _, igw := range s.OfType(netTypeIGW) {
		if igw.identifiedBy(id) {
			return MatchYes, "internet gateway " + igw.Name
		}
	}
	if strings.HasPrefix(id, "igw-") {
		return MatchYes, fmt.Sprintf("internet gateway %q", id)
	}
	return MatchNo, ""
}

// netRouteToIGW judges one route of the network model (RouteEntry): its destination keys, its gateway
// key, and the property whose dependencies say where an unknown gateway points.
func netRouteToIGW(s *Stack, e RouteEntry) []Finding {
	r, route, prefix := e.Holder, e.Node, e.prefix()
	dest, destShown, destUnknown := MatchNo, "", ""
	for _, key := range []string{e.V4, e.V6} {
		v, ok := route[key]
		switch {
		case !ok || v == nil:
		case IsUnknown(v):
			if dest == MatchNo {
				dest, destUnknown = MatchMaybe, prefix+key
			}
		default:
			cidr, isString := v.(string)
			if !isString {
				return fail("%s%s is %s (%s); expected a cidr block", prefix, key, kind(v), describe(v))
			}
			if cidr = strings.TrimSpace(cidr); cidr == netAnyIPv4 || cidr == netAnyIPv6 {
				dest, destShown = MatchYes, fmt.Sprintf("%s%s %q", prefix, key, cidr)
			}
		}
	}
	gw, ok := route["gatewayId"]
	if dest == MatchNo || !ok || gw == nil {
		return nil
	}
	if _, isString := gw.(string); !isString && !IsUnknown(gw) {
		return fail("%sgatewayId is %s (%s); expected a gateway id", prefix, kind(gw), describe(gw))
	}
	igw, name := netIGWTarget(s, r, e.depsOf("gatewayId"), gw)
	switch {
	case igw == MatchNo:
		return nil
	case igw == MatchMaybe:
		return undecided(prefix + "gatewayId")
	case dest == MatchMaybe:
		return undecided(destUnknown)
	}
	return fail("%s goes to %s (%sgatewayId); no route may send all traffic to an internet gateway", destShown, name, prefix)
}

func checkNoRouteToIGW(s *Stack) []Finding {
	var out []Finding
	for _, r := range append(s.OfType(netTypeRoute), s.OfType(netTypeRouteTable, netTypeDefaultRouteTable)...) {
		entries, fs := routeEntriesOf(r)
		for _, e := range entries {
			fs = append(fs, netRouteToIGW(s, e)...)
		}
		out = append(out, withURN(r.URN, fs)...)
	}
	return out
}

// netIGWLink is one way an internet gateway is attached to a VPC.
type netIGWLink struct {
	via  string // "vpcId", or "vpcId of internet gateway attachment a"
	vpcs []*Resource
	v    any
}

func checkIGWAttached(s *Stack) []Finding {
	var out []Finding
	for _, igw := range s.OfType(netTypeIGW) {
		var links []netIGWLink
		if v, ok := igw.Get("vpcId"); ok {
			links = append(links, netIGWLink{via: "vpcId", vpcs: s.Refs(igw, "vpcId", typeVPC), v: v})
		}
		attachments, unresolved := referrers(s, igw, "internetGatewayId", netTypeIGWAttachment)
		for _, a := range attachments {
			v, ok := a.Get("vpcId")
			if !ok {
				out = append(out, Finding{URN: a.URN, Message: "vpcId is not set; an internet gateway attachment must name a vpc of this stack"})
				continue
			}
			links = append(links, netIGWLink{via: "vpcId of internet gateway attachment " + a.Name, vpcs: s.Refs(a, "vpcId", typeVPC), v: v})
		}
		attached, undecidedWhy := false, ""
		if unresolved != nil {
			undecidedWhy = "internetGatewayId of internet gateway attachment " + unresolved.Name
		}
		for _, l := range links {
			switch {
			case len(l.vpcs) > 0:
				attached = true
			case IsUnknown(l.v) && len(l.vpcs) == 0:
				if undecidedWhy == "" {
					undecidedWhy = l.via
				}
			default:
				out = append(out, Finding{URN: igw.URN, Message: fmt.Sprintf("%s is %s, not a vpc of this stack; an internet gateway may serve only the stack's vpc",
					l.via, describe(l.v))})
			}
		}
		switch {
		case attached:
		case undecidedWhy != "":
			out = append(out, withURN(igw.URN, undecided(undecidedWhy))...)
		case len(links) == 0:
			out = append(out, Finding{URN: igw.URN, Message: "the internet gateway is attached to no vpc of this stack: set vpcId or add an internet gateway attachment"})
		}
	}
	return out
}

// netEmptyList requires the list at prop to be absent or empty.
func netEmptyList(r *Resource, prop, noun, why string) []Finding {
	v, ok := r.Get(prop)
	if !ok {
		return nil
	}
	if IsUnknown(v) {
		return undecided(prop)
	}
	list, isList := v.([]any)
	if !isList {
		return fail("%s is %s (%s); expected an empty list", prop, kind(v), describe(v))
	}
	if len(list) > 0 {
		return fail("%s has %d %s; %s", prop, len(list), noun, why)
	}
	return nil
}

func checkDefaultSGClosed(s *Stack) []Finding {
	var out []Finding
	for _, vpc := range s.OfType(typeVPC) {
		groups, unresolved := referrers(s, vpc, "vpcId", netTypeDefaultSG)
		switch {
		case len(groups) > 0:
		case unresolved != nil:
			out = append(out, withURN(vpc.URN, undecided("vpcId of default security group "+unresolved.Name))...)
		default:
			out = append(out, Finding{URN: vpc.URN, Message: "no aws:ec2/defaultSecurityGroup:DefaultSecurityGroup refers to this vpc (vpcId), " +
				"so its default security group keeps its allow-all rules; manage it with no ingress and no egress"})
		}
	}
	for _, sg := range s.OfType(netTypeDefaultSG) {
		for _, prop := range []string{"ingress", "egress"} {
			out = append(out, withURN(sg.URN, netEmptyList(sg, prop, "rule(s)", "the default security group must have no rules"))...)
		}
	}
	return out
}

func checkDefaultNACLClosed(s *Stack) []Finding {
	var out []Finding
	acls := s.OfType(netTypeDefaultNACL)
	for _, vpc := range s.OfType(typeVPC) {
		managed, unresolved := false, ""
		want, _ := vpc.Outputs["defaultNetworkAclId"].(string)
		for _, acl := range acls {
			for _, t := range s.Refs(acl, "defaultNetworkAclId", typeVPC) {
				managed = managed || t.URN == vpc.URN
			}
			v, _ := acl.Get("defaultNetworkAclId")
			if id, isString := v.(string); isString && want != "" && id == want {
				managed = true
			}
			if IsUnknown(v) && len(acl.PropertyDependencies["defaultNetworkAclId"]) == 0 && unresolved == "" {
				unresolved = "defaultNetworkAclId of default network acl " + acl.Name
			}
		}
		switch {
		case managed:
		case unresolved != "":
			out = append(out, withURN(vpc.URN, undecided(unresolved))...)
		default:
			out = append(out, Finding{URN: vpc.URN, Message: "no aws:ec2/defaultNetworkAcl:DefaultNetworkAcl manages this vpc's default network acl (defaultNetworkAclId), " +
				"so it keeps its allow-all rules; manage it with no ingress, no egress and no subnets"})
		}
	}
	for _, acl := range acls {
		out = append(out, withURN(acl.URN, netEmptyList(acl, "ingress", "rule(s)", "the default network acl must have no rules"))...)
		out = append(out, withURN(acl.URN, netEmptyList(acl, "egress", "rule(s)", "the default network acl must have no rules"))...)
		out = append(out, withURN(acl.URN, netEmptyList(acl, "subnetIds", "subnet(s)",
			"the default network acl must hold no subnet; give each subnet a network acl of its own"))...)
	}
	return out
}

func checkFlowLogs(s *Stack) []Finding {
	var out []Finding
	for _, vpc := range s.OfType(typeVPC) {
		logs, unresolved := referrers(s, vpc, "vpcId", netTypeFlowLog)
		switch {
		case len(logs) > 0:
		case unresolved != nil:
			out = append(out, withURN(vpc.URN, undecided("vpcId of flow log "+unresolved.Name))...)
		default:
			out = append(out, Finding{URN: vpc.URN, Message: "no aws:ec2/flowLog:FlowLog refers to this vpc (vpcId); record all of its traffic with a flow log"})
		}
	}
	for _, fl := range s.OfType(netTypeFlowLog) {
		out = append(out, withURN(fl.URN, shapedStringAt(fl.Props, "trafficType", false, "ALL"))...)
	}
	return out
}

func checkSGRuleConflicts(s *Stack) []Finding {
	var out []Finding
	for _, sg := range s.OfType(netTypeSG, netTypeDefaultSG) {
		var inline []string
		for _, prop := range []string{"ingress", "egress"} {
			if _, ok := sg.Get(prop); ok {
				inline = append(inline, prop)
			}
		}
		if len(inline) == 0 {
			continue
		}
		separate := s.ReferringTo(sg, "securityGroupId", netTypeSGRule, netTypeSGIngressRule, netTypeSGEgressRule)
		if len(separate) == 0 {
			continue
		}
		names := make([]string, len(separate))
		for i, r := range separate {
			names[i] = r.Name
		}
		out = append(out, Finding{URN: sg.URN, Message: fmt.Sprintf("%s set inline (even an empty list manages every rule) while separate rules %s also "+
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

// netCoversPort reports whether a protocol and range admit TCP or UDP traffic to port.
func netCoversPort(proto string, from, to, port int64) bool {
	return proto == "all" || ((proto == "tcp" || proto == "udp") && from <= port && port <= to)
}

// judge applies a port judgement to an inbound entry open to the internet. Shape problems come first; a
// value the judgement needs that is unknown gives an undecided finding.
func (e NetEntry) judge(j netPortJudge) []Finding {
	open, source, openWhy, problems := e.OpenToInternet()
	proto, fs := e.Protocol()
	problems = append(problems, fs...)
	var from, to int64 = 0, netPortMax
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
	if e.Applies == MatchNo || open == MatchNo {
		return nil
	}
	var hit bool
	var why string
	switch {
	case proto == "":
		// Unknown protocol: it could be any; the rule cannot decide unless nothing could break it.
		if ok, _ := j("all", 0, netPortMax); ok {
			return undecided(e.Path(e.Shape.Protocol))
		}
		return nil
	case !portsKnown:
		if ok, _ := j(proto, 0, netPortMax); ok {
			return undecided(portsWhy)
		}
		return nil
	}
	if hit, why = j(proto, from, to); !hit {
		return nil
	}
	switch {
	case open == MatchMaybe:
		return undecided(openWhy)
	case e.Applies == MatchMaybe:
		return undecided(e.AppliesWhy)
	}
	return fail("%s admits %s to %s, %s", e.Subject(), source, describeRange(proto, from, to), why)
}

// netJudgeSGIngress applies a port judgement to every ingress rule of a security group or rule resource.
func netJudgeSGIngress(r *Resource, j netPortJudge) []Finding {
	return netJudgeSGDirection(r, "ingress", j)
}

// netJudgeSGEgress applies a port judgement to every egress rule of a security group or rule resource; the
// remote blocks are the destinations.
func netJudgeSGEgress(r *Resource, j netPortJudge) []Finding {
	return netJudgeSGDirection(r, "egress", j)
}

// netJudgeSGDirection applies a port judgement to the rules of one direction ("ingress" or "egress") that a
// security group or rule resource holds, as the network model reads them (sgEntries).
func netJudgeSGDirection(r *Resource, direction string, j netPortJudge) []Finding {
	entries, out := sgEntries(r, direction)
	for _, e := range entries {
		out = append(out, e.judge(j)...)
	}
	return out
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

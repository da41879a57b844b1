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

// match3 is a three-valued answer: a rule can know that something holds, know that it does not, or not
// know until deployment.
type match3 uint8

const (
	m3No match3 = iota
	m3Maybe
	m3Yes
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
func netIGWTarget(s *Stack, r *Resource, depsProp string, v any) (match3, string) {
	if IsUnknown(v) {
		deps := r.PropertyDependencies[depsProp]
		for _, urn := range deps {
			if t, ok := s.ByURN(urn); ok && t.Type == netTypeIGW {
				return m3Yes, "internet gateway " + t.Name
			}
		}
		if len(deps) > 0 {
			return m3No, ""
		}
		return m3Maybe, ""
	}
	id, _ := v.(string)
	for _, igw := range s.OfType(netTypeIGW) {
		if igw.identifiedBy(id) {
			return m3Yes, "internet gateway " + igw.Name
		}
	}
	if strings.HasPrefix(id, "igw-") {
		return m3Yes, fmt.Sprintf("internet gateway %q", id)
	}
	return m3No, ""
}

// netRouteToIGW judges one route: its destination keys, its gateway key, and the property whose
// dependencies say where an unknown gateway points.
func netRouteToIGW(s *Stack, r *Resource, route map[string]any, prefix, v4Key, v6Key, depsProp string) []Finding {
	dest, destShown, destUnknown := m3No, "", ""
	for _, key := range []string{v4Key, v6Key} {
		v, ok := route[key]
		switch {
		case !ok || v == nil:
		case IsUnknown(v):
			if dest == m3No {
				dest, destUnknown = m3Maybe, prefix+key
			}
		default:
			cidr, isString := v.(string)
			if !isString {
				return fail("%s%s is %s (%s); expected a cidr block", prefix, key, kind(v), describe(v))
			}
			if cidr = strings.TrimSpace(cidr); cidr == netAnyIPv4 || cidr == netAnyIPv6 {
				dest, destShown = m3Yes, fmt.Sprintf("%s%s %q", prefix, key, cidr)
			}
		}
	}
	gw, ok := route["gatewayId"]
	if dest == m3No || !ok || gw == nil {
		return nil
	}
	if _, isString := gw.(string); !isString && !IsUnknown(gw) {
		return fail("%sgatewayId is %s (%s); expected a gateway id", prefix, kind(gw), describe(gw))
	}
	igw, name := netIGWTarget(s, r, depsProp, gw)
	switch {
	case igw == m3No:
		return nil
	case igw == m3Maybe:
		return undecided(prefix + "gatewayId")
	case dest == m3Maybe:
		return undecided(destUnknown)
	}
	return fail("%s goes to %s (%sgatewayId); no route may send all traffic to an internet gateway", destShown, name, prefix)
}

func checkNoRouteToIGW(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.OfType(netTypeRoute) {
		out = append(out, withURN(r.URN, netRouteToIGW(s, r, r.Props, "", "destinationCidrBlock", "destinationIpv6CidrBlock", "gatewayId"))...)
	}
	for _, r := range s.OfType(netTypeRouteTable, netTypeDefaultRouteTable) {
		routes, fs := objectsAt(r.Props, "routes", "routes")
		for i, route := range routes {
			fs = append(fs, netRouteToIGW(s, r, route, fmt.Sprintf("routes[%d].", i), "cidrBlock", "ipv6CidrBlock", "routes")...)
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

// netEntry is one inbound rule of a security group or network ACL, in any of the shapes Pulumi takes.
type netEntry struct {
	// where locates an inline rule ("ingress[0]"); empty for a rule resource.
	where string
	node  map[string]any
	// protoKey holds the protocol; sourceKeys hold the remote blocks, lists of strings when sourceLists is
	// set (security group cidrBlocks), single strings otherwise (cidrIpv4, network ACL cidrBlock).
	protoKey    string
	sourceKeys  []string
	sourceLists bool
	// inbound says whether the entry admits inbound traffic (its direction, its action); inboundWhy names the
	// unknown value when it is m3Maybe.
	inbound    match3
	inboundWhy string
}

func (e netEntry) path(key string) string {
	if e.where == "" {
		return key
	}
	return e.where + "." + key
}

func (e netEntry) subject() string {
	if e.where == "" {
		return "the rule"
	}
	return e.where
}

// netSources reports whether the entry's remote blocks include the whole internet.
func (e netEntry) sources() (match3, string, string, []Finding) {
	result, source, why := m3No, "", ""
	var problems []Finding
	consider := func(v any, display string) {
		switch x := v.(type) {
		case string:
			if x = strings.TrimSpace(x); x == netAnyIPv4 || x == netAnyIPv6 {
				result, source = m3Yes, x
			}
		default:
			if IsUnknown(v) {
				if result == m3No {
					result, why = m3Maybe, display
				}
				return
			}
			problems = append(problems, fail("%s is %s (%s); expected a cidr block", display, kind(v), describe(v))...)
		}
	}
	for _, key := range e.sourceKeys {
		v, ok := e.node[key]
		if !ok || v == nil {
			continue
		}
		list, isList := v.([]any)
		switch {
		case IsUnknown(v):
			consider(v, e.path(key))
		case e.sourceLists && isList:
			for i, elem := range list {
				consider(elem, fmt.Sprintf("%s[%d]", e.path(key), i))
			}
		case e.sourceLists:
			problems = append(problems, fail("%s is %s (%s); expected a list of cidr blocks", e.path(key), kind(v), describe(v))...)
		default:
			consider(v, e.path(key))
		}
	}
	if result == m3Yes {
		why = ""
	}
	return result, source, why, problems
}

// protocol returns the entry's protocol as "tcp", "udp", "all", "icmp" or another name or number; "" when
// unknown until deployment.
func (e netEntry) protocol() (string, []Finding) {
	v, ok := e.node[e.protoKey]
	switch {
	case !ok || v == nil:
		return "", fail("%s is not set; expected a protocol", e.path(e.protoKey))
	case IsUnknown(v):
		return "", nil
	}
	name := ""
	if n, isInt := asInt(v); isInt {
		name = fmt.Sprint(n)
	} else if str, isString := v.(string); isString {
		name = strings.ToLower(strings.TrimSpace(str))
	} else {
		return "", fail("%s is %s (%s); expected a protocol name or number", e.path(e.protoKey), kind(v), describe(v))
	}
	switch name {
	case "-1", "all":
		return "all", nil
	case "6", "tcp":
		return "tcp", nil
	case "17", "udp":
		return "udp", nil
	case "1", "icmp":
		return "icmp", nil
	case "":
		return "", fail("%s is empty; expected a protocol", e.path(e.protoKey))
	}
	return name, nil
}

// ports returns the entry's port range; known is false when a bound is unknown until deployment.
func (e netEntry) ports() (from, to int64, known bool, unknownPath string, problems []Finding) {
	bounds := [2]int64{}
	known = true
	for i, key := range []string{"fromPort", "toPort"} {
		v, ok := e.node[key]
		switch {
		case !ok || v == nil:
			return 0, 0, false, "", fail("%s is not set; expected a port number", e.path(key))
		case IsUnknown(v):
			if known {
				known, unknownPath = false, e.path(key)
			}
			continue
		}
		n, isInt := asInt(v)
		if !isInt {
			return 0, 0, false, "", fail("%s is %s (%s); expected a port number", e.path(key), kind(v), describe(v))
		}
		bounds[i] = n
	}
	return bounds[0], bounds[1], known, unknownPath, nil
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

// describeRange renders a protocol and port range for messages.
func describeRange(proto string, from, to int64) string {
	switch {
	case proto == "all":
		return "all protocols and ports"
	case proto != "tcp" && proto != "udp":
		return "protocol " + proto
	case from == to:
		return fmt.Sprintf("%s port %d", proto, from)
	}
	return fmt.Sprintf("%s ports %d-%d", proto, from, to)
}

// judge applies a port judgement to an inbound entry open to the internet. Shape problems come first; a
// value the judgement needs that is unknown gives an undecided finding.
func (e netEntry) judge(j netPortJudge) []Finding {
	open, source, openWhy, problems := e.sources()
	proto, fs := e.protocol()
	problems = append(problems, fs...)
	var from, to int64 = 0, netPortMax
	portsKnown, portsWhy := true, ""
	if proto == "tcp" || proto == "udp" {
		var known bool
		from, to, known, portsWhy, fs = e.ports()
		problems = append(problems, fs...)
		portsKnown = known
	}
	if len(problems) > 0 {
		return problems
	}
	if e.inbound == m3No || open == m3No {
		return nil
	}
	var hit bool
	var why string
	switch {
	case proto == "":
		// Unknown protocol: it could be any; the rule cannot decide unless nothing could break it.
		if ok, _ := j("all", 0, netPortMax); ok {
			return undecided(e.path(e.protoKey))
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
	case open == m3Maybe:
		return undecided(openWhy)
	case e.inbound == m3Maybe:
		return undecided(e.inboundWhy)
	}
	return fail("%s admits %s to %s, %s", e.subject(), source, describeRange(proto, from, to), why)
}

// netJudgeSGIngress applies a port judgement to every ingress rule of a security group or rule resource.
func netJudgeSGIngress(r *Resource, j netPortJudge) []Finding {
	return netJudgeSGDirection(r, "ingress", netTypeSGIngressRule, j)
}

// netJudgeSGEgress applies a port judgement to every egress rule of a security group or rule resource; the
// remote blocks are the destinations.
func netJudgeSGEgress(r *Resource, j netPortJudge) []Finding {
	return netJudgeSGDirection(r, "egress", netTypeSGEgressRule, j)
}

// netJudgeSGDirection applies a port judgement to the rules of one direction ("ingress" or "egress"): a
// group's inline list of that name, a security group rule resource of that type, and the VPC rule resource
// of that direction (vpcRuleType).
func netJudgeSGDirection(r *Resource, direction, vpcRuleType string, j netPortJudge) []Finding {
	switch r.Type {
	case netTypeSG, netTypeDefaultSG:
		rules, out := objectsAt(r.Props, direction, direction)
		for i, rule := range rules {
			e := netEntry{where: fmt.Sprintf("%s[%d]", direction, i), node: rule, protoKey: "protocol", sourceKeys: []string{"cidrBlocks", "ipv6CidrBlocks"}, sourceLists: true, inbound: m3Yes}
			out = append(out, e.judge(j)...)
		}
		return out
	case netTypeSGRule:
		e := netEntry{node: r.Props, protoKey: "protocol", sourceKeys: []string{"cidrBlocks", "ipv6CidrBlocks"}, sourceLists: true, inbound: m3Yes}
		switch v, _ := r.Get("type"); {
		case IsUnknown(v):
			e.inbound, e.inboundWhy = m3Maybe, "type"
		case v != direction:
			return nil
		}
		return e.judge(j)
	case vpcRuleType:
		e := netEntry{node: r.Props, protoKey: "ipProtocol", sourceKeys: []string{"cidrIpv4", "cidrIpv6"}, inbound: m3Yes}
		return e.judge(j)
	}
	return nil
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

// netAllows reports whether a network ACL action is allow.
func netAllows(node map[string]any, key, display string) (match3, []Finding) {
	v, ok := node[key]
	switch {
	case !ok || v == nil:
		return m3No, fail("%s is not set; expected allow or deny", display)
	case IsUnknown(v):
		return m3Maybe, nil
	}
	action, isString := v.(string)
	if !isString {
		return m3No, fail("%s is %s (%s); expected allow or deny", display, kind(v), describe(v))
	}
	if strings.EqualFold(strings.TrimSpace(action), "allow") {
		return m3Yes, nil
	}
	return m3No, nil
}

func checkNACLAdminPorts(r *Resource) []Finding {
	sources := []string{"cidrBlock", "ipv6CidrBlock"}
	if r.Type == netTypeNACLRule {
		e := netEntry{node: r.Props, protoKey: "protocol", sourceKeys: sources, inbound: m3Yes}
		switch v, ok := r.Get("egress"); {
		case !ok:
		case IsUnknown(v):
			e.inbound, e.inboundWhy = m3Maybe, "egress"
		default:
			egress, isBool := asBool(v)
			if !isBool {
				return fail("egress is %s (%s); expected a boolean", kind(v), describe(v))
			}
			if egress {
				return nil
			}
		}
		allow, fs := netAllows(r.Props, "ruleAction", "ruleAction")
		if fs != nil {
			return fs
		}
		if allow == m3No {
			return nil
		}
		if allow == m3Maybe && e.inbound == m3Yes {
			e.inbound, e.inboundWhy = m3Maybe, "ruleAction"
		}
		return e.judge(netAdminPorts)
	}
	entries, out := objectsAt(r.Props, "ingress", "ingress")
	for i, entry := range entries {
		where := fmt.Sprintf("ingress[%d]", i)
		allow, fs := netAllows(entry, "action", where+".action")
		if fs != nil {
			out = append(out, fs...)
			continue
		}
		if allow == m3No {
			continue
		}
		e := netEntry{where: where, node: entry, protoKey: "protocol", sourceKeys: sources, inbound: allow, inboundWhy: where + ".action"}
		out = append(out, e.judge(netAdminPorts)...)
	}
	return out
}

package rules

import (
	"fmt"
	"strings"
)

// The VPC rules: routes to the internet gateway, the gateway's attachment, subnets' public addresses, the
// default security group and network ACL, and flow logs. Tenancy is in vpc_tenancy.go, security groups in
// securitygroup.go, network ACL entries in nacl.go.

// Resource type tokens of the VPC rules, with a family prefix so that they cannot collide with the
// constants of other rule families in this package.
const (
	netTypeRoute             = "aws:ec2/route:Route"
	netTypeRouteTable        = "aws:ec2/routeTable:RouteTable"
	netTypeDefaultRouteTable = "aws:ec2/defaultRouteTable:DefaultRouteTable"
	netTypeIGW               = "aws:ec2/internetGateway:InternetGateway"
	netTypeIGWAttachment     = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
	netTypeFlowLog           = "aws:ec2/flowLog:FlowLog"
)

// The whole internet, as route destinations and rule sources name it.
const (
	netAnyIPv4 = "0.0.0.0/0"
	netAnyIPv6 = "::/0"
)

// HIPAA citations of cdk-nag's mapping for rules that restrict network access.
var (
	netHIPAAAccess = []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", hipaaAccessEstablish, hipaaAccessControl, hipaaTransmission}
)

// vpcRules returns the VPC rules: routes, gateways, subnets, the default security group and network ACL, and
// flow logs.
func vpcRules() []Rule {
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
	}
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

// checkNoRouteToIGW judges every route of the stack, as a route resource or inline in a route table.
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

// checkIGWAttached requires every internet gateway to be attached, by its vpcId or an attachment, to a VPC of
// this stack and to no other.
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

// checkDefaultSGClosed requires every VPC's default security group to be managed, and managed with no rules.
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

// checkDefaultNACLClosed requires every VPC's default network ACL to be managed (by defaultNetworkAclId), and
// managed with no rules and no subnets.
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

// checkFlowLogs requires a flow log on every VPC, and every flow log to record all traffic.
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

package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// The VPC rules: routes to the internet gateway, the gateway's attachment, subnets' public addresses, the
// default security group and network ACL, and flow logs. Tenancy is in vpc_tenancy.go, security groups in
// securitygroup.go, network ACL entries in nacl.go.

// vpcRules returns the VPC rules: routes, gateways, subnets, the default security group and network ACL, and
// flow logs.
func vpcRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "vpc-no-unrestricted-route-to-igw",
			Description: "No route sends 0.0.0.0/0 or ::/0 to an internet gateway, as a route resource or inline in a route table; a default route to a NAT gateway is fine.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaTransmission},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-VPCNoUnrestrictedRouteToIGW", Config: "no-unrestricted-route-to-igw",
				Checklist: []int{36}},
			Types:      []string{netmodel.TypeRoute, netmodel.TypeRouteTable, netmodel.TypeDefaultRouteTable},
			CheckStack: checkNoRouteToIGW,
		},
		{
			ID:          "vpc-igw-attached-to-stack-vpc",
			Description: "Every internet gateway is attached to a VPC of this stack (its vpcId or an internet gateway attachment), and to no other VPC.",
			Level:       engine.Mandatory,
			HIPAA:       hipaaNotReachable(),
			Sources:     engine.Sources{Config: "internet-gateway-authorized-vpc-only", Checklist: []int{30}},
			Types:       []string{netmodel.TypeIGW, netmodel.TypeIGWAttachment},
			CheckStack:  checkIGWAttached,
		},
		{
			ID:          "subnet-no-public-ip-on-launch",
			Description: "No subnet sets mapPublicIpOnLaunch: instances launched into it must not get public addresses by default (AWS's default is false).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaNotReachable(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled", Config: "subnet-auto-assign-public-ip-disabled",
				Checklist: []int{61}},
			Types: []string{typeSubnet},
			Check: func(r *engine.Resource) []engine.Finding {
				return shapedBoolAt(r.Props, "mapPublicIpOnLaunch", false, true)
			},
		},
		{
			ID: "vpc-default-security-group-closed",
			Description: "Every VPC's default security group is taken under management by a DefaultSecurityGroup with no ingress and no egress rules, " +
				"so that anything attached to it by accident can send and receive nothing.",
			Level: engine.Mandatory,
			HIPAA: []string{hipaaTransmission},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-VPCDefaultSecurityGroupClosed", Config: "vpc-default-security-group-closed",
				Checklist: []int{62}},
			Types:      []string{typeVPC, netmodel.TypeDefaultSG},
			CheckStack: checkDefaultSGClosed,
		},
		{
			ID: "vpc-default-network-acl-closed",
			Description: "Every VPC's default network ACL is taken under management by a DefaultNetworkAcl with no ingress, no egress and no subnets, " +
				"so that a subnet left without a network ACL of its own passes no traffic.",
			Level:      engine.Mandatory,
			HIPAA:      []string{hipaaTransmission, hipaaAccessControl},
			Sources:    engine.Sources{Other: "CIS AWS Foundations 5.x, SCE design"},
			Types:      []string{typeVPC, netmodel.TypeDefaultNACL},
			CheckStack: checkDefaultNACLClosed,
		},
		{
			ID:          "vpc-flow-logs-enabled",
			Description: "Every VPC has a flow log (vpcId), and every flow log records ALL traffic, accepted and rejected (the seed: \"Filter = All\").",
			Level:       engine.Mandatory,
			HIPAA:       []string{"164.308(a)(3)(ii)(A)", hipaaAuditControls, hipaaActivityReview},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-VPCFlowLogsEnabled", Config: "vpc-flow-logs-enabled",
				Other: "seed, Part 1B (flow log filter All)", Checklist: []int{63}},
			Types:      []string{typeVPC, netmodel.TypeFlowLog},
			CheckStack: checkFlowLogs,
		},
	}
}

// netIGWTarget reports whether a gateway id names an internet gateway: by its value ("igw-", or an
// internet gateway of the stack) or, when the value is unknown, by the dependencies of depsProp.
func netIGWTarget(s *engine.Stack, r *engine.Resource, depsProp string, v any) (engine.Match3, string) {
	if engine.IsUnknown(v) {
		deps := r.PropertyDependencies[depsProp]
		for _, urn := range deps {
			if t, ok := s.ByURN(urn); ok && t.Type == netmodel.TypeIGW {
				return engine.MatchYes, "internet gateway " + t.Name
			}
		}
		if len(deps) > 0 {
			return engine.MatchNo, ""
		}
		return engine.MatchMaybe, ""
	}
	id, _ := v.(string)
	for _, igw := range s.OfType(netmodel.TypeIGW) {
		if igw.IdentifiedBy(id) {
			return engine.MatchYes, "internet gateway " + igw.Name
		}
	}
	if strings.HasPrefix(id, "igw-") {
		return engine.MatchYes, fmt.Sprintf("internet gateway %q", id)
	}
	return engine.MatchNo, ""
}

// netRouteToIGW judges one route of the network model (RouteEntry): its destination keys, its gateway
// key, and the property whose dependencies say where an unknown gateway points.
func netRouteToIGW(s *engine.Stack, e netmodel.RouteEntry) []engine.Finding {
	r, route, prefix := e.Holder, e.Node, e.Prefix()
	dest, destShown, destUnknown := engine.MatchNo, "", ""
	for _, key := range []string{e.V4, e.V6} {
		v, ok := route[key]
		switch {
		case !ok || v == nil:
		case engine.IsUnknown(v):
			if dest == engine.MatchNo {
				dest, destUnknown = engine.MatchMaybe, prefix+key
			}
		default:
			cidr, isString := v.(string)
			if !isString {
				return engine.Fail("%s%s is %s (%s); expected a cidr block", prefix, key, engine.Kind(v), engine.Describe(v))
			}
			if cidr = strings.TrimSpace(cidr); cidr == netmodel.AnyIPv4 || cidr == netmodel.AnyIPv6 {
				dest, destShown = engine.MatchYes, fmt.Sprintf("%s%s %q", prefix, key, cidr)
			}
		}
	}
	gw, ok := route["gatewayId"]
	if dest == engine.MatchNo || !ok || gw == nil {
		return nil
	}
	if _, isString := gw.(string); !isString && !engine.IsUnknown(gw) {
		return engine.Fail("%sgatewayId is %s (%s); expected a gateway id", prefix, engine.Kind(gw), engine.Describe(gw))
	}
	igw, name := netIGWTarget(s, r, e.DepsOf("gatewayId"), gw)
	switch {
	case igw == engine.MatchNo:
		return nil
	case igw == engine.MatchMaybe:
		return engine.Undecided(prefix + "gatewayId")
	case dest == engine.MatchMaybe:
		return engine.Undecided(destUnknown)
	}
	return engine.Fail("%s goes to %s (%sgatewayId); no route may send all traffic to an internet gateway", destShown, name, prefix)
}

// checkNoRouteToIGW judges every route of the stack, as a route resource or inline in a route table.
func checkNoRouteToIGW(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, r := range append(s.OfType(netmodel.TypeRoute), s.OfType(netmodel.TypeRouteTable, netmodel.TypeDefaultRouteTable)...) {
		entries, fs := netmodel.RouteEntriesOf(r)
		for _, e := range entries {
			fs = append(fs, netRouteToIGW(s, e)...)
		}
		out = append(out, engine.WithURN(r.URN, fs)...)
	}
	return out
}

// netIGWLink is one way an internet gateway is attached to a VPC.
type netIGWLink struct {
	via  string // "vpcId", or "vpcId of internet gateway attachment a"
	vpcs []*engine.Resource
	v    any
}

// checkIGWAttached requires every internet gateway to be attached, by its vpcId or an attachment, to a VPC of
// this stack and to no other.
func checkIGWAttached(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, igw := range s.OfType(netmodel.TypeIGW) {
		var links []netIGWLink
		if v, ok := igw.Get("vpcId"); ok {
			links = append(links, netIGWLink{via: "vpcId", vpcs: s.Refs(igw, "vpcId", typeVPC), v: v})
		}
		attachments, unresolved := referrers(s, igw, "internetGatewayId", netmodel.TypeIGWAttachment)
		for _, a := range attachments {
			v, ok := a.Get("vpcId")
			if !ok {
				out = append(out, engine.Finding{URN: a.URN, Message: "vpcId is not set; an internet gateway attachment must name a vpc of this stack"})
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
			case engine.IsUnknown(l.v) && len(l.vpcs) == 0:
				if undecidedWhy == "" {
					undecidedWhy = l.via
				}
			default:
				out = append(out, engine.Finding{URN: igw.URN, Message: fmt.Sprintf("%s is %s, not a vpc of this stack; an internet gateway may serve only the stack's vpc",
					l.via, engine.Describe(l.v))})
			}
		}
		switch {
		case attached:
		case undecidedWhy != "":
			out = append(out, engine.WithURN(igw.URN, engine.Undecided(undecidedWhy))...)
		case len(links) == 0:
			out = append(out, engine.Finding{URN: igw.URN, Message: "the internet gateway is attached to no vpc of this stack: set vpcId or add an internet gateway attachment"})
		}
	}
	return out
}

// checkDefaultSGClosed requires every VPC's default security group to be managed, and managed with no rules.
func checkDefaultSGClosed(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, vpc := range s.OfType(typeVPC) {
		out = append(out, requireReferrer(s, vpc, "vpcId", netmodel.TypeDefaultSG, "default security group",
			"no aws:ec2/defaultSecurityGroup:DefaultSecurityGroup refers to this vpc (vpcId), "+
				"so its default security group keeps its allow-all rules; manage it with no ingress and no egress")...)
	}
	for _, sg := range s.OfType(netmodel.TypeDefaultSG) {
		for _, prop := range []string{"ingress", "egress"} {
			out = append(out, engine.WithURN(sg.URN, netEmptyList(sg, prop, "rule(s)", "the default security group must have no rules"))...)
		}
	}
	return out
}

// checkDefaultNACLClosed requires every VPC's default network ACL to be managed (by defaultNetworkAclId), and
// managed with no rules and no subnets.
func checkDefaultNACLClosed(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	acls := s.OfType(netmodel.TypeDefaultNACL)
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
			if engine.IsUnknown(v) && len(acl.PropertyDependencies["defaultNetworkAclId"]) == 0 && unresolved == "" {
				unresolved = "defaultNetworkAclId of default network acl " + acl.Name
			}
		}
		switch {
		case managed:
		case unresolved != "":
			out = append(out, engine.WithURN(vpc.URN, engine.Undecided(unresolved))...)
		default:
			out = append(out, engine.Finding{URN: vpc.URN, Message: "no aws:ec2/defaultNetworkAcl:DefaultNetworkAcl manages this vpc's default network acl (defaultNetworkAclId), " +
				"so it keeps its allow-all rules; manage it with no ingress, no egress and no subnets"})
		}
	}
	for _, acl := range acls {
		out = append(out, engine.WithURN(acl.URN, netEmptyList(acl, "ingress", "rule(s)", "the default network acl must have no rules"))...)
		out = append(out, engine.WithURN(acl.URN, netEmptyList(acl, "egress", "rule(s)", "the default network acl must have no rules"))...)
		out = append(out, engine.WithURN(acl.URN, netEmptyList(acl, "subnetIds", "subnet(s)",
			"the default network acl must hold no subnet; give each subnet a network acl of its own"))...)
	}
	return out
}

// checkFlowLogs requires a flow log on every VPC, and every flow log to record all traffic.
func checkFlowLogs(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, vpc := range s.OfType(typeVPC) {
		out = append(out, requireReferrer(s, vpc, "vpcId", netmodel.TypeFlowLog, "flow log",
			"no aws:ec2/flowLog:FlowLog refers to this vpc (vpcId); record all of its traffic with a flow log")...)
	}
	for _, fl := range s.OfType(netmodel.TypeFlowLog) {
		out = append(out, engine.WithURN(fl.URN, shapedStringAt(fl.Props, "trafficType", false, "ALL"))...)
	}
	return out
}

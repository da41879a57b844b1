// Package netmodel is the network model of a plan: one reading of its security-group rules, network ACL
// entries and routes, shared by the network policy rules (policy/rules), the flow analyzer
// (policy/netflow) and `sce verify` (policy/verify). The parsers here are the only ones, so a rule that
// judges an entry's shape and the analyzer that follows a flow through it read the same keys with the
// same code.
package netmodel

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The network model: one reading of the plan's security-group rules, network ACL entries and routes,
// shared by the network policy rules of this package and by the network evaluator (policy/netflow). The
// parsers here are the only ones: a rule that judges an entry's shape and the evaluator that follows a
// flow through it read the same keys with the same code, and report the same shape problems.
//
// This file holds the three-valued answer, the shapes of rule entries and the parser of one entry;
// netmodel_sg.go, netmodel_acl.go and netmodel_route.go build the parsed security-group rules, network
// ACL entries and routes of a stack from them.

// Protocol names as the model normalises them (NetEntry.Protocol).
const (
	ProtoAll  = "all"
	ProtoTCP  = "tcp"
	ProtoUDP  = "udp"
	ProtoICMP = "icmp"
)

// PortRange is an inclusive range of ports.
type PortRange struct {
	From, To int64
}

// AllPorts returns the range of every TCP or UDP port.
func AllPorts() PortRange { return PortRange{From: 0, To: PortMax} }

// Contains reports whether every port of o lies in r.
func (r PortRange) Contains(o PortRange) bool { return r.From <= o.From && o.To <= r.To }

// String renders the range as "22" or "1024-65535".
func (r PortRange) String() string {
	if r.From == r.To {
		return fmt.Sprint(r.From)
	}
	return fmt.Sprintf("%d-%d", r.From, r.To)
}

// NetShape names the keys of one shape of rule entry, as Pulumi's resource types spell them.
type NetShape struct {
	// Protocol is the key of the protocol: a name, an IANA number, or "-1" for every protocol.
	Protocol string
	// Blocks are the keys of the remote address blocks; BlockLists says whether they hold lists of
	// blocks (a security group's cidrBlocks) or single blocks (cidrIpv4, a network ACL's cidrBlock).
	Blocks     []string
	BlockLists bool
	// PrefixLists is the key of the remote prefix lists ("" when the shape has none); PrefixListList says
	// whether it holds a list.
	PrefixLists    string
	PrefixListList bool
	// Groups is the key of the remote security groups ("" when the shape has none); GroupList says
	// whether it holds a list.
	Groups    string
	GroupList bool
	// Self is the key of the flag that makes a security group rule's own group its remote.
	Self string
	// Number and Action are the keys of a network ACL entry's rule number and action.
	Number, Action string
}

// Shapes of the entries Pulumi's AWS provider takes.
func sgInlineShape() NetShape {
	return NetShape{Protocol: "protocol", Blocks: []string{"cidrBlocks", "ipv6CidrBlocks"}, BlockLists: true,
		PrefixLists: "prefixListIds", PrefixListList: true, Groups: "securityGroups", GroupList: true, Self: "self"}
}

func sgRuleShape() NetShape {
	return NetShape{Protocol: "protocol", Blocks: []string{"cidrBlocks", "ipv6CidrBlocks"}, BlockLists: true,
		PrefixLists: "prefixListIds", PrefixListList: true, Groups: "sourceSecurityGroupId", Self: "self"}
}

func vpcSGRuleShape() NetShape {
	return NetShape{Protocol: "ipProtocol", Blocks: []string{"cidrIpv4", "cidrIpv6"}, PrefixLists: "prefixListId",
		Groups: "referencedSecurityGroupId"}
}

func aclRuleShape() NetShape {
	return NetShape{Protocol: "protocol", Blocks: []string{"cidrBlock", "ipv6CidrBlock"}, Number: "ruleNumber", Action: "ruleAction"}
}

func aclInlineShape() NetShape {
	return NetShape{Protocol: "protocol", Blocks: []string{"cidrBlock", "ipv6CidrBlock"}, Number: "ruleNo", Action: "action"}
}

// NetEntry is one rule of a security group or one entry of a network ACL, in any of the shapes Pulumi
// takes: where it sits, its properties, and its shape. Its methods are the model's parser of entries.
type NetEntry struct {
	// Where locates an inline entry ("ingress[0]"); empty for a rule resource.
	Where string
	Node  map[string]any
	Shape NetShape
	// Applies says whether the entry is one the caller asked for (its direction, for a network ACL entry
	// also its action); AppliesWhy names the unknown value when it is MatchMaybe.
	Applies    engine.Match3
	AppliesWhy string
}

// Path renders the path of one of the entry's keys for messages ("ingress[0].protocol").
func (e NetEntry) Path(key string) string {
	if e.Where == "" {
		return key
	}
	return e.Where + "." + key
}

// Subject names the entry in messages: "the rule", or where it sits.
func (e NetEntry) Subject() string {
	if e.Where == "" {
		return "the rule"
	}
	return e.Where
}

// eachBlock calls visit for every remote block value of the entry (a string, Unknown or a value of the
// wrong shape) with its display path, and report for a list of the wrong shape, in the entry's order.
func (e NetEntry) eachBlock(visit func(v any, display string), report func([]engine.Finding)) {
	for _, key := range e.Shape.Blocks {
		v, ok := e.Node[key]
		if !ok || v == nil {
			continue
		}
		list, isList := v.([]any)
		switch {
		case engine.IsUnknown(v):
			visit(v, e.Path(key))
		case e.Shape.BlockLists && isList:
			for i, elem := range list {
				visit(elem, fmt.Sprintf("%s[%d]", e.Path(key), i))
			}
		case e.Shape.BlockLists:
			report(engine.Fail("%s is %s (%s); expected a list of cidr blocks", e.Path(key), engine.Kind(v), engine.Describe(v)))
		default:
			visit(v, e.Path(key))
		}
	}
}

// OpenToInternet reports whether the entry's remote blocks include the whole internet (0.0.0.0/0 or
// ::/0): the answer, the block that says so, the unknown value when the answer is MatchMaybe, and shape
// problems.
func (e NetEntry) OpenToInternet() (engine.Match3, string, string, []engine.Finding) {
	result, source, why := engine.MatchNo, "", ""
	var problems []engine.Finding
	report := func(fs []engine.Finding) { problems = append(problems, fs...) }
	e.eachBlock(func(v any, display string) {
		switch x := v.(type) {
		case string:
			if x = strings.TrimSpace(x); x == AnyIPv4 || x == AnyIPv6 {
				result, source = engine.MatchYes, x
			}
		default:
			if engine.IsUnknown(v) {
				if result == engine.MatchNo {
					result, why = engine.MatchMaybe, display
				}
				return
			}
			report(engine.Fail("%s is %s (%s); expected a cidr block", display, engine.Kind(v), engine.Describe(v)))
		}
	}, report)
	if result == engine.MatchYes {
		why = ""
	}
	return result, source, why, problems
}

// Blocks returns the entry's remote address blocks, parsed; unknown names the first one that is unknown
// until deployment.
func (e NetEntry) Blocks() (blocks []netip.Prefix, unknown string, problems []engine.Finding) {
	report := func(fs []engine.Finding) { problems = append(problems, fs...) }
	e.eachBlock(func(v any, display string) {
		switch x := v.(type) {
		case string:
			p, err := netip.ParsePrefix(strings.TrimSpace(x))
			if err != nil {
				report(engine.Fail("%s is %q; expected a cidr block", display, x))
				return
			}
			blocks = append(blocks, p.Masked())
		default:
			if engine.IsUnknown(v) {
				if unknown == "" {
					unknown = display
				}
				return
			}
			report(engine.Fail("%s is %s (%s); expected a cidr block", display, engine.Kind(v), engine.Describe(v)))
		}
	}, report)
	return blocks, unknown, problems
}

// refs returns the string values at a key that holds one reference or a list of them; unknown names the
// first value unknown until deployment.
func (e NetEntry) refs(key string, list bool) (values []string, unknown string, problems []engine.Finding) {
	if key == "" {
		return nil, "", nil
	}
	v, ok := e.Node[key]
	if !ok || v == nil {
		return nil, "", nil
	}
	if engine.IsUnknown(v) {
		return nil, e.Path(key), nil
	}
	items := []any{v}
	if list {
		l, isList := v.([]any)
		if !isList {
			return nil, "", engine.Fail("%s is %s (%s); expected a list of ids", e.Path(key), engine.Kind(v), engine.Describe(v))
		}
		items = l
	}
	for i, item := range items {
		display := e.Path(key)
		if list {
			display = fmt.Sprintf("%s[%d]", display, i)
		}
		switch x := item.(type) {
		case string:
			if x = strings.TrimSpace(x); x != "" {
				values = append(values, x)
			}
		default:
			if engine.IsUnknown(item) {
				if unknown == "" {
					unknown = display
				}
				continue
			}
			problems = append(problems, engine.Fail("%s is %s (%s); expected an id", display, engine.Kind(item), engine.Describe(item))...)
		}
	}
	return values, unknown, problems
}

// Protocol returns the entry's protocol as "tcp", "udp", "all", "icmp" or another name or number; ""
// when unknown until deployment.
func (e NetEntry) Protocol() (string, []engine.Finding) {
	key := e.Shape.Protocol
	v, ok := e.Node[key]
	switch {
	case !ok || v == nil:
		return "", engine.Fail("%s is not set; expected a protocol", e.Path(key))
	case engine.IsUnknown(v):
		return "", nil
	}
	name := ""
	if n, isInt := engine.AsInt(v); isInt {
		name = fmt.Sprint(n)
	} else if str, isString := v.(string); isString {
		name = strings.ToLower(strings.TrimSpace(str))
	} else {
		return "", engine.Fail("%s is %s (%s); expected a protocol name or number", e.Path(key), engine.Kind(v), engine.Describe(v))
	}
	switch name {
	case "-1", ProtoAll:
		return ProtoAll, nil
	case "6", ProtoTCP:
		return ProtoTCP, nil
	case "17", ProtoUDP:
		return ProtoUDP, nil
	case "1", ProtoICMP:
		return ProtoICMP, nil
	case "":
		return "", engine.Fail("%s is empty; expected a protocol", e.Path(key))
	}
	return name, nil
}

// Ports returns the entry's fromPort-toPort range; known is false when a bound is unknown until
// deployment, and unknownPath names it.
func (e NetEntry) Ports() (from, to int64, known bool, unknownPath string, problems []engine.Finding) {
	bounds := [2]int64{}
	known = true
	for i, key := range []string{"fromPort", "toPort"} {
		v, ok := e.Node[key]
		switch {
		case !ok || v == nil:
			return 0, 0, false, "", engine.Fail("%s is not set; expected a port number", e.Path(key))
		case engine.IsUnknown(v):
			if known {
				known, unknownPath = false, e.Path(key)
			}
			continue
		}
		n, isInt := engine.AsInt(v)
		if !isInt {
			return 0, 0, false, "", engine.Fail("%s is %s (%s); expected a port number", e.Path(key), engine.Kind(v), engine.Describe(v))
		}
		bounds[i] = n
	}
	return bounds[0], bounds[1], known, unknownPath, nil
}

// number returns a network ACL entry's rule number.
func (e NetEntry) number() (int64, string, []engine.Finding) {
	key := e.Shape.Number
	v, ok := e.Node[key]
	switch {
	case !ok || v == nil:
		return 0, "", engine.Fail("%s is not set; expected a rule number", e.Path(key))
	case engine.IsUnknown(v):
		return 0, e.Path(key), nil
	}
	n, isInt := engine.AsInt(v)
	if !isInt {
		return 0, "", engine.Fail("%s is %s (%s); expected a rule number", e.Path(key), engine.Kind(v), engine.Describe(v))
	}
	return n, "", nil
}

// DescribeRange renders a protocol and port range for messages.
func DescribeRange(proto string, from, to int64) string {
	switch {
	case proto == ProtoAll:
		return "all protocols and ports"
	case proto != ProtoTCP && proto != ProtoUDP:
		return "protocol " + proto
	case from == to:
		return fmt.Sprintf("%s port %d", proto, from)
	}
	return fmt.Sprintf("%s ports %d-%d", proto, from, to)
}

// rangeOfEntry returns the ports an entry of a known protocol covers: its fromPort-toPort for TCP and
// UDP, every port otherwise (ICMP type and code are not ports).
func rangeOfEntry(e NetEntry, proto string) (PortRange, string, []engine.Finding) {
	if proto != ProtoTCP && proto != ProtoUDP {
		return AllPorts(), "", nil
	}
	from, to, known, unknown, problems := e.Ports()
	if len(problems) > 0 || !known {
		return PortRange{}, unknown, problems
	}
	return PortRange{From: from, To: to}, "", nil
}

// traffic reads what a security-group rule and a network ACL entry share: the protocol, the ports it
// covers and the remote address blocks, with the shape problems found. It names each value unknown until
// deployment to unknown.
func (e NetEntry) traffic(unknown func(string)) (proto string, ports PortRange, blocks []netip.Prefix, problems []engine.Finding) {
	proto, fs := e.Protocol()
	problems = append(problems, fs...)
	if proto == "" && len(fs) == 0 {
		unknown(e.Path(e.Shape.Protocol))
	}
	if proto != "" {
		r, why, fs := rangeOfEntry(e, proto)
		ports = r
		problems = append(problems, fs...)
		unknown(why)
	}
	blocks, why, fs := e.Blocks()
	problems = append(problems, fs...)
	unknown(why)
	return proto, ports, blocks, problems
}

// displayName names a resource in messages: its name, with its id when the id differs.
func displayName(r *engine.Resource) string {
	if r.ID != "" && r.ID != r.Name {
		return fmt.Sprintf("%s (%s)", r.Name, r.ID)
	}
	return r.Name
}

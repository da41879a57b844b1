package netflow

import (
	"fmt"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// Network evaluates flows over one stack. Build it once with New and evaluate as many flows as needed.
//
// It does not model: IPv6 flows (it parses IPv6 rules, and every flow it takes is IPv4); ICMP types and
// codes (an ICMP rule or entry counts for all of ICMP); VPC peering, transit gateways, VPN and Direct
// Connect, interface endpoints, Gateway Load Balancers and middlebox routes (a route to one of them makes
// a flow unknown, not allowed); security group rules of other stacks and the rules of a VPC's default
// security group the stack does not manage; the rules AWS adds to EMR-managed groups in public subnets
// for its own address ranges; connection tracking limits, quotas, DNS, the instance metadata service
// and Time Sync (which no group or ACL filters); endpoint, bucket, key and IAM policies (the IAM
// evaluator's); and anything outside the plan (AWS's own address ranges, quotas, tenancy). Instances and
// EMR nodes are taken to be Linux clients (ephemeral ports 32768-61000) and other clients to use
// 1024-65535, unless a flow says otherwise (Flow.ClientPorts); EMR nodes in a subnet that routes to an
// internet gateway are taken to have public addresses.
type Network struct {
	s      *engine.Stack
	sg     []netmodel.SGRule
	acl    []netmodel.ACLEntry
	routes []netmodel.Route
}

// New reads the network of a stack: its security group rules (with the inbound rules Amazon EMR adds to
// the groups of its clusters), network ACL entries and routes, through the shared network model (policy/model/netmodel).
func New(s *engine.Stack) *Network {
	n := &Network{s: s, sg: netmodel.SecurityGroupRules(s), acl: netmodel.NetworkACLEntries(s), routes: netmodel.Routes(s)}
	n.sg = append(n.sg, emrManagedRules(s)...)
	return n
}

// Evaluate evaluates one flow over a stack; see Network.Evaluate.
func Evaluate(s *engine.Stack, f Flow) Verdict { return New(s).Evaluate(f) }

// Evaluate follows a flow from its source to its destination and back. A resource in several subnets
// (a Redshift subnet group, an auto scaling group across zones) must pass from each of them: the first
// denial, else the first unknown, decides.
func (n *Network) Evaluate(f Flow) Verdict {
	v := Verdict{Flow: f}
	wants, err := wanted(f)
	if err != nil {
		v.Result, v.Why = engine.MatchNo, err.Error()
		return v
	}
	srcs, m, why := n.places(f.From)
	if m != engine.MatchYes {
		v.Result, v.Why = m, why
		return v
	}
	if srcs[0].isPL {
		v.Result, v.Why = engine.MatchNo, "a prefix list is a destination only"
		return v
	}
	dsts, m, why := n.places(f.To)
	if m != engine.MatchYes {
		v.Result, v.Why = m, why
		return v
	}
	var allowed, unknown *Verdict
	for _, src := range srcs {
		if f.ClientPorts != nil {
			src.client = *f.ClientPorts
		}
		for _, dst := range dsts {
			one := n.one(f, src, dst, wants)
			switch one.Result {
			case engine.MatchNo:
				return one
			case engine.MatchMaybe:
				if unknown == nil {
					unknown = &one
				}
			default:
				if allowed == nil {
					allowed = &one
				}
			}
		}
	}
	if unknown != nil {
		return *unknown
	}
	if pairs := len(srcs) * len(dsts); pairs > 1 {
		allowed.Notes = append(allowed.Notes, fmt.Sprintf("allowed from each of the %d subnet pairs the endpoints may use", pairs))
	}
	return *allowed
}

// one follows the flow between one placement of the source and one of the destination.
func (n *Network) one(f Flow, src, dst place, wants []traffic) Verdict {
	t := &trace{v: Verdict{Flow: f}}
	switch {
	case src.res != nil && src.res == dst.res && src.res.Type == typeInstance:
		t.note(fmt.Sprintf("%s talks to itself: the traffic never leaves the instance, so no group, ACL or route applies", src.name))
	case src.internet && (dst.internet || dst.isPL):
		t.fail(engine.MatchMaybe, "a flow between two places outside the VPC is not modelled")
	case src.internet:
		n.fromInternet(t, src, dst, wants)
	case dst.isPL:
		n.toPrefixList(t, src, dst, wants)
	case dst.internet:
		n.toInternet(t, src, dst, wants)
	default:
		n.withinVPC(t, src, dst, wants)
	}
	if !t.failed {
		t.v.Result = engine.MatchYes
		t.v.Why = fmt.Sprintf("every element on the path admits %s", f.traffic())
	}
	return t.v
}

// trace accumulates a verdict while a flow is followed.
type trace struct {
	v      Verdict
	failed bool
}

// check is the outcome of one element on the path.
type check struct {
	result engine.Match3
	why    string
	path   []string
	notes  []string
}

// pass returns a passing check.
func pass(path ...string) check { return check{result: engine.MatchYes, path: path} }

// step records a check and reports whether the flow goes on.
func (t *trace) step(c check) bool {
	if t.failed {
		return false
	}
	t.v.Notes = append(t.v.Notes, c.notes...)
	if c.result != engine.MatchYes {
		t.fail(c.result, c.why)
		return false
	}
	t.v.Path = append(t.v.Path, c.path...)
	return true
}

func (t *trace) fail(m engine.Match3, why string) {
	t.failed = true
	t.v.Result, t.v.Why = m, why
}

func (t *trace) note(s string) { t.v.Notes = append(t.v.Notes, s) }

// traffic is one protocol and port range of a flow.
type traffic struct {
	proto string
	ports netmodel.PortRange
}

func (w traffic) String() string {
	if w.proto == netmodel.ProtoTCP || w.proto == netmodel.ProtoUDP {
		return fmt.Sprintf("%s %s", w.proto, w.ports)
	}
	return w.proto
}

// wanted returns what a flow sends: one protocol and port, or for "all traffic" every TCP and UDP port
// and ICMP.
func wanted(f Flow) ([]traffic, error) {
	switch f.Protocol {
	case netmodel.ProtoTCP, netmodel.ProtoUDP:
		if f.Port < 0 || f.Port > netmodel.AllPorts().To {
			return nil, fmt.Errorf("port %d is not a port", f.Port)
		}
		return []traffic{{proto: f.Protocol, ports: netmodel.PortRange{From: f.Port, To: f.Port}}}, nil
	case netmodel.ProtoICMP:
		return []traffic{{proto: netmodel.ProtoICMP, ports: netmodel.AllPorts()}}, nil
	case netmodel.ProtoAll:
		return []traffic{{netmodel.ProtoTCP, netmodel.AllPorts()}, {netmodel.ProtoUDP, netmodel.AllPorts()}, {netmodel.ProtoICMP, netmodel.AllPorts()}}, nil
	}
	return nil, fmt.Errorf("protocol %q is not tcp, udp, icmp or all", f.Protocol)
}

// answers returns what comes back for traffic a client sends: TCP and UDP to the client's ephemeral
// ports, anything else as it went.
func answers(wants []traffic, client netmodel.PortRange) []traffic {
	out := make([]traffic, len(wants))
	for i, w := range wants {
		out[i] = w
		if (w.proto == netmodel.ProtoTCP || w.proto == netmodel.ProtoUDP) && w.ports.From == w.ports.To {
			out[i].ports = client
		}
	}
	return out
}

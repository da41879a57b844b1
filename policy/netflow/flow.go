package netflow

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

// Role selects which nodes of an EMR cluster an endpoint stands for.
type Role string

// EMR roles: the primary node, the core (and task) nodes, and the service access interface the EMR
// service uses in a private subnet.
const (
	RolePrimary       Role = "primary"
	RoleCore          Role = "core"
	RoleServiceAccess Role = "service access"
)

// Endpoint is one end of a flow: a resource of the stack, an address block outside the VPC (the
// internet), or, as a destination only, a prefix list.
type Endpoint struct {
	// Resource is an instance, a launch template, a Redshift cluster, an EMR cluster (with Role) or, as a
	// destination, a gateway VPC endpoint (its service's prefix list).
	Resource *engine.Resource
	// Role selects the nodes of an EMR cluster; empty for other resources.
	Role Role
	// Block is an address block on the internet, when Resource is nil.
	Block netip.Prefix
	// PrefixList is a prefix list's id (pl-...), when Resource and Block are not set.
	PrefixList string
}

// Of returns the endpoint of a resource.
func Of(r *engine.Resource) Endpoint { return Endpoint{Resource: r} }

// EMRNodes returns the endpoint of one role of an EMR cluster.
func EMRNodes(cluster *engine.Resource, role Role) Endpoint {
	return Endpoint{Resource: cluster, Role: role}
}

// Internet returns the endpoint of an address block on the internet ("198.51.100.0/24", "0.0.0.0/0");
// an address alone is a /32. A block stands for each public address in it: a flow is allowed when it is
// allowed for every one of them, denied when for none, and unknown when the answer depends on the
// address (a rule or route that covers part of the block).
func Internet(block string) (Endpoint, error) {
	if !strings.Contains(block, "/") {
		a, err := netip.ParseAddr(block)
		if err != nil {
			return Endpoint{}, fmt.Errorf("internet endpoint %q: %w", block, err)
		}
		return Endpoint{Block: netip.PrefixFrom(a, a.BitLen())}, nil
	}
	p, err := netip.ParsePrefix(block)
	if err != nil {
		return Endpoint{}, fmt.Errorf("internet endpoint %q: %w", block, err)
	}
	return Endpoint{Block: p.Masked()}, nil
}

// PrefixList returns the endpoint of a prefix list, by id.
func PrefixList(id string) Endpoint { return Endpoint{PrefixList: id} }

// String names the endpoint in messages.
func (e Endpoint) String() string {
	switch {
	case e.Resource != nil && e.Role != "":
		return fmt.Sprintf("the %s nodes of %s", e.Role, e.Resource.Name)
	case e.Resource != nil:
		return e.Resource.Name
	case e.Block.IsValid():
		return e.Block.String()
	}
	return "prefix list " + e.PrefixList
}

// Flow is traffic a source opens to a destination.
type Flow struct {
	From, To Endpoint
	// Protocol is netmodel.ProtoTCP, netmodel.ProtoUDP, netmodel.ProtoICMP or netmodel.ProtoAll (every TCP and UDP
	// port and ICMP, which is how Amazon EMR's documentation means "all traffic" between its nodes).
	Protocol string
	// Port is the destination port of a TCP or UDP flow.
	Port int64
	// ClientPorts, when set, is the ephemeral port range the source's client uses; by default 32768-61000
	// for instances and EMR nodes (Amazon Linux) and 1024-65535 for anything else ("Ephemeral ports").
	ClientPorts *netmodel.PortRange
}

// String renders the flow: "hipaa-bastion-instance -> hipaa-workstation-instance tcp 22".
func (f Flow) String() string {
	return fmt.Sprintf("%s -> %s %s", f.From, f.To, f.traffic())
}

func (f Flow) traffic() string {
	switch f.Protocol {
	case netmodel.ProtoTCP, netmodel.ProtoUDP:
		return fmt.Sprintf("%s %d", f.Protocol, f.Port)
	case netmodel.ProtoAll:
		return "all traffic"
	}
	return f.Protocol
}

// Verdict is the answer for one flow.
type Verdict struct {
	Flow Flow
	// Result is engine.MatchYes when the flow is allowed, engine.MatchNo when it is denied, and
	// engine.MatchMaybe when a value it depends on is unknown until deployment.
	Result engine.Match3
	// Why names the first element that blocks the flow (or the unknown value); for an allowed flow it
	// says so.
	Why string
	// Path lists each element that admitted the flow, in the order the packets meet them.
	Path []string
	// Notes qualify the answer: traffic within one subnet, answers dropped on a few ports, assumptions.
	Notes []string
}

// Allowed reports whether the flow is allowed.
func (v Verdict) Allowed() bool { return v.Result == engine.MatchYes }

// Outcome renders the result as "allowed", "denied" or "unknown".
func (v Verdict) Outcome() string {
	switch v.Result {
	case engine.MatchYes:
		return "allowed"
	case engine.MatchNo:
		return "denied"
	}
	return "unknown"
}

// String renders the verdict: its outcome and why, then the path and notes.
func (v Verdict) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s", v.Flow, v.Outcome(), v.Why)
	for _, p := range v.Path {
		fmt.Fprintf(&b, "\n  via %s", p)
	}
	for _, n := range v.Notes {
		fmt.Fprintf(&b, "\n  note: %s", n)
	}
	return b.String()
}

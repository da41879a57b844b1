package verify

import (
	"net/netip"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/sce-project/sce/policy/netflow"
)

// Network returns the network flows of the stack, judged by policy/netflow through security groups, both
// subnets' network ACLs and the source's route table: the ones the design needs, and the ones that must
// stay impossible. Each is listed only when its endpoints exist in the stack.
func Network(s *engine.Stack) []Flow {
	// Resources are found by their logical names' suffixes: names are "<pit>-<purpose>" and a PIT holds no
	// hyphen, so "-bastion-instance" names the bastion in every stack.
	named := func(typ, suffix string) *engine.Resource {
		for _, r := range s.OfType(typ) {
			if strings.HasSuffix(r.Name, suffix) && !strings.Contains(strings.TrimSuffix(r.Name, suffix), "-") {
				return r
			}
		}
		return nil
	}
	n := netflow.New(s)
	var out []Flow
	judge := func(what string, expected Expectation, f netflow.Flow) {
		if f.To.Resource == nil && !f.To.Block.IsValid() && f.To.PrefixList == "" {
			// The S3 endpoint's prefix list is an output: unknown until the endpoint exists.
			out = append(out, Flow{Flow: what, Expected: expected, Result: Unknown, Why: "the S3 endpoint's prefix list is unknown until deployment"})
			return
		}
		v := n.Evaluate(f)
		result := Expectation(v.Outcome())
		why := v.Why
		if why == "" {
			why = strings.Join(v.Path, "; ")
		}
		out = append(out, Flow{Flow: what, Expected: expected, Result: result, Why: why})
	}
	flow := func(from, to netflow.Endpoint, proto string, port int64) netflow.Flow {
		return netflow.Flow{From: from, To: to, Protocol: proto, Port: port}
	}
	bastionR := named("aws:ec2/instance:Instance", "-bastion-instance")
	wsR := named("aws:ec2/instance:Instance", "-workstation-instance")
	if bastionR == nil || wsR == nil {
		return out
	}
	bastion, ws := netflow.Of(bastionR), netflow.Of(wsR)
	anywhere, _ := netflow.Internet("0.0.0.0/0")
	var s3 netflow.Endpoint
	hasS3 := false
	if e := named("aws:ec2/vpcEndpoint:VpcEndpoint", "-s3-endpoint"); e != nil {
		s3, hasS3 = netflow.PrefixList(netmodel.PrefixListOf(e)), true
	}
	allowed, outside := sshBlocks(s)
	if allowed != "" {
		if from, err := netflow.Internet(allowed); err == nil {
			judge("an allowed ssh block ("+allowed+") reaches the bastion on 22", Allowed, flow(from, bastion, netmodel.ProtoTCP, 22))
		}
	}
	if outside != "" {
		if from, err := netflow.Internet(outside); err == nil {
			judge("an address outside the allowed ssh blocks ("+outside+") does not reach the bastion on 22", Denied, flow(from, bastion, netmodel.ProtoTCP, 22))
		}
	}
	judge("the bastion reaches the workstation on 22", Allowed, flow(bastion, ws, netmodel.ProtoTCP, 22))
	judge("the internet does not reach the workstation on 22", Denied, flow(anywhere, ws, netmodel.ProtoTCP, 22))
	type client struct {
		subject string // with its verb: "the workstation reaches"
		ep      netflow.Endpoint
	}
	private := []client{{"the workstation reaches", ws}}
	sqlClients := []client{{"the workstation reaches", ws}}
	if r := named("aws:ec2/instance:Instance", "-atlas-instance"); r != nil {
		private = append(private, client{"the Atlas host reaches", netflow.Of(r)})
		sqlClients = append(sqlClients, client{"the Atlas host reaches", netflow.Of(r)})
		judge("the bastion reaches the Atlas host on 22 (ssh tunnels)", Allowed, flow(bastion, netflow.Of(r), netmodel.ProtoTCP, 22))
	}
	if r := named("aws:ec2/launchTemplate:LaunchTemplate", "-workers-template"); r != nil {
		private = append(private, client{"the workers reach", netflow.Of(r)})
	}
	for _, p := range private {
		judge(p.subject+" the internet on 443 through the NAT gateway", Allowed, flow(p.ep, anywhere, netmodel.ProtoTCP, 443))
		if hasS3 {
			judge(p.subject+" S3 on 443 through the gateway endpoint", Allowed, flow(p.ep, s3, netmodel.ProtoTCP, 443))
		}
	}
	if r := named("aws:redshift/cluster:Cluster", "-omop-cluster"); r != nil {
		rs := netflow.Of(r)
		for _, p := range sqlClients {
			judge(p.subject+" Redshift on 5439", Allowed, flow(p.ep, rs, netmodel.ProtoTCP, 5439))
		}
		if hasS3 {
			judge("Redshift reaches S3 on 443 (COPY with enhanced VPC routing)", Allowed, flow(rs, s3, netmodel.ProtoTCP, 443))
		}
		judge("the bastion does not reach Redshift on 5439", Denied, flow(bastion, rs, netmodel.ProtoTCP, 5439))
		judge("the internet does not reach Redshift on 5439", Denied, flow(anywhere, rs, netmodel.ProtoTCP, 5439))
	}
	if r := named("aws:emr/cluster:Cluster", "-emr-cluster"); r != nil {
		primary, core, service := netflow.EMRNodes(r, netflow.RolePrimary), netflow.EMRNodes(r, netflow.RoleCore), netflow.EMRNodes(r, netflow.RoleServiceAccess)
		judge("EMR's primary reaches its core nodes on all traffic", Allowed, flow(primary, core, netmodel.ProtoAll, 0))
		judge("EMR's core nodes reach the primary on all traffic", Allowed, flow(core, primary, netmodel.ProtoAll, 0))
		judge("EMR's primary reaches the service-access group on 9443", Allowed, flow(primary, service, netmodel.ProtoTCP, 9443))
		judge("EMR's core nodes reach the service-access group on 9443", Allowed, flow(core, service, netmodel.ProtoTCP, 9443))
		judge("EMR's service access reaches the primary on 8443", Allowed, flow(service, primary, netmodel.ProtoTCP, 8443))
		if hasS3 {
			judge("EMR's primary reaches S3 on 443 through the gateway endpoint", Allowed, flow(primary, s3, netmodel.ProtoTCP, 443))
			judge("EMR's core nodes reach S3 on 443 through the gateway endpoint", Allowed, flow(core, s3, netmodel.ProtoTCP, 443))
		}
		judge("the workstation reaches EMR's primary on 22 (ssh -K)", Allowed, flow(ws, primary, netmodel.ProtoTCP, 22))
		judge("the workstation reaches EMR's KDC on 88/tcp", Allowed, flow(ws, primary, netmodel.ProtoTCP, 88))
		judge("the workstation reaches EMR's KDC on 88/udp", Allowed, flow(ws, primary, netmodel.ProtoUDP, 88))
		judge("the internet does not reach EMR's primary on 22", Denied, flow(anywhere, primary, netmodel.ProtoTCP, 22))
	}
	return out
}

// sshBlocks returns one address block the bastion admits ssh from, and one documentation block it does
// not (to prove the refusal), from the bastion's security-group rules.
func sshBlocks(s *engine.Stack) (allowed, outside string) {
	var admitted []netip.Prefix
	for _, r := range s.OfType("aws:ec2/securityGroupRule:SecurityGroupRule") {
		if str(r.Props["type"]) != "ingress" || !strings.Contains(r.Name, "-bastion-sg-ssh-in") {
			continue
		}
		blocks, _ := r.Props["cidrBlocks"].([]any)
		for _, b := range blocks {
			if p, err := netip.ParsePrefix(str(b)); err == nil {
				admitted = append(admitted, p)
			}
		}
	}
	if len(admitted) == 0 {
		return "", ""
	}
	allowed = admitted[0].String()
	for _, candidate := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"} {
		c := netip.MustParsePrefix(candidate)
		overlaps := false
		for _, a := range admitted {
			overlaps = overlaps || a.Overlaps(c)
		}
		if !overlaps {
			return allowed, candidate
		}
	}
	return allowed, ""
}

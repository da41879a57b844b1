package netflow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/sce-project/sce/policy/netflow"
)

// recordedPlan names one of the plans the flows are proven on.
type recordedPlan struct {
	name, stackFile, pit string
	changes              map[string]string
	// allowedSSH is a block the stack file allows ssh from; outsideSSH one it does not.
	allowedSSH, outsideSSH string
}

func recordedPlans() []recordedPlan {
	return []recordedPlan{
		{name: "hipaa", stackFile: "hipaa", pit: "hipaa", allowedSSH: "198.51.100.0/24", outsideSSH: "192.0.2.0/24"},
		{name: "omop", stackFile: "omop", pit: "omop", allowedSSH: "192.0.2.0/24", outsideSSH: "198.51.100.0/24"},
		{name: "workers and EMR", stackFile: "hipaa", pit: "hipaa", changes: workersAndEMR, allowedSSH: "203.0.113.0/24", outsideSSH: "192.0.2.0/24"},
	}
}

// ends resolves the endpoints of a plan's flows by role.
type ends struct {
	t   *testing.T
	s   *engine.Stack
	pit string
}

func (e ends) instance(role string) netflow.Endpoint {
	return netflow.Of(byName(e.t, e.s, tInstance, e.pit+"-"+role+"-instance"))
}
func (e ends) redshift() netflow.Endpoint {
	return netflow.Of(byName(e.t, e.s, tRedshift, e.pit+"-omop-cluster"))
}
func (e ends) workers() netflow.Endpoint {
	return netflow.Of(byName(e.t, e.s, tTemplate, e.pit+"-workers-template"))
}
func (e ends) emr(role netflow.Role) netflow.Endpoint {
	return netflow.EMRNodes(byName(e.t, e.s, tEMR, e.pit+"-emr-cluster"), role)
}
func (e ends) s3() netflow.Endpoint {
	return netflow.PrefixList(netmodel.PrefixListOf(byName(e.t, e.s, tEndpoint, e.pit+"-s3-endpoint")))
}
func (e ends) internet(block string) netflow.Endpoint { return internet(e.t, block) }

// planFlow is one flow a plan must allow or deny.
type planFlow struct {
	name string
	// plans lists the plans the flow applies to (by recordedPlan.name).
	plans []string
	flow  func(e ends, p recordedPlan) netflow.Flow
	want  engine.Match3
	why   string
}

var (
	everyPlan   = []string{"hipaa", "omop", "workers and EMR"}
	omopOnly    = []string{"omop"}
	workersPlan = []string{"workers and EMR"}
)

func planFlows() []planFlow {
	ws := func(e ends) netflow.Endpoint { return e.instance("workstation") }
	bastion := func(e ends) netflow.Endpoint { return e.instance("bastion") }
	atlas := func(e ends) netflow.Endpoint { return e.instance("atlas") }
	anywhere := "0.0.0.0/0"
	return []planFlow{
		{name: "an allowed ssh block reaches the bastion on 22", plans: everyPlan, want: engine.MatchYes,
			flow: func(e ends, p recordedPlan) netflow.Flow {
				return flowOf(e.internet(p.allowedSSH), bastion(e), netmodel.ProtoTCP, 22)
			}},
		{name: "the internet outside the allowed blocks does not reach the bastion on 22", plans: everyPlan, want: engine.MatchNo,
			flow: func(e ends, p recordedPlan) netflow.Flow {
				return flowOf(e.internet(p.outsideSSH), bastion(e), netmodel.ProtoTCP, 22)
			},
			why: "-public-nacl (acl-"},
		{name: "the internet does not reach the workstation on 22", plans: everyPlan, want: engine.MatchNo,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.internet(anywhere), ws(e), netmodel.ProtoTCP, 22)
			},
			why: "-workstation-instance (no Elastic IP, and associatePublicIpAddress is false): nothing on the internet can address it"},
		{name: "the bastion reaches the workstation on 22", plans: everyPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow { return flowOf(bastion(e), ws(e), netmodel.ProtoTCP, 22) }},
		{name: "the workstation reaches the internet on 443 through the NAT gateway", plans: everyPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(ws(e), e.internet(anywhere), netmodel.ProtoTCP, 443)
			}},
		{name: "the workstation reaches S3's prefix list on 443 through the endpoint", plans: everyPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow { return flowOf(ws(e), e.s3(), netmodel.ProtoTCP, 443) }},
		{name: "the bastion reaches the internet on 443 through the internet gateway", plans: everyPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(bastion(e), e.internet(anywhere), netmodel.ProtoTCP, 443)
			}},
		{name: "the workstation opens no ssh to the internet", plans: everyPlan, want: engine.MatchNo,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(ws(e), e.internet(anywhere), netmodel.ProtoTCP, 22)
			},
			why: "no egress rule of security group"},

		{name: "the workstation reaches Redshift on 5439", plans: omopOnly, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow { return flowOf(ws(e), e.redshift(), netmodel.ProtoTCP, 5439) }},
		{name: "the Atlas host reaches Redshift on 5439", plans: omopOnly, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(atlas(e), e.redshift(), netmodel.ProtoTCP, 5439)
			}},
		{name: "the Atlas host reaches the internet on 443 through the NAT gateway", plans: omopOnly, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(atlas(e), e.internet(anywhere), netmodel.ProtoTCP, 443)
			}},
		{name: "the Atlas host reaches S3's prefix list on 443", plans: omopOnly, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow { return flowOf(atlas(e), e.s3(), netmodel.ProtoTCP, 443) }},
		{name: "Redshift reaches S3's prefix list on 443 (COPY with enhanced VPC routing)", plans: omopOnly, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow { return flowOf(e.redshift(), e.s3(), netmodel.ProtoTCP, 443) }},
		{name: "the bastion reaches the Atlas host on 22 (ssh tunnels)", plans: omopOnly, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow { return flowOf(bastion(e), atlas(e), netmodel.ProtoTCP, 22) }},
		{name: "the bastion does not reach Redshift on 5439", plans: omopOnly, want: engine.MatchNo,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(bastion(e), e.redshift(), netmodel.ProtoTCP, 5439)
			},
			why: "no egress rule of security group omop-bastion-sg"},
		{name: "the internet does not reach Redshift on 5439", plans: omopOnly, want: engine.MatchNo,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.internet(anywhere), e.redshift(), netmodel.ProtoTCP, 5439)
			},
			why: "no public IPv4 address on omop-omop-cluster"},

		{name: "the workers reach the internet on 443 through the NAT gateway", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.workers(), e.internet(anywhere), netmodel.ProtoTCP, 443)
			}},
		{name: "the workers reach S3's prefix list on 443", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow { return flowOf(e.workers(), e.s3(), netmodel.ProtoTCP, 443) }},
		{name: "the workstation does not reach the workers on 22", plans: workersPlan, want: engine.MatchNo,
			flow: func(e ends, _ recordedPlan) netflow.Flow { return flowOf(ws(e), e.workers(), netmodel.ProtoTCP, 22) },
			why:  "no egress rule of security group hipaa-workstation-sg"},
		{name: "the EMR primary node reaches the core nodes on all traffic", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.emr(netflow.RolePrimary), e.emr(netflow.RoleCore), netmodel.ProtoAll, 0)
			}},
		{name: "the EMR core nodes reach the primary node and each other on all traffic", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.emr(netflow.RoleCore), e.emr(netflow.RolePrimary), netmodel.ProtoAll, 0)
			}},
		{name: "the EMR core nodes reach each other on all traffic", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.emr(netflow.RoleCore), e.emr(netflow.RoleCore), netmodel.ProtoAll, 0)
			}},
		{name: "the EMR primary node reaches the service access group on 9443", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.emr(netflow.RolePrimary), e.emr(netflow.RoleServiceAccess), netmodel.ProtoTCP, 9443)
			}},
		{name: "the EMR core nodes reach the service access group on 9443", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.emr(netflow.RoleCore), e.emr(netflow.RoleServiceAccess), netmodel.ProtoTCP, 9443)
			}},
		{name: "the EMR service access group reaches the primary node on 8443", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.emr(netflow.RoleServiceAccess), e.emr(netflow.RolePrimary), netmodel.ProtoTCP, 8443)
			}},
		{name: "the EMR primary node reaches S3's prefix list on 443", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.emr(netflow.RolePrimary), e.s3(), netmodel.ProtoTCP, 443)
			}},
		{name: "the EMR core nodes reach the internet on 443 through the NAT gateway", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.emr(netflow.RoleCore), e.internet(anywhere), netmodel.ProtoTCP, 443)
			}},
		{name: "the workstation reaches the EMR primary node on 22", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(ws(e), e.emr(netflow.RolePrimary), netmodel.ProtoTCP, 22)
			}},
		{name: "the workstation reaches the EMR primary node's KDC on tcp 88", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(ws(e), e.emr(netflow.RolePrimary), netmodel.ProtoTCP, 88)
			}},
		{name: "the workstation reaches the EMR primary node's KDC on udp 88", plans: workersPlan, want: engine.MatchYes,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(ws(e), e.emr(netflow.RolePrimary), netmodel.ProtoUDP, 88)
			}},
		{name: "the bastion does not reach the EMR primary node on 22", plans: workersPlan, want: engine.MatchNo,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(bastion(e), e.emr(netflow.RolePrimary), netmodel.ProtoTCP, 22)
			},
			why: "no ingress rule of security group hipaa-emr-primary-sg"},
		{name: "the internet does not reach the EMR primary node on 22", plans: workersPlan, want: engine.MatchNo,
			flow: func(e ends, _ recordedPlan) netflow.Flow {
				return flowOf(e.internet(anywhere), e.emr(netflow.RolePrimary), netmodel.ProtoTCP, 22)
			},
			why: "EMR nodes in a private subnet get no public address"},
	}
}

func applies(f planFlow, plan string) bool {
	for _, p := range f.plans {
		if p == plan {
			return true
		}
	}
	return false
}

// TestRecordedPlansFlows evaluates every flow of the catalogue above on the plans of the reference
// stacks and of a stack with workers and EMR, as the real program records them.
func TestRecordedPlansFlows(t *testing.T) {
	for _, p := range recordedPlans() {
		t.Run(p.name, func(t *testing.T) {
			s := plans.get(t, p.name, p.stackFile, p.changes).RulesStack()
			n := netflow.New(s)
			e := ends{t: t, s: s, pit: p.pit}
			for _, f := range planFlows() {
				if !applies(f, p.name) {
					continue
				}
				t.Run(f.name, func(t *testing.T) {
					e.t = t
					v := n.Evaluate(f.flow(e, p))
					require.Equal(t, f.want, v.Result, "%s", v)
					assert.Contains(t, v.Why, f.why, "%s", v)
				})
			}
		})
	}
}

// The flows through the NAT gateway are allowed with the SCE's deliberate gap at 3389 (its ACLs admit
// no internet traffic to RDP's port), which the verdict names.
func TestRecordedPlansNameTheRDPGapOnNATAnswers(t *testing.T) {
	p := recordedPlans()[0]
	s := plans.get(t, p.name, p.stackFile, p.changes).RulesStack()
	e := ends{t: t, s: s, pit: p.pit}
	v := netflow.Evaluate(s, flowOf(e.instance("workstation"), e.internet("0.0.0.0/0"), netmodel.ProtoTCP, 443))
	require.True(t, v.Allowed(), "%s", v)
	assert.Contains(t, strings.Join(v.Notes, "\n"), "hipaa-public-nacl (acl-")
	assert.Contains(t, strings.Join(v.Notes, "\n"), "on tcp 3389 (the implicit rule * denies 3389)")
}

// TestEveryPairOfEndpointsGetsAReasonedVerdict evaluates every pair of the plans' endpoints (each
// instance, launch template, Redshift cluster and EMR role, the internet and S3's prefix list) on a
// few flows: each verdict gives its reason, and is decided (nothing in a recorded plan is unknown until
// deployment) but where the answer depends on which address of the internet a flow comes from.
func TestEveryPairOfEndpointsGetsAReasonedVerdict(t *testing.T) {
	for _, p := range recordedPlans() {
		t.Run(p.name, func(t *testing.T) {
			s := plans.get(t, p.name, p.stackFile, p.changes).RulesStack()
			e := ends{t: t, s: s, pit: p.pit}
			var all []netflow.Endpoint
			for _, r := range s.OfType(tInstance, tTemplate, tRedshift) {
				all = append(all, netflow.Of(r))
			}
			for _, c := range s.OfType(tEMR) {
				for _, role := range []netflow.Role{netflow.RolePrimary, netflow.RoleCore, netflow.RoleServiceAccess} {
					all = append(all, netflow.EMRNodes(c, role))
				}
			}
			all = append(all, e.internet("0.0.0.0/0"), e.internet(p.allowedSSH))
			n := netflow.New(s)
			for _, from := range all {
				for _, to := range append(all, e.s3()) {
					for _, f := range []netflow.Flow{flowOf(from, to, netmodel.ProtoTCP, 22), flowOf(from, to, netmodel.ProtoUDP, 88),
						flowOf(from, to, netmodel.ProtoAll, 0), flowOf(from, to, netmodel.ProtoICMP, 0)} {
						v := n.Evaluate(f)
						assert.NotEmpty(t, v.Why, "%s", v)
						switch {
						case from.Block.IsValid() && (to.Block.IsValid() || to.PrefixList != ""):
							continue // between two places outside the VPC: not modelled
						case from.Block.Bits() == 0 && strings.Contains(v.Why, "covers part of 0.0.0.0/0"):
							continue // the whole internet to the bastion's ssh: allowed for some addresses only
						}
						assert.NotEqual(t, engine.MatchMaybe, v.Result, "%s", v)
					}
				}
			}
		})
	}
}

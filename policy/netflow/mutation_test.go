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

// mutation removes one resource from a recorded plan; the flow, allowed before, must then be denied
// by the element named in why.
type mutation struct {
	plan   string
	remove string
	flow   string // the name of a flow of planFlows
	why    string
}

func mutations() []mutation {
	const (
		sshIn      = "an allowed ssh block reaches the bastion on 22"
		hop        = "the bastion reaches the workstation on 22"
		natOut     = "the workstation reaches the internet on 443 through the NAT gateway"
		s3         = "the workstation reaches S3's prefix list on 443 through the endpoint"
		wsRedshift = "the workstation reaches Redshift on 5439"
		atRedshift = "the Atlas host reaches Redshift on 5439"
		atNAT      = "the Atlas host reaches the internet on 443 through the NAT gateway"
		rsS3       = "Redshift reaches S3's prefix list on 443 (COPY with enhanced VPC routing)"
		workersNAT = "the workers reach the internet on 443 through the NAT gateway"
		emrAll     = "the EMR primary node reaches the core nodes on all traffic"
		coreAll    = "the EMR core nodes reach the primary node and each other on all traffic"
		emr9443    = "the EMR primary node reaches the service access group on 9443"
		core9443   = "the EMR core nodes reach the service access group on 9443"
		emrSSH     = "the workstation reaches the EMR primary node on 22"
		emrKDC     = "the workstation reaches the EMR primary node's KDC on tcp 88"
	)
	return []mutation{
		// Security group rules.
		{"hipaa", "hipaa-bastion-sg-ssh-in-0", sshIn, "no ingress rule of security group hipaa-bastion-sg (sg-"},
		{"hipaa", "hipaa-bastion-sg-ssh-to-vpc", hop, "no egress rule of security group hipaa-bastion-sg (sg-"},
		{"hipaa", "hipaa-workstation-sg-ssh-from-bastion", hop, "no ingress rule of security group hipaa-workstation-sg (sg-"},
		{"hipaa", "hipaa-workstation-sg-https-out", natOut, "no egress rule of security group hipaa-workstation-sg (sg-"},
		{"hipaa", "hipaa-workstation-sg-https-out", s3, "admits tcp 443 to prefix list pl-"},
		{"omop", "omop-omop-sg-client-0", wsRedshift, "no ingress rule of security group omop-omop-sg (sg-"},
		{"omop", "omop-omop-client-0-out", wsRedshift, "no egress rule of security group omop-workstation-sg (sg-"},
		{"omop", "omop-atlas-redshift-from-atlas", atRedshift, "no ingress rule of security group omop-omop-sg (sg-"},
		{"omop", "omop-atlas-sg-redshift-out", atRedshift, "no egress rule of security group omop-atlas-sg (sg-"},
		{"omop", "omop-atlas-sg-https-out", atNAT, "no egress rule of security group omop-atlas-sg (sg-"},
		{"omop", "omop-omop-sg-s3-out", rsS3, "no egress rule of security group omop-omop-sg (sg-"},
		{"workers and EMR", "hipaa-workers-sg-https-out", workersNAT, "no egress rule of security group hipaa-workers-sg (sg-"},
		{"workers and EMR", "hipaa-emr-sg-primary-to-core", emrAll, "no egress rule of security group hipaa-emr-primary-sg (sg-"},
		{"workers and EMR", "hipaa-emr-sg-core-to-primary", coreAll, "no egress rule of security group hipaa-emr-core-sg (sg-"},
		{"workers and EMR", "hipaa-emr-sg-primary-to-service", emr9443, "no egress rule of security group hipaa-emr-primary-sg (sg-"},
		// EMR adds 9443 from the primary group to the service access group, but not from the core group.
		{"workers and EMR", "hipaa-emr-sg-service-from-core", core9443, "no ingress rule of security group hipaa-emr-service-sg (sg-"},
		{"workers and EMR", "hipaa-emr-sg-primary-ssh-from-client-0", emrSSH, "no ingress rule of security group hipaa-emr-primary-sg (sg-"},
		{"workers and EMR", "hipaa-emr-sg-client-0-kdc-tcp-to-primary", emrKDC, "no egress rule of security group hipaa-workstation-sg (sg-"},
		// Network ACL rules, both ways.
		{"hipaa", "hipaa-public-nacl-ssh-in-0", sshIn, "no rule of network ACL hipaa-public-nacl (acl-"},
		{"hipaa", "hipaa-public-nacl-ssh-answers-0", sshIn, "admits the return traffic on tcp 1024-65535 (outbound to 198.51.100.0/24)"},
		{"hipaa", "hipaa-public-nacl-vpc-ssh-out", hop, "admits outbound tcp 22 to 10.0.1.0/24"},
		{"hipaa", "hipaa-private-nacl-vpc-ssh-in", hop, "admits inbound tcp 22 from 10.0.0.0/24"},
		{"hipaa", "hipaa-private-nacl-vpc-answers-out", hop, "admits the return traffic on tcp 32768-61000 (outbound to 10.0.0.0/24)"},
		{"hipaa", "hipaa-public-nacl-return-high", hop, "admits the return traffic on tcp 32768-61000 (inbound from 10.0.1.0/24)"},
		{"hipaa", "hipaa-private-nacl-https-out", natOut, "no rule of network ACL hipaa-private-nacl (acl-"},
		{"hipaa", "hipaa-public-nacl-vpc-https-in", natOut, "admits inbound tcp 443 from 10.0.1.0/24"},
		{"hipaa", "hipaa-public-nacl-https-out", natOut, "admits outbound tcp 443 to 0.0.0.0/0"},
		{"hipaa", "hipaa-public-nacl-return-high", natOut, "admits the return traffic on tcp 1024-65535 (inbound from 0.0.0.0/0) only on 1024-3388"},
		{"hipaa", "hipaa-public-nacl-return-low", natOut, "admits the return traffic on tcp 1024-65535 (inbound from 0.0.0.0/0) only on 3390-65535"},
		{"hipaa", "hipaa-public-nacl-vpc-answers-out", natOut, "admits the return traffic on tcp 32768-61000 (outbound to 10.0.1.0/24)"},
		{"hipaa", "hipaa-private-nacl-return-high", natOut, "admits the return traffic on tcp 32768-61000 (inbound from 0.0.0.0/0)"},
		{"hipaa", "hipaa-private-nacl-return-high", s3, "admits the return traffic on tcp 32768-61000 (inbound from prefix list pl-"},
		{"omop", "omop-private-nacl-return-low", rsS3, "only on 3390-65535"},
		// Routes, associations and addresses.
		{"hipaa", "hipaa-private-default-route", natOut, "route table hipaa-private-rt (rtb-"},
		{"hipaa", "hipaa-public-default-route", natOut, "NAT gateway hipaa-nat (nat-"},
		{"hipaa", "hipaa-public-default-route", sshIn, "the answers cannot leave"},
		{"hipaa", "hipaa-s3-endpoint-private-rt", s3, "has no route to prefix list pl-"},
		{"hipaa", "hipaa-bastion-eip", sshIn, "no public IPv4 address on hipaa-bastion-instance"},
	}
}

// TestRemovingARuleBreaksTheFlowItCarries removes one security group rule, network ACL rule, route or
// association from a recorded plan and checks that the flow it carries, allowed before, is then refused
// by that element.
func TestRemovingARuleBreaksTheFlowItCarries(t *testing.T) {
	byPlan := map[string]recordedPlan{}
	for _, p := range recordedPlans() {
		byPlan[p.name] = p
	}
	flows := map[string]planFlow{}
	for _, f := range planFlows() {
		flows[f.name] = f
	}
	for _, m := range mutations() {
		t.Run(m.plan+": without "+m.remove+", "+m.flow, func(t *testing.T) {
			p := byPlan[m.plan]
			f, ok := flows[m.flow]
			require.True(t, ok, "flow %q", m.flow)
			s := plans.get(t, p.name, p.stackFile, p.changes).RulesStack()
			e := ends{t: t, s: s, pit: p.pit}
			before := netflow.Evaluate(s, f.flow(e, p))
			require.True(t, before.Allowed(), "before the mutation: %s", before)

			mutated, found := without(s, m.remove)
			require.True(t, found, "the plan holds %s", m.remove)
			e.s = mutated
			after := netflow.Evaluate(mutated, f.flow(e, p))
			require.Equal(t, engine.MatchNo, after.Result, "%s", after)
			assert.Contains(t, after.Why, m.why, "%s", after)
		})
	}
}

// The private route table is also the VPC's main one (components.SecureVPC), so a subnet that loses its
// association stays private: the flow through the NAT gateway still passes, by the main table.
func TestWithoutItsAssociationThePrivateSubnetKeepsThePrivateTable(t *testing.T) {
	p := recordedPlans()[0]
	s := plans.get(t, p.name, p.stackFile, p.changes).RulesStack()
	mutated, found := without(s, "hipaa-private-rt-assoc")
	require.True(t, found)
	e := ends{t: t, s: mutated, pit: p.pit}
	v := netflow.Evaluate(mutated, flowOf(e.instance("workstation"), e.internet("0.0.0.0/0"), netmodel.ProtoTCP, 443))
	require.True(t, v.Allowed(), "%s", v)
	assert.Contains(t, strings.Join(v.Path, "\n"), "in route table hipaa-private-rt (rtb-")
	assert.Contains(t, strings.Join(v.Path, "\n"), "the VPC's main route table (hipaa-main-rt)")
}

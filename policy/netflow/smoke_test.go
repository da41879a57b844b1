package netflow_test

import (
	"testing"

	"github.com/sce-project/sce/policy/netflow"
	"github.com/sce-project/sce/policy/rules"
)

func TestSmoke(t *testing.T) {
	p := plans.get(t, "all", "hipaa", workersAndEMR)
	s := p.RulesStack()
	n := netflow.New(s)
	inst := "aws:ec2/instance:Instance"
	b := byName(t, s, inst, "hipaa-bastion-instance")
	w := byName(t, s, inst, "hipaa-workstation-instance")
	emr := byName(t, s, "aws:emr/cluster:Cluster", "hipaa-emr-cluster")
	lt := byName(t, s, "aws:ec2/launchTemplate:LaunchTemplate", "hipaa-workers-template")
	ep := byName(t, s, "aws:ec2/vpcEndpoint:VpcEndpoint", "hipaa-s3-endpoint")
	for _, f := range []netflow.Flow{
		{From: internet(t, "198.51.100.7"), To: netflow.Of(b), Protocol: rules.ProtoTCP, Port: 22},
		{From: internet(t, "192.0.2.7"), To: netflow.Of(b), Protocol: rules.ProtoTCP, Port: 22},
		{From: internet(t, "198.51.100.7"), To: netflow.Of(w), Protocol: rules.ProtoTCP, Port: 22},
		{From: netflow.Of(b), To: netflow.Of(w), Protocol: rules.ProtoTCP, Port: 22},
		{From: netflow.Of(w), To: internet(t, "0.0.0.0/0"), Protocol: rules.ProtoTCP, Port: 443},
		{From: netflow.Of(lt), To: internet(t, "0.0.0.0/0"), Protocol: rules.ProtoTCP, Port: 443},
		{From: netflow.Of(w), To: netflow.Of(ep), Protocol: rules.ProtoTCP, Port: 443},
		{From: netflow.Of(w), To: netflow.PrefixList(rules.PrefixListOf(ep)), Protocol: rules.ProtoTCP, Port: 443},
		{From: netflow.EMRNodes(emr, netflow.RolePrimary), To: netflow.EMRNodes(emr, netflow.RoleCore), Protocol: rules.ProtoAll},
		{From: netflow.EMRNodes(emr, netflow.RolePrimary), To: netflow.EMRNodes(emr, netflow.RoleServiceAccess), Protocol: rules.ProtoTCP, Port: 9443},
		{From: netflow.Of(w), To: netflow.EMRNodes(emr, netflow.RolePrimary), Protocol: rules.ProtoTCP, Port: 22},
		{From: netflow.Of(w), To: netflow.EMRNodes(emr, netflow.RolePrimary), Protocol: rules.ProtoTCP, Port: 88},
		{From: netflow.Of(b), To: internet(t, "0.0.0.0/0"), Protocol: rules.ProtoTCP, Port: 443},
	} {
		t.Log(n.Evaluate(f).String())
	}
}

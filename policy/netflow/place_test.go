package netflow_test

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/sce-project/sce/policy/netflow"
)

// services adds, to the open base network, a launch template used by an auto scaling group in the
// private subnet, a Redshift cluster in a subnet group of the private subnet, and an EMR cluster in the
// private subnet with its three managed groups.
func services(t *testing.T) *fixture {
	f := network(t)
	f.add(tSG, "workers-sg", `{"vpcId":"vpc"}`)
	f.add(tTemplate, "workers", `{"networkInterfaces":[{"deviceIndex":0,"securityGroups":["workers-sg"],"associatePublicIpAddress":"false"}]}`)
	f.add(tASG, "workers-group", `{"launchTemplate":{"id":"workers","version":"$Latest"},"vpcZoneIdentifiers":["private"]}`)
	f.sgRule("workers-out", "workers-sg", "egress", "tcp", 443, 443, `"cidrBlocks":["0.0.0.0/0"]`)

	f.add(tSG, "redshift-sg", `{"vpcId":"vpc"}`)
	f.add(tRSSubnets, "redshift-subnets", `{"name":"redshift-subnets","subnetIds":["private"]}`)
	f.add(tRedshift, "omop", `{"clusterSubnetGroupName":"redshift-subnets","vpcSecurityGroupIds":["redshift-sg"],"publiclyAccessible":false}`)
	f.sgRule("redshift-from-app", "redshift-sg", "ingress", "tcp", 5439, 5439, `"sourceSecurityGroupId":"app-sg"`)
	f.sgRule("app-to-redshift", "app-sg", "egress", "tcp", 5439, 5439, `"sourceSecurityGroupId":"redshift-sg"`)

	for _, g := range []string{"primary-sg", "core-sg", "service-sg"} {
		f.add(tSG, g, `{"vpcId":"vpc"}`)
	}
	f.add(tEMR, "emr", `{"ec2Attributes":{"subnetId":"private","emrManagedMasterSecurityGroup":"primary-sg",`+
		`"emrManagedSlaveSecurityGroup":"core-sg","serviceAccessSecurityGroup":"service-sg"}}`)
	f.sgRule("primary-to-core", "primary-sg", "egress", "-1", 0, 0, `"sourceSecurityGroupId":"core-sg"`)
	f.sgRule("core-to-primary", "core-sg", "egress", "-1", 0, 0, `"sourceSecurityGroupId":"primary-sg"`)
	f.sgRule("primary-to-service", "primary-sg", "egress", "tcp", 9443, 9443, `"sourceSecurityGroupId":"service-sg"`)
	f.sgRule("service-to-primary", "service-sg", "egress", "tcp", 8443, 8443, `"sourceSecurityGroupId":"primary-sg"`)
	return f
}

func emr(f *fixture, role netflow.Role) netflow.Endpoint { return netflow.EMRNodes(f.get("emr"), role) }

func TestPlacements(t *testing.T) {
	runFlows(t, services, []flowCase{
		{name: "a launch template sits in the subnets of the auto scaling group that uses it", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("workers"), internet(t, "0.0.0.0/0"), 443) },
			path: "egress rule workers-out of security group workers-sg"},
		{name: "a launch template no group uses and that names no subnet cannot be placed", want: engine.MatchNo,
			build: func(f *fixture) { f.remove("workers-group") },
			flow:  func(f *fixture) netflow.Flow { return tcp(f.of("workers"), internet(t, "0.0.0.0/0"), 443) },
			why:   "launch template workers names no subnet, and no auto scaling group of the stack that uses it does"},
		{name: "a Redshift cluster sits in its subnet group's subnets with its vpcSecurityGroupIds", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), f.of("omop"), 5439) },
			path: "ingress rule redshift-from-app of security group redshift-sg admits tcp 5439 from app"},
		{name: "a Redshift cluster in two subnets must be reachable in both", want: engine.MatchNo,
			build: func(f *fixture) {
				f.set("redshift-subnets", `{"name":"redshift-subnets","subnetIds":["private","public"]}`)
				f.set("private-acl-out", `{"networkAclId":"private-acl","ruleNumber":100,"egress":true,"ruleAction":"allow","protocol":"6","cidrBlock":"10.0.1.0/24","fromPort":0,"toPort":65535}`)
			},
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), f.of("omop"), 5439) },
			why:  "no rule of network ACL private-acl admits outbound tcp 5439 to 10.0.0.0/24"},
		{name: "a private Redshift cluster has no public address", want: engine.MatchNo,
			flow: func(f *fixture) netflow.Flow { return tcp(internet(t, "198.51.100.7"), f.of("omop"), 5439) },
			why:  "no public IPv4 address on omop (publiclyAccessible is not true)"},
		{name: "the EMR primary node reaches the core nodes by the rules EMR adds to the core group", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow {
				return netflow.Flow{From: emr(f, netflow.RolePrimary), To: emr(f, netflow.RoleCore), Protocol: netmodel.ProtoAll}
			},
			path: "ingress rule Amazon EMR adds for cluster emr (all UDP from primary-sg) of security group core-sg"},
		{name: "EMR adds no outbound rules: without the stack's egress the primary reaches no core node", want: engine.MatchNo,
			build: func(f *fixture) { f.remove("primary-to-core") },
			flow: func(f *fixture) netflow.Flow {
				return netflow.Flow{From: emr(f, netflow.RolePrimary), To: emr(f, netflow.RoleCore), Protocol: netmodel.ProtoAll}
			},
			why: "no egress rule of security group primary-sg admits tcp 0-65535 to the core nodes of emr"},
		{name: "EMR admits the primary node to the service access group on 9443", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow {
				return tcp(emr(f, netflow.RolePrimary), emr(f, netflow.RoleServiceAccess), 9443)
			},
			path: "ingress rule Amazon EMR adds for cluster emr (TCP 9443 from primary-sg) of security group service-sg"},
		{name: "EMR admits the service access group to the primary node on 8443", want: engine.MatchYes,
			flow: func(f *fixture) netflow.Flow {
				return tcp(emr(f, netflow.RoleServiceAccess), emr(f, netflow.RolePrimary), 8443)
			}},
		{name: "EMR adds nothing for other clients: the workstation's ssh needs rules of the stack", want: engine.MatchNo,
			build: func(f *fixture) {
				f.sgRule("app-to-primary", "app-sg", "egress", "tcp", 22, 22, `"sourceSecurityGroupId":"primary-sg"`)
			},
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), emr(f, netflow.RolePrimary), 22) },
			why:  "no ingress rule of security group primary-sg admits tcp 22 from app (security group app-sg)"},
		{name: "an EMR cluster's endpoint needs a role", want: engine.MatchNo,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("app"), f.of("emr"), 22) },
			why:  "an EMR cluster's endpoint needs a role"},
		{name: "an instance in a subnet unknown until deployment is unknown", want: engine.MatchMaybe,
			build: func(f *fixture) { f.get("app").Props["subnetId"] = engine.Unknown },
			flow:  func(f *fixture) netflow.Flow { return tcp(f.of("app"), f.of("omop"), 5439) },
			why:   "subnetId of app is unknown until deployment"},
		{name: "a resource the evaluator cannot place is denied with its type", want: engine.MatchNo,
			flow: func(f *fixture) netflow.Flow { return tcp(f.of("nat"), f.of("app"), 22) },
			why:  "nat is a aws:ec2/natGateway:NatGateway, which the evaluator cannot place in a subnet"},
		{name: "a prefix list is a destination only", want: engine.MatchNo,
			flow: func(f *fixture) netflow.Flow { return tcp(netflow.PrefixList("pl-s3"), f.of("app"), 22) },
			why:  "a prefix list is a destination only"},
	})
}

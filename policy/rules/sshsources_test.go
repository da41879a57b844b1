package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSSHSourcesOfAnInternetFacingInstanceMustBeReachableFromTheInternet(t *testing.T) {
	rule, ok := ByID("ssh-source-reachable-from-internet")
	require.True(t, ok)
	sg := func() *Resource { return res(t, netTypeSG, "bastion-sg", `{"vpcId":"vpc-1"}`) }
	inst := func(props string) *Resource { return res(t, typeInstance, "bastion", props) }
	eip := func() *Resource {
		return res(t, computeTypeEIP, "bastion-eip", `{"domain":"vpc","instance":"bastion-id"}`)
	}
	ingress := func(name, blocks string) *Resource {
		return res(t, netTypeSGRule, name, `{"type":"ingress","protocol":"tcp","fromPort":22,"toPort":22,"securityGroupId":"bastion-sg-id","cidrBlocks":`+blocks+`}`)
	}
	attached := `{"vpcSecurityGroupIds":["bastion-sg-id"]}`
	tests := []struct {
		name      string
		resources []*Resource
		want      []string
	}{
		{"public blocks behind an Elastic IP", []*Resource{sg(), inst(attached), eip(), ingress("ssh-in", `["198.51.100.0/24"]`)}, nil},
		{"a private block behind an Elastic IP", []*Resource{sg(), inst(attached), eip(), ingress("ssh-in", `["192.168.1.0/24","198.51.100.0/24"]`)},
			[]string{"from 192.168.1.0/24: a private-use block (RFC 1918)"}},
		{"carrier-grade NAT on a public address", []*Resource{sg(), inst(`{"associatePublicIpAddress":true,"vpcSecurityGroupIds":["bastion-sg-id"]}`),
			ingress("ssh-in", `["100.64.0.0/10"]`)}, []string{"RFC 6598"}},
		{"every port of every protocol from link-local", []*Resource{sg(), inst(attached), eip(),
			res(t, netTypeSGRule, "all-in", `{"type":"ingress","protocol":"-1","fromPort":0,"toPort":0,"securityGroupId":"bastion-sg-id","cidrBlocks":["169.254.0.0/16"]}`)},
			[]string{"RFC 3927"}},
		{"a private instance: its VPC sources are right", []*Resource{sg(), inst(attached), ingress("ssh-in", `["10.0.0.0/16"]`)}, nil},
		{"another port from a private block", []*Resource{sg(), inst(attached), eip(),
			res(t, netTypeSGRule, "https-in", `{"type":"ingress","protocol":"tcp","fromPort":443,"toPort":443,"securityGroupId":"bastion-sg-id","cidrBlocks":["10.0.0.0/8"]}`)}, nil},
		{"egress to the VPC", []*Resource{sg(), inst(attached), eip(),
			res(t, netTypeSGRule, "ssh-out", `{"type":"egress","protocol":"tcp","fromPort":22,"toPort":22,"securityGroupId":"bastion-sg-id","cidrBlocks":["10.0.0.0/16"]}`)}, nil},
		{"a rule without blocks", []*Resource{sg(), inst(attached), eip(),
			res(t, netTypeSGRule, "ssh-in", `{"type":"ingress","protocol":"tcp","fromPort":22,"toPort":22,"securityGroupId":"bastion-sg-id"}`)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Evaluate(NewStack(tt.resources), []Rule{rule})
			require.Len(t, rep.Violations, len(tt.want))
			for i, want := range tt.want {
				assert.Equal(t, Advisory, rep.Violations[i].Level)
				assert.Contains(t, rep.Violations[i].Message, want)
				assert.Contains(t, rep.Violations[i].Message, "never matches")
			}
		})
	}
}

package stack_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/plan"
)

const (
	launchTemplateType = "aws:ec2/launchTemplate:LaunchTemplate"
	associationType    = "aws:ssm/association:Association"
	documentType       = "aws:ssm/document:Document"
)

// researchersConfig is an sce:researchers value of n researchers with distinct ed25519 keys.
func researchersConfig(t *testing.T, n int) string {
	t.Helper()
	entries := make([]string, n)
	for i := range entries {
		seed := make([]byte, ed25519.SeedSize)
		copy(seed, fmt.Sprintf("stack-researcher-%04d", i))
		pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
		require.NoError(t, err)
		login := fmt.Sprintf("researcher%03d", i)
		entries[i] = login + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " " + login + "@university.example.org"
	}
	raw, err := json.Marshal(entries)
	require.NoError(t, err)
	return string(raw)
}

// everything enables the OMOP host and the worker pool, so that every kind of instance is in the plan.
func everything(changes map[string]string) map[string]string {
	c := map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default", "sce:workersEnabled": "true",
		"sce:workerPipelineObject": pipelineObject, "sce:workerPipelineSha256": pipelineSum, "sce:workerPipelineCommand": pipeline}
	for k, v := range changes {
		c[k] = v
	}
	return c
}

// instancesOf returns every resource that launches an instance, by name.
func instancesOf(p *plan.Plan) map[string]plan.Resource {
	out := map[string]plan.Resource{}
	for _, r := range p.Find(instanceType, launchTemplateType) {
		out[r.Name] = r
	}
	return out
}

// TestChangingResearchersLeavesEveryInstanceUntouched: a change of userData stops and starts an instance
// (pulumi-aws ec2.Instance). Researchers are given their logins by Systems Manager only, so a change of
// the list changes the login documents and nothing that launches an instance.
func TestChangingResearchersLeavesEveryInstanceUntouched(t *testing.T) {
	before := planWith(t, everything(nil))
	after := planWith(t, everything(map[string]string{"sce:researchers": researchersConfig(t, 100)}))
	was, is := instancesOf(before), instancesOf(after)
	require.Len(t, was, 4, "bastion, workstation, Atlas host and the workers' template")
	require.Len(t, is, len(was))
	for name, r := range was {
		assert.Equal(t, r.Inputs, is[name].Inputs, "%s: inputs unchanged", name)
		assert.Equal(t, r.DependsOn, is[name].DependsOn, name)
	}
	for _, role := range []string{"bastion", "workstation", "atlas"} {
		assert.NotEqual(t, loginScript(t, before, role), loginScript(t, after, role), "%s: the change reaches the login document", role)
		assert.Contains(t, loginScript(t, after, role), "\nresearcher099 ssh-ed25519 ", role)
	}
}

// TestAHundredResearchersFitEveryLimit: user data holds at most 16 KB before base64 encoding (EC2 User
// Guide), an SSM document at most 64 KB (CreateDocument).
func TestAHundredResearchersFitEveryLimit(t *testing.T) {
	p := planWith(t, everything(map[string]string{"sce:researchers": researchersConfig(t, 100)}))
	assert.Empty(t, p.MandatoryViolations())
	for name, r := range instancesOf(p) {
		data := in(r, "userData")
		if r.Type == launchTemplateType {
			raw, err := base64.StdEncoding.DecodeString(data)
			require.NoError(t, err, name)
			data = string(raw)
		}
		require.NotEmpty(t, data, name)
		assert.LessOrEqual(t, len(data), components.MaxUserDataBytes, name)
		assert.NotContains(t, data, "researcher0", "%s: no researcher in user data", name)
	}
	docs := p.Find(documentType)
	require.NotEmpty(t, docs)
	for _, d := range docs {
		assert.LessOrEqual(t, len(in(d, "content")), components.MaxDocumentBytes, d.Name)
	}
}

// TestInstancesWaitForTheirNetwork: each first boot downloads at once; the instance is created only after
// the routes (and, privately, the S3 endpoint's route) it downloads through.
func TestInstancesWaitForTheirNetwork(t *testing.T) {
	p := planWith(t, everything(nil))
	urn := func(typ, name string) string { return one(t, p, typ, name).URN }
	const route, rtAssoc = "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation"
	public := []string{urn(route, "study-public-default-route"), urn(rtAssoc, "study-public-rt-assoc")}
	private := []string{urn(route, "study-private-default-route"), urn(rtAssoc, "study-private-rt-assoc"),
		urn("aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation", "study-s3-endpoint-private-rt")}
	for _, c := range []struct {
		typ, name string
		needs     []string
	}{
		{instanceType, "study-bastion-instance", public},
		{instanceType, "study-workstation-instance", private},
		{instanceType, "study-atlas-instance", private},
		{"aws:autoscaling/group:Group", "study-workers-group", private},
	} {
		r := one(t, p, c.typ, c.name)
		for _, need := range c.needs {
			assert.Contains(t, r.DependsOn, need, "%s waits for %s", c.name, need)
		}
	}
}

// TestPatchingNeverRunsAtCreationAndNeverRebootsAWorker: by default State Manager runs a new association at
// once, and RebootIfNeeded could reboot an instance in the middle of its first boot; the Project tag is on
// the workers too, which must never be rebooted in the middle of a job.
func TestPatchingNeverRunsAtCreationAndNeverRebootsAWorker(t *testing.T) {
	p := planWith(t, everything(nil))
	patching := map[string]plan.Resource{}
	for _, a := range p.Find(associationType) {
		if in(a, "name") == "AWS-RunPatchBaseline" {
			patching[a.Name] = a
		}
	}
	require.Len(t, patching, 2)
	for name, a := range patching {
		assert.Equal(t, "true", in(a, "applyOnlyAtCronInterval"), "%s does not run when created", name)
		assert.Equal(t, components.DefaultPatchSchedule, in(a, "scheduleExpression"), name)
		assert.True(t, strings.HasPrefix(in(a, "scheduleExpression"), "cron("), "%s: AWS refuses a rate expression with applyOnlyAtCronInterval", name)
		assert.Equal(t, "Install", a.Inputs["parameters"].(map[string]any)["Operation"], name)
		for _, target := range a.Inputs["targets"].([]any) {
			assert.NotEqual(t, "tag:Project", target.(map[string]any)["key"], "%s: the Project tag selects the workers too", name)
		}
	}

	long := patching["study-patching-run-patch-baseline"]
	assert.Equal(t, "RebootIfNeeded", long.Inputs["parameters"].(map[string]any)["RebootOption"])
	targets := long.Inputs["targets"].([]any)
	require.Len(t, targets, 1)
	target := targets[0].(map[string]any)
	assert.Equal(t, "InstanceIds", target["key"])
	var ids []any
	for _, name := range []string{"study-bastion-instance", "study-workstation-instance", "study-atlas-instance"} {
		ids = append(ids, one(t, p, instanceType, name).ID)
	}
	assert.ElementsMatch(t, ids, target["values"], "exactly the long-lived instances")

	workers := patching["study-patching-workers-run-patch-baseline"]
	assert.Equal(t, "NoReboot", workers.Inputs["parameters"].(map[string]any)["RebootOption"])
	wt := workers.Inputs["targets"].([]any)[0].(map[string]any)
	assert.Equal(t, "tag:aws:autoscaling:groupName", wt["key"])
	assert.Equal(t, []any{in(one(t, p, "aws:autoscaling/group:Group", "study-workers-group"), "name")}, wt["values"])

	plain := planWith(t, nil)
	var names []string
	for _, a := range plain.Find(associationType) {
		if in(a, "name") == "AWS-RunPatchBaseline" {
			names = append(names, a.Name)
		}
	}
	assert.Equal(t, []string{"study-patching-run-patch-baseline"}, names, "no worker association without workers")
}

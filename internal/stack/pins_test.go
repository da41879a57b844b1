package stack_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
)

// Default pins of internal/config (their sources are in docs/deployability.md).
const (
	composeSumAMD64   = "486b3ffc0f806ca2efbc430cef89955386011662f0c76bad17c103d059cfa9cf"
	composeSumARM64   = "4d0f7678dd3338452beba4518e36a8e22b20cad79ba2535c687da554dc3997fb"
	miniforgeSumAMD64 = "848194851a98903134187fbb4ab50efe87b003e0c0f808f97644b7524a62bf2c"
	miniforgeSumARM64 = "2c113a69297e612b01ca0f320c22a3107a11f2ab9b573d79ac868a175945ce29"
)

// userDataOf returns an instance's or a launch template's user data as the instance receives it.
func userDataOf(t *testing.T, r plan.Resource) string {
	t.Helper()
	s := in(r, "userData")
	if r.Type == "aws:ec2/launchTemplate:LaunchTemplate" {
		raw, err := base64.StdEncoding.DecodeString(s)
		require.NoError(t, err, r.Name)
		s = string(raw)
	}
	return s
}

func TestConfiguredPinsReachTheBootScripts(t *testing.T) {
	tests := []struct {
		name     string
		changes  map[string]string
		resource string
		want     []string
	}{
		{"the Atlas host pulls the default images and compose", map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default"}, "study-atlas-instance", []string{
			"    image: docker.io/ohdsi/webapi:2.14.0\n", "    image: docker.io/ohdsi/atlas:2.14.0\n", "    image: docker.io/library/postgres:16.4\n",
			"releases/download/v2.38.2/docker-compose-linux-x86_64'", "echo '" + composeSumAMD64 + "  /root/sce-downloads/docker-compose' | sha256sum --check --strict",
		}},
		{"a Graviton Atlas host takes the aarch64 build and its checksum", map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default", "sce:atlasInstanceType": "m7g.xlarge"}, "study-atlas-instance", []string{
			`[ "$(uname -m)" = aarch64 ]`, "releases/download/v2.38.2/docker-compose-linux-aarch64'", "echo '" + composeSumARM64 + "  /root/sce-downloads/docker-compose'",
		}},
		{"an image digest set in config is what runs", map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default", "sce:atlasImage": "docker.io/ohdsi/atlas:2.14.1@sha256:" + pipelineSum}, "study-atlas-instance", []string{
			"    image: docker.io/ohdsi/atlas:2.14.1@sha256:" + pipelineSum + "\n",
		}},
		{"the workstation runs the pinned Miniforge and JupyterLab", nil, "study-workstation-instance", []string{
			"releases/download/26.3.2-3/Miniforge3-26.3.2-3-Linux-x86_64.sh'", "echo '" + miniforgeSumAMD64 + "  /root/sce-downloads/miniforge.sh' | sha256sum --check --strict",
			"pip install 'jupyterlab==4.4.3'",
		}},
		{"a Graviton workstation takes the aarch64 installer and its checksum", map[string]string{"sce:workstationInstanceType": "m7g.2xlarge", "sce:jupyterLabVersion": "4.3.5"}, "study-workstation-instance", []string{
			"Miniforge3-26.3.2-3-Linux-aarch64.sh'", "echo '" + miniforgeSumARM64 + "  /root/sce-downloads/miniforge.sh'", "pip install 'jupyterlab==4.3.5'",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := userDataOf(t, one(t, planWith(t, tt.changes), instanceType, tt.resource))
			for _, w := range tt.want {
				assert.Contains(t, script, w)
			}
		})
	}
}

// TestNoPlannedBootScriptFetchesLatest reads every user data of a stack with every option on: nothing is
// fetched from a moving release or tag.
func TestNoPlannedBootScriptFetchesLatest(t *testing.T) {
	p := workersPlan(t, map[string]string{"sce:omopEnabled": "true", "sce:vpcTenancy": "default"})
	var scripts int
	for _, typ := range []string{instanceType, "aws:ec2/launchTemplate:LaunchTemplate"} {
		for _, r := range p.Find(typ) {
			s := strings.ReplaceAll(userDataOf(t, r), "http://169.254.169.254/latest/", "")
			assert.NotContains(t, s, "latest", r.Name)
			scripts++
		}
	}
	assert.Equal(t, 4, scripts, "bastion, workstation, Atlas host and the workers' template")
}

package state

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadTurnsAStackExportIntoRuleResources(t *testing.T) {
	f, err := os.Open("testdata/export.json")
	require.NoError(t, err)
	defer f.Close()
	s, err := Read(f)
	require.NoError(t, err)
	require.Len(t, s.Resources, 2, "the stack, the provider and resources pending deletion are left out")

	vpc := s.OfType("aws:ec2/vpc:Vpc")[0]
	assert.Equal(t, "hipaa-vpc", vpc.Name)
	assert.Equal(t, "vpc-0a1b2c3d4e5f60718", vpc.ID)
	assert.Equal(t, "default", vpc.Props["instanceTenancy"])
	assert.Equal(t, "us-west-2", vpc.Provider["region"], "the resource sees its provider's inputs")
	assert.Equal(t, map[string]any{"tags": map[string]any{"Project": "hipaa"}}, vpc.Provider["defaultTags"],
		"structured provider settings, stored as JSON strings, are decoded")

	key := s.OfType("aws:kms/key:Key")[0]
	assert.Equal(t, SecretPlaceholder, key.Props["description"], "secrets stay secret")
	assert.Equal(t, int64(30), key.Props["deletionWindowInDays"])
}

func TestReadRefusesOtherFormats(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"not JSON", "nope", "parse stack export"},
		{"an old version", `{"version": 1, "deployment": {}}`, "version 1 is not supported"},
		{"a plan instead of an export", `{"stack":"hipaa","resources":[]}`, "version 0 is not supported"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestPlaintextSecretsFromShowSecretsExportsAreRead(t *testing.T) {
	in := `{"version":3,"deployment":{"resources":[{"urn":"urn:pulumi:s::sce::aws:sqs/queue:Queue::q","custom":true,"id":"https://q","type":"aws:sqs/queue:Queue",
		"inputs":{"policy":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","plaintext":"\"{\\\"Statement\\\":[]}\""}}}]}}`
	s, err := Read(strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, `{"Statement":[]}`, s.Resources[0].Props["policy"])
}

package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStackFileRendersValuesAsPulumiPassesThem(t *testing.T) {
	sf, err := ParseStackFile([]byte(`
encryptionsalt: v1:abc
config:
  aws:region: us-west-2
  sce:pit: hipaa
  sce:flowLogRetentionDays: 2192
  sce:protect: false
  sce:allowedSshCidrs:
    - 198.51.100.0/24
    - 203.0.113.0/24
  sce:nested:
    a: 1
  sce:password:
    secure: v1:AAAAsecretciphertext
`), "test.yaml")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"aws:region":               "us-west-2",
		"sce:pit":                  "hipaa",
		"sce:flowLogRetentionDays": "2192",
		"sce:protect":              "false",
		"sce:allowedSshCidrs":      `["198.51.100.0/24","203.0.113.0/24"]`,
		"sce:nested":               `{"a":1}`,
		"sce:password":             SecretPlaceholder,
	}, sf.Config)
	assert.Equal(t, []string{"sce:password"}, sf.SecretKeys)
}

func TestParseStackFileRejectsMalformedYAML(t *testing.T) {
	_, err := ParseStackFile([]byte("config: [unclosed"), "broken.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "broken.yaml")
}

func TestParseStackFileWithoutConfigIsEmpty(t *testing.T) {
	sf, err := ParseStackFile([]byte("encryptionsalt: x\n"), "empty.yaml")
	require.NoError(t, err)
	assert.Empty(t, sf.Config)
}

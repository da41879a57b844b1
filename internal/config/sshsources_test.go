package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnSSHBlockNoInternetConnectionComesFromIsAWarningNotAnError(t *testing.T) {
	tests := []struct {
		name, blocks string
		want         []string
	}{
		{"public blocks", `["198.51.100.0/24", "203.0.113.7/32"]`, nil},
		{"an office's private range", `["192.168.1.0/24"]`, []string{`"192.168.1.0/24" is a private-use block (RFC 1918)`}},
		{"carrier-grade NAT and link-local", `["100.64.0.0/10", "169.254.0.0/16"]`,
			[]string{`"100.64.0.0/10" is the shared address space of carrier-grade NAT (RFC 6598)`, `"169.254.0.0/16" is the link-local block (RFC 3927)`}},
		{"a block that holds the VPC itself", `["10.0.0.0/8"]`,
			[]string{`"10.0.0.0/8" is a private-use block (RFC 1918)`, "overlaps this stack's own VPC block 10.0.0.0/16"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(FromMap(with(map[string]string{"sce:allowedSshCidrs": tt.blocks})))
			require.NoError(t, err, "a warning never refuses the configuration")
			var text string
			for _, w := range c.Warnings {
				assert.Equal(t, "sce:allowedSshCidrs", w.Key)
				text += w.String() + "\n"
			}
			if tt.want == nil {
				assert.Empty(t, c.Warnings)
			}
			for _, want := range tt.want {
				assert.Contains(t, text, want)
			}
			if tt.want != nil {
				assert.Contains(t, text, "can never match at the bastion's public address")
			}
		})
	}
}

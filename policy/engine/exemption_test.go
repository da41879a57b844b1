package engine_test

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/assert"
)

// TestExemptionsMatchThePITAndSuffixExactly: a suffix names the same resource in every stack, and only it.
func TestExemptionsMatchThePITAndSuffixExactly(t *testing.T) {
	tests := []struct {
		name, suffix string
		want         bool
	}{
		{"hipaa-logs-bucket", "-logs-bucket", true},
		{"hipaa-access-logs-bucket", "-logs-bucket", false},
		{"hipaa-access-logs-bucket", "-access-logs-bucket", true},
		{"omop2-public-default-route", "-public-default-route", true},
		{"x-hipaa-public-default-route", "-public-default-route", false},
		{"-public-default-route", "-public-default-route", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, engine.NamedBy(tt.name, tt.suffix), "%s with %s", tt.name, tt.suffix)
	}
}

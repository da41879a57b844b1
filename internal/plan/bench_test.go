package plan_test

import (
	"path/filepath"
	"testing"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// BenchmarkPlanHipaa measures one offline plan of the hipaa stack, program run and recording included.
// The target is well under two seconds per plan; see the closing notes for the figures.
func BenchmarkPlanHipaa(b *testing.B) {
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi.hipaa.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := plan.Run(plan.Options{Stack: "hipaa", Config: sf.Config}, stack.Run); err != nil {
			b.Fatal(err)
		}
	}
}

package export

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// referencePlans caches the plans of the reference stacks: running the program under the mock takes a
// few seconds each.
var referencePlans = struct {
	sync.Mutex
	plans map[string]*plan.Plan
}{plans: map[string]*plan.Plan{}}

// referencePlan runs the real program with the configuration of Pulumi.<name>.yaml.
func referencePlan(t *testing.T, name string) *plan.Plan {
	t.Helper()
	referencePlans.Lock()
	defer referencePlans.Unlock()
	if p, ok := referencePlans.plans[name]; ok {
		return p
	}
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	p, err := plan.Run(plan.Options{Stack: name, Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
	require.NoError(t, err)
	referencePlans.plans[name] = p
	return p
}

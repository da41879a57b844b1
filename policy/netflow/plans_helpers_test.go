package netflow_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
	"github.com/sce-project/sce/policy/netflow"
	"github.com/sce-project/sce/policy/rules"
)

// Extra configuration of the stack with workers and EMR (on top of Pulumi.hipaa.yaml).
var workersAndEMR = map[string]string{
	"sce:workersEnabled":       "true",
	"sce:workerPipelineObject": "run",
	"sce:workerPipelineSha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"sce:emrEnabled":           "true",
}

// recorded runs the real program under the recording mock with a stack file's configuration changed by
// changes, once per name, and returns the plan.
type recorded struct {
	mu    sync.Mutex
	plans map[string]*plan.Plan
}

var plans = &recorded{plans: map[string]*plan.Plan{}}

func (r *recorded) get(t *testing.T, name, stackFile string, changes map[string]string) *plan.Plan {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.plans[name]; ok {
		return p
	}
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi."+stackFile+".yaml"))
	require.NoError(t, err)
	for k, v := range changes {
		sf.Config[k] = v
	}
	p, err := plan.Run(plan.Options{Stack: stackFile, Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
	require.NoError(t, err)
	r.plans[name] = p
	return p
}

// byName returns the resource of a plan's stack with that type and logical name.
func byName(t *testing.T, s *rules.Stack, typ, name string) *rules.Resource {
	t.Helper()
	for _, r := range s.OfType(typ) {
		if r.Name == name {
			return r
		}
	}
	require.FailNow(t, "resource not found", "%s %s", typ, name)
	return nil
}

func internet(t *testing.T, block string) netflow.Endpoint {
	t.Helper()
	e, err := netflow.Internet(block)
	require.NoError(t, err)
	return e
}

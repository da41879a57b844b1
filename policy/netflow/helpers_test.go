package netflow_test

// Helpers the tests share: the recorded plans of the reference stacks, finding and removing resources by
// logical name (in a recorded plan's stack or a synthetic fixture), and flows.

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
	"github.com/sce-project/sce/policy/netflow"
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
func byName(t *testing.T, s *engine.Stack, typ, name string) *engine.Resource {
	t.Helper()
	r := named(s.OfType(typ), name)
	if r == nil {
		require.FailNow(t, "resource not found", "%s %s", typ, name)
	}
	return r
}

// named returns the first of rs with that logical name, nil when none has it.
func named(rs []*engine.Resource, name string) *engine.Resource {
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// dropNamed returns rs less the resources with any of the logical names, and whether it dropped any.
func dropNamed(rs []*engine.Resource, names ...string) ([]*engine.Resource, bool) {
	var kept []*engine.Resource
	found := false
	for _, r := range rs {
		drop := false
		for _, n := range names {
			drop = drop || r.Name == n
		}
		if drop {
			found = true
			continue
		}
		kept = append(kept, r)
	}
	return kept, found
}

// without returns a stack of the plan's resources less those with the given logical name.
func without(s *engine.Stack, name string) (*engine.Stack, bool) {
	kept, found := dropNamed(s.Resources, name)
	return engine.NewStack(kept), found
}

func internet(t *testing.T, block string) netflow.Endpoint {
	t.Helper()
	e, err := netflow.Internet(block)
	require.NoError(t, err)
	return e
}

// flowOf is a flow of one protocol and port.
func flowOf(from, to netflow.Endpoint, proto string, port int64) netflow.Flow {
	return netflow.Flow{From: from, To: to, Protocol: proto, Port: port}
}

// tcp is a flow of TCP to one port.
func tcp(from, to netflow.Endpoint, port int64) netflow.Flow {
	return flowOf(from, to, netmodel.ProtoTCP, port)
}

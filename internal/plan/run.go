package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/sce-project/sce/internal/config"
)

// Options select what to plan.
type Options struct {
	// Stack is the stack name; it appears in every URN.
	Stack string
	// Config holds namespaced raw configuration ("sce:pit"), with arrays as JSON, as a stack file gives it.
	Config map[string]string
	// SecretKeys lists the configuration keys whose values are secret.
	SecretKeys []string
	// Recorder, if set, records the run instead of a new recorder, so that a caller can inspect what was
	// registered even when the program fails.
	Recorder *Recorder
}

// Run runs program under the recording mock with the stack's configuration and returns the plan. A
// configuration error is returned as the *config.ValidationError the program produced.
func Run(opts Options, program pulumi.RunFunc) (*Plan, error) {
	if err := config.UnknownKeys(keysOf(opts.Config)); err != nil {
		return nil, err
	}
	region := opts.Config[config.RegionKey]
	rec := opts.Recorder
	if rec == nil {
		rec = NewRecorder(Project, opts.Stack, region, config.Partition(region))
	}
	var outputs map[string]any
	body := func(ctx *pulumi.Context) error {
		if err := program(ctx); err != nil {
			return err
		}
		var err error
		outputs, err = awaitExports(ctx)
		return err
	}
	withConfig := func(info *pulumi.RunInfo) {
		info.Config = opts.Config
		info.ConfigSecretKeys = opts.SecretKeys
		info.DryRun = false
	}
	if err := pulumi.RunErr(body, pulumi.WithMocks(Project, opts.Stack, rec), withConfig); err != nil {
		var invalid *config.ValidationError
		if errors.As(err, &invalid) {
			return nil, invalid
		}
		return nil, fmt.Errorf("run program for stack %s: %w", opts.Stack, err)
	}
	p := &Plan{
		Stack:     opts.Stack,
		Project:   Project,
		Resources: rec.Resources(),
		Outputs:   outputs,
		Cost:      Cost{Currency: "USD", Items: []CostItem{}},
	}
	p.ApplyPolicy()
	return p, nil
}

// awaitExports resolves the stack outputs the program exported, keeping secrets secret.
func awaitExports(ctx *pulumi.Context) (map[string]any, error) {
	exports := ctx.GetCurrentExportMap()
	names := make([]string, 0, len(exports))
	for name := range exports {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string]any, len(exports))
	for _, name := range names {
		res, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(exports[name]))
		if err != nil {
			return nil, fmt.Errorf("resolve output %s: %w", name, err)
		}
		switch {
		case res.Secret:
			out[name] = SecretPlaceholder
		case !res.Known:
			out[name] = UnknownPlaceholder
		default:
			v, err := plainJSON(res.Value)
			if err != nil {
				return nil, fmt.Errorf("output %s: %w", name, err)
			}
			out[name] = v
		}
	}
	return out, nil
}

// plainJSON converts an output value (pulumi.ID, typed maps, ...) into the plain values JSON decodes to.
func plainJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode as JSON: %w", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	return out, nil
}

func keysOf(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

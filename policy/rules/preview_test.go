package rules

import "github.com/sce-project/sce/policy/engine"

// Fixtures of resources as `pulumi preview` shows them, shared by the tests of several rule families: a
// reference to a resource not yet created, and a value unknown until deployment.

// previewRef makes prop of r unknown and records that it came from targets, as `pulumi preview` reports a
// reference to a resource not yet created.
func previewRef(r *engine.Resource, prop string, targets ...*engine.Resource) *engine.Resource {
	r.Props[prop] = engine.Unknown
	if r.PropertyDependencies == nil {
		r.PropertyDependencies = map[string][]string{}
	}
	for _, t := range targets {
		r.PropertyDependencies[prop] = append(r.PropertyDependencies[prop], t.URN)
	}
	return r
}

// unknownValue makes prop of r unknown with no dependency to say where it comes from.
func unknownValue(r *engine.Resource, prop string) *engine.Resource {
	r.Props[prop] = engine.Unknown
	return r
}

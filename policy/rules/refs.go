package rules

import "github.com/sce-project/sce/policy/engine"

// How the rules walk a stack beyond Stack's own methods: judging each resource of a type, and finding the
// resources that refer to one another beyond Stack.Refs and Stack.ReferringTo, by an identifier those do
// not know (a queue's url) and with the unknown references of a preview.

// judgeEach judges every resource of a type on its own and reports each finding on that resource, unless
// the judgement names another (a recorder's role, a key).
func judgeEach(s *engine.Stack, typ string, judge func(s *engine.Stack, r *engine.Resource) []engine.Finding) []engine.Finding {
	var out []engine.Finding
	for _, r := range s.OfType(typ) {
		out = append(out, engine.WithURN(r.URN, judge(s, r))...)
	}
	return out
}

// referrers returns the resources of the given types whose prop refers to target. When none does, it also
// returns a resource of those types whose prop is unknown with no dependency to say where it points (it
// may refer to target once deployed), so that the caller can report an undecided finding instead.
func referrers(s *engine.Stack, target *engine.Resource, prop string, types ...string) ([]*engine.Resource, *engine.Resource) {
	found := s.ReferringTo(target, prop, types...)
	if len(found) > 0 {
		return found, nil
	}
	for _, r := range s.OfType(types...) {
		if v, ok := r.Get(prop); ok && engine.IsUnknown(v) && len(r.PropertyDependencies[prop]) == 0 {
			return nil, r
		}
	}
	return nil, nil
}

// requireReferrer reports a target that no resource of typ refers to by prop: undecided when one's prop is
// unknown with no dependency to say where it points (what names such a resource: "flow log"), message
// otherwise. A target something refers to passes.
func requireReferrer(s *engine.Stack, target *engine.Resource, prop, typ, what, message string) []engine.Finding {
	found, unresolved := referrers(s, target, prop, typ)
	switch {
	case len(found) > 0:
		return nil
	case unresolved != nil:
		return engine.WithURN(target.URN, engine.Undecided(prop+" of "+what+" "+unresolved.Name))
	}
	return []engine.Finding{{URN: target.URN, Message: message}}
}

// refsByKeys is Stack.Refs that also matches the value against the given outputs or inputs of the targets (a
// queue's url, a cluster's clusterIdentifier), for references that use an identifier Refs does not know.
func refsByKeys(s *engine.Stack, r *engine.Resource, prop string, keys []string, types ...string) []*engine.Resource {
	out := s.Refs(r, prop, types...)
	seen := map[string]bool{}
	for _, t := range out {
		seen[t.URN] = true
	}
	v, ok := r.Get(prop)
	if !ok {
		return out
	}
	for _, want := range engine.StringsOf(v) {
		if want == "" {
			continue
		}
		for _, t := range s.OfType(types...) {
			if seen[t.URN] {
				continue
			}
			for _, k := range keys {
				if engine.StringAtOr(t.Outputs, k) == want || engine.StringAtOr(t.Props, k) == want {
					seen[t.URN] = true
					out = append(out, t)
					break
				}
			}
		}
	}
	return out
}

// referringByKeys returns the resources of the given types whose input prop refers to target, as refsByKeys links.
func referringByKeys(s *engine.Stack, target *engine.Resource, prop string, keys []string, types ...string) []*engine.Resource {
	var out []*engine.Resource
	for _, r := range s.OfType(types...) {
		for _, t := range refsByKeys(s, r, prop, keys, target.Type) {
			if t.URN == target.URN {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

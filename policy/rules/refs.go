package rules

// How the rules walk a stack beyond Stack's own methods: judging each resource of a type, and finding the
// resources that refer to one another beyond Stack.Refs and Stack.ReferringTo, by an identifier those do
// not know (a queue's url) and with the unknown references of a preview.

// judgeEach judges every resource of a type on its own and reports each finding on that resource, unless
// the judgement names another (a recorder's role, a key).
func judgeEach(s *Stack, typ string, judge func(s *Stack, r *Resource) []Finding) []Finding {
	var out []Finding
	for _, r := range s.OfType(typ) {
		out = append(out, withURN(r.URN, judge(s, r))...)
	}
	return out
}

// referrers returns the resources of the given types whose prop refers to target. When none does, it also
// returns a resource of those types whose prop is unknown with no dependency to say where it points (it
// may refer to target once deployed), so that the caller can report an undecided finding instead.
func referrers(s *Stack, target *Resource, prop string, types ...string) ([]*Resource, *Resource) {
	found := s.ReferringTo(target, prop, types...)
	if len(found) > 0 {
		return found, nil
	}
	for _, r := range s.OfType(types...) {
		if v, ok := r.Get(prop); ok && IsUnknown(v) && len(r.PropertyDependencies[prop]) == 0 {
			return nil, r
		}
	}
	return nil, nil
}

// refsByKeys is Stack.Refs that also matches the value against the given outputs or inputs of the targets (a
// queue's url, a cluster's clusterIdentifier), for references that use an identifier Refs does not know.
func refsByKeys(s *Stack, r *Resource, prop string, keys []string, types ...string) []*Resource {
	out := s.Refs(r, prop, types...)
	seen := map[string]bool{}
	for _, t := range out {
		seen[t.URN] = true
	}
	v, ok := r.Get(prop)
	if !ok {
		return out
	}
	for _, want := range stringsOf(v) {
		if want == "" {
			continue
		}
		for _, t := range s.OfType(types...) {
			if seen[t.URN] {
				continue
			}
			for _, k := range keys {
				if stringAtOr(t.Outputs, k) == want || stringAtOr(t.Props, k) == want {
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
func referringByKeys(s *Stack, target *Resource, prop string, keys []string, types ...string) []*Resource {
	var out []*Resource
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

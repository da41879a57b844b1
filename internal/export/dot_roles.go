package export

// This file derives the dot graph's role flows: what each instance's IAM role (and the roles it may
// assume) lets it do with the buckets and log groups, by evaluating the policy documents' Allow
// statements with IAM's wildcards.

import (
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// roleFlows adds what each instance's role lets it do with the project's buckets and log groups: S3
// reads and writes (through the endpoint when its subnet routes S3 there, by rt) and logs it ships.
func (g *graph) roleFlows(f *facts, rt routing) {
	for _, inst := range f.p.Find(typInstance) {
		inst := inst
		docs := f.instancePolicies(&inst)
		endpoint := ""
		for _, ep := range rt.endpoints[rt.subnetTable[rt.subnetOf[inst.URN]]] {
			endpoint = nodeID(ep)
		}
		for i := range f.p.Resources {
			target := &f.p.Resources[i]
			switch {
			case isBucket(target):
				access := s3Access(docs, str(target.Outputs["arn"]))
				if access == "" {
					continue
				}
				if endpoint != "" {
					g.addEdge(nodeID(&inst), endpoint, "S3 prefix list route", "")
					g.addEdge(endpoint, nodeID(target), access, "")
				} else {
					g.addEdge(nodeID(&inst), nodeID(target), access, "")
				}
			case target.Type == typLogGroup:
				if allows(docs, "logs:PutLogEvents", str(target.Outputs["arn"])) {
					g.addEdge(nodeID(&inst), nodeID(target), "logs", "dashed")
				}
			}
		}
	}
}

// instancePolicies returns the policy documents of an instance's role (instance profile → role → attached
// customer policies and inline role policies) and of the roles that role may assume.
func (f *facts) instancePolicies(inst *plan.Resource) []map[string]any {
	profile := f.dep(inst, "iamInstanceProfile", typProfile)
	if profile == nil {
		return nil
	}
	role := f.dep(profile, "role", typRole)
	if role == nil {
		return nil
	}
	docs := f.rolePolicies(role)
	// What the instance does for its users through the roles it may assume (the workstation's broker
	// assumes the researcher role for each login): those roles' data flows are the instance's too.
	for i := range f.p.Resources {
		if other := &f.p.Resources[i]; other.Type == typRole && other != role && allows(docs, "sts:AssumeRole", str(other.Outputs["arn"])) {
			docs = append(docs, f.rolePolicies(other)...)
		}
	}
	return docs
}

// rolePolicies returns a role's attached customer policies and inline role policies.
func (f *facts) rolePolicies(role *plan.Resource) []map[string]any {
	var docs []map[string]any
	for i := range f.p.Resources {
		r := &f.p.Resources[i]
		switch r.Type {
		case typAttach:
			if f.dep(r, "role", typRole) != role {
				continue
			}
			if pol := f.dep(r, "policyArn", typPolicy); pol != nil {
				if doc, ok := jsonDocument(str(pol.Inputs["policy"])); ok {
					docs = append(docs, doc)
				}
			}
		case typRolePolicy:
			if f.dep(r, "role", typRole) == role {
				if doc, ok := jsonDocument(str(r.Inputs["policy"])); ok {
					docs = append(docs, doc)
				}
			}
		}
	}
	return docs
}

// s3Access says what the policies let a role do with a bucket's objects: "read", "write" or both.
func s3Access(docs []map[string]any, bucketARN string) string {
	if bucketARN == "" {
		return ""
	}
	read := allows(docs, "s3:GetObject", bucketARN+"/*")
	write := allows(docs, "s3:PutObject", bucketARN+"/*")
	switch {
	case read && write:
		return "read, write"
	case read:
		return "read"
	case write:
		return "write"
	}
	return ""
}

// allows reports whether an Allow statement of the documents grants an action on a resource ARN (or on
// the ARN's log streams, for a log group). Wildcards in actions and resources are honoured; a statement
// granting "*" resources is not counted, since it names no particular resource.
func allows(docs []map[string]any, action, arn string) bool {
	for _, doc := range docs {
		for _, st := range statements(doc["Statement"]) {
			if str(st["Effect"]) != "Allow" {
				continue
			}
			if !anyMatch(strs(st["Action"]), action) {
				continue
			}
			for _, res := range strs(st["Resource"]) {
				if res == "*" {
					continue
				}
				if wildcardMatch(res, arn) || strings.HasPrefix(res, arn+":") {
					return true
				}
			}
		}
	}
	return false
}

// statements returns a policy document's Statement as a list: IAM allows one statement or a list.
func statements(v any) []map[string]any {
	switch s := v.(type) {
	case map[string]any:
		return []map[string]any{s}
	case []any:
		var out []map[string]any
		for _, e := range s {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// anyMatch reports whether any of the IAM wildcard patterns matches s.
func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if wildcardMatch(p, s) {
			return true
		}
	}
	return false
}

// wildcardMatch matches IAM's * and ? wildcards.
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && wildcardMatch(pattern[1:], s[1:])
}

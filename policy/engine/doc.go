// Package engine is the policy engine the SCE's rules run on, and nothing of the rules themselves: what a
// rule is (its id, level, category, citations and check), the views a rule has of one resource and of a
// whole stack (properties as plain JSON values, with Unknown for what is known only at deployment), the
// findings a check returns and the report an evaluation makes of them, the three-valued answer of a check
// that may not know yet (Match3), the property lookups the checks share (BoolAt, StringAt, ObjectsAt...),
// how an exemption matches a resource, and the evaluation loop, which turns a panicking check into a
// finding of its own rule.
//
// It imports nothing of the project: policy/model builds the network and policy-document models on it,
// policy/rules declares the rules and the exemptions, and the Pulumi policy pack (policy/pack), the
// offline plan (internal/plan) and `sce policy check` evaluate those rules through it, so a finding means
// the same thing wherever it is reported.
package engine

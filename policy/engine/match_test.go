package engine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sce-project/sce/policy/engine"
)

// TestThreeValuedAnswersCombine: yes wins a disjunction and no a conjunction, a maybe otherwise keeps the
// reason of the first maybe, nothing asked is no for "any" and yes for "all", and negation keeps maybe.
func TestThreeValuedAnswersCombine(t *testing.T) {
	yes, no, maybe := engine.MatchYes, engine.MatchNo, engine.MatchMaybe
	reasons := func(ms ...engine.Match3) func(func(engine.Match3, string) bool) {
		return func(yield func(engine.Match3, string) bool) {
			for i, m := range ms {
				if !yield(m, string(rune('a'+i))) {
					return
				}
			}
		}
	}
	tests := []struct {
		name           string
		in             []engine.Match3
		any, all       engine.Match3
		anyWhy, allWhy string
	}{
		{name: "none", any: no, all: yes},
		{name: "all yes", in: []engine.Match3{yes, yes}, any: yes, all: yes},
		{name: "all no", in: []engine.Match3{no, no}, any: no, all: no},
		{name: "maybes keep the first reason", in: []engine.Match3{no, maybe, maybe}, any: maybe, anyWhy: "b", all: no},
		{name: "yes beats maybe", in: []engine.Match3{maybe, yes}, any: yes, all: maybe, allWhy: "a"},
		{name: "no beats maybe", in: []engine.Match3{yes, maybe, no}, any: yes, all: no},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := engine.AnyMatch(reasons(tt.in...))
			assert.Equal(t, tt.any, got, "any")
			assert.Equal(t, tt.anyWhy, why, "any's reason")
			got, why = engine.AllMatch(reasons(tt.in...))
			assert.Equal(t, tt.all, got, "all")
			assert.Equal(t, tt.allWhy, why, "all's reason")
			got, _ = engine.AnyMatch(engine.Answers(tt.in...))
			assert.Equal(t, tt.any, got, "any of fixed answers")
		})
	}
	assert.Equal(t, no, engine.Not(yes))
	assert.Equal(t, yes, engine.Not(no))
	assert.Equal(t, maybe, engine.Not(maybe))
	assert.Equal(t, "maybe", maybe.String())
}

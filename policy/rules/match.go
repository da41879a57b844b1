package rules

import (
	"iter"

	"github.com/sce-project/sce/policy/engine"
)

// How the rules combine three-valued answers (engine.Match3): whether any or all of several hold, keeping
// the reason of the first that may, which the undecided finding then names. The backup rules (backup.go,
// dynamodb.go) ask them of the selections and their filters.

// matchAny is the disjunction of answers, each with the reason it may hold: yes as soon as one is yes (the
// answers after it are not asked), else maybe with the first maybe's reason, else no.
func matchAny(seq iter.Seq2[engine.Match3, string]) (engine.Match3, string) {
	return matchFold(seq, engine.MatchYes, engine.MatchNo)
}

// matchAll is the conjunction of answers, each with the reason it may hold: no as soon as one is no (the
// answers after it are not asked), else maybe with the first maybe's reason, else yes.
func matchAll(seq iter.Seq2[engine.Match3, string]) (engine.Match3, string) {
	return matchFold(seq, engine.MatchNo, engine.MatchYes)
}

// matchFold folds answers into one: decisive ends the fold (with no reason), the first maybe replaces empty
// (the answer when there are none) and keeps its reason, and the other answers change nothing.
func matchFold(seq iter.Seq2[engine.Match3, string], decisive, empty engine.Match3) (engine.Match3, string) {
	result, why := empty, ""
	for m, w := range seq {
		switch m {
		case decisive:
			return decisive, ""
		case engine.MatchMaybe:
			if result == empty {
				result, why = engine.MatchMaybe, w
			}
		}
	}
	return result, why
}

// matchNot is the negation of an answer; maybe stays maybe.
func matchNot(a engine.Match3) engine.Match3 {
	switch a {
	case engine.MatchYes:
		return engine.MatchNo
	case engine.MatchNo:
		return engine.MatchYes
	}
	return engine.MatchMaybe
}

// answers yields fixed answers, without reasons, to matchAny or matchAll.
func answers(ms ...engine.Match3) iter.Seq2[engine.Match3, string] {
	return func(yield func(engine.Match3, string) bool) {
		for _, m := range ms {
			if !yield(m, "") {
				return
			}
		}
	}
}

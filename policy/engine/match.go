package engine

import "iter"

// Match3 is a three-valued answer: a rule can know that something holds, know that it does not, or not
// know until deployment.
type Match3 uint8

// The values of a Match3.
const (
	MatchNo Match3 = iota
	MatchMaybe
	MatchYes
)

// String renders a Match3 as "no", "maybe" or "yes".
func (m Match3) String() string {
	switch m {
	case MatchYes:
		return "yes"
	case MatchMaybe:
		return "maybe"
	}
	return "no"
}

// How the rules combine three-valued Answers (Match3): whether any or all of several hold, keeping
// the reason of the first that may, which the undecided finding then names. The backup rules (backup.go,
// dynamodb.go) ask them of the selections and their filters.

// AnyMatch is the disjunction of Answers, each with the reason it may hold: yes as soon as one is yes (the
// Answers after it are not asked), else maybe with the first maybe's reason, else no.
func AnyMatch(seq iter.Seq2[Match3, string]) (Match3, string) {
	return foldMatch(seq, MatchYes, MatchNo)
}

// AllMatch is the conjunction of Answers, each with the reason it may hold: no as soon as one is no (the
// Answers after it are not asked), else maybe with the first maybe's reason, else yes.
func AllMatch(seq iter.Seq2[Match3, string]) (Match3, string) {
	return foldMatch(seq, MatchNo, MatchYes)
}

// foldMatch folds Answers into one: decisive ends the fold (with no reason), the first maybe replaces empty
// (the answer when there are none) and keeps its reason, and the other Answers change nothing.
func foldMatch(seq iter.Seq2[Match3, string], decisive, empty Match3) (Match3, string) {
	result, why := empty, ""
	for m, w := range seq {
		switch m {
		case decisive:
			return decisive, ""
		case MatchMaybe:
			if result == empty {
				result, why = MatchMaybe, w
			}
		}
	}
	return result, why
}

// Not is the negation of an answer; maybe stays maybe.
func Not(a Match3) Match3 {
	switch a {
	case MatchYes:
		return MatchNo
	case MatchNo:
		return MatchYes
	}
	return MatchMaybe
}

// Answers yields fixed Answers, without reasons, to AnyMatch or AllMatch.
func Answers(ms ...Match3) iter.Seq2[Match3, string] {
	return func(yield func(Match3, string) bool) {
		for _, m := range ms {
			if !yield(m, "") {
				return
			}
		}
	}
}

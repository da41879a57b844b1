package engine

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

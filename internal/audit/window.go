// The time window of a report (--from, --to): reading its bounds, checking them, and saying it in words.

package audit

import (
	"fmt"
	"time"
)

// Window is the time window of the report: From included, To excluded; a zero bound is open.
type Window struct {
	From, To time.Time
}

// Contains reports whether t lies in the window.
func (w Window) Contains(t time.Time) bool {
	return (w.From.IsZero() || !t.Before(w.From)) && (w.To.IsZero() || t.Before(w.To))
}

// ParseTime reads a --from or --to value: RFC 3339 ("2026-11-28T10:00:00Z") or a date ("2026-11-28",
// midnight UTC).
func ParseTime(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--%s %q: want an RFC 3339 time (2026-11-28T10:00:00Z) or a date (2026-11-28)", flag, s)
}

// Check reports a window that holds no time at all: a From that is not before To, naming the flags
// --from and --to that set them.
func (w Window) Check() error {
	if !w.From.IsZero() && !w.To.IsZero() && !w.From.Before(w.To) {
		return fmt.Errorf("--from %s is not before --to %s", w.From.Format(time.RFC3339), w.To.Format(time.RFC3339))
	}
	return nil
}

// Describe writes the window as the reports' headings give it, in UTC: "FROM to TO (end excluded)",
// "from FROM", "until TO (excluded)" or "all time".
func (w Window) Describe() string {
	switch {
	case !w.From.IsZero() && !w.To.IsZero():
		return w.From.UTC().Format(time.RFC3339) + " to " + w.To.UTC().Format(time.RFC3339) + " (end excluded)"
	case !w.From.IsZero():
		return "from " + w.From.UTC().Format(time.RFC3339)
	case !w.To.IsZero():
		return "until " + w.To.UTC().Format(time.RFC3339) + " (excluded)"
	}
	return "all time"
}

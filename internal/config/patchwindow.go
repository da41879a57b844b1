package config

import (
	"fmt"
	"strings"
	"time"
)

// PatchWindow is when Systems Manager patches the instances: every Sunday at 03:00 UTC. The instances must
// be running from Lead before it until Tail after it, or the patch never runs: an association's run is
// skipped for a stopped instance.
type PatchWindow struct {
	Day        time.Weekday
	HourUTC    int
	Lead, Tail time.Duration
}

// ThePatchWindow returns the project's patch window.
func ThePatchWindow() PatchWindow {
	return PatchWindow{Day: time.Sunday, HourUTC: 3, Lead: 30 * time.Minute, Tail: 2 * time.Hour}
}

var cronDays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

// Cron is the window's time as a Systems Manager cron expression (UTC).
func (w PatchWindow) Cron() string {
	return fmt.Sprintf("cron(0 %d ? * %s *)", w.HourUTC, cronDays[w.Day])
}

// StartCron starts the instances Lead before the window, as an EventBridge Scheduler cron expression in UTC.
func (w PatchWindow) StartCron() string { return w.cronAt(-w.Lead) }

// StopCron stops the instances Tail after the window, as an EventBridge Scheduler cron expression in UTC.
func (w PatchWindow) StopCron() string { return w.cronAt(w.Tail) }

func (w PatchWindow) cronAt(offset time.Duration) string {
	t := time.Date(2027, 1, 3, w.HourUTC, 0, 0, 0, time.UTC).Add(offset) // 3 January 2027 is a Sunday
	day := (int(w.Day) + int(t.Weekday()) - int(time.Sunday) + 7) % 7
	return fmt.Sprintf("cron(%d %d ? * %s *)", t.Minute(), t.Hour(), cronDays[day])
}

// WindowFit is how the working hours relate to the patch window.
type WindowFit int

// Fits.
const (
	// WindowWhileRunning: the working hours keep the instances running through the whole window.
	WindowWhileRunning WindowFit = iota
	// WindowWhileStopped: the instances are stopped through the whole window; the schedule must start them
	// for it and stop them after.
	WindowWhileStopped
	// WindowAcrossAnEdge: the working hours start or stop inside the window, in some week of the year: the
	// patch would start on a stopped instance or be cut by the stop.
	WindowAcrossAnEdge
)

// Fit classifies the patch window against the schedule, for a week in January and one in July (both sides of
// any daylight-saving change), in quarter-hour steps.
func (s *Schedule) Fit(w PatchWindow) (WindowFit, error) {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return 0, fmt.Errorf("time zone %s: %w", s.TimeZone, err)
	}
	days, err := parseDays(s.Days)
	if err != nil {
		return 0, err
	}
	running, stopped := false, false
	for _, sunday := range []time.Time{time.Date(2027, 1, 3, 0, 0, 0, 0, time.UTC), time.Date(2027, 7, 4, 0, 0, 0, 0, time.UTC)} {
		at := sunday.AddDate(0, 0, int(w.Day)).Add(time.Duration(w.HourUTC) * time.Hour)
		for t := at.Add(-w.Lead); !t.After(at.Add(w.Tail)); t = t.Add(15 * time.Minute) {
			if s.runningAt(t, loc, days) {
				running = true
			} else {
				stopped = true
			}
		}
	}
	switch {
	case running && stopped:
		return WindowAcrossAnEdge, nil
	case stopped:
		return WindowWhileStopped, nil
	}
	return WindowWhileRunning, nil
}

// runningAt replays the schedule: the instances are in the state the last start or stop event before t left
// them in. Events fire on the hour, in the schedule's time zone, on its days.
func (s *Schedule) runningAt(t time.Time, loc *time.Location, days map[time.Weekday]bool) bool {
	// Quarter-hour steps, because a zone's hours need not start on UTC's (India is UTC+05:30).
	h := t.Truncate(15 * time.Minute)
	for i := 0; i < 8*24*4; i++ {
		local := h.In(loc)
		if days[local.Weekday()] && local.Minute() == 0 {
			switch local.Hour() {
			case s.StopHour:
				return false
			case s.StartHour:
				return true
			}
		}
		h = h.Add(-15 * time.Minute)
	}
	return false
}

// parseDays reads a cron day-of-week field of names and ranges ("MON-FRI", "MON,WED,FRI").
func parseDays(field string) (map[time.Weekday]bool, error) {
	index := map[string]int{}
	for i, d := range cronDays {
		index[d] = i
	}
	out := map[time.Weekday]bool{}
	for _, part := range strings.Split(field, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, okA := index[from]
		b := a
		okB := true
		if isRange {
			b, okB = index[to]
		}
		if !okA || !okB {
			return nil, fmt.Errorf("working days %q: %q is not a day or a range of days", field, part)
		}
		for d := a; ; d = (d + 1) % 7 {
			out[time.Weekday(d)] = true
			if d == b {
				break
			}
		}
	}
	return out, nil
}

// checkPatchWindow refuses working hours that start or stop inside the patch window: the instances would
// be stopped when the patch starts, or stopped in the middle of it.
func (r *reader) checkPatchWindow(s *Schedule) {
	if s == nil || s.StartHour == s.StopHour {
		return
	}
	w := ThePatchWindow()
	fit, err := s.Fit(w)
	if err != nil {
		return // the schedule keys already report their problems
	}
	if fit == WindowAcrossAnEdge {
		r.ps.add(full(KeyWorkingHours), fmt.Sprintf("%02d:00-%02d:00", s.StartHour, s.StopHour),
			"starts or stops the instances (on %s, in %s) during the weekly patch window, %s UTC from %s before to %s after %02d:00; "+
				"accepted: working hours that keep the instances running through the whole window, or stopped through it (the schedule then starts them for it)",
			s.Days, s.TimeZone, cronDays[w.Day], w.Lead, w.Tail, w.HourUTC)
	}
}

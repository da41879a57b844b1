package config

import (
	"regexp"
	"strconv"
	"time"

	// The time zone database is embedded so that validation does not depend on the machine's zoneinfo.
	_ "time/tzdata"
)

var (
	hoursPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):00-([01][0-9]|2[0-3]):00$`)
	dayName      = `(MON|TUE|WED|THU|FRI|SAT|SUN)`
	daysPattern  = regexp.MustCompile(`^` + dayName + `(-` + dayName + `)?(,` + dayName + `(-` + dayName + `)?)*$`)
)

// schedule reads the working-hours keys; it returns nil when the schedule is off. Without sce:timeZone the
// hours are in the region's time zone (RegionTimeZone).
func (r *reader) schedule(region string) *Schedule {
	enabled := r.boolean(KeyScheduleEnabled)
	hours := r.value(KeyWorkingHours)
	s := &Schedule{Days: r.value(KeyWorkingDays), TimeZone: r.value(KeyTimeZone)}
	if s.TimeZone == "" {
		if tz, ok := RegionTimeZone(region); ok {
			s.TimeZone = tz
		} else if !knownRegion(region) {
			s.TimeZone = "UTC" // the region itself is reported; a second problem would say nothing new
		}
	}
	if m := hoursPattern.FindStringSubmatch(hours); m == nil {
		r.ps.add(full(KeyWorkingHours), hours, "is not working hours; accepted: HH:00-HH:00 on the hour, such as 08:00-18:00")
	} else {
		s.StartHour, _ = strconv.Atoi(m[1])
		s.StopHour, _ = strconv.Atoi(m[2])
		if s.StartHour == s.StopHour {
			r.ps.add(full(KeyWorkingHours), hours, "starts and stops at the same hour; accepted: two different hours")
		}
	}
	if !daysPattern.MatchString(s.Days) {
		r.ps.add(full(KeyWorkingDays), s.Days, "is not a cron day-of-week field; accepted: MON-FRI, or a list such as MON,WED,FRI")
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" || s.TimeZone == "Local" {
		r.ps.add(full(KeyTimeZone), s.TimeZone, "is not an IANA time zone; accepted: a name such as America/Los_Angeles or Europe/Berlin")
	}
	if !enabled {
		return nil
	}
	return s
}

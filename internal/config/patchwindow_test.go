package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPatchWindowCrons(t *testing.T) {
	w := ThePatchWindow()
	assert.Equal(t, "cron(0 3 ? * SUN *)", w.Cron())
	assert.Equal(t, "cron(30 2 ? * SUN *)", w.StartCron())
	assert.Equal(t, "cron(0 5 ? * SUN *)", w.StopCron())
	early := PatchWindow{Day: 0, HourUTC: 0, Lead: w.Lead, Tail: w.Tail}
	assert.Equal(t, "cron(30 23 ? * SAT *)", early.StartCron(), "a lead across midnight falls on the day before")
}

// TestWorkingHoursAgainstThePatchWindow: Sunday 02:30-05:00 UTC, in January and in July.
func TestWorkingHoursAgainstThePatchWindow(t *testing.T) {
	cases := []struct {
		name string
		s    Schedule
		want WindowFit
	}{
		{"weekdays in Los Angeles: stopped all weekend", Schedule{StartHour: 8, StopHour: 18, Days: "MON-FRI", TimeZone: "America/Los_Angeles"}, WindowWhileStopped},
		{"every day in Berlin, from eight: still stopped at dawn", Schedule{StartHour: 8, StopHour: 18, Days: "MON-SUN", TimeZone: "Europe/Berlin"}, WindowWhileStopped},
		{"nearly all day every day, UTC", Schedule{StartHour: 0, StopHour: 23, Days: "MON-SUN", TimeZone: "UTC"}, WindowWhileRunning},
		{"a Sunday start in Berlin inside the window in winter", Schedule{StartHour: 5, StopHour: 18, Days: "SUN", TimeZone: "Europe/Berlin"}, WindowAcrossAnEdge},
		{"a Sunday stop inside the window", Schedule{StartHour: 1, StopHour: 4, Days: "SUN", TimeZone: "UTC"}, WindowAcrossAnEdge},
		{"India's half-hour offset: a start exactly at the window's start keeps it running", Schedule{StartHour: 8, StopHour: 18, Days: "SUN", TimeZone: "Asia/Kolkata"}, WindowWhileRunning},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.s.Fit(ThePatchWindow())
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestWorkingHoursThatCutThePatchWindowAreRefused(t *testing.T) {
	_, err := Load(FromMap(with(map[string]string{"sce:workingHours": "05:00-18:00", "sce:workingDays": "SUN", "sce:timeZone": "Europe/Berlin"})))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `sce:workingHours: "05:00-18:00" starts or stops the instances (on SUN, in Europe/Berlin) during the weekly patch window`)
	_, err = Load(FromMap(with(map[string]string{"sce:workingHours": "05:00-18:00", "sce:workingDays": "SUN", "sce:timeZone": "Europe/Berlin", "sce:scheduleEnabled": "false"})))
	assert.NoError(t, err, "without a schedule the instances always run")
}

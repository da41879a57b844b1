package plan

import "sort"

// typeSchedule is the EventBridge Scheduler schedule, which starts and stops the instances.
const typeSchedule = "aws:scheduler/schedule:Schedule"

// writeSchedules lists the plan's EventBridge Scheduler schedules with their expressions and time zones,
// so that the builder sees in which clock the working hours are (sce:timeZone, by default the region's).
func writeSchedules(tw *textWriter, p *Plan) {
	var rows [][3]string
	for _, r := range p.Resources {
		if r.Type != typeSchedule {
			continue
		}
		name, _ := r.Inputs["name"].(string)
		expr, _ := r.Inputs["scheduleExpression"].(string)
		tz, _ := r.Inputs["scheduleExpressionTimezone"].(string)
		if tz == "" {
			tz = "UTC" // EventBridge Scheduler's default
		}
		if name == "" {
			name = r.Name
		}
		rows = append(rows, [3]string{name, expr, tz})
	}
	if len(rows) == 0 {
		return
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	tw.printf("\nSchedules (EventBridge Scheduler; the working hours are in sce:timeZone):\n")
	for _, row := range rows {
		tw.printf("  %-32s %-28s %s\n", row[0], row[1], row[2])
	}
}

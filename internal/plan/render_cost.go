package plan

// writeCost renders the cost estimate as a table: each item's monthly cost always on and on the
// schedule, its notes, the totals and the assumptions the estimate rests on.
func writeCost(tw *textWriter, c Cost) {
	if len(c.Items) == 0 {
		tw.printf("\nCost: no resource is priced yet\n")
		return
	}
	tw.printf("\nCost (%s a month): %.2f always on, %.2f on the schedule\n", c.Currency, c.Monthly, c.MonthlyScheduled)
	if c.Basis != "" {
		tw.printf("  Prices: %s\n", c.Basis)
	}
	tw.printf("  %10s  %11s  %s\n", "always on", "on schedule", "item")
	unpriced := 0
	for _, it := range c.Items {
		if it.Unpriced {
			unpriced++
			tw.printf("  %10s  %11s  %s\n", "unpriced", "unpriced", it.What)
		} else {
			tw.printf("  %10.2f  %11.2f  %s\n", it.Monthly, it.MonthlyScheduled, it.What)
		}
		if it.Note != "" {
			tw.printf("  %10s  %11s    note: %s\n", "", "", it.Note)
		}
	}
	tw.printf("  %10s  %11s\n", "----------", "-----------")
	tw.printf("  %10.2f  %11.2f  total\n", c.Monthly, c.MonthlyScheduled)
	if unpriced > 0 {
		tw.printf("  %d item(s) unpriced: the totals leave them out\n", unpriced)
	}
	if len(c.Assumptions) > 0 {
		tw.printf("  Assumptions:\n")
		for _, a := range c.Assumptions {
			tw.printf("    %s: %s\n", a.Name, a.Value)
		}
	}
}

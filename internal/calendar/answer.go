package calendar

import (
	"fmt"
	"time"
)

// Answer is a due instant explained: what `towngrid calc deadline` prints and
// GET /api/v1/calendar/deadline returns (one mechanism for both).
type Answer struct {
	From     string   `json:"from"`
	Limit    Limit    `json:"limit"`
	Due      string   `json:"due"`
	Calendar string   `json:"calendar"`
	Warnings []string `json:"warnings"`
}

// Explain computes the deadline of l from from and warns for every year
// touched whose official holiday notice is not loaded.
func (c *Calendar) Explain(from time.Time, l Limit) Answer {
	due := c.Deadline(from, l)
	out := Answer{From: from.Format(time.RFC3339), Limit: l, Due: due.Format(time.RFC3339), Calendar: c.Name(), Warnings: []string{}}
	if l.Unit.Working() {
		for _, y := range c.UnknownYears(from, due) {
			out.Warnings = append(out.Warnings, fmt.Sprintf("no State Council holiday notice loaded for %d: only Saturdays and Sundays are treated as days off", y))
		}
	}
	return out
}

package workflow

import (
	"time"

	"towngrid/internal/calendar"
)

// Clock is the working-time arithmetic the machine needs; *calendar.Calendar
// satisfies it (an interface so tests and other calendars can stand in).
type Clock interface {
	Deadline(from time.Time, l calendar.Limit) time.Time
	ElapsedFor(u calendar.Unit, from, to time.Time) time.Duration
	AddWorking(from time.Time, d time.Duration) time.Time
	Budget(l calendar.Limit) time.Duration
}

var _ Clock = (*calendar.Calendar)(nil)

// Timer is a pausable countdown in one unit's measure (working time for
// work_* units, wall time for natural_* units).
//
// At the start the due instant comes from calendar.Deadline (so work_days end
// at close of business, 民法典 §201/§203) and the budget is the working time
// up to it; from then on everything is budget arithmetic, which survives
// pauses (挂账, 补正, send back) and overdue resumption exactly. Deadline is
// kept for display and timer plans while running.
type Timer struct {
	Unit    calendar.Unit `json:"unit"`
	Limited bool          `json:"limited"` // has a limit
	Running bool          `json:"running"`
	Started time.Time     `json:"started,omitzero"`
	Since   time.Time     `json:"since,omitzero"` // start of the current run
	Elapsed time.Duration `json:"elapsed"`        // accumulated before Since
	// Remaining is the budget left at Since (running) or at the halt; < 0 when overdue.
	Remaining time.Duration `json:"remaining"`
	Deadline  time.Time     `json:"deadline,omitzero"` // while running and limited
}

// begin resets the timer and runs it from at with limit l (nil: unlimited).
func (t *Timer) begin(clk Clock, at time.Time, l *calendar.Limit) {
	*t = Timer{Unit: calendar.WorkMinutes, Started: at, Running: true, Since: at}
	if l != nil {
		t.Unit, t.Limited = l.Unit, true
		t.Deadline = clk.Deadline(at, *l)
		t.Remaining = clk.ElapsedFor(t.Unit, at, t.Deadline)
	}
}

// ElapsedAt is the accumulated time at instant at.
func (t *Timer) ElapsedAt(clk Clock, at time.Time) time.Duration {
	if !t.Running {
		return t.Elapsed
	}
	return t.Elapsed + clk.ElapsedFor(t.Unit, t.Since, at)
}

// RemainingAt is the budget left at instant at (negative once overdue).
func (t *Timer) RemainingAt(clk Clock, at time.Time) time.Duration {
	if !t.Running {
		return t.Remaining
	}
	return t.Remaining - clk.ElapsedFor(t.Unit, t.Since, at)
}

// Budget is the whole budget (elapsed + remaining); only extensions change it.
func (t *Timer) Budget() time.Duration { return t.Elapsed + t.Remaining }

func (t *Timer) halt(clk Clock, at time.Time) {
	if !t.Running {
		return
	}
	d := clk.ElapsedFor(t.Unit, t.Since, at)
	t.Elapsed += d
	t.Remaining -= d
	t.Running, t.Since, t.Deadline = false, time.Time{}, time.Time{}
}

func (t *Timer) run(clk Clock, at time.Time) {
	if t.Running {
		return
	}
	t.Running, t.Since = true, at
	if t.Started.IsZero() {
		t.Started = at
	}
	if t.Limited {
		t.Deadline = addFor(clk, t.Unit, at, t.Remaining)
	}
}

// extend adds an approved extension (延期). A running timer's deadline moves by
// the calendar's rule for the extension's unit; a halted one gains Budget(l).
func (t *Timer) extend(clk Clock, l calendar.Limit) {
	if t.Running && t.Remaining >= 0 {
		nd := clk.Deadline(t.Deadline, l)
		t.Remaining += clk.ElapsedFor(t.Unit, t.Deadline, nd)
		t.Deadline = nd
		return
	}
	t.Remaining += clk.Budget(l)
	if t.Running {
		t.Deadline = addFor(clk, t.Unit, t.Since, t.Remaining)
	}
}

// OnTime reports whether the timer is within its budget at at.
func (t *Timer) OnTime(clk Clock, at time.Time) bool {
	return !t.Limited || t.RemainingAt(clk, at) >= 0
}

// addFor is the instant when d of the unit's kind of time has passed since from.
func addFor(clk Clock, u calendar.Unit, from time.Time, d time.Duration) time.Time {
	if u.Working() {
		if d < 0 {
			return from // already overdue when the run starts
		}
		return clk.AddWorking(from, d)
	}
	return from.Add(d)
}

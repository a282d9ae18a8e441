package workflow

import (
	"sort"
	"time"

	"towngrid/internal/workflow/indicators"
)

// TimerStatus is a timer as shown at one instant.
type TimerStatus struct {
	Elapsed   time.Duration `json:"elapsed"`
	Budget    time.Duration `json:"budget,omitempty"`
	Remaining time.Duration `json:"remaining,omitempty"`
	Deadline  time.Time     `json:"deadline,omitzero"`
	Light     Color         `json:"light,omitempty"` // empty when unlimited
	Running   bool          `json:"running"`
}

// Status is a case's timers and public status at an instant.
type Status struct {
	State     string      `json:"state"`
	Public    string      `json:"public"` // Open311: open / closed
	Suspended bool        `json:"suspended"`
	Clock     TimerStatus `json:"clock"`
	Step      TimerStatus `json:"step"`
}

// TimerAt reports t at instant at with the thresholds.
func TimerAt(clk Clock, t *Timer, at time.Time, th Thresholds) TimerStatus {
	s := TimerStatus{Elapsed: t.ElapsedAt(clk, at), Running: t.Running}
	if t.Limited {
		s.Remaining = t.RemainingAt(clk, at)
		s.Budget = t.Budget()
		s.Deadline = t.Deadline
		s.Light = Light(s.Elapsed, s.Budget, th)
	}
	return s
}

// Status reports c at instant at. A state bound by the case limit shows the
// main clock as its step.
func (m *Machine) Status(c *Case, at time.Time, th Thresholds) Status {
	st, _ := m.Flow.State(c.State)
	s := Status{State: c.State, Suspended: c.Suspended, Public: "open"}
	s.Clock = TimerAt(m.Clock, &c.Clock, at, th)
	s.Step = TimerAt(m.Clock, &c.Step, at, th)
	if st != nil {
		if st.Public != "" {
			s.Public = st.Public
		} else if st.Final {
			s.Public = "closed"
		}
		if st.CaseLimit {
			s.Step = s.Clock
		}
	}
	return s
}

// Snapshot returns c's facts at instant at, with the snapshot fields filled:
// suspended (挂账) cases leave the dispose counts; a dispatched, undisposed
// case past its bundle deadline is 超期未处置 (§5.5).
func (m *Machine) Snapshot(c *Case, at time.Time) indicators.Facts {
	f := c.Facts
	f.Suspended = c.Suspended
	f.OverdueUndisposed = f.Dispatched && !f.Disposed && f.Void == "" && !c.Suspended &&
		c.Clock.Limited && c.Clock.RemainingAt(m.Clock, at) < 0
	return f
}

// Plan lists the case's future timer firings (main clock, and the step
// timer when the state has its own limit).
func (m *Machine) Plan(c *Case, p TimerPolicy) []Firing {
	out := Plan(m.Clock, &c.Clock, p, "clock", c.State)
	if st, ok := m.Flow.State(c.State); ok && st.Limit != nil {
		out = append(out, Plan(m.Clock, &c.Step, p, "step", c.State)...)
		sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	}
	return out
}

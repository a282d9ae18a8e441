package workflow

import (
	"sort"
	"time"

	"towngrid/internal/calendar"
)

// Color is a traffic light (红黄绿灯, §5.4).
type Color string

const (
	Green  Color = "green"
	Yellow Color = "yellow"
	Red    Color = "red"
)

// Thresholds are fractions of the budget: yellow from Yellow, red beyond Red.
type Thresholds struct {
	Yellow float64 `json:"yellow"` // 0.8 in §5.4
	Red    float64 `json:"red"`    // 1.0 in §5.4
}

// Light colours elapsed against a budget: green below Yellow×budget, yellow up
// to and including Red×budget, red beyond (§5.4: <80 % green, 80–100 %
// yellow, >100 % red). A zero budget is red as soon as any time has passed.
// No allocation, no calendar call: the sweep over open cases calls it a lot.
func Light(elapsed, budget time.Duration, th Thresholds) Color {
	e, b := float64(elapsed), float64(budget)
	switch {
	case e > th.Red*b:
		return Red
	case e >= th.Yellow*b:
		return Yellow
	default:
		return Green
	}
}

// TimerPolicy is the versioned escalation rule set (data, editable).
type TimerPolicy struct {
	ID         string     `json:"id"`
	Version    int        `json:"version"`
	Effective  string     `json:"effective"`
	Thresholds Thresholds `json:"thresholds"`
	// UrgeBefore: 催办 this long before expiry (nil: no 催办).
	UrgeBefore *calendar.Limit `json:"urge_before,omitempty"`
	// EscalateAfter: notice to the level above this long after expiry
	// (12345 rules: 通报 after +5 working days, §5.3/§5.4).
	EscalateAfter *calendar.Limit `json:"escalate_after,omitempty"`
}

// DefaultTimerPolicy follows §5.4: yellow at 80 %, red after 100 %, 催办 one
// working hour before expiry, 督办 at expiry, escalation 5 working days after.
func DefaultTimerPolicy() TimerPolicy {
	return TimerPolicy{
		ID: "default", Version: 1, Effective: "2020-01-01",
		Thresholds:    Thresholds{Yellow: 0.8, Red: 1.0},
		UrgeBefore:    &calendar.Limit{Value: 1, Unit: calendar.WorkHours},
		EscalateAfter: &calendar.Limit{Value: 5, Unit: calendar.WorkDays},
	}
}

// FiringKind is what a timer firing does.
type FiringKind string

const (
	FireYellow   FiringKind = "yellow"   // light turns yellow
	FireUrge     FiringKind = "urge"     // 催办 before expiry
	FireRed      FiringKind = "red"      // expired: light red and 督办
	FireEscalate FiringKind = "escalate" // notice to the level above
)

// Firing is one durable timer row: at At, do Kind for the case's Timer.
type Firing struct {
	At    time.Time  `json:"at"`
	Kind  FiringKind `json:"kind"`
	Timer string     `json:"timer"` // "clock" (main) or "step"
	State string     `json:"state"`
}

// Plan lists the future firings of a running, limited timer as absolute
// instants, in order. Firings whose moment has already passed at the timer's
// current run start are left out, so a resumed timer does not repeat them.
// The caller replaces a case's rows whenever the timer changes (event).
func Plan(clk Clock, t *Timer, p TimerPolicy, timer, state string) []Firing {
	if !t.Running || !t.Limited {
		return nil
	}
	var out []Firing
	add := func(at time.Time, k FiringKind) {
		out = append(out, Firing{At: at, Kind: k, Timer: timer, State: state})
	}
	budget := t.Budget()
	// yellow: elapsed reaches Yellow × budget
	if y := time.Duration(p.Thresholds.Yellow*float64(budget)) - t.Elapsed; y > 0 {
		add(addFor(clk, t.Unit, t.Since, y), FireYellow)
	}
	if p.UrgeBefore != nil {
		if u := t.Remaining - clk.Budget(*p.UrgeBefore); u > 0 {
			add(addFor(clk, t.Unit, t.Since, u), FireUrge)
		}
	}
	var expiry time.Time
	if r := time.Duration(p.Thresholds.Red*float64(budget)) - t.Elapsed; r >= 0 {
		expiry = addFor(clk, t.Unit, t.Since, r)
		if p.Thresholds.Red == 1 {
			expiry = t.Deadline // exact calendar instant (close of business for work_days)
		}
		add(expiry, FireRed)
	}
	if p.EscalateAfter != nil && !expiry.IsZero() {
		add(clk.Deadline(expiry, *p.EscalateAfter), FireEscalate)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

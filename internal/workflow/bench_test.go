package workflow

import (
	"testing"
	"time"

	"towngrid/internal/calendar"
)

// BenchmarkOpen is intake: one new case (target 10,000/s).
func BenchmarkOpen(b *testing.B) {
	m := seedMachine(b, "citycase")
	t0 := at("2026-03-02 09:00")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, _, err := m.Open("c", SourceGridWorker, "g", "u", []Role{RoleGridWorker}, t0.Add(time.Duration(i%1000)*time.Second)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApply is one transition with both timers (dispatch: starts the clock).
func BenchmarkApply(b *testing.B) {
	m := seedMachine(b, "citycase")
	c, _, _ := m.Open("c", SourceGridWorker, "g", "u", []Role{RoleGridWorker}, at("2026-03-02 09:00"))
	c, _, _ = m.Apply(c, Request{Action: "accept", Roles: []Role{RoleIntake}, At: at("2026-03-02 09:05")})
	c, _, _ = m.Apply(c, Request{Action: "register", Roles: []Role{RoleShiftLead}, At: at("2026-03-02 09:10"), Inputs: Inputs{Category: "E0102"}})
	req := Request{Action: "dispatch", Roles: []Role{RoleDispatcher}, At: at("2026-03-02 09:20"), Inputs: Inputs{Department: "d"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Apply(c, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLight is the pure colour decision per open case in a sweep.
func BenchmarkLight(b *testing.B) {
	th := DefaultTimerPolicy().Thresholds
	var n int
	for i := 0; b.Loop(); i++ {
		if Light(time.Duration(i%300)*time.Minute, 240*time.Minute, th) == Red {
			n++
		}
	}
	_ = n
}

// BenchmarkStatus is Light plus the calendar arithmetic for one case (both
// timers): the cost per case of a sweep that recomputes from case rows.
func BenchmarkStatus(b *testing.B) {
	m := seedMachine(b, "citycase")
	c, _, _ := m.Open("c", SourceGridWorker, "g", "u", []Role{RoleGridWorker}, at("2026-03-02 09:00"))
	for _, r := range []Request{
		{Action: "accept", Roles: []Role{RoleIntake}, At: at("2026-03-02 09:05")},
		{Action: "register", Roles: []Role{RoleShiftLead}, At: at("2026-03-02 09:10"), Inputs: Inputs{Category: "E0102"}},
		{Action: "dispatch", Roles: []Role{RoleDispatcher}, At: at("2026-03-02 09:20"), Inputs: Inputs{Department: "d"}},
	} {
		c, _, _ = m.Apply(c, r)
	}
	th := DefaultTimerPolicy().Thresholds
	now := at("2026-03-02 15:00")
	b.ReportAllocs()
	for b.Loop() {
		if m.Status(&c, now, th).Clock.Light != Yellow {
			b.Fatal("want yellow")
		}
	}
}

// BenchmarkPlan is the timer rows written per clock change.
func BenchmarkPlan(b *testing.B) {
	clk := calendar.Default()
	var tm Timer
	tm.begin(clk, at("2026-03-02 10:10"), &calendar.Limit{Value: 4, Unit: calendar.WorkHours})
	p := DefaultTimerPolicy()
	b.ReportAllocs()
	for b.Loop() {
		if len(Plan(clk, &tm, p, "clock", "disposing")) != 4 {
			b.Fatal("plan")
		}
	}
}

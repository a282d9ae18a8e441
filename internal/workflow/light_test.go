package workflow

import (
	"testing"
	"time"

	"towngrid/internal/calendar"
)

// §5.4: green while elapsed < 80 % of the stage limit, yellow at 80–100 %,
// red at > 100 %.
func TestLightBands(t *testing.T) {
	th := Thresholds{Yellow: 0.8, Red: 1.0}
	limit := 100 * time.Minute
	cases := []struct {
		elapsed time.Duration
		want    Color
	}{
		{0, Green},
		{79*time.Minute + 59*time.Second, Green},
		{80 * time.Minute, Yellow},
		{100 * time.Minute, Yellow},
		{100*time.Minute + time.Nanosecond, Red},
		{300 * time.Minute, Red},
	}
	for _, tc := range cases {
		if got := Light(tc.elapsed, limit, th); got != tc.want {
			t.Errorf("Light(%v of %v) = %s, want %s", tc.elapsed, limit, got, tc.want)
		}
	}
	// Configurable thresholds: a city that warns at 50 % and tolerates 10 %.
	th2 := Thresholds{Yellow: 0.5, Red: 1.1}
	if Light(50*time.Minute, limit, th2) != Yellow || Light(105*time.Minute, limit, th2) != Yellow || Light(111*time.Minute, limit, th2) != Red {
		t.Error("custom thresholds not honoured")
	}
	if Light(time.Second, 0, th) != Red || Light(0, 0, th) != Yellow {
		t.Error("zero budget: red once time has passed")
	}
}

// Timer plan for a 4-working-hour step dispatched Mon 2026-03-02 10:10:
// the expected instants are worked out by hand from the 08–12/14–18 schedule.
func TestPlanFirings(t *testing.T) {
	clk := calendar.Default()
	var tm Timer
	tm.begin(clk, at("2026-03-02 10:10"), &calendar.Limit{Value: 4, Unit: calendar.WorkHours})
	got := Plan(clk, &tm, DefaultTimerPolicy(), "clock", "disposing")
	want := []struct {
		kind FiringKind
		at   string
	}{
		{FireYellow, "2026-03-02 15:22"},   // 80 % of 240 = 192 min: 110 before noon + 82 after 14:00
		{FireUrge, "2026-03-02 15:10"},     // 1 working hour before 16:10
		{FireRed, "2026-03-02 16:10"},      // expiry: red light and 督办
		{FireEscalate, "2026-03-09 18:00"}, // +5 working days, close of business
	}
	if len(got) != len(want) {
		t.Fatalf("got %d firings: %+v", len(got), got)
	}
	byKind := map[FiringKind]time.Time{}
	for i, f := range got {
		byKind[f.Kind] = f.At
		if i > 0 && f.At.Before(got[i-1].At) {
			t.Error("firings not in time order")
		}
	}
	for _, w := range want {
		if !byKind[w.kind].Equal(at(w.at)) {
			t.Errorf("%s at %s, want %s", w.kind, byKind[w.kind].In(calendar.Location()).Format("2006-01-02 15:04"), w.at)
		}
	}
	// A resumed timer past 80 % plans no yellow again.
	tm.halt(clk, at("2026-03-02 15:30"))
	tm.run(clk, at("2026-03-02 15:40"))
	for _, f := range Plan(clk, &tm, DefaultTimerPolicy(), "clock", "disposing") {
		if f.Kind == FireYellow {
			t.Error("yellow planned again after resumption")
		}
		if f.Kind == FireRed && !f.At.Equal(at("2026-03-02 16:20")) {
			t.Errorf("red after a 10-minute pause at %s, want 16:20", f.At)
		}
	}
	tm.halt(clk, at("2026-03-02 15:50"))
	if Plan(clk, &tm, DefaultTimerPolicy(), "clock", "disposing") != nil {
		t.Error("a halted timer has no firings")
	}
}

// A natural-hours limit ignores the schedule: 2 natural hours from 17:30 end at 19:30.
func TestNaturalHoursTimer(t *testing.T) {
	clk := calendar.Default()
	var tm Timer
	tm.begin(clk, at("2026-03-02 17:30"), &calendar.Limit{Value: 2, Unit: calendar.NaturalHours})
	if !tm.Deadline.Equal(at("2026-03-02 19:30")) {
		t.Errorf("deadline %s", tm.Deadline)
	}
	if tm.OnTime(clk, at("2026-03-02 19:31")) || !tm.OnTime(clk, at("2026-03-02 19:30")) {
		t.Error("natural deadline comparison wrong")
	}
}

package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// naive is the obvious implementation: a map of rules, day-stepping and
// minute-stepping. It is the oracle of the property tests and the baseline of
// the benchmarks.
type naive struct {
	rules map[string]DayKind
	hours []Span
}

func newNaive(rules []DayRule, hours []Span) naive {
	n := naive{rules: map[string]DayKind{}, hours: hours}
	for _, r := range rules {
		n.rules[r.Date] = r.Kind
	}
	return n
}

func (n naive) workday(t time.Time) bool {
	t = t.In(shanghai)
	if k, ok := n.rules[t.Format("2006-01-02")]; ok {
		return k == Workday
	}
	return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
}

func (n naive) inHours(t time.Time) bool {
	t = t.In(shanghai)
	if !n.workday(t) {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	for _, h := range n.hours {
		if h.Start <= m && m < h.End {
			return true
		}
	}
	return false
}

// addWorking steps minute by minute; from must be on a whole minute.
func (n naive) addWorking(from time.Time, d time.Duration) time.Time {
	t := from.In(shanghai)
	if d <= 0 { // next opening
		for !n.inHours(t) {
			t = t.Add(time.Minute)
		}
		return t
	}
	for ; d > 0; t = t.Add(time.Minute) {
		if n.inHours(t) {
			d -= time.Minute
		}
	}
	return t
}

// elapsedMinutes steps minute by minute; both ends on whole minutes.
func (n naive) elapsedMinutes(from, to time.Time) time.Duration {
	var e time.Duration
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		if n.inHours(t) {
			e += time.Minute
		}
	}
	return e
}

// elapsedDays steps day by day, clipping each working day to the schedule
// (the approach of egova's timing.py, case-management.md §5.2).
func (n naive) elapsedDays(from, to time.Time) time.Duration {
	var e time.Duration
	from, to = from.In(shanghai), to.In(shanghai)
	y, m, dd := from.Date()
	for day := time.Date(y, m, dd, 0, 0, 0, 0, shanghai); day.Before(to); day = day.AddDate(0, 0, 1) {
		if !n.workday(day) {
			continue
		}
		for _, h := range n.hours {
			s := day.Add(time.Duration(h.Start) * time.Minute)
			f := day.Add(time.Duration(h.End) * time.Minute)
			if s.Before(from) {
				s = from
			}
			if f.After(to) {
				f = to
			}
			if f.After(s) {
				e += f.Sub(s)
			}
		}
	}
	return e
}

func (n naive) addWorkingDays(from time.Time, k int) time.Time {
	y, m, dd := from.In(shanghai).Date()
	day := time.Date(y, m, dd, 0, 0, 0, 0, shanghai)
	for k > 0 {
		day = day.AddDate(0, 0, 1)
		if n.workday(day) {
			k--
		}
	}
	return day.Add(time.Duration(n.hours[len(n.hours)-1].End) * time.Minute)
}

// randMinute is a whole-minute instant between mid-2023 and mid-2027, so that
// both sides of the table and its edges are exercised.
func randMinute(r *rand.Rand) time.Time {
	base := time.Date(2023, 6, 1, 0, 0, 0, 0, shanghai)
	return base.Add(time.Duration(r.IntN(4*365*24*60)) * time.Minute)
}

func TestAgainstNaive(t *testing.T) {
	c := Default()
	nv := newNaive(Seed(), DefaultHours())
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		from := randMinute(r)
		d := time.Duration(r.IntN(3*480)) * time.Minute
		if i%10 == 0 {
			d = 0 // normalisation to the next opening
		}
		if got, want := c.AddWorking(from, d), nv.addWorking(from, d); !got.Equal(want) {
			t.Fatalf("AddWorking(%s, %s) = %s, naive %s", from, d, got, want)
		}
		to := from.Add(time.Duration(r.IntN(4*24*60)) * time.Minute)
		if got, want := c.Elapsed(from, to), nv.elapsedMinutes(from, to); got != want {
			t.Fatalf("Elapsed(%s, %s) = %s, naive %s", from, to, got, want)
		}
	}
	for i := 0; i < 2000; i++ {
		from := randMinute(r).Add(time.Duration(r.IntN(60)) * time.Second)
		to := from.Add(time.Duration(r.Int64N(int64(400 * day))))
		if got, want := c.Elapsed(from, to), nv.elapsedDays(from, to); got != want {
			t.Fatalf("Elapsed(%s, %s) = %s, day-stepping %s", from, to, got, want)
		}
		k := 1 + r.IntN(60)
		if got, want := c.AddWorkingDays(from, k), nv.addWorkingDays(from, k); !got.Equal(want) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, naive %s", from, k, got, want)
		}
	}
}

// Property: Elapsed(from, AddWorking(from, d)) == d, and the result is the
// earliest such instant (one nanosecond less has not covered d).
func TestElapsedInverseProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	flat, _ := New(Config{Name: "flat", Hours: []Span{{540, 1020}}})
	for _, c := range []*Calendar{Default(), flat} {
		for i := 0; i < 20000; i++ {
			from := randMinute(r).Add(time.Duration(r.Int64N(int64(time.Minute))))
			d := time.Duration(r.Int64N(int64(30 * 8 * time.Hour)))
			due := c.AddWorking(from, d)
			if got := c.Elapsed(from, due); got != d {
				t.Fatalf("%s: Elapsed(%s, AddWorking(+%s)=%s) = %s", c.Name(), from, d, due, got)
			}
			if d > 0 && c.Elapsed(from, due.Add(-1)) >= d {
				t.Fatalf("%s: AddWorking(%s, %s) = %s is not the earliest", c.Name(), from, d, due)
			}
		}
	}
}

package calendar

import "time"

// Written by hand rather than with a holiday library: the libraries found
// (bastengao/chinese-holidays-go, lunar-go) answer "is this date off?" one
// date at a time; the timer sweep needs O(1) working time between instants for
// 1,000,000 open work orders, hence the prefix table below.

const day = 24 * time.Hour

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// split returns the Shanghai civil day number of t and the time since that
// day's midnight.
func split(t time.Time) (int64, time.Duration) {
	_, zoff := t.In(shanghai).Zone()
	s := t.Unix() + int64(zoff)
	d := floorDiv(s, 86400)
	return d, time.Duration(s-d*86400)*time.Second + time.Duration(t.Nanosecond())
}

// instant is the inverse of split. off is wall-clock time, so that days with a
// clock change (Shanghai had DST in 1986–1991) stay consistent with split.
func instant(d int64, off time.Duration) time.Time {
	y, m, dd := time.Unix(d*86400, 0).UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, int(off), shanghai)
}

// Day 0 (1970-01-01) was a Thursday. Within a week starting on a Thursday the
// weekdays are offsets 0,1 (Thu, Fri) and 4,5,6 (Mon–Wed).
var (
	wkBefore = [7]int64{0, 1, 2, 2, 2, 3, 4} // weekdays among offsets [0, r)
	wkPos    = [5]int64{0, 1, 4, 5, 6}       // offset of the r-th weekday
)

func isWeekday(d int64) bool {
	r := d - floorDiv(d, 7)*7
	return r != 2 && r != 3
}

// wk counts Mon–Fri days, up to a constant: wk(b)-wk(a) = weekdays in [a, b).
func wk(d int64) int64 {
	q := floorDiv(d, 7)
	return 5*q + wkBefore[d-7*q]
}

// wkInverse is the weekday w with wk(w) == m.
func wkInverse(m int64) int64 {
	q := floorDiv(m, 5)
	return 7*q + wkPos[m-5*q]
}

// cumAt counts working days up to a constant: cumAt(b)-cumAt(a) = working
// days in [a, b). Outside the table only Mon–Fri are working days.
func (c *Calendar) cumAt(d int64) int64 {
	n := int64(len(c.cum)) - 1
	switch {
	case n <= 0:
		return wk(d)
	case d < c.lo:
		return wk(d) - wk(c.lo)
	case d <= c.lo+n:
		return int64(c.cum[d-c.lo])
	default:
		return int64(c.cum[n]) + wk(d) - wk(c.lo+n)
	}
}

func (c *Calendar) isWork(d int64) bool { return c.cumAt(d+1) > c.cumAt(d) }

// nth is the working day w with cumAt(w) == j.
func (c *Calendar) nth(j int64) int64 {
	n := int64(len(c.cum)) - 1
	switch {
	case n <= 0:
		return wkInverse(j)
	case j < 0:
		return wkInverse(wk(c.lo) + j)
	case j >= int64(c.cum[n]):
		return wkInverse(wk(c.lo+n) + j - int64(c.cum[n]))
	}
	// smallest i with cum[i+1] > j
	a, b := int64(0), n-1
	for a < b {
		m := int64(uint64(a+b) >> 1)
		if int64(c.cum[m+1]) > j {
			b = m
		} else {
			a = m + 1
		}
	}
	return c.lo + a
}

// before is the working time of a working day that lies before off.
func (c *Calendar) before(off time.Duration) time.Duration {
	var w time.Duration
	for _, h := range c.hours {
		s, e := time.Duration(h.Start)*time.Minute, time.Duration(h.End)*time.Minute
		if off <= s {
			break
		}
		w += min(off, e) - s
	}
	return w
}

// at is the earliest offset in a working day with before(at) == r, for
// 0 < r <= dayWork: it lands inside a period or at its end (12:00 stays 12:00).
func (c *Calendar) at(r time.Duration) time.Duration {
	var acc time.Duration
	for _, h := range c.hours {
		s, e := time.Duration(h.Start)*time.Minute, time.Duration(h.End)*time.Minute
		if r <= acc+e-s {
			return s + r - acc
		}
		acc += e - s
	}
	return c.closeOff
}

func (c *Calendar) workBefore(d int64, off time.Duration) time.Duration {
	if !c.isWork(d) {
		return 0
	}
	return c.before(off)
}

// DayWork is the working time of one working day (480 min by default).
func (c *Calendar) DayWork() time.Duration { return c.dayWork }

// Budget is the working or natural time a limit allows, for percentage-based
// traffic lights (case-management.md §5.4: yellow at 80 %). A working day
// counts as DayWork().
func (c *Calendar) Budget(l Limit) time.Duration {
	v := time.Duration(max(l.Value, 0))
	switch l.Unit {
	case WorkMinutes:
		return v * time.Minute
	case WorkHours, NaturalHours:
		return v * time.Hour
	case WorkDays:
		return v * c.dayWork
	case NaturalDays:
		return v * day
	}
	return 0
}

// Elapsed is the working time in [from, to), 0 if to <= from. O(1).
func (c *Calendar) Elapsed(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	d1, o1 := split(from)
	d2, o2 := split(to)
	return time.Duration(c.cumAt(d2)-c.cumAt(d1))*c.dayWork + c.workBefore(d2, o2) - c.workBefore(d1, o1)
}

// ElapsedFor measures [from, to) in the unit's kind of time: natural units
// give plain to-from, working units give Elapsed. 0 if to <= from.
func (c *Calendar) ElapsedFor(u Unit, from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if u.Working() {
		return c.Elapsed(from, to)
	}
	return to.Sub(from)
}

// AddWorking returns the earliest instant at which d of working time has
// passed since from. A start outside working time counts from the next
// opening; the result always lies in working time or at the end of a period.
// d <= 0 returns from, moved to the next opening if it is outside working time.
func (c *Calendar) AddWorking(from time.Time, d time.Duration) time.Time {
	d1, o1 := split(from)
	if d <= 0 {
		return c.open(from, d1, o1)
	}
	t := c.workBefore(d1, o1) + d // working time to cover, counted from d1's midnight
	k := (t - 1) / c.dayWork      // whole working days to skip
	r := t - k*c.dayWork          // 0 < r <= dayWork on the landing day
	w := c.nth(c.cumAt(d1) + int64(k))
	return instant(w, c.at(r))
}

// open moves an instant outside working time to the next opening.
func (c *Calendar) open(from time.Time, d int64, off time.Duration) time.Time {
	if c.isWork(d) {
		for _, h := range c.hours {
			s, e := time.Duration(h.Start)*time.Minute, time.Duration(h.End)*time.Minute
			if off < s {
				return instant(d, s)
			}
			if off < e {
				return from.In(shanghai)
			}
		}
	}
	w := c.nth(c.cumAt(d + 1))
	return instant(w, time.Duration(c.hours[0].Start)*time.Minute)
}

// AddWorkingDays returns the close of business of the n-th working day after
// the day of from. The day of acceptance is not counted (民法典 §201) and the
// period ends when business stops on the last day (§203), e.g. 18:00.
// n <= 0 (当日办结) is the close of business of the day of from if that is a
// working day not yet closed, else of the next working day.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	d, off := split(from)
	if n <= 0 {
		j := c.cumAt(d)
		w := c.nth(j)
		if w == d && off >= c.closeOff {
			w = c.nth(j + 1)
		}
		return instant(w, c.closeOff)
	}
	return instant(c.nth(c.cumAt(d+1)+int64(n-1)), c.closeOff)
}

// Deadline is the due instant of limit l for a case accepted at from:
//   - work_minutes, work_hours: AddWorking;
//   - work_days: AddWorkingDays (close of business of the n-th working day);
//   - natural_hours: from + n hours;
//   - natural_days: 24:00 of the n-th day after the day of from (民法典 §201,
//     §203), shown as 00:00 of the following day. No holiday roll-over: 自然日
//     limits of work orders deliberately ignore holidays.
//
// Negative values count as 0; an unknown unit gives the zero time (call
// Limit.Validate first).
func (c *Calendar) Deadline(from time.Time, l Limit) time.Time {
	v := max(l.Value, 0)
	switch l.Unit {
	case WorkMinutes:
		return c.AddWorking(from, time.Duration(v)*time.Minute)
	case WorkHours:
		return c.AddWorking(from, time.Duration(v)*time.Hour)
	case WorkDays:
		return c.AddWorkingDays(from, v)
	case NaturalHours:
		return from.Add(time.Duration(v) * time.Hour).In(shanghai)
	case NaturalDays:
		d, _ := split(from)
		return instant(d+int64(v)+1, 0)
	}
	return time.Time{}
}

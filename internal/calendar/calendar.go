// Package calendar is the working-time calendar (工作日历) used for every time
// limit (时限) in towngrid: working days with statutory holidays (法定节假日) and
// make-up working days (调休上班), working hours (工作时 / 工作分钟) with a daily
// schedule, and natural hours/days (自然时 / 自然日).
//
// A *Calendar is immutable after New and safe for concurrent use. All date
// arithmetic is in Asia/Shanghai. Holidays and hours are data (Config), so the
// storage layer can keep them in a versioned rules table.
package calendar

import (
	"fmt"
	"sort"
	"sync"
	"time"
	_ "time/tzdata" // so the binary works on hosts without zoneinfo
)

// Unit is the unit of a time limit.
type Unit string

const (
	WorkMinutes  Unit = "work_minutes"  // 工作分钟
	WorkHours    Unit = "work_hours"    // 工作时
	WorkDays     Unit = "work_days"     // 工作日
	NaturalHours Unit = "natural_hours" // 自然时
	NaturalDays  Unit = "natural_days"  // 自然日
)

// Working reports whether the unit counts only working time.
func (u Unit) Working() bool { return u == WorkMinutes || u == WorkHours || u == WorkDays }

// MaxLimitValue bounds a limit so that arithmetic cannot overflow; no real time
// limit is anywhere near it.
const MaxLimitValue = 100000

// Limit is a time limit such as {20, work_days}.
type Limit struct {
	Value int  `json:"value"`
	Unit  Unit `json:"unit"`
}

// Validate checks the unit and the range of the value.
func (l Limit) Validate() error {
	switch l.Unit {
	case WorkMinutes, WorkHours, WorkDays, NaturalHours, NaturalDays:
	default:
		return errf("calendar.limit_unit", "unknown unit %q (want work_minutes, work_hours, work_days, natural_hours or natural_days)", l.Unit)
	}
	if l.Value < 0 || l.Value > MaxLimitValue {
		return errf("calendar.limit_value", "value %d out of range 0..%d", l.Value, MaxLimitValue)
	}
	return nil
}

// DayKind says what a listed date is.
type DayKind string

const (
	Holiday DayKind = "holiday" // off although it may be Mon–Fri
	Workday DayKind = "workday" // 调休 make-up working day although it may be Sat/Sun
)

// DayRule is one dated entry of a State Council holiday notice.
type DayRule struct {
	Date string  `json:"date"` // YYYY-MM-DD
	Kind DayKind `json:"kind"`
	Name string  `json:"name"` // e.g. 国庆节
}

// Span is a working period within a day, in minutes after midnight, [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Config describes one calendar. Several calendars (other hours, other rules)
// are simply several *Calendar values.
type Config struct {
	Name  string    `json:"name"`
	Hours []Span    `json:"hours"`
	Rules []DayRule `json:"rules"`
	Years []int     `json:"years"` // years whose official notice is loaded (see Known)
}

// Error is a validation error with a stable machine code and an English detail.
type Error struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

func errf(code, format string, a ...any) error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

// shanghai is read-only after init.
var shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: tzdata is embedded
	}
	return loc
}

// Location returns Asia/Shanghai, the zone of all calendar arithmetic.
func Location() *time.Location { return shanghai }

// Calendar answers working-time questions in O(1) or O(log days).
//
// Days are numbered as civil days since 1970-01-01 (Shanghai dates). Inside
// [lo, lo+len(cum)-1) a prefix table holds the number of working days before
// each day; outside it the Mon–Fri rule applies and is counted arithmetically,
// so there is no range limit and no per-call allocation.
type Calendar struct {
	name     string
	hours    []Span        // sorted, non-overlapping
	dayWork  time.Duration // working time of one working day
	closeOff time.Duration // close of business, from midnight
	lo       int64         // first day in the table
	cum      []int32       // cum[i] = working days in [lo, lo+i)
	years    map[int]bool  // read-only after New
}

// New validates cfg and builds the calendar.
func New(cfg Config) (*Calendar, error) {
	hours, err := checkHours(cfg.Hours)
	if err != nil {
		return nil, err
	}
	c := &Calendar{name: cfg.Name, hours: hours, years: map[int]bool{}}
	for _, h := range hours {
		c.dayWork += time.Duration(h.End-h.Start) * time.Minute
	}
	c.closeOff = time.Duration(hours[len(hours)-1].End) * time.Minute
	for _, y := range cfg.Years {
		if y < minYear || y > maxYear {
			return nil, errf("calendar.year_range", "year %d out of range %d..%d", y, minYear, maxYear)
		}
		c.years[y] = true
	}
	kinds := map[int64]DayKind{}
	var first, last int64
	for i, r := range cfg.Rules {
		t, err := time.Parse("2006-01-02", r.Date)
		if err != nil || t.Year() < minYear || t.Year() > maxYear {
			return nil, errf("calendar.rule_date", "rule %d: date %q is not YYYY-MM-DD in %d..%d", i, r.Date, minYear, maxYear)
		}
		if r.Kind != Holiday && r.Kind != Workday {
			return nil, errf("calendar.rule_kind", "rule %d (%s): kind %q is neither holiday nor workday", i, r.Date, r.Kind)
		}
		d := t.Unix() / 86400 // t is UTC midnight, so this is the civil day number
		if k, dup := kinds[d]; dup && k != r.Kind {
			return nil, errf("calendar.rule_conflict", "date %s is listed both as holiday and as workday", r.Date)
		}
		kinds[d] = r.Kind
		if len(kinds) == 1 || d < first {
			first = d
		}
		if len(kinds) == 1 || d > last {
			last = d
		}
	}
	if len(kinds) == 0 {
		return c, nil // weekdays only: empty table
	}
	c.lo = first
	n := last - first + 1
	c.cum = make([]int32, n+1)
	for i := int64(0); i < n; i++ {
		d := first + i
		work := isWeekday(d)
		if k, ok := kinds[d]; ok {
			work = k == Workday
		}
		c.cum[i+1] = c.cum[i]
		if work {
			c.cum[i+1]++
		}
	}
	return c, nil
}

// Years accepted in rules; bounds the table to a few hundred kB at worst.
const (
	minYear = 1900
	maxYear = 2200
)

func checkHours(in []Span) ([]Span, error) {
	if len(in) == 0 {
		return nil, errf("calendar.hours_empty", "a calendar needs at least one working period")
	}
	hs := append([]Span(nil), in...)
	sort.Slice(hs, func(i, j int) bool { return hs[i].Start < hs[j].Start })
	for i, h := range hs {
		if h.Start < 0 || h.End > 24*60 || h.Start >= h.End {
			return nil, errf("calendar.hours_span", "period %s is not within 00:00–24:00 with start before end", h)
		}
		if i > 0 && h.Start < hs[i-1].End {
			return nil, errf("calendar.hours_overlap", "periods %s and %s overlap", hs[i-1], h)
		}
	}
	return hs, nil
}

func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

var (
	defaultOnce sync.Once
	defaultCal  *Calendar
)

// Default is the calendar from Seed() with DefaultHours(), named "default".
// It is built once and shared; a *Calendar is immutable.
func Default() *Calendar {
	defaultOnce.Do(func() {
		c, err := New(Config{Name: "default", Hours: DefaultHours(), Rules: Seed(), Years: SeedYears()})
		if err != nil {
			panic("calendar: seed data invalid: " + err.Error())
		}
		defaultCal = c
	})
	return defaultCal
}

// Name is the calendar's name.
func (c *Calendar) Name() string { return c.name }

// Hours returns a copy of the daily working periods.
func (c *Calendar) Hours() []Span { return append([]Span(nil), c.hours...) }

// Known reports whether the official holiday notice for year is loaded. Where
// it is not (e.g. 2027 today) only weekends are off and callers should warn.
func (c *Calendar) Known(year int) bool { return c.years[year] }

// UnknownYears lists the years touched by [from, to] whose notice is not
// loaded. A late-December date may be governed by next year's notice (元旦
// 调休), so a span ending after 12-20 also needs next year's notice.
func (c *Calendar) UnknownYears(from, to time.Time) []int {
	if to.Before(from) {
		from, to = to, from
	}
	a, b := from.In(shanghai), to.In(shanghai)
	last := b.Year()
	if b.Month() == time.December && b.Day() > 20 {
		last++
	}
	var out []int
	for y := a.Year(); y <= last; y++ {
		if !c.years[y] {
			out = append(out, y)
		}
	}
	return out
}

// IsWorkday reports whether the Shanghai date of t is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	d, _ := split(t)
	return c.isWork(d)
}

package calendar

import (
	"errors"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// Expected values are worked by hand from the §5.3 holiday table
// (standards.md) and the 08:00–12:00/14:00–18:00 schedule (case-management.md
// §5.2); the day of acceptance is not counted and the period ends at close of
// business (民法典 §201/§203, standards.md §5.1).
func TestDeadlineWorkedExamples(t *testing.T) {
	c := Default()
	cases := []struct {
		name string
		from string
		l    Limit
		want string
	}{
		// 国庆 2025: 9/27 Sat off, 9/28 Sun make-up (1), 9/29 (2), 9/30 (3); 10/1–10/8 off; 10/11 Sat make-up.
		{"国庆2025 +3wd", "2025-09-26T09:00", Limit{3, WorkDays}, "2025-09-30T18:00"},
		{"国庆2025 +1wd", "2025-09-26T17:59", Limit{1, WorkDays}, "2025-09-28T18:00"},
		{"国庆2025 +4wd", "2025-09-26T09:00", Limit{4, WorkDays}, "2025-10-09T18:00"},
		{"国庆2025 +6wd", "2025-09-26T09:00", Limit{6, WorkDays}, "2025-10-11T18:00"},
		{"国庆2025 +7wd", "2025-09-26T09:00", Limit{7, WorkDays}, "2025-10-13T18:00"},
		{"accepted on holiday", "2025-10-03T10:00", Limit{1, WorkDays}, "2025-10-09T18:00"},
		// 春节 2026: 2/14 Sat make-up, 2/15–2/23 off, 2/28 Sat make-up.
		{"春节2026 +2wd", "2026-02-12T10:00", Limit{2, WorkDays}, "2026-02-14T18:00"},
		{"春节2026 +3wd", "2026-02-12T10:00", Limit{3, WorkDays}, "2026-02-24T18:00"},
		{"春节2026 +7wd", "2026-02-12T10:00", Limit{7, WorkDays}, "2026-02-28T18:00"},
		{"春节2026 +8wd", "2026-02-12T10:00", Limit{8, WorkDays}, "2026-03-02T18:00"},
		{"春节2026 on holiday", "2026-02-18T10:00", Limit{1, WorkDays}, "2026-02-24T18:00"},
		// 当日办结 (0 working days).
		{"same day", "2025-09-26T10:00", Limit{0, WorkDays}, "2025-09-26T18:00"},
		{"same day after close", "2025-09-26T19:00", Limit{0, WorkDays}, "2025-09-28T18:00"},
		{"same day on holiday", "2025-10-05T10:00", Limit{0, WorkDays}, "2025-10-09T18:00"},
		// Working hours across evening, weekend and make-up day: 16:30–18:00 = 1.5 h, then Sun 9/28 08:00 + 2.5 h.
		{"4 wh over weekend", "2025-09-26T16:30", Limit{4, WorkHours}, "2025-09-28T10:30"},
		{"lands at 12:00", "2025-03-05T10:00", Limit{2, WorkHours}, "2025-03-05T12:00"},
		{"crosses lunch", "2025-03-05T11:00", Limit{3, WorkHours}, "2025-03-05T16:00"},
		{"121 min over lunch", "2025-03-05T10:00", Limit{121, WorkMinutes}, "2025-03-05T14:01"},
		{"start at lunch", "2025-03-05T12:30", Limit{30, WorkMinutes}, "2025-03-05T14:30"},
		{"start at night", "2025-03-03T20:00", Limit{1, WorkHours}, "2025-03-04T09:00"},
		{"start before dawn", "2025-03-04T06:00", Limit{1, WorkHours}, "2025-03-04T09:00"},
		{"Fri evening to Mon", "2025-03-07T17:00", Limit{2, WorkHours}, "2025-03-10T09:00"},
		{"full day ends at close", "2025-03-05T08:00", Limit{8, WorkHours}, "2025-03-05T18:00"},
		{"over 国庆", "2025-09-30T17:00", Limit{8, WorkHours}, "2025-10-09T17:00"},
		{"核实 30 wmin on holiday", "2025-10-08T15:00", Limit{30, WorkMinutes}, "2025-10-09T08:30"},
		{"0 wmin at 12:00", "2025-03-05T12:00", Limit{0, WorkMinutes}, "2025-03-05T14:00"},
		{"0 wmin inside", "2025-03-05T11:59", Limit{0, WorkMinutes}, "2025-03-05T11:59"},
		// Natural units ignore the calendar; natural days end 24:00 of the n-th day after acceptance.
		{"natural hours", "2025-09-26T16:30", Limit{4, NaturalHours}, "2025-09-26T20:30"},
		{"natural days", "2025-09-26T16:30", Limit{3, NaturalDays}, "2025-09-30T00:00"},
		// Outside the loaded years only weekends are off (2027-01-01 is a Friday).
		{"into 2027", "2026-12-31T10:00", Limit{1, WorkDays}, "2027-01-01T18:00"},
		{"from 2023 into table", "2023-12-29T10:00", Limit{1, WorkDays}, "2024-01-02T18:00"},
		{"before table", "2023-12-25T10:00", Limit{1, WorkDays}, "2023-12-26T18:00"},
	}
	for _, tc := range cases {
		got := c.Deadline(at(tc.from), tc.l)
		if want := at(tc.want); !got.Equal(want) {
			t.Errorf("%s: Deadline(%s, %+v) = %s, want %s", tc.name, tc.from, tc.l, got.Format(time.RFC3339), want.Format(time.RFC3339))
		}
		if _, off := got.Zone(); off != 8*3600 {
			t.Errorf("%s: result zone offset %d, want +08:00", tc.name, off)
		}
	}
}

func TestDeadlineZoneOfInput(t *testing.T) {
	c := Default()
	utc := time.Date(2025, 9, 26, 8, 30, 0, 0, time.UTC) // = 16:30 in Shanghai
	if got, want := c.Deadline(utc, Limit{4, WorkHours}), at("2025-09-28T10:30"); !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
	// 2025-09-26T20:00Z is already Saturday 04:00 in Shanghai.
	late := time.Date(2025, 9, 26, 20, 0, 0, 0, time.UTC)
	if c.IsWorkday(late) {
		t.Errorf("Saturday 2025-09-27 (Shanghai) reported as workday")
	}
}

func TestElapsedExamples(t *testing.T) {
	c := Default()
	cases := []struct {
		from, to string
		want     time.Duration
	}{
		{"2025-09-26T16:30", "2025-09-28T10:30", 4 * time.Hour},
		{"2025-09-30T00:00", "2025-10-09T00:00", 8 * time.Hour},
		{"2025-03-05T11:30", "2025-03-05T14:30", time.Hour},
		{"2025-03-05T12:10", "2025-03-05T13:50", 0},
		{"2025-03-05T14:00", "2025-03-05T11:00", 0}, // to before from
		{"2025-01-01T00:00", "2026-01-01T00:00", 248 * 8 * time.Hour},
		{"2024-01-01T00:00", "2025-01-01T00:00", 251 * 8 * time.Hour},
		{"2026-01-01T00:00", "2027-01-01T00:00", 248 * 8 * time.Hour},
		{"2027-01-01T00:00", "2027-01-08T00:00", 5 * 8 * time.Hour}, // beyond table: Mon–Fri
	}
	for _, tc := range cases {
		if got := c.Elapsed(at(tc.from), at(tc.to)); got != tc.want {
			t.Errorf("Elapsed(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
	from, to := at("2025-09-26T16:30"), at("2025-09-28T10:30")
	if got := c.ElapsedFor(NaturalHours, from, to); got != 42*time.Hour {
		t.Errorf("ElapsedFor natural = %s, want 42h", got)
	}
	if got := c.ElapsedFor(WorkMinutes, from, to); got != 4*time.Hour {
		t.Errorf("ElapsedFor work = %s, want 4h", got)
	}
	if got := c.ElapsedFor(NaturalDays, to, from); got != 0 {
		t.Errorf("ElapsedFor reversed = %s, want 0", got)
	}
}

func TestCustomCalendars(t *testing.T) {
	// A 09:00–17:00 calendar with no holidays, side by side with the default.
	c, err := New(Config{Name: "flat", Hours: []Span{{540, 1020}}})
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsWorkday(at("2025-10-01T10:00")) || Default().IsWorkday(at("2025-10-01T10:00")) {
		t.Errorf("2025-10-01: flat calendar should work, default should not")
	}
	if got, want := c.Deadline(at("2025-03-05T16:00"), Limit{2, WorkHours}), at("2025-03-06T10:00"); !got.Equal(want) {
		t.Errorf("flat: got %s, want %s", got, want)
	}
	if c.Known(2025) || c.Name() != "flat" {
		t.Errorf("flat: Known(2025)=%v name=%q", c.Known(2025), c.Name())
	}
	// 24-hour duty (值班) calendar: a working day is the whole day.
	duty, err := New(Config{Name: "duty", Hours: []Span{{0, 1440}}, Rules: Seed(), Years: SeedYears()})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := duty.Deadline(at("2025-09-30T23:00"), Limit{2, WorkHours}), at("2025-10-09T01:00"); !got.Equal(want) {
		t.Errorf("duty: got %s, want %s", got, want)
	}
	if got, want := duty.AddWorkingDays(at("2025-09-26T10:00"), 1), at("2025-09-29T00:00"); !got.Equal(want) {
		t.Errorf("duty close of 9/28 = 24:00: got %s, want %s", got, want)
	}
}

func TestNewValidation(t *testing.T) {
	h := DefaultHours()
	cases := []struct {
		cfg  Config
		code string
	}{
		{Config{}, "calendar.hours_empty"},
		{Config{Hours: []Span{{600, 500}}}, "calendar.hours_span"},
		{Config{Hours: []Span{{-1, 500}}}, "calendar.hours_span"},
		{Config{Hours: []Span{{0, 1441}}}, "calendar.hours_span"},
		{Config{Hours: []Span{{840, 1080}, {480, 900}}}, "calendar.hours_overlap"},
		{Config{Hours: h, Rules: []DayRule{{Date: "2025-13-01", Kind: Holiday}}}, "calendar.rule_date"},
		{Config{Hours: h, Rules: []DayRule{{Date: "2025/10/01", Kind: Holiday}}}, "calendar.rule_date"},
		{Config{Hours: h, Rules: []DayRule{{Date: "9999-10-01", Kind: Holiday}}}, "calendar.rule_date"},
		{Config{Hours: h, Rules: []DayRule{{Date: "2025-10-01", Kind: "off"}}}, "calendar.rule_kind"},
		{Config{Hours: h, Rules: []DayRule{{Date: "2025-10-01", Kind: Holiday}, {Date: "2025-10-01", Kind: Workday}}}, "calendar.rule_conflict"},
		{Config{Hours: h, Years: []int{20250}}, "calendar.year_range"},
	}
	for i, tc := range cases {
		_, err := New(tc.cfg)
		var e *Error
		if !errors.As(err, &e) || e.Code != tc.code || e.Detail == "" {
			t.Errorf("case %d: err = %v, want code %s", i, err, tc.code)
		}
	}
	// Touching periods and unsorted input are fine.
	if _, err := New(Config{Hours: []Span{{720, 840}, {480, 720}}}); err != nil {
		t.Errorf("touching periods: %v", err)
	}
}

func TestLimitValidate(t *testing.T) {
	for _, l := range []Limit{{3, WorkDays}, {0, WorkMinutes}, {MaxLimitValue, NaturalDays}} {
		if err := l.Validate(); err != nil {
			t.Errorf("%+v: %v", l, err)
		}
	}
	for l, code := range map[Limit]string{
		{3, "days"}:                   "calendar.limit_unit",
		{-1, WorkDays}:                "calendar.limit_value",
		{MaxLimitValue + 1, WorkDays}: "calendar.limit_value",
	} {
		var e *Error
		if err := l.Validate(); !errors.As(err, &e) || e.Code != code {
			t.Errorf("%+v: err = %v, want %s", l, err, code)
		}
	}
	if !Default().Deadline(at("2025-03-05T10:00"), Limit{1, "fortnights"}).IsZero() {
		t.Errorf("unknown unit should give the zero time")
	}
}

func TestUnknownYears(t *testing.T) {
	c := Default()
	if got := c.UnknownYears(at("2025-09-26T10:00"), at("2025-10-09T18:00")); len(got) != 0 {
		t.Errorf("2025: unknown %v", got)
	}
	if got := c.UnknownYears(at("2026-12-28T10:00"), at("2026-12-29T18:00")); len(got) != 1 || got[0] != 2027 {
		t.Errorf("late December 2026 needs the 2027 notice: got %v", got)
	}
	if got := c.UnknownYears(at("2023-12-01T10:00"), at("2024-01-02T18:00")); len(got) != 1 || got[0] != 2023 {
		t.Errorf("2023: got %v", got)
	}
}

// Shanghai kept DST in 1986–1991: working time is wall-clock time, so the
// inverse property must hold across clock changes too.
func TestDSTYears(t *testing.T) {
	c := Default()
	n := 0
	for x := time.Date(1986, 1, 1, 1, 30, 0, 0, shanghai); x.Year() < 1992; x = x.Add(7 * time.Hour) {
		due := c.AddWorking(x, 5*time.Hour)
		if got := c.Elapsed(x, due); got != 5*time.Hour {
			t.Fatalf("Elapsed(%s, %s) = %s", x, due, got)
		}
		if h, m, _ := due.Clock(); h*60+m < 8*60 || h*60+m > 18*60 {
			t.Fatalf("AddWorking(%s) = %s, outside working hours", x, due)
		}
		if _, off := x.Zone(); off == 9*3600 {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no DST instant visited: tzdata not as expected")
	}
}

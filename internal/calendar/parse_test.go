package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseInstant(t *testing.T) {
	ok := map[string]string{ // input -> RFC 3339 in +08:00
		"2025-09-26":                "2025-09-26T00:00:00+08:00",
		"2025-09-26T16:30":          "2025-09-26T16:30:00+08:00",
		"2025-09-26T16:30:15":       "2025-09-26T16:30:15+08:00",
		"2025-09-26T08:30:00Z":      "2025-09-26T16:30:00+08:00",
		"2025-09-26T16:30:00+08:00": "2025-09-26T16:30:00+08:00",
		"2025-09-26T10:30:00+02:00": "2025-09-26T16:30:00+08:00",
	}
	for in, want := range ok {
		got, err := ParseInstant(in)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseInstant(%q) = %s, %v; want %s", in, got.Format(time.RFC3339), err, want)
		}
	}
	for _, in := range []string{"", "2025-9-26", "2025/09/26", "2025-09-31", "2025-09-26 16:30", "26.09.2025", "0001-01-01", "2025-09-26T25:00"} {
		var e *Error
		if _, err := ParseInstant(in); !errors.As(err, &e) || !strings.HasPrefix(e.Code, "calendar.instant_") {
			t.Errorf("ParseInstant(%q): err = %v, want calendar.instant_*", in, err)
		}
	}
}

func TestParseHours(t *testing.T) {
	got, err := ParseHours("08:00-12:00,14:00-18:00")
	if err != nil || len(got) != 2 || got[0] != (Span{480, 720}) || got[1] != (Span{840, 1080}) {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := ParseHours("00:00-24:00"); err != nil || got[0] != (Span{0, 1440}) {
		t.Errorf("24h: %v, %v", got, err)
	}
	for in, code := range map[string]string{
		"":                        "calendar.hours_format",
		"8:00-12:00":              "calendar.hours_format",
		"08:00-12:60":             "calendar.hours_format",
		"08:00-24:01":             "calendar.hours_format",
		"08:00-12:00;14:00-18:00": "calendar.hours_format",
		"12:00-08:00":             "calendar.hours_span",
		"08:00-15:00,14:00-18:00": "calendar.hours_overlap",
	} {
		var e *Error
		if _, err := ParseHours(in); !errors.As(err, &e) || e.Code != code {
			t.Errorf("ParseHours(%q): err = %v, want %s", in, err, code)
		}
	}
}

// FuzzParseInstant: no panic; an accepted instant is in Shanghai, in range,
// and survives a round trip through RFC 3339; Deadline never moves backwards
// for working-hour limits.
func FuzzParseInstant(f *testing.F) {
	for _, s := range []string{"2025-09-26", "2025-09-26T16:30", "2025-09-26T16:30:00+08:00", "2025-09-26T08:30:00.123Z", "9999-12-31T23:59:59-23:59", "2200-12-31T23:59"} {
		f.Add(s)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseInstant(s)
		if err != nil {
			return
		}
		if got.Location() != shanghai || got.Year() < minYear || got.Year() > maxYear {
			t.Fatalf("%q -> %s", s, got)
		}
		back, err := ParseInstant(got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("round trip %q -> %s -> %s, %v", s, got, back, err)
		}
		if due := c.Deadline(got, Limit{4, WorkHours}); due.Before(got) || c.Elapsed(got, due) != 4*time.Hour {
			t.Fatalf("Deadline(%s, 4 wh) = %s", got, due)
		}
		if due := c.Deadline(got, Limit{3, WorkDays}); !due.After(got) || !c.IsWorkday(due.Add(-time.Minute)) {
			t.Fatalf("Deadline(%s, 3 wd) = %s", got, due)
		}
	})
}

// FuzzParseHours: no panic; accepted periods build a calendar whose day has
// the summed length of the periods.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"08:00-12:00,14:00-18:00", "00:00-24:00", "09:00-17:00", "08:00-12:00,12:00-13:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hs, err := ParseHours(s)
		if err != nil {
			return
		}
		c, err := New(Config{Hours: hs})
		if err != nil {
			t.Fatalf("%q parsed to %v but New fails: %v", s, hs, err)
		}
		var sum time.Duration
		for _, h := range hs {
			sum += time.Duration(h.End-h.Start) * time.Minute
		}
		if c.DayWork() != sum || sum <= 0 || sum > 24*time.Hour {
			t.Fatalf("%q: DayWork %s, sum %s", s, c.DayWork(), sum)
		}
	})
}

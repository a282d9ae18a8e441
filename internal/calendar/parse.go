package calendar

import (
	"strconv"
	"strings"
	"time"
)

// ParseInstant reads an instant given by a user: YYYY-MM-DD (midnight),
// YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS (all in Asia/Shanghai) or RFC 3339
// with its own offset. The result is in Asia/Shanghai.
func ParseInstant(s string) (time.Time, error) {
	var t time.Time
	var err error
	switch len(s) {
	case len("2006-01-02"):
		t, err = time.ParseInLocation("2006-01-02", s, shanghai)
	case len("2006-01-02T15:04"):
		t, err = time.ParseInLocation("2006-01-02T15:04", s, shanghai)
	case len("2006-01-02T15:04:05"):
		t, err = time.ParseInLocation("2006-01-02T15:04:05", s, shanghai)
	default:
		t, err = time.Parse(time.RFC3339, s)
	}
	if err != nil {
		return time.Time{}, errf("calendar.instant_format", "%q is not YYYY-MM-DD, YYYY-MM-DDTHH:MM or RFC 3339", s)
	}
	t = t.In(shanghai)
	if y := t.Year(); y < minYear || y > maxYear {
		return time.Time{}, errf("calendar.instant_range", "year %d out of range %d..%d", y, minYear, maxYear)
	}
	return t, nil
}

// ParseHours reads working periods such as "08:00-12:00,14:00-18:00"; 24:00
// is allowed as an end. Overlaps are checked by New.
func ParseHours(s string) ([]Span, error) {
	var out []Span
	for _, part := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		sa, okA := clock(a)
		sb, okB := clock(b)
		if !ok || !okA || !okB {
			return nil, errf("calendar.hours_format", "%q is not HH:MM-HH:MM[,HH:MM-HH:MM...]", s)
		}
		out = append(out, Span{Start: sa, End: sb})
	}
	if _, err := checkHours(out); err != nil {
		return nil, err
	}
	return out, nil
}

// clock parses HH:MM into minutes after midnight, 00:00..24:00.
func clock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, false
	}
	return hh*60 + mm, true
}

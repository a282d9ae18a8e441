// Package envstd holds China's (and the US EPA's) environmental standards as
// versioned data — AQI breakpoint tables, ambient air limits, noise limits and
// surface-water classes — together with the pure functions that apply them.
//
// Every number lives in a JSON-serialisable struct with an id and effective
// dates, so that the storage layer can keep standards in its versioned rules
// table and an administrator can add the next revision without a release.
// Sources are /work/shared/reference/standards.md §3; [K]/[A] marks in comments
// repeat that document's confidence marks.
package envstd

import (
	"fmt"
	"strconv"
	"time"
)

// Error is a validation or lookup error with a stable machine code (for
// problem+json and UI translation) and an English detail.
type Error struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

func errf(code, format string, a ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Date is a civil date stored as YYYYMMDD so that comparisons on the hot path
// are integer compares; it marshals as "2006-01-02". Zero means "open".
type Date int32

// DateOf is the civil date of t in t's own location. Callers pass readings in
// China Standard Time, since the standards switch at local midnight.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date(y*10000 + int(m)*100 + d)
}

// MustDate parses "2006-01-02"; it is meant for seed data and tests.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, errf("date.invalid", "date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
}

// MarshalJSON writes "2006-01-02", or null for an open date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(d.String())), nil
}

// UnmarshalJSON reads "2006-01-02" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = 0
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return errf("date.invalid", "date must be a JSON string")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Kind names a family of standards of which exactly one is in force on a day.
type Kind string

const (
	KindAQICN     Kind = "aqi-cn"        // HJ 633
	KindAQIUS     Kind = "aqi-us"        // US EPA AQI
	KindAirLimits Kind = "air-limits-cn" // GB 3095
	KindNoise     Kind = "noise-cn"      // GB 3096
	KindWater     Kind = "water-cn"      // GB 3838
)

// Meta identifies one version of a standard.
type Meta struct {
	ID    string `json:"id"` // e.g. "HJ633-2012"
	Kind  Kind   `json:"kind"`
	Title string `json:"title"`
	// EffectiveFrom is inclusive, EffectiveUntil exclusive (the successor's
	// first day), so that consecutive versions tile the calendar.
	EffectiveFrom  Date   `json:"effective_from"`
	EffectiveUntil Date   `json:"effective_until"`
	Source         string `json:"source,omitempty"`
}

// InForce reports whether the standard applies on d.
func (m *Meta) InForce(d Date) bool {
	return (m.EffectiveFrom == 0 || d >= m.EffectiveFrom) && (m.EffectiveUntil == 0 || d < m.EffectiveUntil)
}

// RGB is an official colour; it marshals as [r,g,b].
type RGB [3]uint8

// Hex is "#RRGGBB".
func (c RGB) Hex() string { return fmt.Sprintf("#%02X%02X%02X", c[0], c[1], c[2]) }

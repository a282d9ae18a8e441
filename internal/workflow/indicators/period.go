package indicators

import (
	"fmt"
	"time"
)

// Period formats: "2016" (year), "2016-Q4" (quarter), "2016-12" (month),
// "2016-12-31" (day).

// PeriodOf returns t's period at the given granularity ("year", "quarter",
// "month", "day").
func PeriodOf(t time.Time, granularity string) string {
	switch granularity {
	case "year":
		return fmt.Sprintf("%04d", t.Year())
	case "quarter":
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())+2)/3)
	case "day":
		return t.Format("2006-01-02")
	default:
		return t.Format("2006-01")
	}
}

// Previous returns the period before p (环比 base); ok is false if p is malformed.
func Previous(p string) (string, bool) { return shift(p, false) }

// YearAgo returns the same period one year earlier (同比 base).
func YearAgo(p string) (string, bool) { return shift(p, true) }

func shift(p string, year bool) (string, bool) {
	q, ok := shiftRaw(p, year)
	// Years 0001–9999 only, so a period keeps its shape (and "0000-01" has no base).
	if !ok || len(q) != len(p) || q[0] < '0' || q[0] > '9' || q[:4] == "0000" {
		return "", false
	}
	return q, true
}

func shiftRaw(p string, year bool) (string, bool) {
	if len(p) < 4 || !digits(p[:4]) {
		return "", false
	}
	var y, q int
	switch {
	case len(p) == 4:
		if _, err := fmt.Sscanf(p, "%04d", &y); err != nil {
			return "", false
		}
		return fmt.Sprintf("%04d", y-1), true
	case len(p) == 7 && p[4] == '-' && p[5] == 'Q' && digits(p[6:]):
		if n, _ := fmt.Sscanf(p, "%04d-Q%d", &y, &q); n != 2 || q < 1 || q > 4 {
			return "", false
		}
		if year {
			return fmt.Sprintf("%04d-Q%d", y-1, q), true
		}
		if q == 1 {
			return fmt.Sprintf("%04d-Q4", y-1), true
		}
		return fmt.Sprintf("%04d-Q%d", y, q-1), true
	case len(p) == 7:
		t, err := time.Parse("2006-01", p)
		if err != nil {
			return "", false
		}
		if year {
			return t.AddDate(-1, 0, 0).Format("2006-01"), true
		}
		return t.AddDate(0, -1, 0).Format("2006-01"), true
	case len(p) == 10:
		t, err := time.Parse("2006-01-02", p)
		if err != nil {
			return "", false
		}
		if year {
			return t.AddDate(-1, 0, 0).Format("2006-01-02"), true
		}
		return t.AddDate(0, 0, -1).Format("2006-01-02"), true
	}
	return "", false
}

// Change compares a value with its base: Growth is the relative change in
// percent (for counts: 同比增长 %), Points the difference (for rates:
// percentage points). ok is false when the base is zero (growth undefined).
type Change struct {
	Current float64 `json:"current"`
	Base    float64 `json:"base"`
	Points  float64 `json:"points"`
	Growth  float64 `json:"growth"`
	OK      bool    `json:"ok"`
}

// Compare builds a Change rounded to 2 decimals.
func Compare(cur, base float64) Change {
	c := Change{Current: cur, Base: base, Points: Round2(cur - base)}
	if base != 0 {
		c.Growth, c.OK = Round2((cur-base)*100/base), true
	}
	return c
}

func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidPeriod reports whether p is a period in one of the four formats, with
// a year from 0001 to 9999.
func ValidPeriod(p string) bool {
	if len(p) < 4 || !digits(p[:4]) || p[:4] == "0000" {
		return false
	}
	switch {
	case len(p) == 4:
		return true
	case len(p) == 7 && p[4] == '-' && p[5] == 'Q':
		return p[6] >= '1' && p[6] <= '4'
	case len(p) == 7:
		_, err := time.Parse("2006-01", p)
		return err == nil
	case len(p) == 10:
		_, err := time.Parse("2006-01-02", p)
		return err == nil
	}
	return false
}

package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// refYear is one row of the holiday table in standards.md §5.3, copied as
// text from the reference (State Council notices via NateScarlet/holiday-cn).
type refYear struct {
	year   int
	off    string // "MM-DD" or "MM-DD…MM-DD", separated by "; "
	makeup string // "MM-DD", separated by ", "
	days   int    // "Working days per year (computed)" in §5.3
}

var reference = []refYear{
	{2024, "01-01; 02-10…02-17; 04-04…04-06; 05-01…05-05; 06-10; 09-15…09-17; 10-01…10-07",
		"02-04, 02-18, 04-07, 04-28, 05-11, 09-14, 09-29, 10-12", 251},
	{2025, "01-01; 01-28…02-04; 04-04…04-06; 05-01…05-05; 05-31…06-02; 10-01…10-08",
		"01-26, 02-08, 04-27, 09-28, 10-11", 248},
	{2026, "01-01…01-03; 02-15…02-23; 04-04…04-06; 05-01…05-05; 06-19…06-21; 09-25…09-27; 10-01…10-07",
		"01-04, 02-14, 02-28, 05-09, 09-20, 10-10", 248},
}

func d(y int, md string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", fmt.Sprintf("%d-%s", y, md), shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// expand returns the off dates and make-up dates of a reference row.
func (r refYear) expand() (off, work map[string]bool) {
	off, work = map[string]bool{}, map[string]bool{}
	for _, rg := range strings.Split(r.off, "; ") {
		a, b, ok := strings.Cut(rg, "…")
		if !ok {
			b = a
		}
		for t := d(r.year, a); !t.After(d(r.year, b)); t = t.AddDate(0, 0, 1) {
			off[t.Format("2006-01-02")] = true
		}
	}
	for _, md := range strings.Split(r.makeup, ", ") {
		work[d(r.year, md).Format("2006-01-02")] = true
	}
	return off, work
}

// §5.3: "Working day = (Mon–Fri and not listed as off) or listed as work".
// Every day of 2024–2026 is checked against that rule applied to the table,
// which covers every listed holiday and make-up day, and the yearly count.
func TestDefaultMatchesReferenceTable(t *testing.T) {
	c := Default()
	for _, r := range reference {
		off, work := r.expand()
		n := 0
		for x := d(r.year, "01-01"); x.Year() == r.year; x = x.AddDate(0, 0, 1) {
			k := x.Format("2006-01-02")
			wd := x.Weekday()
			want := (wd != time.Saturday && wd != time.Sunday && !off[k]) || work[k]
			if got := c.IsWorkday(x); got != want {
				t.Errorf("%s (%s): IsWorkday=%v, reference table says %v (off=%v makeup=%v)", k, wd, got, want, off[k], work[k])
			}
			if want {
				n++
			}
		}
		if n != r.days {
			t.Errorf("%d: reference table expands to %d working days, §5.3 states %d", r.year, n, r.days)
		}
		if !c.Known(r.year) {
			t.Errorf("Known(%d) = false", r.year)
		}
	}
	if c.Known(2027) {
		t.Errorf("Known(2027) = true, but §5.3 says the 2027 notice is not published")
	}
}

// The seed from lunar-go is compared entry by entry with the reference. The
// reference wins: any difference must be a weekend date lunar-go lists as
// holiday, which changes no working day (2024 端午: lunar-go lists 06-08 and
// 06-09, the reference only 06-10). The test fails on any other difference.
func TestSeedAgainstReference(t *testing.T) {
	seed := map[string]DayRule{}
	for _, r := range Seed() {
		seed[r.Date] = r
		if r.Name == "" {
			t.Errorf("%s: empty name", r.Date)
		}
	}
	var tolerated []string
	for _, r := range reference {
		off, work := r.expand()
		for k := range off {
			if s, ok := seed[k]; !ok || s.Kind != Holiday {
				t.Errorf("%s: reference holiday, seed has %+v", k, s)
			}
		}
		for k := range work {
			if s, ok := seed[k]; !ok || s.Kind != Workday {
				t.Errorf("%s: reference make-up day, seed has %+v", k, s)
			}
		}
		for k, s := range seed {
			if !strings.HasPrefix(k, fmt.Sprint(r.year)) || off[k] || work[k] {
				continue
			}
			x, _ := time.ParseInLocation("2006-01-02", k, shanghai)
			if s.Kind == Holiday && (x.Weekday() == time.Saturday || x.Weekday() == time.Sunday) {
				tolerated = append(tolerated, k)
				continue
			}
			t.Errorf("%s: seed has %+v, not in the reference table", k, s)
		}
	}
	t.Logf("seed lists these weekend dates as holiday, the reference does not (no effect): %v", tolerated)
}

func TestSeedYears(t *testing.T) {
	ys := SeedYears()
	if len(ys) < 3 || ys[0] != 2024 || ys[1] != 2025 || ys[2] != 2026 {
		t.Fatalf("SeedYears = %v, want 2024, 2025, 2026, ...", ys)
	}
	// Names are Chinese as in the notices (spot checks, §5.3 rows).
	want := map[string]string{"2025-10-08": "国庆", "2026-02-14": "春节", "2026-02-28": "春节", "2025-01-01": "元旦"}
	for _, r := range Seed() {
		if p, ok := want[r.Date]; ok {
			if !strings.HasPrefix(r.Name, p) {
				t.Errorf("%s: name %q, want prefix %q", r.Date, r.Name, p)
			}
			delete(want, r.Date)
		}
	}
	if len(want) != 0 {
		t.Errorf("missing from seed: %v", want)
	}
}

package calendar

import (
	"github.com/6tail/lunar-go/HolidayUtil"
)

// seedFrom is the first year seeded: earlier years are history that no open
// work order touches, and a smaller table stays in cache.
const seedFrom = 2024

// SeedYears lists the years, from seedFrom on, for which lunar-go holds the
// State Council notice (a year with no entries is not published yet).
func SeedYears() []int {
	var ys []int
	for y := seedFrom; y < seedFrom+100; y++ {
		if HolidayUtil.GetHolidaysByYear(y).Len() == 0 {
			break
		}
		ys = append(ys, y)
	}
	return ys
}

// Seed returns the holidays and make-up working days of SeedYears() from
// github.com/6tail/lunar-go's HolidayUtil (transcribed State Council notices),
// names in Chinese. It is the initial content of the rules table, not a
// constant of the logic: administrators add next year's notice as data.
//
// lunar-go sometimes lists the weekend next to a holiday as holiday (2024 端午:
// 06-08/06-09); that changes nothing since weekends are off anyway.
func Seed() []DayRule {
	var out []DayRule
	for _, y := range SeedYears() {
		l := HolidayUtil.GetHolidaysByYear(y)
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			k := Holiday
			if h.IsWork() { // lunar-go: IsWork means 调休上班
				k = Workday
			}
			out = append(out, DayRule{Date: h.GetDay(), Kind: k, Name: h.GetName()})
		}
	}
	return out
}

// DefaultHours is the usual schedule 08:00–12:00, 14:00–18:00 (480 min/day,
// case-management.md §5.2).
func DefaultHours() []Span {
	return []Span{{Start: 8 * 60, End: 12 * 60}, {Start: 14 * 60, End: 18 * 60}}
}

// Package permu is the pure glue between enterprises' statistics reports
// (统计监测) and the scoring engine for per-mu evaluation (亩均论英雄): report
// periods, the figures an enterprise reports (named by the scoring package's
// figure ids, so the engine reads them directly), checks of reported values,
// the statistics sheet parser, and the population input built from stored
// figures and enterprise attributes. No I/O, no SQL, no HTTP.
package permu

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Error is a validation error with a stable machine code and an English detail;
// Field names the input field (a figure id, "period", …).
type Error struct {
	Field  string `json:"field"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string { return e.Field + ": " + e.Code + ": " + e.Detail }

func errf(field, code, format string, a ...any) *Error {
	return &Error{Field: field, Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Figure is a figure an enterprise reports. ID is the scoring figure id.
type Figure struct {
	ID, ZH, EN, Unit string
	// Average figures (年平均职工人数) are averaged, not summed, over months.
	Average bool
	// Signed figures may be negative: 评价税收 after refunds (standards.md §1.2
	// floors the item score at 0 instead of refusing the figure).
	Signed bool
}

// Figures are the reported figures (统计监测 indicators, standards.md §1.1).
// Land (用地面积) is not reported monthly: it comes from the enterprise record.
var Figures = []Figure{
	{ID: "tax", ZH: "税收", EN: "Tax", Unit: "万元", Signed: true},
	{ID: "sales_revenue", ZH: "销售收入", EN: "Sales revenue", Unit: "万元"},
	{ID: "value_added", ZH: "工业增加值", EN: "Industrial value added", Unit: "万元"},
	{ID: "energy_tce", ZH: "综合能耗", EN: "Energy", Unit: "吨标煤"},
	{ID: "electricity_kwh", ZH: "用电量", EN: "Electricity", Unit: "kWh"},
	{ID: "water_t", ZH: "用水量", EN: "Water", Unit: "吨"},
	{ID: "emissions_t", ZH: "主要污染物排放量", EN: "Emissions (COD etc.)", Unit: "吨"},
	{ID: "employees", ZH: "年平均职工人数", EN: "Average employees", Unit: "人", Average: true},
	{ID: "rd", ZH: "R&D经费支出", EN: "R&D spending", Unit: "万元"},
	{ID: "main_revenue", ZH: "主营业务收入", EN: "Main business revenue", Unit: "万元"},
}

// FigureByID returns the reported figure id, or nil.
func FigureByID(id string) *Figure {
	i := slices.IndexFunc(Figures, func(f Figure) bool { return f.ID == id })
	if i < 0 {
		return nil
	}
	return &Figures[i]
}

// Report statuses.
const (
	Draft     = "draft"
	Submitted = "submitted"
	Accepted  = "accepted"
	Returned  = "returned"
)

// Statuses lists the report statuses.
var Statuses = []string{Draft, Submitted, Accepted, Returned}

// Counts reports whether a report in status s feeds completeness and runs:
// a draft is not yet said, a returned report was refused.
func Counts(s string) bool { return s == Submitted || s == Accepted }

// MaxValue bounds a figure: a larger number is a typing error (万元 entered as 元
// twice over), not a town's enterprise.
const MaxValue = 1e13

// CheckValue checks one reported value.
func CheckValue(id string, v float64) error {
	f := FigureByID(id)
	if f == nil {
		return errf(id, "stats.figure_unknown", "unknown figure %q", id)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxValue {
		return errf(id, "stats.value_range", "not a finite number below %g", MaxValue)
	}
	if v < 0 && !f.Signed {
		return errf(id, "stats.negative", "must not be negative")
	}
	return nil
}

// CheckFigures checks a whole report; the first error is returned, in the
// order of Figures so that the answer is stable.
func CheckFigures(fs map[string]float64) error {
	for id := range fs {
		if FigureByID(id) == nil {
			return errf(id, "stats.figure_unknown", "unknown figure %q", id)
		}
	}
	for _, f := range Figures {
		if v, ok := fs[f.ID]; ok {
			if err := CheckValue(f.ID, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// Annual derives a year's figures from monthly reports: flow figures are
// summed, average figures (employees) are the mean of the months reporting
// them. A figure no month reports stays absent (missing, not zero).
func Annual(months []map[string]float64) map[string]float64 {
	out := map[string]float64{}
	n := map[string]int{}
	for _, m := range months {
		for id, v := range m {
			out[id] += v
			n[id]++
		}
	}
	for id := range out {
		if f := FigureByID(id); f != nil && f.Average {
			out[id] /= float64(n[id])
		}
	}
	return out
}

// Period is a report period: a month (YYYY-MM) or a year (YYYY, Month 0).
type Period struct {
	Year, Month int
}

// ParsePeriod reads YYYY-MM or YYYY (years 2000–2100).
func ParsePeriod(s string) (Period, error) {
	bad := errf("period", "stats.period", "YYYY-MM for a month or YYYY for a year")
	var p Period
	switch len(s) {
	case 4:
	case 7:
		if s[4] != '-' {
			return p, bad
		}
		m, err := strconv.Atoi(s[5:])
		if err != nil || s[5] == '+' || s[5] == '-' || m < 1 || m > 12 {
			return p, bad
		}
		p.Month = m
	default:
		return p, bad
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || s[0] == '+' || s[0] == '-' || y < 2000 || y > 2100 {
		return p, bad
	}
	p.Year = y
	return p, nil
}

func (p Period) String() string {
	if p.Month == 0 {
		return fmt.Sprintf("%04d", p.Year)
	}
	return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
}

// Annual reports whether p is a year.
func (p Period) Annual() bool { return p.Month == 0 }

package envstd

import "math"

// Rounding says how an interpolated index becomes an integer.
type Rounding string

const (
	// RoundUp carries any fraction up (HJ 633 "向上进位", §4.2.6 of the 2026 text).
	RoundUp Rounding = "up"
	// RoundNearest rounds half up (US EPA).
	RoundNearest Rounding = "nearest"
)

// Above says what happens to a concentration above a table's top breakpoint.
type Above string

const (
	// AboveCap reports the top index of the table (500, or the last row).
	AboveCap Above = "cap"
	// AboveSubstitute reports instead the sub-index of the same pollutant over
	// SubstituteWith (HJ 633 notes 1 and 2: SO2 1h > 800 → 24h; O3 8h > 800 → 1h).
	AboveSubstitute Above = "substitute"
)

// Segment is one row of a breakpoint table: concentrations CLo..CHi map
// linearly onto indices ILo..IHi. US tables leave gaps between rows (9.0/9.1);
// Chinese rows touch.
type Segment struct {
	CLo float64 `json:"c_lo"`
	CHi float64 `json:"c_hi"`
	ILo int     `json:"i_lo"`
	IHi int     `json:"i_hi"`
}

// BreakpointTable is one column of HJ 633 Table 1 (or an EPA table).
type BreakpointTable struct {
	Pollutant Pollutant `json:"pollutant"`
	Averaging Period    `json:"averaging"`
	Unit      string    `json:"unit"`
	// Truncate cuts the concentration to Decimals places before the lookup
	// (US EPA: O3 3, PM2.5 and CO 1, others 0).
	Truncate       bool      `json:"truncate,omitempty"`
	Decimals       int       `json:"decimals,omitempty"`
	Segments       []Segment `json:"segments"`
	Above          Above     `json:"above"`
	SubstituteWith Period    `json:"substitute_with,omitempty"`
	// BelowUndefined: values under the first breakpoint have no index (US O3
	// 1h starts at 0.125 ppm; US SO2 24h at 305 ppb) and are left out.
	BelowUndefined bool   `json:"below_undefined,omitempty"`
	Note           string `json:"note,omitempty"`
}

// ReportItem is one evaluation item of a report (实时报 or 日报).
type ReportItem struct {
	Key       string    `json:"key"` // input/output key: "pm2_5", "o3_8h"
	Pollutant Pollutant `json:"pollutant"`
	// Table is the averaging of the breakpoint column used; real-time PM
	// readings (1h means) are read against the 24h column.
	Table    Period `json:"table"`
	Required bool   `json:"required,omitempty"` // a complete report has it
	// SubstituteOnly items never count towards the AQI; they only feed an
	// AboveSubstitute rule (the SO2 24h mean in a real-time report).
	SubstituteOnly bool `json:"substitute_only,omitempty"`
}

// Report lists the items of a report period.
type Report struct {
	Period Period       `json:"period"`
	Items  []ReportItem `json:"items"`
}

// Level is one AQI band with its official names and colour.
type Level struct {
	Max        int    `json:"max"` // upper AQI bound, inclusive
	NameZh     string `json:"name_zh"`
	NameEn     string `json:"name_en"`
	CategoryZh string `json:"category_zh"`
	CategoryEn string `json:"category_en"`
	ColorZh    string `json:"color_zh"`
	ColorEn    string `json:"color_en"`
	RGB        RGB    `json:"rgb"`
}

// AQIStandard is one version of an AQI technical regulation.
type AQIStandard struct {
	Meta
	Rounding Rounding          `json:"rounding"`
	Tables   []BreakpointTable `json:"tables"`
	Reports  []Report          `json:"reports"`
	Levels   []Level           `json:"levels"`
	// PrimaryAbove: a primary pollutant is named only when AQI > PrimaryAbove
	// (50 in HJ 633); -1 always names one (EPA's "responsible pollutant").
	PrimaryAbove int `json:"primary_above"`
	// NAUpTo: when > 0, an incomplete report whose AQI ≤ NAUpTo is published
	// as "NA" (HJ 633—2026 §5.3).
	NAUpTo int `json:"na_up_to,omitempty"`
}

// Errors returned by IAQI are fixed values so that the ingest path does not
// allocate even on its error branch.
var (
	ErrNoTable          = &Error{Code: "aqi.no_table", Detail: "the standard has no breakpoint table for this pollutant and averaging period"}
	ErrBadConcentration = &Error{Code: "aqi.bad_concentration", Detail: "concentration must be a finite number ≥ 0"}
	ErrAboveTable       = &Error{Code: "aqi.above_table", Detail: "concentration is above the table; the standard reports another averaging period's sub-index instead"}
	ErrBelowTable       = &Error{Code: "aqi.below_table", Detail: "concentration is below the table's first breakpoint; the standard defines no sub-index"}
)

// Table finds the breakpoint column for (p, avg). A linear scan over at most a
// dozen entries beats a map here and keeps the struct plain JSON.
func (s *AQIStandard) Table(p Pollutant, avg Period) *BreakpointTable {
	for i := range s.Tables {
		if s.Tables[i].Pollutant == p && s.Tables[i].Averaging == avg {
			return &s.Tables[i]
		}
	}
	return nil
}

// IAQI is the individual air quality index of concentration c of pollutant p
// read against the avg column. It does not allocate. Above the top of a
// column marked AboveSubstitute it returns the top index together with
// ErrAboveTable (the caller reports the substitute period's index, or keeps
// the top index if it caps); above other columns, the top index.
func (s *AQIStandard) IAQI(p Pollutant, avg Period, c float64) (int, error) {
	t := s.Table(p, avg)
	if t == nil {
		return 0, ErrNoTable
	}
	return s.tableIAQI(t, c)
}

var pow10 = [...]float64{1, 10, 100, 1000, 10000, 100000, 1000000}

func (s *AQIStandard) tableIAQI(t *BreakpointTable, c float64) (int, error) {
	if !(c >= 0) || math.IsInf(c, 1) {
		return 0, ErrBadConcentration
	}
	if t.Truncate && t.Decimals >= 0 && t.Decimals < len(pow10) {
		// The epsilon keeps 0.029 (stored as 0.0289999…) at 0.029.
		m := pow10[t.Decimals]
		c = math.Floor(c*m+1e-9) / m
	}
	segs := t.Segments
	if len(segs) == 0 {
		return 0, ErrNoTable
	}
	if c < segs[0].CLo {
		if t.BelowUndefined {
			return 0, ErrBelowTable
		}
		return segs[0].ILo, nil
	}
	top := &segs[len(segs)-1]
	if c > top.CHi {
		if t.Above == AboveSubstitute {
			return top.IHi, ErrAboveTable
		}
		return top.IHi, nil
	}
	i := 0
	for i < len(segs)-1 && c > segs[i].CHi {
		i++
	}
	g := &segs[i]
	if c < g.CLo { // in a US gap despite truncation: the row above starts here
		c = g.CLo
	}
	x := float64(g.ILo)
	if g.CHi > g.CLo {
		x += float64(g.IHi-g.ILo) / (g.CHi - g.CLo) * (c - g.CLo)
	}
	// The epsilons absorb binary noise so that a concentration exactly at a
	// breakpoint yields exactly that breakpoint's index.
	if s.Rounding == RoundNearest {
		return int(math.Floor(x + 0.5 + 1e-9)), nil
	}
	return int(math.Ceil(x - 1e-9)), nil
}

// Level is the band containing aqi (the last band above the top).
func (s *AQIStandard) Level(aqi int) *Level {
	for i := range s.Levels {
		if aqi <= s.Levels[i].Max {
			return &s.Levels[i]
		}
	}
	if len(s.Levels) == 0 {
		return nil
	}
	return &s.Levels[len(s.Levels)-1]
}

// LevelMin is the lower AQI bound of l (0 for the first band).
func (s *AQIStandard) LevelMin(l *Level) int {
	for i := range s.Levels {
		if &s.Levels[i] == l && i > 0 {
			return s.Levels[i-1].Max + 1
		}
	}
	return 0
}

// Report returns the report definition for period, or nil.
func (s *AQIStandard) Report(period Period) *Report {
	for i := range s.Reports {
		if s.Reports[i].Period == period {
			return &s.Reports[i]
		}
	}
	return nil
}

package envstd

import (
	"math"
)

// MaxItems bounds the items of one report so that AQIResult is a fixed-size
// value and Compute does not allocate.
const MaxItems = 10

// Conc is one input concentration, keyed as in the report ("pm2_5", "o3_8h").
type Conc struct {
	Key   string
	Value float64
}

// SubIndex is the IAQI of one report item.
type SubIndex struct {
	Key       string    `json:"key"`
	Pollutant Pollutant `json:"pollutant"`
	Value     float64   `json:"value"`
	IAQI      int       `json:"iaqi"`
	// Substituted: above the column's top, the IAQI is that of the
	// substitute period (HJ 633 notes 1, 2); Capped: the top index was used
	// because the substitute was missing and AQIOptions.CapOverflow was set.
	Substituted bool `json:"substituted,omitempty"`
	Capped      bool `json:"capped,omitempty"`
	// Undefined: below a table that starts above zero (US O3 1h); not counted.
	Undefined      bool `json:"undefined,omitempty"`
	SubstituteOnly bool `json:"substitute_only,omitempty"`
	Primary        bool `json:"primary,omitempty"`
	above          bool
	table          *BreakpointTable
}

// AQIOptions switches the behaviours the reference leaves open.
type AQIOptions struct {
	// CapOverflow reports the top index of a column (200 for SO2 1h, 300 for
	// O3 8h) when the substitute concentration is not supplied, instead of
	// failing. The official text substitutes; some software caps (moonaqi).
	CapOverflow bool
}

// AQIResult is the outcome of one report. It is a value with fixed arrays so
// that computing it does not allocate.
type AQIResult struct {
	Standard string
	Report   Period
	AQI      int
	Level    *Level // points into the standard's Levels
	Subs     [MaxItems]SubIndex
	N        int
	// Complete: every Required item was supplied. NA: the standard publishes
	// this incomplete report as "NA" (HJ 633—2026 §5.3).
	Complete bool
	NA       bool
}

// Items are the computed sub-indices, in input order.
func (r *AQIResult) Items() []SubIndex { return r.Subs[:r.N] }

// PrimaryKeys lists the primary pollutants' keys (several on a tie; none
// when AQI ≤ 50 under HJ 633).
func (r *AQIResult) PrimaryKeys() []string {
	out := []string{}
	for _, s := range r.Items() {
		if s.Primary {
			out = append(out, s.Key)
		}
	}
	return out
}

// Compute evaluates one report (period Hour1 = 实时报, Hour24 = 日报).
func (s *AQIStandard) Compute(period Period, in []Conc, opt AQIOptions) (AQIResult, error) {
	var r AQIResult
	r.Standard, r.Report = s.ID, period
	rep := s.Report(period)
	if rep == nil {
		return r, errf("aqi.no_report", "standard %s has no %s report", s.ID, period)
	}
	if len(in) == 0 {
		return r, errf("aqi.no_data", "no concentrations given")
	}
	if len(in) > MaxItems {
		return r, errf("aqi.too_many", "at most %d concentrations", MaxItems)
	}
	for _, c := range in {
		it := rep.item(c.Key)
		if it == nil {
			return r, errf("aqi.unknown_item", "%q is not an item of the %s %s report", c.Key, s.ID, period)
		}
		for j := 0; j < r.N; j++ {
			if r.Subs[j].Key == c.Key {
				return r, errf("aqi.duplicate_item", "%q given twice", c.Key)
			}
		}
		if !(c.Value >= 0) || math.IsInf(c.Value, 1) {
			return r, errf("aqi.bad_concentration", "%s: concentration must be a finite number ≥ 0", c.Key)
		}
		t := s.Table(it.Pollutant, it.Table)
		if t == nil {
			return r, errf("aqi.no_table", "%s: no %s table for %s", s.ID, it.Table, it.Pollutant)
		}
		sub := SubIndex{Key: it.Key, Pollutant: it.Pollutant, Value: c.Value, SubstituteOnly: it.SubstituteOnly, table: t}
		v, err := s.tableIAQI(t, c.Value)
		switch {
		case err == ErrBelowTable:
			sub.Undefined = true
		case err == ErrAboveTable:
			sub.above = true
		case err != nil:
			return r, err
		}
		sub.IAQI = v
		r.Subs[r.N] = sub
		r.N++
	}
	// Substitutions are resolved after all inputs are known, since the
	// substitute may come later in the input.
	for i := 0; i < r.N; i++ {
		sub := &r.Subs[i]
		if !sub.above {
			continue
		}
		src := r.find(sub.Pollutant, sub.table.SubstituteWith)
		switch {
		case src != nil && !src.Undefined && !src.above:
			sub.IAQI, sub.Substituted = src.IAQI, true
		case opt.CapOverflow:
			sub.Capped = true // IAQI already holds the column's top index
		default:
			return r, errf("aqi.substitute_missing",
				"%s above %g %s: the standard reports the %s %s sub-index instead; supply it or allow capping",
				sub.Key, sub.table.Segments[len(sub.table.Segments)-1].CHi, sub.table.Unit, sub.Pollutant, sub.table.SubstituteWith)
		}
	}
	r.AQI = -1
	for _, sub := range r.Items() {
		if sub.counts() && sub.IAQI > r.AQI {
			r.AQI = sub.IAQI
		}
	}
	if r.AQI < 0 {
		return r, errf("aqi.no_data", "no concentration yields a sub-index in %s", s.ID)
	}
	if r.AQI > s.PrimaryAbove {
		for i := 0; i < r.N; i++ {
			r.Subs[i].Primary = r.Subs[i].counts() && r.Subs[i].IAQI == r.AQI
		}
	}
	r.Level = s.Level(r.AQI)
	r.Complete = true
	for _, it := range rep.Items {
		if it.Required && r.byKey(it.Key) == nil {
			r.Complete = false
		}
	}
	r.NA = s.NAUpTo > 0 && !r.Complete && r.AQI <= s.NAUpTo
	return r, nil
}

func (sub *SubIndex) counts() bool { return !sub.SubstituteOnly && !sub.Undefined }

func (r *AQIResult) find(p Pollutant, table Period) *SubIndex {
	for i := 0; i < r.N; i++ {
		if r.Subs[i].Pollutant == p && r.Subs[i].table.Averaging == table {
			return &r.Subs[i]
		}
	}
	return nil
}

func (r *AQIResult) byKey(k string) *SubIndex {
	for i := 0; i < r.N; i++ {
		if r.Subs[i].Key == k {
			return &r.Subs[i]
		}
	}
	return nil
}

func (rep *Report) item(key string) *ReportItem {
	for i := range rep.Items {
		if rep.Items[i].Key == key {
			return &rep.Items[i]
		}
	}
	return nil
}

// Missing lists the required items of the report that r lacks.
func (s *AQIStandard) Missing(r *AQIResult) []string {
	var out []string
	if rep := s.Report(r.Report); rep != nil {
		for _, it := range rep.Items {
			if it.Required && r.byKey(it.Key) == nil {
				out = append(out, it.Key)
			}
		}
	}
	return out
}

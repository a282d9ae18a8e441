package envstd

import "math"

// AirLimit is one row of GB 3095 Table 1/2: the concentration limit of a
// pollutant over an averaging period for each of the two grades.
type AirLimit struct {
	Pollutant Pollutant `json:"pollutant"`
	Averaging Period    `json:"averaging"` // Hour8 = daily maximum 8-hour mean (O3)
	Grade1    float64   `json:"grade1"`    // class 1 zones: nature reserves, scenic areas
	Grade2    float64   `json:"grade2"`    // class 2 zones: residential, commercial, industrial, rural
	Unit      string    `json:"unit"`
}

// AirLimitStandard is one version of 环境空气质量标准 GB 3095.
type AirLimitStandard struct {
	Meta
	Limits []AirLimit `json:"limits"`
}

// AirAssessment compares one concentration with its limit.
type AirAssessment struct {
	Standard  string    `json:"standard"`
	Pollutant Pollutant `json:"pollutant"`
	Averaging Period    `json:"averaging"`
	ZoneClass int       `json:"zone_class"`
	Value     float64   `json:"value"`
	Limit     float64   `json:"limit"`
	Unit      string    `json:"unit"`
	Exceeds   bool      `json:"exceeds"`
	Ratio     float64   `json:"ratio"` // C/S, the single-factor index
	// ExceedMultiple is 超标倍数 = (C − S)/S when C > S, else 0 (HJ 663 [K]).
	ExceedMultiple float64 `json:"exceed_multiple"`
}

// Limit returns the limit row for (p, avg).
func (s *AirLimitStandard) Limit(p Pollutant, avg Period) *AirLimit {
	for i := range s.Limits {
		if s.Limits[i].Pollutant == p && s.Limits[i].Averaging == avg {
			return &s.Limits[i]
		}
	}
	return nil
}

// Assess compares c with the limit for a zone of class 1 or 2.
func (s *AirLimitStandard) Assess(p Pollutant, avg Period, zoneClass int, c float64) (AirAssessment, error) {
	a := AirAssessment{Standard: s.ID, Pollutant: p, Averaging: avg, ZoneClass: zoneClass, Value: c}
	l := s.Limit(p, avg)
	if l == nil {
		return a, errf("air.no_limit", "%s has no %s limit for %s", s.ID, avg, p)
	}
	if !(c >= 0) || math.IsInf(c, 1) {
		return a, errf("air.bad_concentration", "concentration must be a finite number ≥ 0")
	}
	switch zoneClass {
	case 1:
		a.Limit = l.Grade1
	case 2:
		a.Limit = l.Grade2
	default:
		return a, errf("air.bad_zone_class", "zone class must be 1 or 2, got %d", zoneClass)
	}
	a.Unit = l.Unit
	a.Ratio = c / a.Limit
	if c > a.Limit {
		a.Exceeds = true
		a.ExceedMultiple = (c - a.Limit) / a.Limit
	}
	return a, nil
}

func gb3095_2012Limits() []AirLimit {
	const ug, mg = "µg/m³", "mg/m³"
	return []AirLimit{
		{SO2, Year, 20, 60, ug}, {SO2, Hour24, 50, 150, ug}, {SO2, Hour1, 150, 500, ug},
		{NO2, Year, 40, 40, ug}, {NO2, Hour24, 80, 80, ug}, {NO2, Hour1, 200, 200, ug},
		{CO, Hour24, 4, 4, mg}, {CO, Hour1, 10, 10, mg},
		{O3, Hour8, 100, 160, ug}, {O3, Hour1, 160, 200, ug},
		{PM10, Year, 40, 70, ug}, {PM10, Hour24, 50, 150, ug},
		{PM25, Year, 15, 35, ug}, {PM25, Hour24, 35, 75, ug},
		{TSP, Year, 80, 200, ug}, {TSP, Hour24, 120, 300, ug},
		{NOx, Year, 50, 50, ug}, {NOx, Hour24, 100, 100, ug}, {NOx, Hour1, 250, 250, ug},
		{Pb, Year, 0.5, 0.5, ug}, {Pb, Season, 1, 1, ug},
		{BaP, Year, 0.001, 0.001, ug}, {BaP, Hour24, 0.0025, 0.0025, ug},
	}
}

// with returns limits with the rows in changes replacing those of the same
// pollutant and period, so that a revision is written as its differences.
func with(base []AirLimit, changes ...AirLimit) []AirLimit {
	for _, c := range changes {
		for i := range base {
			if base[i].Pollutant == c.Pollutant && base[i].Averaging == c.Averaging {
				base[i].Grade1, base[i].Grade2 = c.Grade1, c.Grade2
			}
		}
	}
	return base
}

// GB3095_2012 is 环境空气质量标准 GB 3095-2012 (nationwide from 2016-01-01 [K];
// grade-1 figures [K]).
func GB3095_2012() *AirLimitStandard {
	return &AirLimitStandard{Meta: Meta{ID: "GB3095-2012", Kind: KindAirLimits, Title: "环境空气质量标准 GB 3095-2012",
		EffectiveFrom: MustDate("2016-01-01"), EffectiveUntil: MustDate("2026-03-01"), Source: "reference/standards.md §3.5"},
		Limits: gb3095_2012Limits()}
}

// GB3095_2026Transition is GB 3095—2026's transition limits, 2026-03-01 to
// 2030-12-31: only the grade-2 particulate limits tighten.
func GB3095_2026Transition() *AirLimitStandard {
	return &AirLimitStandard{Meta: Meta{ID: "GB3095-2026-T", Kind: KindAirLimits, Title: "环境空气质量标准 GB 3095—2026（过渡期限值）",
		EffectiveFrom: MustDate("2026-03-01"), EffectiveUntil: MustDate("2031-01-01"), Source: "reference/standards.md §3.5"},
		Limits: with(gb3095_2012Limits(),
			AirLimit{Pollutant: PM10, Averaging: Year, Grade1: 40, Grade2: 60}, AirLimit{Pollutant: PM10, Averaging: Hour24, Grade1: 50, Grade2: 120},
			AirLimit{Pollutant: PM25, Averaging: Year, Grade1: 15, Grade2: 30}, AirLimit{Pollutant: PM25, Averaging: Hour24, Grade1: 35, Grade2: 60})}
}

// GB3095_2026 is GB 3095—2026's final limits from 2031-01-01. TSP, Pb and BaP
// are not in the reference's list of changes and keep the 2012 figures [A].
func GB3095_2026() *AirLimitStandard {
	return &AirLimitStandard{Meta: Meta{ID: "GB3095-2026", Kind: KindAirLimits, Title: "环境空气质量标准 GB 3095—2026",
		EffectiveFrom: MustDate("2031-01-01"), Source: "reference/standards.md §3.5"},
		Limits: with(gb3095_2012Limits(),
			AirLimit{Pollutant: SO2, Averaging: Year, Grade1: 20, Grade2: 20}, AirLimit{Pollutant: SO2, Averaging: Hour24, Grade1: 50, Grade2: 50},
			AirLimit{Pollutant: SO2, Averaging: Hour1, Grade1: 150, Grade2: 150},
			AirLimit{Pollutant: NO2, Averaging: Year, Grade1: 30, Grade2: 30}, AirLimit{Pollutant: NO2, Averaging: Hour24, Grade1: 50, Grade2: 50},
			AirLimit{Pollutant: PM10, Averaging: Year, Grade1: 20, Grade2: 50}, AirLimit{Pollutant: PM10, Averaging: Hour24, Grade1: 50, Grade2: 100},
			AirLimit{Pollutant: PM25, Averaging: Year, Grade1: 10, Grade2: 25}, AirLimit{Pollutant: PM25, Averaging: Hour24, Grade1: 25, Grade2: 50},
			AirLimit{Pollutant: NOx, Averaging: Year, Grade1: 40, Grade2: 40}, AirLimit{Pollutant: NOx, Averaging: Hour24, Grade1: 70, Grade2: 70})}
}

package envstd

// Validation runs when standards are loaded from the rules table, so that an
// administrator's edit cannot put a malformed table on the ingest path.

func (m *Meta) validate() error {
	if m.ID == "" {
		return errf("std.missing_id", "a standard needs an id")
	}
	if m.EffectiveUntil != 0 && m.EffectiveUntil <= m.EffectiveFrom {
		return errf("std.bad_dates", "%s: effective_until must be after effective_from", m.ID)
	}
	return nil
}

// Validate checks an AQI standard's tables, reports and levels.
func (s *AQIStandard) Validate() error {
	if err := s.Meta.validate(); err != nil {
		return err
	}
	if s.Rounding != RoundUp && s.Rounding != RoundNearest {
		return errf("aqi.bad_rounding", "%s: rounding must be %q or %q", s.ID, RoundUp, RoundNearest)
	}
	for i, t := range s.Tables {
		if s.Table(t.Pollutant, t.Averaging) != &s.Tables[i] {
			return errf("aqi.duplicate_table", "%s: two %s %s tables", s.ID, t.Pollutant, t.Averaging)
		}
		if len(t.Segments) == 0 {
			return errf("aqi.empty_table", "%s: %s %s table has no rows", s.ID, t.Pollutant, t.Averaging)
		}
		for j, g := range t.Segments {
			if !(g.CHi > g.CLo) || g.IHi < g.ILo || (j > 0 && (g.CLo < t.Segments[j-1].CHi || g.ILo < t.Segments[j-1].IHi)) {
				return errf("aqi.bad_segments", "%s: %s %s row %d is not ascending", s.ID, t.Pollutant, t.Averaging, j+1)
			}
		}
		switch t.Above {
		case AboveCap:
		case AboveSubstitute:
			if s.Table(t.Pollutant, t.SubstituteWith) == nil {
				return errf("aqi.bad_substitute", "%s: %s %s substitutes a missing %s table", s.ID, t.Pollutant, t.Averaging, t.SubstituteWith)
			}
		default:
			return errf("aqi.bad_above", "%s: %s %s: above must be cap or substitute", s.ID, t.Pollutant, t.Averaging)
		}
	}
	if len(s.Reports) == 0 || len(s.Levels) == 0 {
		return errf("aqi.incomplete", "%s needs reports and levels", s.ID)
	}
	for _, rep := range s.Reports {
		if len(rep.Items) > MaxItems {
			return errf("aqi.too_many", "%s: a report has more than %d items", s.ID, MaxItems)
		}
		for _, it := range rep.Items {
			if it.Key == "" || s.Table(it.Pollutant, it.Table) == nil {
				return errf("aqi.bad_item", "%s: report item %q has no table", s.ID, it.Key)
			}
		}
	}
	for i := 1; i < len(s.Levels); i++ {
		if s.Levels[i].Max <= s.Levels[i-1].Max {
			return errf("aqi.bad_levels", "%s: level bounds must ascend", s.ID)
		}
	}
	return nil
}

// Validate checks the limit rows.
func (s *AirLimitStandard) Validate() error {
	if err := s.Meta.validate(); err != nil {
		return err
	}
	for _, l := range s.Limits {
		if !(l.Grade1 > 0) || !(l.Grade2 > 0) {
			return errf("air.bad_limit", "%s: %s %s limits must be positive", s.ID, l.Pollutant, l.Averaging)
		}
	}
	return nil
}

// Validate checks periods and zones.
func (s *NoiseStandard) Validate() error {
	if err := s.Meta.validate(); err != nil {
		return err
	}
	if s.DayStartMin < 0 || s.NightStartMin > 24*60 || s.DayStartMin >= s.NightStartMin || len(s.Zones) == 0 {
		return errf("noise.bad_standard", "%s: day must start before night, within the day, and zones are needed", s.ID)
	}
	return nil
}

// Validate checks that limits run from class I to V in the factor's direction.
func (s *WaterStandard) Validate() error {
	if err := s.Meta.validate(); err != nil {
		return err
	}
	for _, f := range s.Factors {
		for _, lim := range []*[5]float64{&f.Limits, f.LakeLimit} {
			if lim == nil || f.Direction == InRange {
				continue
			}
			for k := 1; k < 5; k++ {
				if (f.Direction == AtLeast && lim[k] > lim[k-1]) || (f.Direction == AtMost && lim[k] < lim[k-1]) {
					return errf("water.bad_limits", "%s: %s limits are not monotone from I to V", s.ID, f.Key)
				}
			}
		}
		if f.Direction != AtMost && f.Direction != AtLeast && f.Direction != InRange {
			return errf("water.bad_direction", "%s: %s has unknown direction %q", s.ID, f.Key, f.Direction)
		}
	}
	return nil
}

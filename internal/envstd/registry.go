package envstd

import (
	"sort"
	"time"
)

// Standard is any one version of a standard.
type Standard interface {
	StdMeta() *Meta
	Validate() error
}

func (m *Meta) StdMeta() *Meta { return m }

// Registry holds the versions of every standard. It is a plain value built
// from seed data or from the rules table; it holds no hidden state.
type Registry struct {
	AQI       []*AQIStandard      `json:"aqi"`
	AirLimits []*AirLimitStandard `json:"air_limits"`
	Noise     []*NoiseStandard    `json:"noise"`
	Water     []*WaterStandard    `json:"water"`
}

// Default is a fresh registry seeded from the reference.
func Default() *Registry {
	return &Registry{
		AQI:       []*AQIStandard{HJ633_2012(), HJ633_2026(), USEPA2024()},
		AirLimits: []*AirLimitStandard{GB3095_2012(), GB3095_2026Transition(), GB3095_2026()},
		Noise:     []*NoiseStandard{GB3096_2008()},
		Water:     []*WaterStandard{GB3838_2002()},
	}
}

// All lists every standard in the registry.
func (r *Registry) All() []Standard {
	var out []Standard
	for _, s := range r.AQI {
		out = append(out, s)
	}
	for _, s := range r.AirLimits {
		out = append(out, s)
	}
	for _, s := range r.Noise {
		out = append(out, s)
	}
	for _, s := range r.Water {
		out = append(out, s)
	}
	return out
}

// Validate checks every standard and that no id repeats.
func (r *Registry) Validate() error {
	seen := map[string]bool{}
	for _, s := range r.All() {
		m := s.StdMeta()
		if seen[m.ID] {
			return errf("std.duplicate_id", "standard id %q appears twice", m.ID)
		}
		seen[m.ID] = true
		if err := s.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// ByID finds any standard by id ("HJ633-2012").
func (r *Registry) ByID(id string) (Standard, error) {
	for _, s := range r.All() {
		if s.StdMeta().ID == id {
			return s, nil
		}
	}
	return nil, errf("std.unknown_id", "no standard with id %q", id)
}

// ForDate is the standard of a kind in force on t's civil date (read in t's
// location: pass China Standard Time, since switches happen at local
// midnight). If versions overlap, the one that took effect last wins.
func (r *Registry) ForDate(kind Kind, t time.Time) (Standard, error) {
	return r.forDate(kind, DateOf(t))
}

func (r *Registry) forDate(kind Kind, d Date) (Standard, error) {
	var best Standard
	for _, s := range r.All() {
		m := s.StdMeta()
		if m.Kind == kind && m.InForce(d) && (best == nil || m.EffectiveFrom > best.StdMeta().EffectiveFrom) {
			best = s
		}
	}
	if best == nil {
		return nil, errf("std.none_in_force", "no %s standard in force on %s", kind, d)
	}
	return best, nil
}

// AQIFor picks an AQI standard: by id when id is not empty, else the one of
// kind in force on t.
func (r *Registry) AQIFor(kind Kind, id string, t time.Time) (*AQIStandard, error) {
	return pick[*AQIStandard](r, kind, id, t)
}

// AirLimitsFor, NoiseFor and WaterFor pick like AQIFor.
func (r *Registry) AirLimitsFor(id string, t time.Time) (*AirLimitStandard, error) {
	return pick[*AirLimitStandard](r, KindAirLimits, id, t)
}

func (r *Registry) NoiseFor(id string, t time.Time) (*NoiseStandard, error) {
	return pick[*NoiseStandard](r, KindNoise, id, t)
}

func (r *Registry) WaterFor(id string, t time.Time) (*WaterStandard, error) {
	return pick[*WaterStandard](r, KindWater, id, t)
}

func pick[T Standard](r *Registry, kind Kind, id string, t time.Time) (T, error) {
	var zero T
	var s Standard
	var err error
	if id != "" {
		s, err = r.ByID(id)
	} else {
		s, err = r.ForDate(kind, t)
	}
	if err != nil {
		return zero, err
	}
	v, ok := s.(T)
	if !ok {
		return zero, errf("std.wrong_kind", "standard %q is a %s standard", id, s.StdMeta().Kind)
	}
	return v, nil
}

// Versions lists the standards of a kind in order of taking effect.
func (r *Registry) Versions(kind Kind) []*Meta {
	var out []*Meta
	for _, s := range r.All() {
		if m := s.StdMeta(); m.Kind == kind {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].EffectiveFrom < out[j].EffectiveFrom })
	return out
}

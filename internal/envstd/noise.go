package envstd

import (
	"math"
	"strings"
	"time"
)

// NoisePeriod is 昼间 (day) or 夜间 (night).
type NoisePeriod string

const (
	Day   NoisePeriod = "day"
	Night NoisePeriod = "night"
)

// NoiseZone is one 声环境功能区 class with its Leq limits in dB(A).
type NoiseZone struct {
	Class  string  `json:"class"` // "0", "1", "2", "3", "4a", "4b"
	Day    float64 `json:"day"`
	Night  float64 `json:"night"`
	DescZh string  `json:"desc_zh"`
}

// NoiseStandard is one version of 声环境质量标准 GB 3096.
type NoiseStandard struct {
	Meta
	// DayStartMin and NightStartMin are minutes after local midnight
	// (06:00 = 360, 22:00 = 1320) [K].
	DayStartMin   int `json:"day_start_min"`
	NightStartMin int `json:"night_start_min"`
	// NightLmaxAllowance: at night a sudden noise's Lmax may exceed the
	// Leq limit by at most this much (15 dB(A)) [K].
	NightLmaxAllowance float64     `json:"night_lmax_allowance"`
	Zones              []NoiseZone `json:"zones"`
}

// NoiseResult compares one level with its limit.
type NoiseResult struct {
	Standard string      `json:"standard"`
	Zone     string      `json:"zone"`
	Period   NoisePeriod `json:"period"`
	Metric   string      `json:"metric"` // "leq" or "lmax"
	Value    float64     `json:"value"`
	Limit    float64     `json:"limit"`
	Exceeds  bool        `json:"exceeds"`
	// Excess is value − limit in dB(A), rounded to 0.1 (meters report
	// tenths), and 0 when within the limit.
	Excess float64 `json:"excess"`
}

// Zone finds a class; "4A" is accepted for "4a".
func (s *NoiseStandard) Zone(class string) (*NoiseZone, error) {
	c := strings.ToLower(strings.TrimSpace(class))
	for i := range s.Zones {
		if s.Zones[i].Class == c {
			return &s.Zones[i], nil
		}
	}
	return nil, errf("noise.bad_zone", "zone class %q is not one of 0, 1, 2, 3, 4a, 4b", class)
}

// PeriodAt says whether t (read on its own location's clock, which must be
// local time) falls in the day or the night period.
func (s *NoiseStandard) PeriodAt(t time.Time) NoisePeriod {
	m := t.Hour()*60 + t.Minute()
	if m >= s.DayStartMin && m < s.NightStartMin {
		return Day
	}
	return Night
}

// Assess compares an equivalent level Leq with the zone's limit.
func (s *NoiseStandard) Assess(zone string, p NoisePeriod, leq float64) (NoiseResult, error) {
	z, err := s.Zone(zone)
	if err != nil {
		return NoiseResult{}, err
	}
	var limit float64
	switch p {
	case Day:
		limit = z.Day
	case Night:
		limit = z.Night
	default:
		return NoiseResult{}, errf("noise.bad_period", "period must be day or night, got %q", p)
	}
	return s.compare(z, p, "leq", leq, limit)
}

// AssessNightLmax checks a night-time maximum level against limit + 15.
func (s *NoiseStandard) AssessNightLmax(zone string, lmax float64) (NoiseResult, error) {
	z, err := s.Zone(zone)
	if err != nil {
		return NoiseResult{}, err
	}
	return s.compare(z, Night, "lmax", lmax, z.Night+s.NightLmaxAllowance)
}

func (s *NoiseStandard) compare(z *NoiseZone, p NoisePeriod, metric string, v, limit float64) (NoiseResult, error) {
	if !(v >= 0) || math.IsInf(v, 1) {
		return NoiseResult{}, errf("noise.bad_level", "sound level must be a finite number ≥ 0 dB(A)")
	}
	r := NoiseResult{Standard: s.ID, Zone: z.Class, Period: p, Metric: metric, Value: v, Limit: limit}
	if v > limit {
		r.Exceeds = true
		r.Excess = math.Round((v-limit)*10) / 10
	}
	return r, nil
}

// GB3096_2008 is 声环境质量标准 GB 3096-2008 (in force 2008-10-01 [K]).
// 4b applies to new railway lines approved from 2011-01-01; existing
// railways through towns use 70/55 (the 4a figures) [K].
func GB3096_2008() *NoiseStandard {
	return &NoiseStandard{
		Meta: Meta{ID: "GB3096-2008", Kind: KindNoise, Title: "声环境质量标准 GB 3096-2008",
			EffectiveFrom: MustDate("2008-10-01"), Source: "reference/standards.md §3.3"},
		DayStartMin: 6 * 60, NightStartMin: 22 * 60, NightLmaxAllowance: 15,
		Zones: []NoiseZone{
			{Class: "0", Day: 50, Night: 40, DescZh: "康复疗养区等特别需要安静的区域"},
			{Class: "1", Day: 55, Night: 45, DescZh: "居住、医疗卫生、文化教育、科研设计、行政办公"},
			{Class: "2", Day: 60, Night: 50, DescZh: "商业金融、集市贸易或居住、商业、工业混杂区"},
			{Class: "3", Day: 65, Night: 55, DescZh: "工业生产、仓储物流"},
			{Class: "4a", Day: 70, Night: 55, DescZh: "高速公路、一级二级公路、城市快速路、主干路、次干路、城市轨道交通（地面段）、内河航道两侧"},
			{Class: "4b", Day: 70, Night: 60, DescZh: "铁路干线两侧"},
		},
	}
}

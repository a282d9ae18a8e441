package envstd

import (
	"math"
	"strings"
)

// WaterBody selects limits that differ between 河流 and 湖泊、水库 (TP, TN).
type WaterBody string

const (
	River WaterBody = "river"
	Lake  WaterBody = "lake" // lakes and reservoirs
)

// WaterClass is 1…5 for 类 I–V and 6 for 劣V类.
type WaterClass int

const WorseThanV WaterClass = 6

var waterClassNames = [...]string{"", "I", "II", "III", "IV", "V", "劣V"}

func (c WaterClass) String() string {
	if c < 1 || c > WorseThanV {
		return ""
	}
	return waterClassNames[c]
}

func (c WaterClass) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Direction says which side of a limit is compliant.
type Direction string

const (
	AtMost  Direction = "at_most"  // value ≤ limit (most factors)
	AtLeast Direction = "at_least" // value ≥ limit: dissolved oxygen, higher is better
	InRange Direction = "range"    // RangeLo ≤ value ≤ RangeHi for every class (pH)
)

// WaterFactor is one row of GB 3838-2002 Table 1.
type WaterFactor struct {
	Key       string      `json:"key"` // "do", "codmn", "nh3n", "tp"
	NameZh    string      `json:"name_zh"`
	NameEn    string      `json:"name_en"`
	Unit      string      `json:"unit"`
	Direction Direction   `json:"direction"`
	Limits    [5]float64  `json:"limits,omitempty"`      // class I…V
	LakeLimit *[5]float64 `json:"lake_limits,omitempty"` // when lakes differ (TP)
	RangeLo   float64     `json:"range_lo,omitempty"`
	RangeHi   float64     `json:"range_hi,omitempty"`
	// OnlyFor, when set, restricts the factor to one water body (TN is
	// assessed for lakes and reservoirs only).
	OnlyFor WaterBody `json:"only_for,omitempty"`
}

// WaterStandard is one version of 地表水环境质量标准 GB 3838.
type WaterStandard struct {
	Meta
	Factors []WaterFactor `json:"factors"`
}

// WaterFactorResult is the class of one factor; Assessed is false when the
// factor does not apply to the water body (TN in a river).
type WaterFactorResult struct {
	Key      string     `json:"key"`
	Value    float64    `json:"value"`
	Class    WaterClass `json:"class"`
	Assessed bool       `json:"assessed"`
}

// WaterResult is the overall class (the worst assessed factor) and per-factor classes.
type WaterResult struct {
	Standard string              `json:"standard"`
	Body     WaterBody           `json:"water_body"`
	Class    WaterClass          `json:"class"`
	Factors  []WaterFactorResult `json:"factors"`
	Worst    []string            `json:"worst"` // factors at the overall class (定类因子)
}

// Factor finds a factor by key.
func (s *WaterStandard) Factor(key string) *WaterFactor {
	for i := range s.Factors {
		if s.Factors[i].Key == key {
			return &s.Factors[i]
		}
	}
	return nil
}

// ParseWaterBody accepts river, lake (and reservoir as lake).
func ParseWaterBody(s string) (WaterBody, error) {
	switch strings.ToLower(s) {
	case "river":
		return River, nil
	case "lake", "reservoir":
		return Lake, nil
	}
	return "", errf("water.bad_body", "water body must be river or lake, got %q", s)
}

// ClassOf classes one value: the first class from I whose limit it meets,
// 劣V beyond V.
func (f *WaterFactor) ClassOf(body WaterBody, v float64) WaterClass {
	if f.Direction == InRange {
		if v >= f.RangeLo && v <= f.RangeHi {
			return 1
		}
		return WorseThanV
	}
	lim := &f.Limits
	if body == Lake && f.LakeLimit != nil {
		lim = f.LakeLimit
	}
	for k, l := range lim {
		if (f.Direction == AtLeast && v >= l) || (f.Direction != AtLeast && v <= l) {
			return WaterClass(k + 1)
		}
	}
	return WorseThanV
}

// Classify classes each factor and the sample (overall class = worst factor).
func (s *WaterStandard) Classify(body WaterBody, in []Conc) (WaterResult, error) {
	r := WaterResult{Standard: s.ID, Body: body, Worst: []string{}}
	if body != River && body != Lake {
		return r, errf("water.bad_body", "water body must be river or lake, got %q", body)
	}
	if len(in) == 0 {
		return r, errf("water.no_data", "no factor values given")
	}
	for _, c := range in {
		f := s.Factor(c.Key)
		if f == nil {
			return r, errf("water.unknown_factor", "%q is not a factor of %s", c.Key, s.ID)
		}
		if !(c.Value >= 0) || math.IsInf(c.Value, 1) {
			return r, errf("water.bad_value", "%s: value must be a finite number ≥ 0", c.Key)
		}
		for _, prev := range r.Factors {
			if prev.Key == c.Key {
				return r, errf("water.duplicate_factor", "%q given twice", c.Key)
			}
		}
		fr := WaterFactorResult{Key: c.Key, Value: c.Value, Class: f.ClassOf(body, c.Value), Assessed: f.OnlyFor == "" || f.OnlyFor == body}
		r.Factors = append(r.Factors, fr)
		if fr.Assessed && fr.Class > r.Class {
			r.Class = fr.Class
		}
	}
	if r.Class == 0 {
		return r, errf("water.no_data", "no given factor applies to a %s", body)
	}
	for _, f := range r.Factors {
		if f.Assessed && f.Class == r.Class {
			r.Worst = append(r.Worst, f.Key)
		}
	}
	return r, nil
}

// GB3838_2002 is 地表水环境质量标准 GB 3838-2002, Table 1 basic items as far
// as the reference lists them (in force 2002-06-01 [K]).
func GB3838_2002() *WaterStandard {
	return &WaterStandard{
		Meta: Meta{ID: "GB3838-2002", Kind: KindWater, Title: "地表水环境质量标准 GB 3838-2002",
			EffectiveFrom: MustDate("2002-06-01"), Source: "reference/standards.md §3.4"},
		Factors: []WaterFactor{
			{Key: "ph", NameZh: "pH值", NameEn: "pH", Unit: "", Direction: InRange, RangeLo: 6, RangeHi: 9},
			{Key: "do", NameZh: "溶解氧", NameEn: "dissolved oxygen", Unit: "mg/L", Direction: AtLeast, Limits: [5]float64{7.5, 6, 5, 3, 2}},
			{Key: "codmn", NameZh: "高锰酸盐指数", NameEn: "permanganate index", Unit: "mg/L", Direction: AtMost, Limits: [5]float64{2, 4, 6, 10, 15}},
			{Key: "cod", NameZh: "化学需氧量", NameEn: "chemical oxygen demand", Unit: "mg/L", Direction: AtMost, Limits: [5]float64{15, 15, 20, 30, 40}},
			{Key: "bod5", NameZh: "五日生化需氧量", NameEn: "BOD5", Unit: "mg/L", Direction: AtMost, Limits: [5]float64{3, 3, 4, 6, 10}},
			{Key: "nh3n", NameZh: "氨氮", NameEn: "ammonia nitrogen", Unit: "mg/L", Direction: AtMost, Limits: [5]float64{0.15, 0.5, 1.0, 1.5, 2.0}},
			{Key: "tp", NameZh: "总磷", NameEn: "total phosphorus", Unit: "mg/L", Direction: AtMost, Limits: [5]float64{0.02, 0.1, 0.2, 0.3, 0.4},
				LakeLimit: &[5]float64{0.01, 0.025, 0.05, 0.1, 0.2}},
			{Key: "tn", NameZh: "总氮（湖、库）", NameEn: "total nitrogen (lakes, reservoirs)", Unit: "mg/L", Direction: AtMost, Limits: [5]float64{0.2, 0.5, 1.0, 1.5, 2.0}, OnlyFor: Lake},
			{Key: "fc", NameZh: "粪大肠菌群", NameEn: "fecal coliform", Unit: "个/L", Direction: AtMost, Limits: [5]float64{200, 2000, 10000, 20000, 40000}},
		},
	}
}

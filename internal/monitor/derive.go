package monitor

import (
	"math"
	"time"

	"towngrid/internal/envstd"
)

// Site is what the standards need to know about a device.
type Site struct {
	Kind        string
	NoiseZone   string // 0, 1, 2, 3, 4a, 4b
	AirClass    int    // 1 or 2 (GB 3095 zone class)
	WaterBody   string // river | lake
	WaterTarget int    // target class 1–5 (0: none)
}

// Derived keys written beside the raw readings, so charts and alarm rules use
// them like any other key.
const (
	KeyAQI        = "aqi"        // hourly AQI (实时报) of the closed hour, ts = the hour's start
	KeyAQILevel   = "aqi_level"  // 1–6
	KeyAQINA      = "aqi_na"     // 1 when HJ 633—2026 §5.3 says publish NA
	KeyNoiseOver  = "noise_over" // Leq − the zone's day/night limit, dB(A); > 0 exceeds
	KeyWaterClass = "water_class"
	KeyWaterOver  = "water_over" // water_class − target class; > 0 is worse than the target
)

// AirKeys maps the keys an air station sends to the items of the HJ 633
// real-time (1h) report.
var AirKeys = map[string]string{
	"pm2_5": "pm2_5", "pm25": "pm2_5", "pm10": "pm10", "so2": "so2", "no2": "no2", "co": "co",
	"o3": "o3_1h", "o3_1h": "o3_1h", "o3_8h": "o3_8h",
}

// NoiseKeys are the keys a noise station sends its equivalent level under.
var NoiseKeys = map[string]bool{"leq": true, "laeq": true, "noise": true}

// China is the civil time the standards switch on (HJ 633—2026 from
// 2026-03-01 local midnight) and the noise day/night periods use.
var China = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// HourlyAQI computes the AQI of one closed hour from its 1-hour means
// (device keys → mean), with the HJ 633 version in force on the hour's date.
// ok is false when no air key is present or the standard refuses the input.
func HourlyAQI(reg *envstd.Registry, hourStart int64, means map[string]float64) (out []Reading, ok bool) {
	std, err := reg.AQIFor(envstd.KindAQICN, "", time.UnixMilli(hourStart).In(China))
	if err != nil {
		return nil, false
	}
	var in [envstd.MaxItems]envstd.Conc
	n := 0
	seen := map[string]bool{}
	for k, v := range means {
		item, isAir := AirKeys[k]
		if !isAir || seen[item] || n == len(in) || !(v >= 0) {
			continue
		}
		seen[item] = true
		in[n] = envstd.Conc{Key: item, Value: v}
		n++
	}
	if n == 0 {
		return nil, false
	}
	res, err := std.Compute(envstd.Hour1, in[:n], envstd.AQIOptions{CapOverflow: true})
	if err != nil {
		return nil, false
	}
	if res.NA {
		return []Reading{{Key: KeyAQINA, TS: hourStart, Value: 1}}, true
	}
	level := 0
	for i := range std.Levels {
		if res.Level == &std.Levels[i] {
			level = i + 1
		}
	}
	return []Reading{{Key: KeyAQI, TS: hourStart, Value: float64(res.AQI)}, {Key: KeyAQILevel, TS: hourStart, Value: float64(level)}}, true
}

// NoiseOver compares a noise reading with the zone's limit for the period
// (昼间/夜间) of its local time, by the GB 3096 version in force that day.
func NoiseOver(reg *envstd.Registry, s *Site, r Reading) (Reading, bool) {
	if !NoiseKeys[r.Key] || s.NoiseZone == "" {
		return Reading{}, false
	}
	t := time.UnixMilli(r.TS).In(China)
	std, err := reg.NoiseFor("", t)
	if err != nil {
		return Reading{}, false
	}
	res, err := std.Assess(s.NoiseZone, std.PeriodAt(t), r.Value)
	if err != nil {
		return Reading{}, false
	}
	return Reading{Key: KeyNoiseOver, TS: r.TS, Value: math.Round((r.Value-res.Limit)*10) / 10}, true
}

// WaterClasses classes the water factors among rs (one message, one ts) by
// GB 3838 in force on that date: <factor>_class per factor, water_class
// overall and, with a target, water_over.
func WaterClasses(reg *envstd.Registry, s *Site, rs []Reading, out []Reading) []Reading {
	if len(rs) == 0 {
		return out
	}
	body, err := envstd.ParseWaterBody(s.WaterBody)
	if err != nil {
		return out
	}
	ts := rs[0].TS
	std, err := reg.WaterFor("", time.UnixMilli(ts).In(China))
	if err != nil {
		return out
	}
	var in []envstd.Conc
	for _, r := range rs {
		if std.Factor(r.Key) != nil && r.TS == ts {
			in = append(in, envstd.Conc{Key: r.Key, Value: r.Value})
		}
	}
	if len(in) == 0 {
		return out
	}
	res, err := std.Classify(body, in)
	if err != nil {
		return out
	}
	for _, f := range res.Factors {
		if f.Assessed {
			out = append(out, Reading{Key: f.Key + "_class", TS: ts, Value: float64(f.Class)})
		}
	}
	out = append(out, Reading{Key: KeyWaterClass, TS: ts, Value: float64(res.Class)})
	if s.WaterTarget > 0 {
		out = append(out, Reading{Key: KeyWaterOver, TS: ts, Value: float64(int(res.Class) - s.WaterTarget)})
	}
	return out
}

// AQIColor is the official colour of an AQI (HJ 633 Table A.1) by the
// standard in force at t; "" when none applies.
func AQIColor(reg *envstd.Registry, aqi int, t time.Time) string {
	std, err := reg.AQIFor(envstd.KindAQICN, "", t.In(China))
	if err != nil {
		return ""
	}
	if l := std.Level(aqi); l != nil {
		return l.RGB.Hex()
	}
	return ""
}

package monitor

import (
	"math"
	"testing"
	"time"

	"towngrid/internal/envstd"
)

func TestParseTelemetryFormats(t *testing.T) {
	now := int64(1767225600000) // 2026-01-01T00:00:00Z
	cases := []struct {
		name, in string
		want     map[string]Reading
		skipped  int
		code     string
	}{
		{"flat", `{"temperature":42.5,"on":true}`, map[string]Reading{"temperature": {"temperature", now, 42.5}, "on": {"on", now, 1}}, 0, ""},
		{"array", `[{"a":1},{"b":2}]`, map[string]Reading{"a": {"a", now, 1}, "b": {"b", now, 2}}, 0, ""},
		{"ts values", `{"ts":1767225000000,"values":{"a":-3e2}}`, map[string]Reading{"a": {"a", 1767225000000, -300}}, 0, ""},
		{"array of ts", `[{"ts":1767225000000,"values":{"a":1}},{"ts":1767225060000,"values":{"b":2}}]`, map[string]Reading{"a": {"a", 1767225000000, 1}, "b": {"b", 1767225060000, 2}}, 0, ""},
		{"strings skipped", `{"a":1,"fw":"1.2","n":null,"o":{"x":1}}`, map[string]Reading{"a": {"a", now, 1}}, 3, ""},
		{"empty", ` `, nil, 0, "telemetry.empty"},
		{"not json", `{a:1}`, nil, 0, "telemetry.json"},
		{"scalar", `42`, nil, 0, "telemetry.shape"},
		{"ts without values", `{"ts":1767225000000,"a":1}`, nil, 0, "telemetry.shape"},
		{"ts text", `{"ts":"now","values":{"a":1}}`, nil, 0, "telemetry.ts"},
		{"ts far future", `{"ts":1967225000000,"values":{"a":1}}`, nil, 0, "telemetry.ts"},
		{"ts before 2000", `{"ts":5,"values":{"a":1}}`, nil, 0, "telemetry.ts"},
		{"only text", `{"fw":"x"}`, nil, 1, "telemetry.no_values"},
		{"bad key", `{"a b":1}`, nil, 0, "telemetry.key"},
		{"array item", `[1]`, nil, 0, "telemetry.shape"},
		{"empty array", `[]`, nil, 0, "telemetry.empty"},
	}
	for _, c := range cases {
		rs, skipped, err := ParseTelemetry([]byte(c.in), now, nil)
		if c.code != "" {
			e, ok := err.(*Error)
			if !ok || e.Code != c.code {
				t.Errorf("%s: err %v, want %s", c.name, err, c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(rs) != len(c.want) || skipped != c.skipped {
			t.Errorf("%s: %v skipped %d", c.name, rs, skipped)
		}
		for _, r := range rs {
			if c.want[r.Key] != r {
				t.Errorf("%s: %v, want %v", c.name, r, c.want[r.Key])
			}
		}
	}
}

func FuzzParseTelemetry(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[{"a":1},{"ts":1767225000000,"values":{"b":true}}]`, `{"ts":1767225000000,"values":{}}`, `[[]]`, `{"":1}`, `{"a":1e400}`} {
		f.Add([]byte(s))
	}
	now := int64(1767225600000)
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, _, err := ParseTelemetry(b, now, nil)
		if err != nil {
			if len(rs) != 0 {
				t.Fatalf("error with readings: %v", rs)
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T without a code", err)
			}
			return
		}
		if len(rs) == 0 || len(rs) > MaxReadings {
			t.Fatalf("%d readings without an error", len(rs))
		}
		for _, r := range rs {
			if CheckKey(r.Key) != nil || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) || r.TS < minTS || r.TS > now+maxAheadMS {
				t.Fatalf("invalid reading accepted: %+v", r)
			}
		}
	})
}

// ThingsBoard's condition types (platforms.md §2.2): simple, duration held
// on the readings' clock, repeating N in a row, with an explicit clear.
func TestRuleStep(t *testing.T) {
	dur := &Rule{Key: "x", RuleBody: RuleBody{Condition: Condition{Op: "gt", Value: 10, Type: "duration", Seconds: 60},
		Clear: &Condition{Op: "le", Value: 10, Type: "repeating", Count: 2}}}
	var st State
	steps := []struct {
		ts  int64
		v   float64
		out Outcome
	}{
		{0, 11, Nothing}, {30_000, 12, Nothing}, {40_000, 5, Nothing}, // reset by a false reading
		{50_000, 11, Nothing}, {109_000, 11, Nothing}, {110_000, 11, Raise},
		{120_000, 20, Extend}, {130_000, 5, Nothing}, {140_000, 11, Extend}, {150_000, 5, Nothing}, {160_000, 4, Clear},
		{170_000, 50, Nothing},
	}
	for i, s := range steps {
		if out, _ := dur.Step(&st, s.ts, time.Time{}, s.v, nil); out != s.out {
			t.Fatalf("step %d (%d, %v): %v, want %v (state %+v)", i, s.ts, s.v, out, s.out, st)
		}
	}
	rep := &Rule{Key: "x", RuleBody: RuleBody{Condition: Condition{Op: "ge", Value: 0, Attribute: "limit", Type: "repeating", Count: 3}}}
	st = State{}
	attrs := map[string]float64{"limit": 100}
	for i, v := range []float64{150, 120, 90, 101, 102, 103} {
		out, _ := rep.Step(&st, int64(i), time.Time{}, v, attrs)
		if (i == 5) != (out == Raise) {
			t.Fatalf("repeating step %d: %v", i, out)
		}
	}
	// Without a clear condition the alarm only clears by hand.
	if out, _ := rep.Step(&st, 10, time.Time{}, 0, attrs); out != Nothing || !st.Active {
		t.Fatalf("cleared without a clear condition: %v %+v", out, st)
	}
}

func TestScheduleAndValidate(t *testing.T) {
	s := &Schedule{Weekdays: []int{1, 2, 3, 4, 5}, From: 22 * 60, To: 6 * 60} // weekday nights
	mon23 := time.Date(2026, 3, 2, 23, 0, 0, 0, China)                        // Monday
	sat23 := time.Date(2026, 3, 7, 23, 0, 0, 0, China)
	mon12 := time.Date(2026, 3, 2, 12, 0, 0, 0, China)
	if !s.In(mon23) || s.In(sat23) || s.In(mon12) {
		t.Error("schedule")
	}
	r := &Rule{Name: "x", DeviceKind: "air_station", Key: "aqi", Severity: "MAJOR", RuleBody: RuleBody{Condition: Condition{Op: "gt", Value: 1}}}
	if fe := r.Validate(); fe != nil {
		t.Fatal(fe)
	}
	r.Condition.Value = math.NaN()
	if fe := r.Validate(); fe == nil || fe.Field != "condition" {
		t.Errorf("NaN threshold: %v", fe)
	}
}

// Derived values by the standard in force on the reading's date
// (standards.md §3.1, §3.3, §3.4).
func TestDerived(t *testing.T) {
	reg := envstd.Default()
	h2012 := time.Date(2026, 2, 28, 10, 0, 0, 0, China).UnixMilli()
	h2026 := time.Date(2026, 3, 1, 10, 0, 0, 0, China).UnixMilli()
	// PM2.5 70 µg/m³: 2012 column 35→50, 75→100: 50 + 50×35/40 = 93.75 → 94;
	// 2026 column 60→100, 115→150: 100 + 50×10/55 = 109.09 → 110.
	for _, c := range []struct {
		h        int64
		aqi, lvl float64
	}{{h2012, 94, 2}, {h2026, 110, 3}} {
		out, ok := HourlyAQI(reg, c.h, map[string]float64{"pm2_5": 70, "pm10": 20, "temperature": 30})
		if !ok || out[0].Key != KeyAQI || out[0].Value != c.aqi || out[1].Value != c.lvl || out[0].TS != c.h {
			t.Errorf("AQI at %d: %+v %v", c.h, out, ok)
		}
	}
	// Noise, zone 2 (60 day / 50 night): 55 dB at 23:00 exceeds by 5.
	s := &Site{NoiseZone: "2"}
	r, ok := NoiseOver(reg, s, Reading{Key: "leq", TS: time.Date(2026, 3, 1, 23, 0, 0, 0, China).UnixMilli(), Value: 55})
	if !ok || r.Value != 5 {
		t.Errorf("noise night: %+v", r)
	}
	r, _ = NoiseOver(reg, s, Reading{Key: "leq", TS: time.Date(2026, 3, 1, 12, 0, 0, 0, China).UnixMilli(), Value: 55})
	if r.Value != -5 {
		t.Errorf("noise day: %+v", r)
	}
	// Water, lake, target II: TP 0.04 mg/L is class III in a lake (≤ 0.05), II in a river (≤ 0.1).
	ts := time.Date(2026, 3, 1, 9, 0, 0, 0, China).UnixMilli()
	got := WaterClasses(reg, &Site{WaterBody: "lake", WaterTarget: 2}, []Reading{{"tp", ts, 0.04}, {"ph", ts, 7}}, nil)
	want := map[string]float64{"tp_class": 3, "ph_class": 1, KeyWaterClass: 3, KeyWaterOver: 1}
	if len(got) != len(want) {
		t.Fatalf("water %+v", got)
	}
	for _, g := range got {
		if want[g.Key] != g.Value {
			t.Errorf("water %s = %v, want %v", g.Key, g.Value, want[g.Key])
		}
	}
}

// The fast path and encoding/json agree on every input: same error code or
// the same readings (as a set; encoding/json's map order is random).
func FuzzParseFastMatchesStd(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":"x"}`, `[{"a":1},{"ts":1767225000000,"values":{"b":true}}]`, `{"ts":1767225000000,"values":{"a":[1,{"b":2}]}}`,
		`{"a\u0041":1}`, `{"a":1,"a":2}`, `{"ts":1767225000000}`, ` [ ] `, `{"a" : 1 , "b" : -2.5e3 }`} {
		f.Add([]byte(s))
	}
	now := int64(1767225600000)
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, fs, ferr := ParseTelemetry(b, now, nil)
		std, ss, serr := parseTelemetryStd(b, now, nil)
		if (ferr == nil) != (serr == nil) {
			t.Fatalf("%q: fast %v, std %v", b, ferr, serr)
		}
		if ferr != nil {
			if ferr.(*Error).Code != serr.(*Error).Code && ferr.(*Error).Code != "telemetry.too_many" {
				t.Fatalf("%q: codes %v / %v", b, ferr, serr)
			}
			return
		}
		if len(fast) != len(std) || fs != ss {
			t.Fatalf("%q: %v (%d) vs %v (%d)", b, fast, fs, std, ss)
		}
		seen := map[Reading]int{}
		for _, r := range std {
			seen[r]++
		}
		for _, r := range fast {
			if seen[r] == 0 {
				t.Fatalf("%q: fast has %v, std %v", b, r, std)
			}
			seen[r]--
		}
	})
}

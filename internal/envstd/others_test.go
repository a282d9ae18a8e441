package envstd

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

// GB 3096-2008 limits, reference §3.3, typed in again.
func TestNoiseLimits(t *testing.T) {
	s := GB3096_2008()
	want := map[string][2]float64{"0": {50, 40}, "1": {55, 45}, "2": {60, 50}, "3": {65, 55}, "4a": {70, 55}, "4b": {70, 60}}
	for zone, lim := range want {
		for i, p := range []NoisePeriod{Day, Night} {
			r, err := s.Assess(zone, p, lim[i])
			if err != nil || r.Limit != lim[i] || r.Exceeds || r.Excess != 0 {
				t.Errorf("zone %s %s at the limit: %+v %v", zone, p, r, err)
			}
		}
	}
	// The brief's example: class 1 at night, Leq 47 → limit 45, exceeds by 2.
	r, err := s.Assess("1", Night, 47)
	if err != nil || r.Limit != 45 || !r.Exceeds || r.Excess != 2 {
		t.Errorf("zone 1 night 47: %+v %v", r, err)
	}
	r, _ = s.Assess("4A", Day, 70.3)
	if !r.Exceeds || r.Excess != 0.3 {
		t.Errorf("4A day 70.3: %+v", r)
	}
	// Night Lmax may exceed the limit by 15 dB(A).
	if r, _ := s.AssessNightLmax("1", 60); r.Limit != 60 || r.Exceeds {
		t.Errorf("Lmax 60: %+v", r)
	}
	if r, _ := s.AssessNightLmax("1", 61); !r.Exceeds || r.Excess != 1 {
		t.Errorf("Lmax 61: %+v", r)
	}
	for _, bad := range []string{"5", "4", "", "4c"} {
		if _, err := s.Assess(bad, Day, 50); !isCode(err, "noise.bad_zone") {
			t.Errorf("zone %q: %v", bad, err)
		}
	}
	if _, err := s.Assess("1", Day, -3); err == nil {
		t.Error("negative level accepted")
	}
}

// 昼间 06:00–22:00, 夜间 22:00–06:00.
func TestNoiseDayNight(t *testing.T) {
	s := GB3096_2008()
	for hm, want := range map[[2]int]NoisePeriod{{5, 59}: Night, {6, 0}: Day, {12, 0}: Day, {21, 59}: Day, {22, 0}: Night, {0, 0}: Night} {
		if got := s.PeriodAt(time.Date(2026, 5, 1, hm[0], hm[1], 0, 0, cst)); got != want {
			t.Errorf("%02d:%02d: got %s", hm[0], hm[1], got)
		}
	}
}

// GB 3838-2002 Table 1, reference §3.4.
func TestWaterClasses(t *testing.T) {
	s := GB3838_2002()
	// The brief's example, hand-classed: DO 6.5 ≥ 6 → II; CODMn 3.9 ≤ 4 → II;
	// NH3-N 1.2 ≤ 1.5 → IV; TP 0.1 ≤ 0.1 (river) → II. Overall IV.
	r, err := s.Classify(River, []Conc{{"do", 6.5}, {"codmn", 3.9}, {"nh3n", 1.2}, {"tp", 0.1}})
	if err != nil || r.Class.String() != "IV" || len(r.Worst) != 1 || r.Worst[0] != "nh3n" {
		t.Fatalf("got %+v %v", r, err)
	}
	want := map[string]string{"do": "II", "codmn": "II", "nh3n": "IV", "tp": "II"}
	for _, f := range r.Factors {
		if f.Class.String() != want[f.Key] {
			t.Errorf("%s: %s, want %s", f.Key, f.Class, want[f.Key])
		}
	}
	cases := []struct {
		body WaterBody
		key  string
		v    float64
		want string
	}{
		{River, "tp", 0.1, "II"}, {Lake, "tp", 0.1, "IV"}, {Lake, "tp", 0.01, "I"}, {Lake, "tp", 0.21, "劣V"},
		{River, "tp", 0.02, "I"}, {River, "tp", 0.41, "劣V"},
		{River, "do", 7.5, "I"}, {River, "do", 7.49, "II"}, {River, "do", 2, "V"}, {River, "do", 1.99, "劣V"},
		{River, "ph", 6, "I"}, {River, "ph", 9, "I"}, {River, "ph", 5.9, "劣V"}, {River, "ph", 9.1, "劣V"},
		{River, "cod", 15, "I"}, {River, "cod", 15.1, "III"}, {River, "bod5", 10, "V"}, {River, "nh3n", 0.15, "I"},
		{River, "codmn", 15.01, "劣V"}, {River, "fc", 40000, "V"}, {Lake, "tn", 1.0, "III"},
	}
	for _, c := range cases {
		r, err := s.Classify(c.body, []Conc{{c.key, c.v}})
		if err != nil || r.Class.String() != c.want {
			t.Errorf("%s %s=%g: got %s %v, want %s", c.body, c.key, c.v, r.Class, err, c.want)
		}
	}
	// TN is a lake/reservoir factor: in a river it is reported, not assessed.
	r, _ = s.Classify(River, []Conc{{"tn", 5}, {"do", 8}})
	if r.Class.String() != "I" || r.Factors[0].Assessed {
		t.Errorf("TN in a river: %+v", r)
	}
	for _, bad := range [][]Conc{{{"zn", 1}}, {{"do", -1}}, {{"do", 1}, {"do", 2}}, nil} {
		if _, err := s.Classify(River, bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// GB 3095 limits across the 2026 switch and the transition (§3.5).
func TestAirLimitsByDate(t *testing.T) {
	reg := Default()
	cases := []struct {
		date string
		id   string
		pm25 float64 // PM2.5 24h grade 2
		pm10 float64 // PM10 24h grade 2
	}{
		{"2026-02-28", "GB3095-2012", 75, 150},
		{"2026-03-01", "GB3095-2026-T", 60, 120},
		{"2030-12-31", "GB3095-2026-T", 60, 120},
		{"2031-01-01", "GB3095-2026", 50, 100},
	}
	for _, c := range cases {
		d, _ := time.ParseInLocation(time.DateOnly, c.date, cst)
		s, err := reg.AirLimitsFor("", d)
		if err != nil || s.ID != c.id {
			t.Fatalf("%s: %v %v", c.date, s, err)
		}
		a, _ := s.Assess(PM25, Hour24, 2, 90)
		b, _ := s.Assess(PM10, Hour24, 2, 10)
		if a.Limit != c.pm25 || !a.Exceeds || b.Limit != c.pm10 || b.Exceeds {
			t.Errorf("%s: %+v %+v", c.date, a, b)
		}
	}
	// 超标倍数 (90−75)/75 = 0.2 under 2012.
	a, _ := GB3095_2012().Assess(PM25, Hour24, 2, 90)
	if a.ExceedMultiple < 0.2-1e-12 || a.ExceedMultiple > 0.2+1e-12 {
		t.Errorf("multiple %g", a.ExceedMultiple)
	}
	if a, _ := GB3095_2012().Assess(SO2, Hour1, 1, 150); a.Limit != 150 || a.Exceeds || a.ExceedMultiple != 0 {
		t.Errorf("SO2 1h grade 1: %+v", a)
	}
	if _, err := GB3095_2012().Assess(PM25, Hour24, 3, 1); !isCode(err, "air.bad_zone_class") {
		t.Errorf("class 3: %v", err)
	}
}

// HJ 633—2026 is in force from 2026-03-01 (China time).
func TestAQIDateSwitch(t *testing.T) {
	reg := Default()
	before := time.Date(2026, 2, 28, 23, 59, 59, 0, cst)
	after := time.Date(2026, 3, 1, 0, 0, 0, 0, cst)
	if s, _ := reg.AQIFor(KindAQICN, "", before); s == nil || s.ID != "HJ633-2012" {
		t.Errorf("before: %v", s)
	}
	if s, _ := reg.AQIFor(KindAQICN, "", after); s == nil || s.ID != "HJ633-2026" {
		t.Errorf("after: %v", s)
	}
	// The same instant read in UTC is still 28 February: callers must pass CST.
	if s, _ := reg.AQIFor(KindAQICN, "", after.UTC()); s.ID != "HJ633-2012" {
		t.Errorf("UTC: %v", s.ID)
	}
	if _, err := reg.ForDate(KindAQICN, time.Date(2010, 1, 1, 0, 0, 0, 0, cst)); !isCode(err, "std.none_in_force") {
		t.Errorf("2010: %v", err)
	}
	if s, _ := reg.AQIFor(KindAQIUS, "", after); s == nil || s.ID != "US-EPA-2024" {
		t.Errorf("US: %v", s)
	}
	if _, err := reg.AQIFor(KindAQICN, "GB3838-2002", after); !isCode(err, "std.wrong_kind") {
		t.Errorf("wrong kind: %v", err)
	}
	if v := reg.Versions(KindAirLimits); len(v) != 3 || v[0].ID != "GB3095-2012" {
		t.Errorf("versions %v", v)
	}
}

// The storage layer keeps standards as JSON: a round trip must not change them.
func TestRegistryJSONRoundTrip(t *testing.T) {
	reg := Default()
	if err := reg.Validate(); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(reg)
	if err != nil {
		t.Fatal(err)
	}
	var back Registry
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(reg, &back) {
		t.Fatal("round trip changed the registry")
	}
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRejects(t *testing.T) {
	s := HJ633_2012()
	s.Tables[0].Segments[2].CLo = 10
	if err := s.Validate(); !isCode(err, "aqi.bad_segments") {
		t.Errorf("descending: %v", err)
	}
	w := GB3838_2002()
	w.Factors[1].Limits[4] = 9 // DO V above IV
	if err := w.Validate(); !isCode(err, "water.bad_limits") {
		t.Errorf("water: %v", err)
	}
	reg := Default()
	reg.AQI = append(reg.AQI, HJ633_2012())
	if err := reg.Validate(); !isCode(err, "std.duplicate_id") {
		t.Errorf("dup: %v", err)
	}
}

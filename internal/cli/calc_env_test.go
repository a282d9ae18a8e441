package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func runEnvCmd(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

type aqiJSON struct {
	Standard string         `json:"standard"`
	AQI      int            `json:"aqi"`
	NA       bool           `json:"na"`
	Level    string         `json:"level"`
	Category string         `json:"category"`
	Primary  []string       `json:"primary"`
	IAQI     map[string]int `json:"iaqi"`
	Color    string         `json:"color"`
}

// Expected values worked by hand from standards.md §3.1 (see envstd tests).
func TestCalcAQI(t *testing.T) {
	cases := []struct {
		args     []string
		std      string
		aqi      int
		level    string
		cat      string
		primary  string
		color    string
		pm25IAQI int
	}{
		{[]string{"--standard", "HJ633-2012", "--period", "24h", "pm2_5=55", "pm10=150"}, "HJ633-2012", 100, "二级", "良", "pm10", "#FFFF00", 75},
		// --date picks the standard: 2026-03-01 is HJ 633—2026 (PM10 150 → 112, PM2.5 55 → 90).
		{[]string{"--date", "2026-02-28", "pm2_5=55", "pm10=150"}, "HJ633-2012", 100, "二级", "良", "pm10", "#FFFF00", 75},
		{[]string{"--date", "2026-03-01", "pm2.5=55", "pm10=150"}, "HJ633-2026", 112, "三级", "轻度污染", "pm10", "#FF7E00", 90},
		// Flags after the values; real-time report, O3 1h 210 → 50/100·10+100 = 105.
		{[]string{"pm2_5=10", "o3=210", "--period", "1h", "--standard", "HJ633-2012"}, "HJ633-2012", 105, "三级", "轻度污染", "o3_1h", "#FF7E00", 15},
	}
	for _, c := range cases {
		code, out, errs := runEnvCmd(t, append([]string{"calc", "aqi"}, c.args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, errs)
			continue
		}
		var got aqiJSON
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %q: %v", c.args, out, err)
		}
		if got.Standard != c.std || got.AQI != c.aqi || got.Level != c.level || got.Category != c.cat ||
			len(got.Primary) != 1 || got.Primary[0] != c.primary || got.Color != c.color || got.IAQI["pm2_5"] != c.pm25IAQI {
			t.Errorf("%v: got %+v", c.args, got)
		}
	}
}

func TestCalcAQIOverflowAndUS(t *testing.T) {
	code, _, errs := runEnvCmd(t, "calc", "aqi", "--standard", "HJ633-2012", "--period", "1h", "so2=900")
	if code != 2 || !strings.Contains(errs, "aqi.substitute_missing") {
		t.Errorf("SO2 900 without 24h: exit %d %s", code, errs)
	}
	code, out, _ := runEnvCmd(t, "calc", "aqi", "--standard", "HJ633-2012", "--period", "1h", "--cap-overflow", "so2=900")
	var got aqiJSON
	_ = json.Unmarshal([]byte(out), &got)
	if code != 0 || got.AQI != 200 {
		t.Errorf("capped: exit %d %s", code, out)
	}
	// US EPA 2024: PM2.5 35.49 truncates to 35.4 → 100, Moderate.
	code, out, _ = runEnvCmd(t, "calc", "aqi", "--system", "us", "--date", "2026-05-01", "pm2_5=35.49")
	got = aqiJSON{}
	_ = json.Unmarshal([]byte(out), &got)
	if code != 0 || got.Standard != "US-EPA-2024" || got.AQI != 100 || got.Category != "中等" {
		t.Errorf("US: exit %d %s", code, out)
	}
	// HJ 633—2026 §5.3: an incomplete report with AQI ≤ 100 is NA.
	code, out, _ = runEnvCmd(t, "calc", "aqi", "--standard", "HJ633-2026", "pm2_5=55")
	got = aqiJSON{}
	_ = json.Unmarshal([]byte(out), &got)
	if code != 0 || !got.NA || got.AQI != 90 {
		t.Errorf("NA: exit %d %s", code, out)
	}
}

func TestCalcWater(t *testing.T) {
	code, out, errs := runEnvCmd(t, "calc", "water", "--water-body", "river", "do=6.5", "codmn=3.9", "nh3n=1.2", "tp=0.1")
	var got struct {
		Class   string            `json:"class"`
		Factors map[string]string `json:"factors"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("exit %d %s %v", code, errs, err)
	}
	// Hand-classed from §3.4: DO II, CODMn II, NH3-N IV, TP(river) II → IV.
	if got.Class != "IV" || got.Factors["do"] != "II" || got.Factors["nh3n"] != "IV" || got.Factors["tp"] != "II" {
		t.Errorf("river: %s", out)
	}
	code, out, _ = runEnvCmd(t, "calc", "water", "--water-body", "lake", "tp=0.1")
	got.Factors = nil
	_ = json.Unmarshal([]byte(out), &got)
	if code != 0 || got.Class != "IV" {
		t.Errorf("lake TP 0.1: %s", out)
	}
}

func TestCalcNoise(t *testing.T) {
	code, out, errs := runEnvCmd(t, "calc", "noise", "--zone", "1", "--period", "night", "leq=47")
	var got struct {
		Limit   float64 `json:"limit"`
		Exceeds bool    `json:"exceeds"`
		Excess  float64 `json:"excess"`
		Period  string  `json:"period"`
		Lmax    *struct {
			Limit   float64 `json:"limit"`
			Exceeds bool    `json:"exceeds"`
		} `json:"lmax"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("exit %d %s %v", code, errs, err)
	}
	if got.Limit != 45 || !got.Exceeds || got.Excess != 2 {
		t.Errorf("zone 1 night 47: %s", out)
	}
	// --at 21:59 is day (06:00–22:00): 4b day limit 70.
	code, out, _ = runEnvCmd(t, "calc", "noise", "--zone", "4b", "--at", "2026-05-01T21:59", "leq=66")
	got.Lmax = nil
	_ = json.Unmarshal([]byte(out), &got)
	if code != 0 || got.Period != "day" || got.Limit != 70 || got.Exceeds {
		t.Errorf("4b 21:59: %s", out)
	}
	code, out, _ = runEnvCmd(t, "calc", "noise", "--zone", "2", "--at", "2026-05-01T22:00", "leq=49", "lmax=66")
	_ = json.Unmarshal([]byte(out), &got)
	if code != 0 || got.Period != "night" || got.Limit != 50 || got.Lmax == nil || got.Lmax.Limit != 65 || !got.Lmax.Exceeds {
		t.Errorf("2 22:00 lmax: %s", out)
	}
}

func TestCalcEnvUsageErrors(t *testing.T) {
	cases := [][]string{
		{"calc", "aqi", "pm1=3"},
		{"calc", "aqi", "pm2_5=-1"},
		{"calc", "aqi", "pm2_5=abc"},
		{"calc", "aqi", "pm2_5"},
		{"calc", "aqi"},
		{"calc", "aqi", "--standard", "HJ633-1999", "pm2_5=3"},
		{"calc", "aqi", "--standard", "GB3838-2002", "pm2_5=3"},
		{"calc", "aqi", "--period", "8h", "pm2_5=3"},
		{"calc", "aqi", "--date", "yesterday", "pm2_5=3"},
		{"calc", "water", "zn=1"},
		{"calc", "water", "--water-body", "sea", "do=5"},
		{"calc", "water", "do=5", "do=6"},
		{"calc", "noise", "--zone", "5", "--period", "day", "leq=50"},
		{"calc", "noise", "--zone", "1", "--period", "evening", "leq=50"},
		{"calc", "noise", "--zone", "1", "--period", "day", "leq=50", "lmax=60"},
		{"calc", "noise", "--zone", "1", "--period", "day", "db=50"},
		{"calc", "noise", "--period", "day", "leq=50"},
	}
	for _, args := range cases {
		code, _, errs := runEnvCmd(t, args...)
		if code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// The key=value parser takes outside input: it must never panic, and what it
// accepts must satisfy its contract.
func FuzzEnvParseKV(f *testing.F) {
	for _, s := range []string{"pm2_5=55 pm10=150", "do=6.5", "a=1e400", "x=NaN", "=3", "k==3", "k=-0", "K=0x1p3", "pm2.5=1 pm2.5=2", "é=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Fields(s)
		out, err := envParseKV(args)
		if err != nil {
			return
		}
		if len(out) != len(args) {
			t.Fatalf("%q: %d args, %d values", s, len(args), len(out))
		}
		seen := map[string]bool{}
		for _, c := range out {
			if c.Key == "" || seen[c.Key] || c.Key != strings.ToLower(c.Key) {
				t.Fatalf("%q: bad key %q", s, c.Key)
			}
			seen[c.Key] = true
			if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) || c.Value < 0 {
				t.Fatalf("%q: bad value %g", s, c.Value)
			}
		}
	})
}

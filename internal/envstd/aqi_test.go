package envstd

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// cnRows is HJ 633 Table 1 as printed in reference/standards.md §3.1, typed
// in again here (not derived from the seed) so that a wrong seed fails.
var cnRows = []struct {
	p    Pollutant
	avg  Period
	conc []float64 // at IAQI 0, 50, 100, 150, 200, 300, 400, 500
	std  string    // "" = both versions
}{
	{SO2, Hour24, []float64{0, 50, 150, 475, 800, 1600, 2100, 2620}, ""},
	{SO2, Hour1, []float64{0, 150, 500, 650, 800}, ""},
	{NO2, Hour24, []float64{0, 40, 80, 180, 280, 565, 750, 940}, ""},
	{NO2, Hour1, []float64{0, 100, 200, 700, 1200, 2340, 3090, 3840}, ""},
	{PM10, Hour24, []float64{0, 50, 150, 250, 350, 420, 500, 600}, "HJ633-2012"},
	{PM10, Hour24, []float64{0, 50, 120, 250, 350, 420, 500, 600}, "HJ633-2026"},
	{CO, Hour24, []float64{0, 2, 4, 14, 24, 36, 48, 60}, ""},
	{CO, Hour1, []float64{0, 5, 10, 35, 60, 90, 120, 150}, ""},
	{O3, Hour1, []float64{0, 160, 200, 300, 400, 800, 1000, 1200}, ""},
	{O3, Hour8, []float64{0, 100, 160, 215, 265, 800}, ""},
	{PM25, Hour24, []float64{0, 35, 75, 115, 150, 250, 350, 500}, "HJ633-2012"},
	{PM25, Hour24, []float64{0, 35, 60, 115, 150, 250, 350, 500}, "HJ633-2026"},
}

func TestHJ633EveryBreakpoint(t *testing.T) {
	index := []int{0, 50, 100, 150, 200, 300, 400, 500}
	for _, s := range []*AQIStandard{HJ633_2012(), HJ633_2026()} {
		for _, row := range cnRows {
			if row.std != "" && row.std != s.ID {
				continue
			}
			for k, c := range row.conc {
				got, err := s.IAQI(row.p, row.avg, c)
				if err != nil || got != index[k] {
					t.Errorf("%s %s %s at %g: got %d, %v; want %d", s.ID, row.p, row.avg, c, got, err, index[k])
				}
			}
		}
	}
}

// Worked values by hand: IAQI = (Ihi−Ilo)/(BPhi−BPlo)·(C−BPlo)+Ilo, carried up (§3.1).
func TestHJ633Interpolation(t *testing.T) {
	cases := []struct {
		std  *AQIStandard
		p    Pollutant
		avg  Period
		c    float64
		want int
	}{
		{HJ633_2012(), PM25, Hour24, 55, 75},   // 50/40·20+50
		{HJ633_2026(), PM25, Hour24, 55, 90},   // 50/25·20+50
		{HJ633_2012(), PM25, Hour24, 36, 52},   // 51.25 carried up
		{HJ633_2026(), PM10, Hour24, 150, 112}, // 50/130·30+100 = 111.54
		{HJ633_2012(), PM10, Hour24, 151, 101}, // 100.5
		{HJ633_2012(), CO, Hour24, 0.1, 3},     // 2.5
		{HJ633_2012(), O3, Hour8, 161, 101},    // 100.9
		{HJ633_2012(), PM25, Hour24, 600, 500}, // above the table: top index
		{HJ633_2012(), SO2, Hour24, 3000, 500}, // above the table: top index
	}
	for _, c := range cases {
		got, err := c.std.IAQI(c.p, c.avg, c.c)
		if err != nil || got != c.want {
			t.Errorf("%s %s %s %g: got %d, %v; want %d", c.std.ID, c.p, c.avg, c.c, got, err, c.want)
		}
	}
}

// Property: the carried-up index is the smallest integer ≥ the exact one.
func TestHJ633CarriesUp(t *testing.T) {
	s := HJ633_2012()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		c := rng.Float64() * 500
		got, _ := s.IAQI(PM25, Hour24, c)
		var exact float64
		conc := []float64{0, 35, 75, 115, 150, 250, 350, 500}
		idx := []float64{0, 50, 100, 150, 200, 300, 400, 500}
		for k := 1; k < len(conc); k++ {
			if c <= conc[k] {
				exact = (idx[k]-idx[k-1])/(conc[k]-conc[k-1])*(c-conc[k-1]) + idx[k-1]
				break
			}
		}
		if float64(got) < exact-1e-6 || float64(got)-exact >= 1 {
			t.Fatalf("PM2.5 %g: got %d, exact %g", c, got, exact)
		}
	}
}

func TestHJ633Overflow(t *testing.T) {
	s := HJ633_2012()
	if v, err := s.IAQI(SO2, Hour1, 800.5); !errors.Is(err, ErrAboveTable) || v != 200 {
		t.Errorf("SO2 1h 800.5: got %d, %v", v, err)
	}
	// SO2 1h > 800 reports the 24h-based sub-index: 50/325·50+100 = 107.7 → 108.
	r, err := s.Compute(Hour1, []Conc{{"so2", 900}, {"so2_24h", 200}, {"pm2_5", 10}}, AQIOptions{})
	if err != nil || r.AQI != 108 || !r.Subs[0].Substituted {
		t.Errorf("substitute SO2: %+v %v", r.Subs[0], err)
	}
	if _, err := s.Compute(Hour1, []Conc{{"so2", 900}}, AQIOptions{}); !isCode(err, "aqi.substitute_missing") {
		t.Errorf("missing substitute: %v", err)
	}
	r, err = s.Compute(Hour1, []Conc{{"so2", 900}}, AQIOptions{CapOverflow: true})
	if err != nil || r.AQI != 200 || !r.Subs[0].Capped {
		t.Errorf("capped SO2: %d %v", r.AQI, err)
	}
	// O3 8h > 800 reports the 1h-based one: 100/200·100+300 = 350.
	r, err = s.Compute(Hour24, []Conc{{"o3_8h", 900}, {"o3_1h", 900}}, AQIOptions{})
	if err != nil || r.AQI != 350 {
		t.Errorf("substitute O3: %d %v", r.AQI, err)
	}
	// The substitute-only SO2 24h never sets the real-time AQI by itself.
	r, err = s.Compute(Hour1, []Conc{{"so2_24h", 2000}, {"pm2_5", 10}}, AQIOptions{})
	if err != nil || r.AQI != 15 {
		t.Errorf("substitute-only item counted: %d %v", r.AQI, err)
	}
}

func TestHJ633Report(t *testing.T) {
	// The CLI example of the brief, HJ 633-2012 daily: PM2.5 55 → 75, PM10 150 → 100.
	s := HJ633_2012()
	r, err := s.Compute(Hour24, []Conc{{"pm2_5", 55}, {"pm10", 150}}, AQIOptions{})
	if err != nil || r.AQI != 100 || r.Level.NameZh != "二级" || r.Level.CategoryZh != "良" || r.Level.RGB.Hex() != "#FFFF00" {
		t.Fatalf("got %+v %v", r, err)
	}
	if p := r.PrimaryKeys(); len(p) != 1 || p[0] != "pm10" {
		t.Errorf("primary %v", p)
	}
	// A tie names both.
	r, _ = s.Compute(Hour24, []Conc{{"pm2_5", 75}, {"pm10", 150}}, AQIOptions{})
	if p := r.PrimaryKeys(); len(p) != 2 {
		t.Errorf("tie primary %v", p)
	}
	// AQI ≤ 50: no primary pollutant.
	r, _ = s.Compute(Hour24, []Conc{{"pm2_5", 35}, {"pm10", 50}}, AQIOptions{})
	if r.AQI != 50 || len(r.PrimaryKeys()) != 0 {
		t.Errorf("AQI 50 primary %v", r.PrimaryKeys())
	}
	for _, bad := range [][]Conc{{{"pm1", 3}}, {{"pm2_5", -1}}, {{"pm2_5", math.NaN()}}, {{"pm10", 1}, {"pm10", 2}}, {{"so2_24h", 1}}, nil} {
		if _, err := s.Compute(Hour24, bad, AQIOptions{}); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// HJ 633—2026 §5.3: incomplete data with AQI ≤ 100 is published as NA.
func TestHJ633_2026NA(t *testing.T) {
	in := []Conc{{"pm2_5", 55}, {"pm10", 150}}
	r, _ := HJ633_2026().Compute(Hour24, in, AQIOptions{})
	if r.AQI != 112 || r.NA || r.Level.CategoryZh != "轻度污染" {
		t.Errorf("2026 partial, AQI 112: %d NA=%v", r.AQI, r.NA)
	}
	r, _ = HJ633_2026().Compute(Hour24, []Conc{{"pm2_5", 55}}, AQIOptions{})
	if r.AQI != 90 || !r.NA || r.Complete {
		t.Errorf("2026 partial, AQI 90: NA=%v", r.NA)
	}
	r, _ = HJ633_2012().Compute(Hour24, []Conc{{"pm2_5", 55}}, AQIOptions{})
	if r.NA {
		t.Error("2012 has no NA rule")
	}
	full := []Conc{{"so2", 10}, {"no2", 10}, {"co", 0.5}, {"pm10", 20}, {"pm2_5", 55}, {"o3_8h", 50}}
	r, _ = HJ633_2026().Compute(Hour24, full, AQIOptions{})
	if !r.Complete || r.NA {
		t.Errorf("complete report: %+v", r)
	}
}

// HJ 633 Table 2 bands and Table A.1 colours (§3.1 Levels).
func TestHJ633Levels(t *testing.T) {
	s := HJ633_2026()
	cases := []struct {
		aqi        int
		level, cat string
		hex        string
		minOfLevel int
	}{
		{0, "一级", "优", "#00E400", 0}, {50, "一级", "优", "#00E400", 0}, {51, "二级", "良", "#FFFF00", 51},
		{101, "三级", "轻度污染", "#FF7E00", 101}, {200, "四级", "中度污染", "#FF0000", 151},
		{300, "五级", "重度污染", "#99004C", 201}, {301, "六级", "严重污染", "#7E0023", 301}, {500, "六级", "严重污染", "#7E0023", 301},
	}
	for _, c := range cases {
		l := s.Level(c.aqi)
		if l.NameZh != c.level || l.CategoryZh != c.cat || l.RGB.Hex() != c.hex || s.LevelMin(l) != c.minOfLevel {
			t.Errorf("AQI %d: %+v", c.aqi, l)
		}
	}
}

// US EPA: truncation, rounding to nearest, gaps, O3/SO2 substitutions (§3.2).
func TestUSEPA(t *testing.T) {
	s := USEPA2024()
	cases := []struct {
		p    Pollutant
		avg  Period
		c    float64
		want int
	}{
		{PM25, Hour24, 9.0, 50}, {PM25, Hour24, 9.1, 51}, {PM25, Hour24, 9.09, 50}, // 9.09 → 9.0
		{PM25, Hour24, 35.49, 100}, {PM25, Hour24, 35.5, 101}, {PM25, Hour24, 325.4, 500},
		{PM25, Hour24, 35.0, 99},  // 49/26.3·25.9+51 = 99.25
		{PM25, Hour24, 5, 28},     // 50/9·5 = 27.8
		{O3, Hour8, 0.0789, 126},  // → 0.078: 49/0.014·0.007+101 = 125.5 → 126
		{O3, Hour8, 0.029, 27},    // 50/0.054·0.029 = 26.85
		{PM10, Hour24, 54.9, 50},  // → 54
		{CO, Hour8, 4.45, 50},     // → 4.4
		{NO2, Hour1, 100, 100},    // edge
		{O3, Hour1, 0.125, 101},   // edge
		{SO2, Hour24, 305, 201},   // edge
		{PM10, Hour24, 1000, 500}, // beyond the AQI: capped
	}
	for _, c := range cases {
		got, err := s.IAQI(c.p, c.avg, c.c)
		if err != nil || got != c.want {
			t.Errorf("%s %s %g: got %d, %v; want %d", c.p, c.avg, c.c, got, err, c.want)
		}
	}
	if _, err := s.IAQI(O3, Hour1, 0.1); !errors.Is(err, ErrBelowTable) {
		t.Errorf("O3 1h below 0.125: %v", err)
	}
	// O3 1h below its table is left out; the 8h value decides; EPA always names the pollutant.
	r, err := s.Compute(Hour24, []Conc{{"o3_8h", 0.029}, {"o3_1h", 0.1}}, AQIOptions{})
	if err != nil || r.AQI != 27 || len(r.PrimaryKeys()) != 1 || r.Level.CategoryEn != "Good" {
		t.Errorf("EPA O3: %+v %v", r, err)
	}
	// SO2 1h ≥ 305 ppb uses the 24h table: 99/299·95+201 = 232.45 → 232.
	r, err = s.Compute(Hour24, []Conc{{"so2", 400}, {"so2_24h", 400}}, AQIOptions{})
	if err != nil || r.AQI != 232 || r.Level.RGB.Hex() != "#8F3F97" {
		t.Errorf("EPA SO2: %d %v", r.AQI, err)
	}
}

func TestIAQIDoesNotAllocate(t *testing.T) {
	s := HJ633_2026()
	if n := testing.AllocsPerRun(1000, func() { _, _ = s.IAQI(PM25, Hour24, 55.3) }); n != 0 {
		t.Errorf("IAQI allocates %v times", n)
	}
	if n := testing.AllocsPerRun(1000, func() { _, _ = s.IAQI(SO2, Hour1, 900) }); n != 0 {
		t.Errorf("IAQI error path allocates %v times", n)
	}
	in := []Conc{{"so2", 10}, {"no2", 10}, {"co", 0.5}, {"pm10", 20}, {"pm2_5", 55}, {"o3_8h", 50}}
	if n := testing.AllocsPerRun(1000, func() { _, _ = s.Compute(Hour24, in, AQIOptions{}) }); n != 0 {
		t.Errorf("Compute allocates %v times", n)
	}
}

func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

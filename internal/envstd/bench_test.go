package envstd

import (
	"math"
	"testing"
)

// naiveIAQI is the baseline: breakpoints in a map keyed by "pollutant/period"
// strings, a fresh key per call, and a search over parallel slices — how a
// first version would typically be written.
type naiveTables map[string][2][]float64

func newNaive() naiveTables {
	m := naiveTables{}
	for _, t := range HJ633_2026().Tables {
		var conc, idx []float64
		for i, g := range t.Segments {
			if i == 0 {
				conc, idx = append(conc, g.CLo), append(idx, float64(g.ILo))
			}
			conc, idx = append(conc, g.CHi), append(idx, float64(g.IHi))
		}
		m[t.Pollutant.Code()+"/"+t.Averaging.String()] = [2][]float64{conc, idx}
	}
	return m
}

func (m naiveTables) iaqi(pollutant, period string, c float64) int {
	t, ok := m[pollutant+"/"+period]
	if !ok {
		return -1
	}
	conc, idx := t[0], t[1]
	for k := 1; k < len(conc); k++ {
		if c <= conc[k] {
			return int(math.Ceil((idx[k]-idx[k-1])/(conc[k]-conc[k-1])*(c-conc[k-1]) + idx[k-1]))
		}
	}
	return int(idx[len(idx)-1])
}

var sink int

// A day of realistic PM2.5/O3 values cycled through, so that branch
// prediction does not see one constant.
var benchConc = [...]float64{12.3, 55.1, 78.9, 140.2, 33.3, 260.7, 8.8, 101.5}

func BenchmarkIAQI(b *testing.B) {
	s := HJ633_2026()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		v, _ := s.IAQI(PM25, Hour24, benchConc[i&7])
		sink += v
	}
}

func BenchmarkIAQINaiveMap(b *testing.B) {
	m := newNaive()
	pollutant, period := "pm2_5", "24h"
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sink += m.iaqi(pollutant, period, benchConc[i&7])
	}
}

// BenchmarkComputeDaily is a full six-item daily report (AQI, level, primary).
func BenchmarkComputeDaily(b *testing.B) {
	s := HJ633_2026()
	in := []Conc{{"so2", 10}, {"no2", 35}, {"co", 0.8}, {"pm10", 88}, {"pm2_5", 0}, {"o3_8h", 120}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in[4].Value = benchConc[i&7]
		r, _ := s.Compute(Hour24, in, AQIOptions{})
		sink += r.AQI
	}
}

func BenchmarkUSEPAIAQI(b *testing.B) {
	s := USEPA2024()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		v, _ := s.IAQI(PM25, Hour24, benchConc[i&7])
		sink += v
	}
}

func BenchmarkWaterClassify(b *testing.B) {
	s := GB3838_2002()
	in := []Conc{{"do", 6.5}, {"codmn", 3.9}, {"nh3n", 1.2}, {"tp", 0.1}}
	b.ReportAllocs()
	for b.Loop() {
		r, _ := s.Classify(River, in)
		sink += int(r.Class)
	}
}

func BenchmarkNoiseAssess(b *testing.B) {
	s := GB3096_2008()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r, _ := s.Assess("4a", Night, 50+benchConc[i&7]/20)
		sink += int(r.Limit)
	}
}

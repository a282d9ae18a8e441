package envstd

import (
	"encoding/json"
	"testing"
)

// Standards arrive from the rules table, edited by administrators: whatever
// JSON passes Validate must be safe to evaluate on the ingest path.
func FuzzAQIStandardJSON(f *testing.F) {
	seed, _ := json.Marshal(HJ633_2012())
	f.Add(seed, 55.0)
	us, _ := json.Marshal(USEPA2024())
	f.Add(us, 0.078)
	f.Add([]byte(`{"id":"x","rounding":"up","tables":[{"pollutant":"pm2_5","averaging":"24h","segments":[{"c_lo":0,"c_hi":0,"i_lo":0,"i_hi":5}],"above":"cap"}]}`), 1.0)
	f.Fuzz(func(t *testing.T, b []byte, c float64) {
		var s AQIStandard
		if json.Unmarshal(b, &s) != nil || s.Validate() != nil {
			return
		}
		for _, tb := range s.Tables {
			v, err := s.IAQI(tb.Pollutant, tb.Averaging, c)
			if err == nil && (v < tb.Segments[0].ILo || v > tb.Segments[len(tb.Segments)-1].IHi) {
				t.Fatalf("IAQI %d outside the table's index range", v)
			}
		}
		for _, rep := range s.Reports {
			in := make([]Conc, 0, len(rep.Items))
			for _, it := range rep.Items {
				in = append(in, Conc{Key: it.Key, Value: c})
			}
			if r, err := s.Compute(rep.Period, in, AQIOptions{CapOverflow: true}); err == nil && r.Level == nil {
				t.Fatal("result without a level")
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-01", "2026-02-30", "", "9999-12-31", "0001-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if back, err := ParseDate(d.String()); err != nil || back != d {
			t.Fatalf("%q → %v → %v %v", s, d, back, err)
		}
	})
}

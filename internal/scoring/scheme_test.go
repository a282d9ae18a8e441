package scoring

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// Seeded benchmarks and weights as printed in standards.md §1.2.
func TestSeedsMatchReference(t *testing.T) {
	want := map[string]map[string][]float64{ // group → item benchmarks, then weights
		"huangyan-2022": {"above": {24.097, 136.16, 2.694, 4929.81, 18.14, 0.0302, 30, 20, 20, 10, 10, 10}, "below": {11.5932, 0.2352, 50, 50}},
		"huangyan-2021": {"above": {26.01, 132.27, 2.54, 4861.08, 17.45, 0.0305, 30, 20, 20, 10, 10, 10}, "below": {16.601058, 0.236565, 50, 50}},
		"linhai-2014":   {"ge3": {15, 300, 3, 500, 0.1, 15, 40, 10, 20, 15, 5, 10}, "lt3": {15, 300, 2, 50, 20, 30}},
	}
	if ids := SeedIDs(); len(ids) != len(want) {
		t.Fatalf("seeds %v", ids)
	}
	for id, groups := range want {
		s, err := Seed(id)
		if err != nil {
			t.Fatal(id, err)
		}
		for _, g := range s.Groups {
			w, ok := groups[g.ID]
			if !ok {
				continue
			}
			n := len(g.Items)
			if len(w) != 2*n {
				t.Fatalf("%s/%s: %d items", id, g.ID, n)
			}
			for k, it := range g.Items {
				if it.Benchmark.Value != w[k] || it.Weight != w[n+k] {
					t.Errorf("%s/%s/%s: %v × %v, want %v × %v", id, g.ID, it.ID, it.Benchmark.Value, it.Weight, w[k], w[n+k])
				}
			}
		}
		// A scheme survives a JSON round trip (the rules table stores it as JSON).
		b, _ := json.Marshal(s)
		if _, err := ParseScheme(b); err != nil {
			t.Errorf("%s round trip: %v", id, err)
		}
	}
	if _, err := Seed("nowhere"); err == nil {
		t.Error("unknown seed accepted")
	}
}

func TestValidateCodes(t *testing.T) {
	cases := map[string]func(s *Scheme){
		"scheme.effective": func(s *Scheme) { s.Effective = "2023/1/1" },
		"scheme.item":      func(s *Scheme) { s.Groups[2].Items[0].Num = "profit" },
		"scheme.benchmark": func(s *Scheme) { s.Groups[2].Items[0].Benchmark.Value = 0 },
		"scheme.classes":   func(s *Scheme) { s.Classes[3].TopPct = 99 },
		"scheme.cond":      func(s *Scheme) { s.Groups[1].When[0].Op = "~" },
		"scheme.policy":    func(s *Scheme) { s.Policies[0].Class = "Z" },
	}
	for code, mutate := range cases {
		s, _ := Seed("huangyan-2022")
		mutate(s)
		var e *Error
		if err := s.Validate(); !errors.As(err, &e) || e.Code != code {
			t.Errorf("%s: got %v", code, err)
		}
	}
	if _, err := ParseScheme([]byte(`{"id":"x","wieght":1}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

// The same engine grades posts (standards.md §4.2, digital city-management post evaluation):
// 监督员 = 有效上报率×40 % + 漏报率分值×20 % + 按时核实率×20 % + 按时核查率×20 %, with the
// 漏报率 inverted (100 − rate); grades A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E < 40.
// 受理员 受理数分值 is a step table (≥2001 → 100 … ≥101 → 40) at 25 %.
func TestPostGradesByScore(t *testing.T) {
	g := func(v float64) Benchmark { return Benchmark{Kind: BenchGiven, Value: v} }
	s := &Scheme{ID: "post", Name: "岗位考核", Effective: "2024-01-01", ClassBy: ClassByScore,
		Figures: []Figure{{ID: "valid"}, {ID: "reported"}, {ID: "missed"}, {ID: "cases"}, {ID: "verified"}, {ID: "to_verify"},
			{ID: "checked"}, {ID: "to_check"}, {ID: "accepted"}},
		Classes: []Class{{Code: "A", MinScore: 90}, {Code: "B", MinScore: 75}, {Code: "C", MinScore: 60}, {Code: "D", MinScore: 40}, {Code: "E"}},
		Groups: []Group{
			{ID: "intake", When: []Cond{{Field: "accepted", Op: ">=", Value: 0}}, Items: []Item{
				{ID: "accepted", Num: "accepted", Mode: ModeSteps, Weight: 25, Steps: []Step{
					{Min: 101, Points: 40 * .25}, {Min: 301, Points: 60 * .25}, {Min: 501, Points: 75 * .25}, {Min: 1201, Points: 90 * .25}, {Min: 2001, Points: 100 * .25}}}}},
			{ID: "supervisor", Items: []Item{
				{ID: "valid_rate", Num: "valid", Den: "reported", Benchmark: g(1), Weight: 40},
				{ID: "missed_rate", Num: "missed", Den: "cases", Mode: ModeComplement, Benchmark: g(1), Weight: 20},
				{ID: "verify_rate", Num: "verified", Den: "to_verify", Benchmark: g(1), Weight: 20},
				{ID: "check_rate", Num: "checked", Den: "to_check", Benchmark: g(1), Weight: 20}}},
		}}
	in := NewInput(4)
	set := func(f string, v ...float64) { copy(in.Figure(f), v) }
	in.ID = []string{"s1", "s2", "a1", "a2"}
	set("valid", 90, 50)
	set("reported", 100, 100)
	set("missed", 5, 30)
	set("cases", 100, 100)
	set("verified", 80, 40)
	set("to_verify", 100, 100)
	set("checked", 70, 30)
	set("to_check", 100, 100)
	set("accepted", math.NaN(), math.NaN(), 1500, 90)
	r := mustScore(t, s, in)
	// s1: 0.9×40 + (1−0.05)×20 + 0.8×20 + 0.7×20 = 36 + 19 + 16 + 14 = 85 → B.
	// s2: 0.5×40 + 0.7×20 + 0.4×20 + 0.3×20 = 20 + 14 + 8 + 6 = 48 → D.
	// a1: 1500 ≥ 1201 → 90 × 25 % = 22.5 → E; a2: 90 < 101 → 0 → E.
	for i, w := range []struct {
		total float64
		class string
	}{{85, "B"}, {48, "D"}, {22.5, "E"}, {0, "E"}} {
		if !near(r.Total[i], w.total) || r.ClassCode(i) != w.class {
			t.Errorf("%s: %v %s, want %v %s", in.ID[i], r.Total[i], r.ClassCode(i), w.total, w.class)
		}
	}
}

// Town thresholds (standards.md §2.3): 全员劳动生产率 ≥ 20 万元/人 earns the weight; 住宅用地
// 占建设用地 ≤ 30 % earns it; computed benchmarks: mean and pooled.
func TestThresholdAndComputedBenchmarks(t *testing.T) {
	s := &Scheme{ID: "town", Name: "town", Effective: "2021-09-01", ClassBy: ClassByScore,
		Figures: []Figure{{ID: "va"}, {ID: "jobs"}, {ID: "res"}, {ID: "built"}},
		Classes: []Class{{Code: "合格", MinScore: 10}, {Code: "警告"}},
		Groups: []Group{{ID: "all", Items: []Item{
			{ID: "productivity", Num: "va", Den: "jobs", Mode: ModeAtLeast, Benchmark: Benchmark{Kind: BenchGiven, Value: 20}, Weight: 10},
			{ID: "residential", Num: "res", Den: "built", Mode: ModeAtMost, Benchmark: Benchmark{Kind: BenchGiven, Value: 0.30}, Weight: 5},
			{ID: "vs_mean", Num: "va", Den: "jobs", Benchmark: Benchmark{Kind: BenchMean}, Weight: 1},
			{ID: "vs_pooled", Num: "va", Den: "jobs", Benchmark: Benchmark{Kind: BenchPooled}, Weight: 1},
			{ID: "vs_median", Num: "va", Den: "jobs", Benchmark: Benchmark{Kind: BenchMedian}, Weight: 1},
		}}}}
	in := NewInput(3)
	in.ID = []string{"t1", "t2", "t3"}
	copy(in.Figure("va"), []float64{50000, 30000, 10000})
	copy(in.Figure("jobs"), []float64{2000, 2000, 1000}) // 25, 15, 10 万元/人
	copy(in.Figure("res"), []float64{0.3, 0.5, 0.1})
	copy(in.Figure("built"), []float64{1, 1, 1})
	r := mustScore(t, s, in)
	mean, pooled, median := (25.0+15+10)/3, 90000.0/5000, 15.0
	want := []float64{10 + 5 + 25/mean + 25/pooled + 25/median, 0 + 0 + 15/mean + 15/pooled + 15/median, 0 + 5 + 10/mean + 10/pooled + 10/median}
	for i, w := range want {
		if !near(r.Total[i], w) {
			t.Errorf("%s: %v want %v", in.ID[i], r.Total[i], w)
		}
	}
	if r.ClassCode(0) != "合格" || r.ClassCode(1) != "警告" {
		t.Errorf("classes %s %s", r.ClassCode(0), r.ClassCode(1))
	}
	if b := r.Groups[0].Bench; !near(b[2], mean) || !near(b[3], pooled) || !near(b[4], median) {
		t.Errorf("benchmarks %v", b)
	}
}

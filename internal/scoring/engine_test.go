package scoring

import (
	"math"
	"testing"
)

// ent is one test enterprise; figures not listed are missing (NaN).
type ent struct {
	id, scale, kind, unit string
	fig                   map[string]float64
}

func mkInput(es []ent) *Input {
	in := NewInput(len(es))
	for i, e := range es {
		in.ID[i] = e.id
		in.Cat("scale").Set(i, e.scale)
		in.Cat("kind").Set(i, e.kind)
		in.Cat("unit").Set(i, e.unit)
	}
	for _, f := range []string{"tax", "land_mu", "sales_revenue", "value_added", "energy_tce", "electricity_kwh",
		"water_t", "emissions_t", "employees", "rd", "main_revenue"} {
		col := in.Figure(f)
		for i, e := range es {
			if v, ok := e.fig[f]; ok {
				col[i] = v
			}
		}
	}
	return in
}

func mustScore(t *testing.T, s *Scheme, in *Input) *Result {
	t.Helper()
	e, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Score(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func itemScore(c Card, id string) ItemScore {
	for _, it := range c.Items {
		if it.ID == id {
			return it
		}
	}
	return ItemScore{Score: math.NaN()}
}

// Huangyan 2022 data, standards.md §1.2: score_i = actual_i / benchmark_i × weight_i with
// 规上 benchmarks 24.097 / 136.16 / 2.694 / 4929.81 / 18.14 / 0.0302 (weights 30/20/20/10/10/10)
// and 规下 11.5932 / 0.2352 (weights 50/50). The arithmetic below is written out by hand.
func TestHuangyan2022ByHand(t *testing.T) {
	s, err := Seed("huangyan-2022")
	if err != nil {
		t.Fatal(err)
	}
	full := func(tax, land, va, tce, em, emp, rd, rev float64) map[string]float64 {
		return map[string]float64{"tax": tax, "land_mu": land, "value_added": va, "energy_tce": tce,
			"emissions_t": em, "employees": emp, "rd": rd, "main_revenue": rev}
	}
	e2 := full(300, 10, 1500, 500, 0, 60, 100, 5000)
	delete(e2, "emissions_t") // no emission data → Huangyan rule: the 规上 average score on that item
	in := mkInput([]ent{
		{id: "E1", scale: "above", unit: "北城", fig: full(120, 10, 900, 300, 0.2, 50, 60, 2500)},
		{id: "E2", scale: "above", unit: "北城", fig: e2},
		{id: "E3", scale: "above", unit: "南城", fig: full(-10, 20, 400, 200, 0.1, 40, 0, 1000)},
		{id: "E4", scale: "below", unit: "南城", fig: map[string]float64{"tax": 20, "land_mu": 2, "electricity_kwh": 500000}},
		{id: "E5", scale: "below", kind: "初创期", unit: "南城", fig: map[string]float64{"tax": 1, "land_mu": 5}},
		{id: "E6", scale: "below", unit: "北城", fig: map[string]float64{"tax": 5, "electricity_kwh": 100000}},
	})
	r := mustScore(t, s, in)
	c1, c2, c3, c4, c5, c6 := r.Card(0), r.Card(1), r.Card(2), r.Card(3), r.Card(4), r.Card(5)

	e1 := []float64{
		120.0 / 10 / 24.097 * 30,   // 亩均税收 12 万元/亩
		900.0 / 10 / 136.16 * 20,   // 亩均增加值 90
		900.0 / 300 / 2.694 * 20,   // 单位能耗增加值 3
		900.0 / 0.2 / 4929.81 * 10, // 单位排放增加值 4500
		900.0 / 50 / 18.14 * 10,    // 全员劳动生产率 18
		60.0 / 2500 / 0.0302 * 10,  // R&D 0.024
	}
	want1 := 0.0
	for k, id := range []string{"tax_per_mu", "va_per_mu", "va_per_energy", "va_per_emission", "labour_productivity", "rd_ratio"} {
		if got := itemScore(c1, id).Score; !near(got, e1[k]) {
			t.Errorf("E1 %s = %v, want %v", id, got, e1[k])
		}
		want1 += e1[k]
	}
	if !near(c1.Total, want1) || c1.Group != "above" {
		t.Errorf("E1 total %v group %s, want %v above", c1.Total, c1.Group, want1)
	}
	// E3 pays negative tax: the item is floored at 0 (§1.2 [A]); its emission score is 400/0.1/4929.81×10.
	if it := itemScore(c3, "tax_per_mu"); it.Score != 0 || !it.Floored {
		t.Errorf("E3 tax item %+v, want floored 0", it)
	}
	e3em := 400.0 / 0.1 / 4929.81 * 10
	// E2's emission item is the mean of E1's and E3's emission scores.
	if it := itemScore(c2, "va_per_emission"); !near(it.Score, (e1[3]+e3em)/2) || !it.MeanRule || it.Actual != nil {
		t.Errorf("E2 emission item %+v, want mean rule %v", it, (e1[3]+e3em)/2)
	}
	// 规下: 亩均税收 20/2 = 10; 单位用电税收 20 万元 × 10000 / 500000 kWh = 0.4 元/kWh.
	w4 := 10/11.5932*50 + 0.4/0.2352*50
	// A group of one: rank 1 of 1 is the 100th percentile, hence the last class.
	if !near(c4.Total, w4) || c4.Group != "below" || c4.Rank != 1 || c4.Percentile != 100 || c4.Class != "D" {
		t.Errorf("E4 %+v, want total %v, below, rank 1, D", c4, w4)
	}
	if c5.Group != "exempt" || !c5.Unclassified || c5.Class != "B" || c5.Rank != 0 {
		t.Errorf("E5 start-up %+v, want exempt, unclassified, managed as B", c5)
	}
	// Tenant without land: 5 × 10000 / 100000 = 0.5 元/kWh against 0.2352, weight 100.
	if c6.Group != "tenant" || !near(c6.Total, 0.5/0.2352*100) {
		t.Errorf("E6 %+v, want tenant %v", c6, 0.5/0.2352*100)
	}
	// Ranks among the three 规上: totals decide, rank 1 is best; 3 entities → 33 %, 67 %, 100 %.
	if !(c2.Total > c1.Total && c1.Total > c3.Total) || c2.Rank != 1 || c1.Rank != 2 || c3.Rank != 3 {
		t.Fatalf("ranks: E1 %v/%d E2 %v/%d E3 %v/%d", c1.Total, c1.Rank, c2.Total, c2.Rank, c3.Total, c3.Rank)
	}
	// 1/3 = 33 % > 25 → B; 2/3 = 67 % ≤ 70 → B; 3/3 = 100 % → D.
	if c2.Class != "B" || c1.Class != "B" || c3.Class != "D" || c3.ClassName != "整治淘汰类" {
		t.Errorf("classes %s %s %s(%s), want B B D", c2.Class, c1.Class, c3.Class, c3.ClassName)
	}

	agg, err := r.Aggregate("unit", []string{"tax", "land_mu"}, []Ratio{{ID: "tax_per_mu", Num: "tax", Den: "land_mu"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(agg) != 2 || agg[0].Unit != "北城" && agg[1].Unit != "北城" {
		t.Fatalf("aggregates %+v", agg)
	}
	for _, a := range agg {
		if a.Unit == "南城" {
			// E3, E4, E5: tax −10 + 20 + 1, land 20 + 2 + 5; one exempt.
			if a.N != 3 || a.Unclassified != 1 || a.Sums["tax"] != 11 || !near(a.Ratios["tax_per_mu"], 11.0/27) ||
				a.ByClass["D"] != 2 || a.ByClass["B"] != 1 || a.NoGroup != 0 {
				t.Errorf("南城 %+v", a)
			}
		}
	}
}

// Linhai 2014–2016, standards.md §1.2: ≥ 3 亩 six items, < 3 亩 three items.
func TestLinhaiByHand(t *testing.T) {
	s, err := Seed("linhai-2014")
	if err != nil {
		t.Fatal(err)
	}
	in := mkInput([]ent{
		{id: "big", fig: map[string]float64{"tax": 150, "land_mu": 5, "sales_revenue": 2000, "value_added": 600,
			"energy_tce": 100, "emissions_t": 2, "water_t": 4000, "employees": 30}},
		{id: "small", fig: map[string]float64{"tax": 30, "land_mu": 2, "sales_revenue": 500, "electricity_kwh": 1e6}},
		{id: "noland", fig: map[string]float64{"tax": 30}},
	})
	r := mustScore(t, s, in)
	big := 150.0/5/15*40 + 2000.0/5/300*10 + 600.0/100/3*20 + 600.0/2/500*15 + 600.0/4000/0.1*5 + 600.0/30/15*10
	small := 30.0/2/15*50 + 500.0/2/300*20 + 30.0*10000/1e6/2*30
	if c := r.Card(0); c.Group != "ge3" || !near(c.Total, big) {
		t.Errorf("big: %s %v want ge3 %v", c.Group, c.Total, big)
	}
	if c := r.Card(1); c.Group != "lt3" || !near(c.Total, small) {
		t.Errorf("small: %s %v want lt3 %v", c.Group, c.Total, small)
	}
	if c := r.Card(2); c.Group != "" || c.Class != "" {
		t.Errorf("no land: %+v, want no group", c)
	}
}

// Caps (§1.2 [A]: cap = multiple of the weight) and a missing figure without the mean rule.
func TestCapAndMissingZero(t *testing.T) {
	s, _ := Seed("huangyan-2022")
	s.Groups[3].Items[0].Cap = 2 // 规下 亩均税收 at most 2 × 50
	in := mkInput([]ent{
		{id: "rich", scale: "below", fig: map[string]float64{"tax": 500, "land_mu": 1, "electricity_kwh": 1e7}},
		{id: "nokwh", scale: "below", fig: map[string]float64{"tax": 10, "land_mu": 1}},
	})
	r := mustScore(t, s, in)
	rich := r.Card(0)
	if it := itemScore(rich, "tax_per_mu"); it.Score != 100 || !it.Capped || !near(*it.Actual, 500) {
		t.Errorf("capped item %+v, want 100 capped", it)
	}
	if !near(rich.Total, 100+500*10000/1e7/0.2352*50) {
		t.Errorf("rich total %v", rich.Total)
	}
	if it := itemScore(r.Card(1), "tax_per_kwh"); it.Score != 0 || !it.Missing || it.MeanRule {
		t.Errorf("missing electricity %+v, want 0 missing", it)
	}
}

func oneItemScheme(n int) *Scheme {
	return &Scheme{ID: "t", Name: "t", Effective: "2024-01-01", ClassBy: ClassByPct,
		Figures: []Figure{{ID: "x"}, {ID: "one"}},
		Groups:  []Group{{ID: "all", Items: []Item{{ID: "x", Num: "x", Benchmark: Benchmark{Kind: BenchGiven, Value: 1}, Weight: 1, Floor: ptr(-1e9)}}}},
		Classes: []Class{{Code: "A", TopPct: 25}, {Code: "B", TopPct: 70}, {Code: "C", TopPct: 95}, {Code: "D", TopPct: 100}}}
}

func ptr(f float64) *float64 { return &f }

func xs(vals ...float64) *Input {
	in := NewInput(len(vals))
	col := in.Figure("x")
	for i, v := range vals {
		in.ID[i] = string(rune('a' + i%26))
		col[i] = v
	}
	return in
}

// Percentile cut-offs of the gu456 city (standards.md §1.3): top 25 % (含) A, 26–70 % (含) B,
// 71–95 % (含) C, bottom 5 % D. With 100 entities ranks 25/26, 70/71, 95/96 sit on the edges.
func TestPercentileBoundaries(t *testing.T) {
	vals := make([]float64, 100)
	for i := range vals {
		vals[i] = float64(1000 - i) // entity i has rank i+1
	}
	r := mustScore(t, oneItemScheme(100), xs(vals...))
	for rank, want := range map[int]string{1: "A", 25: "A", 26: "B", 70: "B", 71: "C", 95: "C", 96: "D", 100: "D"} {
		if got := r.ClassCode(rank - 1); got != want || int(r.Rank[rank-1]) != rank {
			t.Errorf("rank %d: class %s (rank %d), want %s", rank, got, r.Rank[rank-1], want)
		}
	}
	// Jingning-sized group of 39: 9/39 = 23 % → A, 10/39 = 25.6 % → B.
	r = mustScore(t, oneItemScheme(39), xs(vals[:39]...))
	if r.ClassCode(8) != "A" || r.ClassCode(9) != "B" {
		t.Errorf("n=39: rank 9 %s, rank 10 %s", r.ClassCode(8), r.ClassCode(9))
	}
	// Ties share the better rank and class: ranks 25 and 26 tied → both 25 → both A; next is 27.
	vals[25] = vals[24]
	r = mustScore(t, oneItemScheme(100), xs(vals...))
	if r.Rank[24] != 25 || r.Rank[25] != 25 || r.ClassCode(25) != "A" || r.Rank[26] != 27 {
		t.Errorf("tie: ranks %d %d %d class %s", r.Rank[24], r.Rank[25], r.Rank[26], r.ClassCode(25))
	}
}

// The radix path (groups ≥ 2048) must agree with the comparison path, including
// negative totals, zeros of both signs and ties.
func TestRadixRankMatchesSort(t *testing.T) {
	n := 5000
	vals := make([]float64, n)
	seed := uint64(7)
	for i := range vals {
		seed = seed*6364136223846793005 + 1442695040888963407
		vals[i] = float64(int64(seed>>40)%2000-1000) / 8
	}
	vals[10], vals[11] = math.Copysign(0, -1), 0
	order := rankOrder(vals)
	for k := 1; k < n; k++ {
		a, b := order[k-1], order[k]
		if vals[a] < vals[b] || (vals[a] == vals[b] && a > b) {
			t.Fatalf("order broken at %d: %v(%d) before %v(%d)", k, vals[a], a, vals[b], b)
		}
	}
}

package indicators

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// §5.6 numeric check: 天门 12/2016, 应结案 972, 结案 911 → 93.72 %, 按期 737 → 75.82 %
// (http://www.hbcic.net.cn/info/wcm/74587.htm). The month is rebuilt from
// per-case facts: 960 disposed + 12 overdue undisposed = 972 due.
func TestPublishedMonth(t *testing.T) {
	var c Counters
	add := func(n int, f Facts) {
		for range n {
			c.Add(f)
		}
	}
	base := Facts{Registered: true, Dispatched: true, DispatchedOnTime: true}
	onTime := base
	onTime.Disposed, onTime.DisposedOnTime, onTime.Closed, onTime.ClosedOnTime, onTime.Closure = true, true, true, true, "normal"
	late := base
	late.Disposed, late.Closed, late.Closure = true, true, "overdue"
	openDisposed := base
	openDisposed.Disposed = true
	overdue := base
	overdue.OverdueUndisposed = true
	suspended := base
	suspended.Suspended, suspended.OverdueUndisposed = true, true // 挂账 wins: excluded
	add(737, onTime)
	add(911-737, late)
	add(960-911, openDisposed)
	add(12, overdue)
	add(7, suspended)
	add(30, Facts{Void: VoidNotAccepted})

	r := c.Rates()
	if r.DueClose != 972 {
		t.Fatalf("应结案 = %d, want 972", r.DueClose)
	}
	if v, _ := r.CloseRate.Value(); v != 93.72 {
		t.Errorf("结案率 = %v, want 93.72", v)
	}
	if v, _ := r.OnTimeCloseRate.Value(); v != 75.82 {
		t.Errorf("按期结案率 = %v, want 75.82", v)
	}
	if r.DueDispose != 960+12 {
		t.Errorf("应处置 = %d: 挂账 must leave the dispose counts", r.DueDispose)
	}
	if c.NotAccepted != 30 || c.Valid != 737+174+49+12+7 {
		t.Errorf("不予受理 %d, 有效上报 %d", c.NotAccepted, c.Valid)
	}
	b, _ := json.Marshal(r.CloseRate)
	if string(b) != `{"num":911,"den":972,"pct":93.72}` {
		t.Errorf("json %s", b)
	}
}

// §5.5 counting rules on single cases.
func TestCountingRules(t *testing.T) {
	var c Counters
	c.Add(Facts{Public: true, VerifiedOnTime: true, Registered: true, Void: VoidVoided, Dispatched: true, Dispatches: 3, Reworks: 2,
		Disposed: true, DisposeTime: 90 * time.Minute, Checks: 3, ChecksOnTime: 2})
	c.Add(Facts{Registered: true, Dispatched: true, Disposed: true, DisposedOnTime: true, DisposeTime: 30 * time.Minute})
	r := c.Rates()
	if c.Valid != 1 {
		t.Errorf("有效上报: a voided case is not valid, got %d", c.Valid)
	}
	if c.Reworked != 1 || c.ReworkLoops != 2 {
		t.Errorf("返工 = %d (loops %d), want 1 (2): rework_num is 1 if any", c.Reworked, c.ReworkLoops)
	}
	if v, _ := r.AccurateDispatch.Value(); v != 50 {
		t.Errorf("准确派遣率 = (派遣 2 − 返工 1)/应派遣 2 = 50, got %v", v)
	}
	if v, _ := r.AccurateRegister.Value(); v != 50 {
		t.Errorf("准确立案率 = (立案 2 − 作废 1)/2 = 50, got %v", v)
	}
	if v, _ := r.OnTimeCheck.Value(); v != 66.67 {
		t.Errorf("按时核查率 = 2/3, got %v", v)
	}
	if r.AvgDisposeTime != time.Hour {
		t.Errorf("average handling time %v, want 1h", r.AvgDisposeTime)
	}
	if _, ok := (Pct{1, 0}).Value(); ok {
		t.Error("zero denominator must be undefined")
	}
}

func TestCubeRollup(t *testing.T) {
	cb := Cube{}
	cb.Add(Key{Area: "a", Category: "E0101", Period: "2026-03"}, Facts{Registered: true})
	cb.Add(Key{Area: "a", Category: "E0102", Period: "2026-03"}, Facts{Registered: true, Closed: true})
	cb.Add(Key{Area: "b", Category: "E0102", Period: "2026-03"}, Facts{})
	byArea := cb.Rollup(func(k Key) Key { k.Category = ""; return k })
	if got := byArea[Key{Area: "a", Period: "2026-03"}]; got == nil || got.Registered != 2 || got.Reported != 2 {
		t.Errorf("rollup by area: %+v", got)
	}
	if len(byArea) != 2 {
		t.Errorf("%d cells, want 2", len(byArea))
	}
}

// §5.6 position formulas and the A–E bands, with hand-computed scores.
func TestSeedSchemes(t *testing.T) {
	ss, err := SeedSchemes()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Scheme{}
	for _, s := range ss {
		by[s.ID] = s
	}
	// 监督员: 95×40% + (100−10)×20% + 80×20% + 100×20% = 38+18+16+20 = 92 → A
	r := by["supervisor"].Evaluate(map[string]float64{"valid_report_rate": 95, "missed_rate": 10, "on_time_verify_rate": 80, "on_time_check_rate": 100})
	if r.Score != 92 || r.Grade != "A" {
		t.Errorf("监督员 %v %s, want 92 A", r.Score, r.Grade)
	}
	// 受理员: 受理数 600 → 75; 75×25% + 90×40% + 80×35% = 18.75+36+28 = 82.75 → B
	r = by["intake"].Evaluate(map[string]float64{"accepted_count": 600, "on_time_verify_dispatch_rate": 90, "on_time_check_dispatch_rate": 80})
	if r.Score != 82.75 || r.Grade != "B" {
		t.Errorf("受理员 %v %s, want 82.75 B", r.Score, r.Grade)
	}
	// 值班长: 100×25% + 50×40% + 60×35% = 25+20+21 = 66 → C
	r = by["shift_lead"].Evaluate(map[string]float64{"on_time_register_rate": 100, "accurate_register_rate": 50, "on_time_close_shift_rate": 60})
	if r.Score != 66 || r.Grade != "C" {
		t.Errorf("值班长 %v %s, want 66 C", r.Score, r.Grade)
	}
	// 一类区域 with 立案数 4 → 75: 50×10% + 75×20% + 93.72×30% + 75.82×40% = 5+15+28.116+30.328 = 78.444 → B
	r = by["region_1"].Evaluate(map[string]float64{"supervisor_report_rate": 50, "registered_count": 4, "close_rate": 93.72, "on_time_close_rate": 75.82})
	if r.Score != 78.44 || r.Grade != "B" {
		t.Errorf("区域 %v %s, want 78.44 B", r.Score, r.Grade)
	}
	// 二类区域 bands differ: 4 cases → 75 (not 90)
	r2 := by["region_2"].Evaluate(map[string]float64{"registered_count": 3})
	if r2.Terms[1].Score != 90 || r2.Terms[0].Missing != true {
		t.Errorf("二类 立案数 3 → 90 and missing terms flagged: %+v", r2.Terms)
	}
	// The reference code's X = 10 (weights sum 70) must not validate.
	bad := by["region_1"]
	bad.Terms = append([]Term(nil), bad.Terms...)
	bad.Terms[3].Weight = 10
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "70") {
		t.Errorf("weights summing to 70 accepted: %v", err)
	}
}

// §5.6: A ≥ 90, B 75–89, C 60–74, D 40–59, E < 40.
func TestGradeBands(t *testing.T) {
	ss, _ := SeedSchemes()
	g := ss[0].Grades
	for score, want := range map[float64]string{100: "A", 90: "A", 89.99: "B", 75: "B", 74.99: "C", 60: "C", 59.99: "D", 40: "D", 39.99: "E", 0: "E"} {
		if got := GradeOf(g, score); got != want {
			t.Errorf("grade(%v) = %s, want %s", score, got, want)
		}
	}
}

func TestPeriods(t *testing.T) {
	cases := []struct{ p, prev, yearAgo string }{
		{"2016-12", "2016-11", "2015-12"},
		{"2016-01", "2015-12", "2015-01"},
		{"2016-Q1", "2015-Q4", "2015-Q1"},
		{"2016", "2015", "2015"},
		{"2016-03-01", "2016-02-29", "2015-03-01"},
	}
	for _, tc := range cases {
		if p, ok := Previous(tc.p); !ok || p != tc.prev {
			t.Errorf("环比 base of %s = %s, want %s", tc.p, p, tc.prev)
		}
		if p, ok := YearAgo(tc.p); !ok || p != tc.yearAgo {
			t.Errorf("同比 base of %s = %s, want %s", tc.p, p, tc.yearAgo)
		}
	}
	if _, ok := Previous("2016-Q5"); ok {
		t.Error("bad quarter accepted")
	}
	ts := time.Date(2016, 11, 15, 0, 0, 0, 0, time.UTC)
	if PeriodOf(ts, "quarter") != "2016-Q4" || PeriodOf(ts, "month") != "2016-11" {
		t.Error("PeriodOf")
	}
	c := Compare(93.72, 90)
	if c.Points != 3.72 || c.Growth != 4.13 || !c.OK {
		t.Errorf("compare %+v", c)
	}
	if Compare(5, 0).OK {
		t.Error("growth from zero is undefined")
	}
}

func FuzzPeriod(f *testing.F) {
	for _, s := range []string{"2016", "2016-Q4", "2016-12", "2016-12-31", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		for _, fn := range []func(string) (string, bool){Previous, YearAgo} {
			q, ok := fn(p)
			if !ok {
				continue
			}
			if len(q) != len(p) {
				t.Fatalf("%q → %q changes granularity", p, q)
			}
			if !ValidPeriod(p) || !ValidPeriod(q) || q == p {
				t.Fatalf("%q → %q: both must be valid periods and differ", p, q)
			}
		}
	})
}

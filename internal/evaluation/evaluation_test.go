package evaluation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/evaluation"
	"towngrid/internal/scoring"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

var ctx = context.Background()

var sys = store.Actor{Name: "test", Via: "cli"}

// USCC makes a valid unified social credit code from a number (check
// character by GB 32100-2015).
func USCC(n int) string {
	body := fmt.Sprintf("91330003%09d", n)
	c, _ := codes.USCCCheckChar(body)
	return body + string(c)
}

type world struct {
	db   *store.DB
	town *directory.Area
	ents map[string]*directory.Enterprise
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	if err := evaluation.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, ents: map[string]*directory.Enterprise{}}
	w.town = &directory.Area{Level: directory.Town, Code: "331003101", Name: "北城街道"}
	if err := db.Write(ctx, sys, func(tx *store.Tx) error { return tx.CreateArea(ctx, w.town) }); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) ent(t *testing.T, key string, n int, above bool, land float64, status directory.EnterpriseStatus) *directory.Enterprise {
	t.Helper()
	e := &directory.Enterprise{USCC: USCC(n), Name: "企业" + key, AboveScale: above, LandMu: land, Park: "黄岩经济开发区", AreaID: w.town.ID, Status: status}
	if err := w.db.Write(ctx, sys, func(tx *store.Tx) error { return tx.CreateEnterprise(ctx, e) }); err != nil {
		t.Fatal(err)
	}
	w.ents[key] = e
	return e
}

func (w *world) report(t *testing.T, key, period, status string, f map[string]float64) {
	t.Helper()
	r := &store.StatsReport{EnterpriseID: w.ents[key].ID, Period: period, Status: status, Figures: f}
	if err := w.db.Write(ctx, sys, func(tx *store.Tx) error { return tx.PutStats(ctx, r) }); err != nil {
		t.Fatal(err)
	}
}

func (w *world) run(t *testing.T, year int) *store.EvalRun {
	t.Helper()
	run, _, err := evaluation.Run(ctx, w.db, sys, evaluation.Request{Scheme: "huangyan-2022", Year: year, AreaID: w.town.ID}, w.town)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// A stored run reproduces scores computed by hand from standards.md §1.2
// (Huangyan 2023 notice, 2022 data): score_i = actual_i / benchmark_i × weight_i.
func TestRunReproducesHandScores(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.ent(t, "E1", 1, true, 10, directory.Active)
		w.ent(t, "E2", 2, true, 20, directory.Active)
		w.ent(t, "E3", 3, false, 4, directory.Active)
		w.ent(t, "E4", 4, false, 2, directory.Active)
		w.ent(t, "E5", 5, true, 8, directory.StartUp)
		w.ent(t, "E6", 6, false, 1, directory.Closed)
		// E1 reports two months (summed; employees averaged); the others a year.
		w.report(t, "E1", "2022-01", "submitted", map[string]float64{"tax": 100, "value_added": 600, "energy_tce": 200, "emissions_t": 0.1, "employees": 90, "rd": 20, "main_revenue": 800})
		w.report(t, "E1", "2022-02", "submitted", map[string]float64{"tax": 200, "value_added": 900, "energy_tce": 300, "emissions_t": 0.2, "employees": 110, "rd": 40, "main_revenue": 1200})
		w.report(t, "E2", "2022", "submitted", map[string]float64{"tax": 200, "value_added": 1000, "energy_tce": 600, "employees": 80, "rd": 10, "main_revenue": 3000})
		if err := db.Write(ctx, sys, func(tx *store.Tx) error {
			_, err := tx.ReviewStats(ctx, w.ents["E2"].ID, "2022", "accept", "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		w.report(t, "E3", "2022", "submitted", map[string]float64{"tax": 40, "electricity_kwh": 1e6})
		w.report(t, "E4", "2022", "submitted", map[string]float64{"tax": 5, "electricity_kwh": 5e5})
		w.report(t, "E4", "2021", "draft", map[string]float64{"tax": 5000}) // a draft of another year counts for nothing
		run := w.run(t, 2022)
		if run.N != 5 {
			t.Fatalf("run of %d enterprises, want 5 (the closed one is left out)", run.N)
		}
		// By hand, 规上 benchmarks 24.097 / 136.16 / 2.694 / 4929.81 / 18.14 / 0.0302, weights 30/20/20/10/10/10.
		e1Emission := (1500.0 / 0.3) / 4929.81 * 10
		e1 := (300.0/10)/24.097*30 + (1500.0/10)/136.16*20 + (1500.0/500)/2.694*20 + e1Emission + (1500.0/100)/18.14*10 + (60.0/2000)/0.0302*10
		// E2 has no emission data: it gets the 规上 average score on that item (E1's, the only one reporting).
		e2 := (200.0/20)/24.097*30 + (1000.0/20)/136.16*20 + (1000.0/600)/2.694*20 + e1Emission + (1000.0/80)/18.14*10 + (10.0/3000)/0.0302*10
		// 规下: 亩均税收 11.5932 × 50, 单位用电税收 0.2352 元/kWh × 50 (tax 万元 × 10000 ÷ kWh).
		e3 := (40.0/4)/11.5932*50 + (40.0*10000/1e6)/0.2352*50
		e4 := (5.0/2)/11.5932*50 + (5.0*10000/5e5)/0.2352*50
		want := map[string]struct {
			total float64
			class string
			rank  int
		}{
			// Groups of two: rank 1 is the 50th percentile (B: ≤ 70 %), rank 2 the 100th (D).
			"E1": {e1, "B", 1}, "E2": {e2, "D", 2}, "E3": {e3, "B", 1}, "E4": {e4, "D", 2}, "E5": {0, "B", 0},
		}
		res, err := db.EvalResults(ctx, store.EvalResultFilter{RunID: run.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 5 {
			t.Fatalf("%d results", len(res))
		}
		for _, r := range res {
			key := r.Name[len("企业"):]
			wt := want[key]
			if !near(r.Total, wt.total) || r.Class != wt.class || r.Rank != wt.rank {
				t.Errorf("%s: total %.9f class %s rank %d, want %.9f %s %d", key, r.Total, r.Class, r.Rank, wt.total, wt.class, wt.rank)
			}
		}
		if e1 < e2 || e3 < e4 {
			t.Fatal("hand figures chosen so that E1 > E2 and E3 > E4")
		}
		if !res[4].Unclassified || res[4].Name != "企业E5" {
			t.Errorf("the start-up is exempt (不定等级, 按B类管理) and listed last: %+v", res[4])
		}
		if run.ByClass["B"] != 3 || run.ByClass["D"] != 2 {
			t.Errorf("by class %v", run.ByClass)
		}
		aggs, err := db.EvalAggregates(ctx, run.ID)
		if err != nil || len(aggs) != 2 {
			t.Fatalf("aggregates %v %v", aggs, err)
		}
		var town scoring.UnitAggregate
		for _, a := range aggs {
			if a.Level == "town" {
				_ = json.Unmarshal(a.Body, &town)
			}
		}
		// Pooled 亩均税收 of the town: Σ tax ÷ Σ land over the five evaluated (E5 reports nothing).
		if town.Unit != "北城街道" || town.N != 5 || !near(town.Ratios["tax_per_mu"], (300.0+200+40+5)/(10+20+4+2+8)) {
			t.Errorf("town aggregate %+v", town)
		}
		card, err := evaluation.Card(ctx, db, w.ents["E2"])
		if err != nil {
			t.Fatal(err)
		}
		if !card.Evaluated || card.Card.Class != "D" || card.Why.GroupSize != 2 || card.Why.CutOff != 100 || len(card.Items) != 6 || !card.Items[3].MeanRule {
			t.Errorf("E2 card %+v why %+v", card.Card, card.Why)
		}
	})
}

// Policies escalate with consecutive years in D across stored runs, and the
// exit rule (3 consecutive D years in the seed) marks an exit candidate.
func TestPoliciesEscalateAcrossRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.ent(t, "good", 11, false, 4, directory.Active)
		w.ent(t, "weak", 12, false, 4, directory.Active)
		var runs []*store.EvalRun
		for _, y := range []int{2022, 2023, 2024} {
			w.report(t, "good", fmt.Sprint(y), "submitted", map[string]float64{"tax": 50, "electricity_kwh": 1e6})
			w.report(t, "weak", fmt.Sprint(y), "submitted", map[string]float64{"tax": 1, "electricity_kwh": 1e6})
			runs = append(runs, w.run(t, y))
		}
		has := func(ms []scoring.Policy, m string) bool {
			for _, p := range ms {
				if p.Measure == m {
					return true
				}
			}
			return false
		}
		for i, run := range runs {
			ex, err := evaluation.ExitCandidates(ctx, db, run, 0)
			if err != nil {
				t.Fatal(err)
			}
			if wantExit := i == 2; (len(ex) == 1) != wantExit {
				t.Fatalf("run %d: exit candidates %+v", run.Year, ex)
			}
			if i == 2 {
				d := ex[0].Decision
				if ex[0].Result.USCC != USCC(12) || d.Consecutive != 3 || !has(d.Measures, "credit_restriction") || !has(d.Measures, "electricity_surcharge") {
					t.Errorf("third D year: %+v", ex[0])
				}
			}
		}
		card, err := evaluation.Card(ctx, db, w.ents["weak"])
		if err != nil {
			t.Fatal(err)
		}
		if card.Policies == nil || card.Policies.Consecutive != 3 || !card.Policies.ExitCandidate || len(card.History) != 3 || card.Previous == nil || card.Previous.Year != 2023 {
			t.Errorf("weak card policies %+v history %v previous %+v", card.Policies, card.History, card.Previous)
		}
		if card.Items[0].PrevActual == nil || *card.Items[0].PrevActual != 0.25 {
			t.Errorf("last year's 亩均税收 should be 1/4 = 0.25: %+v", card.Items[0])
		}
		// One D year alone: no credit restriction yet (it starts in the 2nd year).
		d, _ := scoring.PoliciesInForce(mustScheme(t), []scoring.YearClass{{Year: 2024, Class: "D"}})
		if has(d.Measures, "credit_restriction") || !has(d.Measures, "gas_surcharge") {
			t.Errorf("first D year measures %+v", d.Measures)
		}
		good, _ := evaluation.Card(ctx, db, w.ents["good"])
		if good.Policies.Class != "B" || good.Policies.ExitCandidate {
			t.Errorf("good card %+v", good.Policies)
		}
	})
}

func mustScheme(t *testing.T) *scoring.Scheme {
	s, err := scoring.Seed("huangyan-2022")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeedIsIdempotentAndSchemesVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		if err := evaluation.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		keys, _ := db.RuleKeys(ctx, evaluation.RuleKind)
		if len(keys) != len(scoring.SeedIDs()) {
			t.Errorf("keys %v", keys)
		}
		s := mustScheme(t)
		s.Groups[3].Items[0].Benchmark.Value = 12 // a new year's 规下 benchmark
		b, _ := json.Marshal(s)
		r, err := evaluation.AddScheme(ctx, db, sys, "huangyan-2022", "2024-01-01", "edited", b)
		if err != nil || r.Version != 2 {
			t.Fatalf("add version: %+v %v", r, err)
		}
		if _, err := evaluation.AddScheme(ctx, db, sys, "linhai-2014", "", "", b); err == nil {
			t.Error("a scheme stored under another id must be refused")
		}
		s.Classes = nil
		b, _ = json.Marshal(s)
		if _, err := evaluation.AddScheme(ctx, db, sys, "huangyan-2022", "", "", b); err == nil {
			t.Error("an invalid scheme must be refused")
		}
		_ = w
	})
}

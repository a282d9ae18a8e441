// Package evaluation runs per-mu evaluations (亩均论英雄) over stored data: it
// keeps scoring schemes in the versioned rules table, builds the engine's input
// from the enterprises' stored annual figures and register attributes, scores
// with the one engine (internal/scoring), stores the immutable run, and
// answers an enterprise's card with its class history and policies in force.
// It is the adapter between internal/store and the pure scoring/permu packages.
package evaluation

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/directory"
	"towngrid/internal/permu"
	"towngrid/internal/scoring"
	"towngrid/internal/store"
)

// RuleKind is the kind of scoring schemes in the rules table.
const RuleKind = "scoring_scheme"

func init() {
	app.RegisterStarter("evaluation", func(ctx context.Context, a *app.App) error { return Seed(ctx, a.DB) })
}

// Seed stores every embedded scheme (scoring.SeedIDs) that has no version yet.
func Seed(ctx context.Context, db *store.DB) error {
	var todo []*scoring.Scheme
	for _, id := range scoring.SeedIDs() {
		if _, err := db.RuleVersion(ctx, RuleKind, id, 0); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		s, err := scoring.Seed(id)
		if err != nil {
			return err
		}
		todo = append(todo, s)
	}
	if len(todo) == 0 {
		return nil
	}
	return db.Write(ctx, store.System, func(tx *store.Tx) error {
		for _, s := range todo {
			b, _ := json.Marshal(s)
			if err := tx.AddRuleVersion(ctx, &store.Rule{Kind: RuleKind, Key: s.ID, EffectiveFrom: s.Effective, Body: string(b), Note: "seed: " + strings.Join(s.Sources, " ")}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Scheme loads a stored scheme version (0 = the latest) and parses it.
func Scheme(ctx context.Context, db *store.DB, key string, version int) (*scoring.Scheme, *store.Rule, error) {
	r, err := db.RuleVersion(ctx, RuleKind, key, version)
	if err != nil {
		return nil, nil, err
	}
	s, err := scoring.ParseScheme([]byte(r.Body))
	if err != nil {
		return nil, nil, err
	}
	s.Version = r.Version
	return s, r, nil
}

// AddScheme validates a scheme with the engine's own checks and stores it as
// the next version of key.
func AddScheme(ctx context.Context, db *store.DB, actor store.Actor, key, effective, note string, body []byte) (*store.Rule, error) {
	s, err := scoring.ParseScheme(body)
	if err != nil {
		var se *scoring.Error
		if errors.As(err, &se) {
			return nil, &account.FieldError{Field: "body", Code: se.Code, Detail: se.Detail}
		}
		return nil, err
	}
	if s.ID != key {
		return nil, &account.FieldError{Field: "body", Code: "scheme.id_mismatch", Detail: "the scheme's id must be " + key}
	}
	if effective == "" {
		effective = s.Effective
	}
	if _, err := time.Parse(time.DateOnly, effective); err != nil {
		return nil, &account.FieldError{Field: "effective_from", Code: "rule.effective_from", Detail: "a date YYYY-MM-DD"}
	}
	b, _ := json.Marshal(s)
	r := &store.Rule{Kind: RuleKind, Key: key, EffectiveFrom: effective, Body: string(b), Note: note}
	if err := db.Write(ctx, actor, func(tx *store.Tx) error { return tx.AddRuleVersion(ctx, r) }); err != nil {
		return nil, err
	}
	return r, nil
}

// Request asks for a run.
type Request struct {
	Scheme  string `json:"scheme"`
	Version int    `json:"version,omitempty"` // 0 = the latest
	Year    int    `json:"year"`
	AreaID  int64  `json:"area_id"`
}

// Timing splits a run's time: load from the database, score (the pure
// engine), build cards and aggregates, store.
type Timing struct {
	N       int     `json:"n"`
	LoadMS  float64 `json:"load_ms"`
	ScoreMS float64 `json:"score_ms"`
	CardsMS float64 `json:"cards_ms"`
	StoreMS float64 `json:"store_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Run evaluates every enterprise below area for req.Year and stores the run.
func Run(ctx context.Context, db *store.DB, actor store.Actor, req Request, area *directory.Area) (*store.EvalRun, *Timing, error) {
	if req.Year < 2000 || req.Year > 2100 {
		return nil, nil, &account.FieldError{Field: "year", Code: "evaluation.year", Detail: "a data year from 2000 to 2100"}
	}
	s, _, err := Scheme(ctx, db, req.Scheme, req.Version)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, &account.FieldError{Field: "scheme", Code: "evaluation.scheme_unknown", Detail: "no stored scheme (or version) with this id"}
	}
	if err != nil {
		return nil, nil, err
	}
	eng, err := scoring.Compile(s)
	if err != nil {
		return nil, nil, err
	}
	tm := &Timing{}
	t0 := time.Now()
	pop, err := db.EvaluationPopulation(ctx, area.Path, req.Year)
	if err != nil {
		return nil, nil, err
	}
	if len(pop) == 0 {
		return nil, nil, &account.FieldError{Field: "area_id", Code: "evaluation.empty", Detail: "no enterprise to evaluate in this area"}
	}
	towns, err := db.TownNames(ctx)
	if err != nil {
		return nil, nil, err
	}
	members := make([]permu.Member, len(pop))
	for i, m := range pop {
		f := m.Annual
		if f == nil {
			f = permu.Annual(m.Months)
		}
		members[i] = permu.Member{ID: m.USCC, Name: m.Name, Park: m.Park, AboveScale: m.AboveScale, LandMu: m.LandMu, Status: m.Status, Figures: f}
	}
	in := permu.BuildInput(members)
	town := in.Cat("town")
	townOf := make([]string, len(pop))
	for i, m := range pop {
		townOf[i] = townName(towns, m.AreaPath)
		town.Set(i, townOf[i])
	}
	tm.N, tm.LoadMS = len(pop), ms(time.Since(t0))
	t1 := time.Now()
	res, err := eng.Score(in)
	if err != nil {
		return nil, nil, err
	}
	tm.ScoreMS = ms(time.Since(t1))
	t2 := time.Now()
	results, byClass, err := resultRows(res, pop, townOf)
	if err != nil {
		return nil, nil, err
	}
	aggs, err := aggregates(res, in, s)
	if err != nil {
		return nil, nil, err
	}
	tm.CardsMS = ms(time.Since(t2))
	run := &store.EvalRun{Scheme: s.ID, SchemeVersion: s.Version, SchemeName: s.Name, Year: req.Year, AreaID: area.ID, AreaPath: area.Path,
		N: len(pop), ByClass: byClass, Absent: eng.Absent(in), ScoreMS: tm.ScoreMS}
	if run.Absent == nil {
		run.Absent = []string{}
	}
	t3 := time.Now()
	if err := db.Write(ctx, actor, func(tx *store.Tx) error { return tx.CreateEvalRun(ctx, run, results, aggs) }); err != nil {
		return nil, nil, err
	}
	tm.StoreMS = ms(time.Since(t3))
	return run, tm, nil
}

// townName finds the town-level ancestor of an area path ('/1/5/23/').
func townName(towns map[string]string, path string) string {
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '/' {
			if n, ok := towns[path[:i+1]]; ok {
				return n
			}
		}
	}
	return ""
}

// resultRows orders the results as offices publish them: by group in the
// scheme's order, then by rank (ties in input order); exempt groups and
// unmatched entities last.
func resultRows(res *scoring.Result, pop []store.EvalMember, townOf []string) ([]store.EvalResult, map[string]int, error) {
	order := make([]int, len(pop))
	for i := range order {
		order[i] = i
	}
	// Exempt groups (不定等级) are listed after the ranked ones.
	gkey := func(i int) int {
		g := int(res.Group[i])
		switch {
		case g < 0:
			return 2 * len(res.Groups)
		case res.Groups[g].Def.Exempt:
			return len(res.Groups) + g
		}
		return g
	}
	sort.SliceStable(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if gi, gj := gkey(i), gkey(j); gi != gj {
			return gi < gj
		}
		return res.Rank[i] < res.Rank[j]
	})
	byClass := map[string]int{}
	out := make([]store.EvalResult, len(pop))
	for p, i := range order {
		c := res.Card(i)
		b, err := json.Marshal(c)
		if err != nil {
			return nil, nil, err
		}
		if c.Class != "" {
			byClass[c.Class]++
		}
		m := &pop[i]
		out[p] = store.EvalResult{Pos: p + 1, EnterpriseID: m.EnterpriseID, USCC: m.USCC, Name: m.Name, Park: m.Park, Town: townOf[i],
			Group: c.Group, Total: c.Total, Rank: c.Rank, Percentile: c.Percentile, Class: c.Class, Unclassified: c.Unclassified, Card: b}
	}
	return out, byClass, nil
}

// aggregates summarises per park and per town: class counts, mean score,
// figure sums and the pooled 亩均税收 / 亩均增加值 (Σ num ÷ Σ land).
func aggregates(res *scoring.Result, in *scoring.Input, s *scoring.Scheme) ([]store.EvalAggregate, error) {
	var sums []string
	for _, f := range s.Figures {
		if _, ok := in.Figures[f.ID]; ok {
			sums = append(sums, f.ID)
		}
	}
	var ratios []scoring.Ratio
	for _, q := range []scoring.Ratio{{ID: "tax_per_mu", Num: "tax", Den: "land_mu"}, {ID: "va_per_mu", Num: "value_added", Den: "land_mu"}} {
		_, a := in.Figures[q.Num]
		_, b := in.Figures[q.Den]
		if a && b {
			ratios = append(ratios, q)
		}
	}
	var out []store.EvalAggregate
	for _, lv := range []struct{ level, cat string }{{"park", "unit"}, {"town", "town"}} {
		us, err := res.Aggregate(lv.cat, sums, ratios)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			b, _ := json.Marshal(u)
			out = append(out, store.EvalAggregate{Level: lv.level, Unit: u.Unit, Body: b})
		}
	}
	return out, nil
}

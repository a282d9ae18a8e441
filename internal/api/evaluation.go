package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"towngrid/internal/account"
	"towngrid/internal/evaluation"
	"towngrid/internal/httpx"
	"towngrid/internal/scoring"
	"towngrid/internal/store"
)

// Per-mu evaluation (亩均论英雄): scoring schemes as versioned rules, runs
// that are stored immutably with their results and aggregates, an
// enterprise's card with its policies in force, and exit candidates.

func init() { register((*handlers).evaluationRoutes) }

// SchemeInfo is a stored scheme in a list.
type SchemeInfo struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Jurisdiction string `json:"jurisdiction"`
	DataYear     int    `json:"data_year"`
	Effective    string `json:"effective_from"`
	Version      int    `json:"version"` // the latest
}

// SchemeIn adds a version of a scheme.
type SchemeIn struct {
	EffectiveFrom string          `json:"effective_from,omitempty"` // default: the scheme's own effective date
	Note          string          `json:"note,omitempty"`
	Body          json.RawMessage `json:"body"`
}

// RunOut is a new run with how long each part took.
type RunOut struct {
	Run    *store.EvalRun     `json:"run"`
	Timing *evaluation.Timing `json:"timing"`
}

func (h *handlers) evaluationRoutes() []*httpx.Route {
	const tag = "evaluation"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/evaluation/schemes", Perm: account.EvaluationRead, Tag: tag, Summary: "Stored scoring schemes (latest version of each)", Out: []SchemeInfo{}, Handle: h.schemeList},
		{Method: "GET", Path: "/api/v1/evaluation/schemes/{key}", Perm: account.EvaluationRead, Tag: tag, Summary: "One scheme (?version=; default the latest)", Out: scoring.Scheme{}, Handle: h.schemeGet},
		{Method: "POST", Path: "/api/v1/evaluation/schemes/{key}", Perm: account.EvaluationWrite, Tag: tag, Summary: "Add a version of a scheme (validated by the scoring engine)", In: SchemeIn{}, Out: store.Rule{}, Status: 201, Handle: h.schemeAdd},
		{Method: "POST", Path: "/api/v1/evaluations", Perm: account.EvaluationWrite, Tag: tag, Summary: "Run an evaluation over the stored annual figures of an area's enterprises; the run is stored and immutable", In: evaluation.Request{}, Out: RunOut{}, Status: 201, Handle: h.runCreate},
		{Method: "GET", Path: "/api/v1/evaluations", Perm: account.EvaluationRead, Tag: tag, Summary: "Runs in your areas, newest first (cursor)", Out: httpx.List[*store.EvalRun]{}, Handle: h.runList},
		{Method: "GET", Path: "/api/v1/evaluations/{id}", Perm: account.EvaluationRead, Tag: tag, Summary: "One run", Out: store.EvalRun{}, Handle: h.runGet},
		{Method: "GET", Path: "/api/v1/evaluations/{id}/results", Perm: account.EvaluationRead, Tag: tag, Summary: "A run's results in published order (?park=, ?class=, cursor); an enterprise account sees its own row", Out: httpx.List[*store.EvalResult]{}, Handle: h.runResults},
		{Method: "GET", Path: "/api/v1/evaluations/{id}/aggregates", Perm: account.EvaluationRead, Tag: tag, Summary: "Class distribution, mean score and pooled ratios per park and per town", Out: []store.EvalAggregate{}, Handle: h.runAggregates},
		{Method: "GET", Path: "/api/v1/evaluations/{id}/export.xlsx", Perm: account.EvaluationRead, Kind: httpx.Raw, Tag: tag, Summary: "The run as offices publish it: one sheet per group with rank, name, USCC, each indicator's actual and score, total, class", Handle: h.runExport},
		{Method: "GET", Path: "/api/v1/evaluations/{id}/exit-candidates", Perm: account.EvaluationRead, Tag: tag, Summary: "Enterprises the scheme's exit rule marks after this run (consecutive years in the exit class across stored runs)", Out: []evaluation.ExitCandidate{}, Handle: h.runExit},
		{Method: "GET", Path: "/api/v1/enterprises/{id}/evaluation", Perm: account.EvaluationRead, Tag: tag, Summary: "An enterprise's card: class and why, items against the benchmark and last year, policies in force, exit candidacy", Out: evaluation.CardView{}, Handle: h.enterpriseCard},
	}
}

func (h *handlers) schemeList(w http.ResponseWriter, r *httpx.Request) error {
	keys, err := h.a.DB.RuleKeys(r.Context(), evaluation.RuleKind)
	if err != nil {
		return err
	}
	out := []SchemeInfo{}
	for _, k := range keys {
		s, rule, err := evaluation.Scheme(r.Context(), h.a.DB, k, 0)
		if err != nil {
			return err
		}
		out = append(out, SchemeInfo{ID: k, Name: s.Name, Jurisdiction: s.Jurisdiction, DataYear: s.DataYear, Effective: rule.EffectiveFrom, Version: rule.Version})
	}
	return r.JSON(w, 200, out)
}

func (h *handlers) schemeGet(w http.ResponseWriter, r *httpx.Request) error {
	v := 0
	if s := r.URL.Query().Get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return httpx.Invalid("version", "param.version", "a positive whole number")
		}
		v = n
	}
	s, _, err := evaluation.Scheme(r.Context(), h.a.DB, r.PathValue("key"), v)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, s)
}

func (h *handlers) schemeAdd(w http.ResponseWriter, r *httpx.Request) error {
	var in SchemeIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if len(in.Body) == 0 {
		return httpx.Invalid("body", "scheme.json", "the scheme as JSON")
	}
	rule, err := evaluation.AddScheme(r.Context(), h.a.DB, h.actor(r), r.PathValue("key"), in.EffectiveFrom, in.Note, in.Body)
	if err != nil {
		return err
	}
	rule.Body = ""
	return r.JSON(w, 201, rule)
}

func (h *handlers) runCreate(w http.ResponseWriter, r *httpx.Request) error {
	var in evaluation.Request
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if in.Scheme == "" {
		return httpx.Invalid("scheme", "evaluation.scheme_unknown", "the id of a stored scheme")
	}
	if in.AreaID <= 0 {
		return httpx.Invalid("area_id", "evaluation.area", "the area (town, park or county) to evaluate")
	}
	area, err := VisibleArea(r, h.a.DB, in.AreaID)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, httpx.ErrNotFound) {
		return httpx.Invalid("area_id", "evaluation.area", "no such area in your scope")
	}
	if err != nil {
		return err
	}
	run, tm, err := evaluation.Run(r.Context(), h.a.DB, h.actor(r), in, area)
	if err != nil {
		return err
	}
	return r.JSON(w, 201, RunOut{run, tm})
}

func owner(r *httpx.Request) int64 {
	if EnterpriseOnly(r.P) {
		return r.P.UserID
	}
	return 0
}

func (h *handlers) runList(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	rs, err := h.a.DB.EvalRuns(r.Context(), store.EvalRunFilter{Scope: store.ScopeOf(r.P), Owner: owner(r), After: pg.After, Limit: pg.Limit + 1})
	if err != nil {
		return err
	}
	return r.JSON(w, 200, httpx.NewList(rs, pg, func(x *store.EvalRun) int64 { return x.ID }))
}

// VisibleRun returns a run the caller may see: staff when its area lies in
// their scope, an enterprise account when its enterprise is in the run.
func VisibleRun(r *httpx.Request, db *store.DB, id int64) (*store.EvalRun, error) {
	run, err := db.EvalRun(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if o := owner(r); o > 0 {
		mine, err := db.EvalResults(r.Context(), store.EvalResultFilter{RunID: id, Owner: o, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(mine) == 0 {
			return nil, httpx.ErrNotFound
		}
		return run, nil
	}
	if !Unscoped(r.P) && !r.P.InScope(run.AreaPath) {
		return nil, httpx.ErrNotFound
	}
	return run, nil
}

func (h *handlers) pathRun(r *httpx.Request) (*store.EvalRun, error) {
	id, err := r.PathID("id")
	if err != nil {
		return nil, err
	}
	return VisibleRun(r, h.a.DB, id)
}

func (h *handlers) runGet(w http.ResponseWriter, r *httpx.Request) error {
	run, err := h.pathRun(r)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, run)
}

func (h *handlers) runResults(w http.ResponseWriter, r *httpx.Request) error {
	run, err := h.pathRun(r)
	if err != nil {
		return err
	}
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	class := q.Get("class")
	if len(class) > 8 {
		return httpx.Invalid("class", "evaluation.class", "a class code such as A")
	}
	rs, err := h.a.DB.EvalResults(r.Context(), store.EvalResultFilter{RunID: run.ID, Park: q.Get("park"), Class: class, Owner: owner(r), After: int(pg.After), Limit: pg.Limit + 1})
	if err != nil {
		return err
	}
	return r.JSON(w, 200, httpx.NewList(rs, pg, func(x *store.EvalResult) int64 { return int64(x.Pos) }))
}

func (h *handlers) runAggregates(w http.ResponseWriter, r *httpx.Request) error {
	run, err := h.pathRun(r)
	if err != nil {
		return err
	}
	as, err := h.a.DB.EvalAggregates(r.Context(), run.ID)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, as)
}

func (h *handlers) runExit(w http.ResponseWriter, r *httpx.Request) error {
	run, err := h.pathRun(r)
	if err != nil {
		return err
	}
	ex, err := evaluation.ExitCandidates(r.Context(), h.a.DB, run, owner(r))
	if err != nil {
		return err
	}
	return r.JSON(w, 200, ex)
}

func (h *handlers) enterpriseCard(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	e, err := CallerEnterprise(r, h.a.DB, id)
	if err != nil {
		return err
	}
	v, err := evaluation.Card(r.Context(), h.a.DB, e)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, v)
}

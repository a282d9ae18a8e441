package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/api"
	"towngrid/internal/directory"
	"towngrid/internal/evaluation"
	"towngrid/internal/httpx"
	"towngrid/internal/permu"
	"towngrid/internal/scoring"
	"towngrid/internal/store"
)

// Evaluation pages (亩均论英雄): runs and their rankings with charts, an
// enterprise's own card, statistics reporting and import, completeness. The
// lists are rendered on the server; starting a run, saving a report and an
// import go through the JSON API from static/evaluation.js.

func init() {
	register(func(u *UI) []*httpx.Route {
		return []*httpx.Route{
			{Method: "GET", Path: "/evaluation", Perm: account.Dashboard, Kind: httpx.Page, Summary: "Evaluation: runs, start a run", Handle: u.evalHome},
			{Method: "GET", Path: "/evaluation/runs/{id}", Perm: account.EvaluationRead, Kind: httpx.Page, Summary: "A run: rankings and class distribution per park and town", Handle: u.evalRun},
			{Method: "GET", Path: "/evaluation/mine", Perm: account.EvaluationRead, Kind: httpx.Page, Summary: "An enterprise account's own card", Handle: u.evalMine},
			{Method: "GET", Path: "/evaluation/enterprises/{id}", Perm: account.EvaluationRead, Kind: httpx.Page, Summary: "An enterprise's evaluation card", Handle: u.evalCard},
			{Method: "GET", Path: "/evaluation/enterprises/{id}/stats", Perm: account.StatsReport, Kind: httpx.Page, Summary: "Report an enterprise's statistics", Handle: u.evalStats},
			{Method: "GET", Path: "/evaluation/import", Perm: account.StatsReport, Kind: httpx.Page, Summary: "Import statistics from xlsx", Handle: u.evalImport},
			{Method: "GET", Path: "/evaluation/completeness", Perm: account.Dashboard, Kind: httpx.Page, Summary: "Reporting completeness (应统尽统)", Handle: u.evalCompleteness},
		}
	})
}

type evalHomeData struct {
	CanRead, CanWrite, CanReport bool
	Runs                         []*store.EvalRun
	Schemes                      []string
	Areas                        []*directory.Area
	Year                         int
}

func (u *UI) evalHome(w http.ResponseWriter, r *httpx.Request) error {
	d := evalHomeData{CanRead: r.P.Can(account.EvaluationRead), CanWrite: r.P.Can(account.EvaluationWrite), CanReport: r.P.Can(account.StatsReport),
		Year: u.a.Started.Year() - 1}
	if d.CanRead {
		o := int64(0)
		if api.EnterpriseOnly(r.P) {
			o = r.P.UserID
		}
		var err error
		if d.Runs, err = u.a.DB.EvalRuns(r.Context(), store.EvalRunFilter{Scope: store.ScopeOf(r.P), Owner: o, Limit: 50}); err != nil {
			return err
		}
	}
	if d.CanWrite {
		d.Schemes, _ = u.a.DB.RuleKeys(r.Context(), evaluation.RuleKind)
		for _, l := range []directory.Level{directory.County, directory.Town} {
			as, err := u.a.DB.ListAreas(r.Context(), store.AreaFilter{Level: l, Scopes: r.P.Scopes, Unscoped: r.P.Has(account.Admin), Limit: 500})
			if err != nil {
				return err
			}
			d.Areas = append(d.Areas, as...)
		}
	}
	return u.render(w, r, 200, "evaluation", Page{Title: "evaluation.title", Active: "evaluation", Data: d})
}

type evalRunData struct {
	Run     *store.EvalRun
	Results []*store.EvalResult
	Exit    []evaluation.ExitCandidate
	Class   string
	Park    string
	More    bool
	Classes []scoring.Class
}

// runPageRows bounds the rankings shown on the page; the export has them all.
const runPageRows = 500

func (u *UI) evalRun(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	run, err := api.VisibleRun(r, u.a.DB, id)
	if err != nil {
		return err
	}
	o := int64(0)
	if api.EnterpriseOnly(r.P) {
		o = r.P.UserID
	}
	q := r.URL.Query()
	d := evalRunData{Run: run, Class: q.Get("class"), Park: q.Get("park")}
	d.Results, err = u.a.DB.EvalResults(r.Context(), store.EvalResultFilter{RunID: id, Class: d.Class, Park: d.Park, Owner: o, Limit: runPageRows + 1})
	if err != nil {
		return err
	}
	if len(d.Results) > runPageRows {
		d.Results, d.More = d.Results[:runPageRows], true
	}
	if d.Exit, err = evaluation.ExitCandidates(r.Context(), u.a.DB, run, o); err != nil {
		return err
	}
	if s, _, err := evaluation.Scheme(r.Context(), u.a.DB, run.Scheme, run.SchemeVersion); err == nil {
		d.Classes = s.Classes
	}
	return u.render(w, r, 200, "evaluation_run", Page{Title: "evaluation.run", Active: "evaluation", Data: d})
}

func (u *UI) evalMine(w http.ResponseWriter, r *httpx.Request) error {
	id, err := u.a.DB.EnterpriseOfUser(r.Context(), r.P.UserID)
	if err != nil {
		return err
	}
	http.Redirect(w, r.Request, "/evaluation/enterprises/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

type evalCardData struct {
	E         *directory.Enterprise
	V         *evaluation.CardView
	CanReport bool
	Butler    bool
	Stats     []*store.StatsReport
	Demands   []*store.WorkOrder
	Rows      []cardRow
	Pct       string
}

// cardRow is one item of a card, formatted for the page (templates cannot
// dereference the card's optional numbers).
type cardRow struct {
	Name, Unit, Actual, Benchmark, Weight, Score, PrevActual, PrevScore string
	Missing, MeanRule, Capped                                           bool
	Trend                                                               string // up, down, same or "" (no last year)
}

func fmtNum(v float64) string {
	s := strconv.FormatFloat(v, 'f', 4, 64)
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return strings.TrimSuffix(s, ".")
}

func fmtPtr(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmtNum(*v)
}

func cardRows(v *evaluation.CardView) []cardRow {
	var out []cardRow
	for _, it := range v.Items {
		c := cardRow{Name: it.Name, Unit: it.Unit, Actual: fmtPtr(it.Actual), Benchmark: fmtNum(it.Benchmark), Weight: fmtNum(it.Weight),
			Score: fmtNum(it.Score), PrevActual: fmtPtr(it.PrevActual), PrevScore: fmtPtr(it.PrevScore), Missing: it.Missing, MeanRule: it.MeanRule, Capped: it.Capped}
		if it.PrevScore != nil {
			switch d := it.Score - *it.PrevScore; {
			case d > 1e-9:
				c.Trend = "up"
			case d < -1e-9:
				c.Trend = "down"
			default:
				c.Trend = "same"
			}
		}
		out = append(out, c)
	}
	return out
}

func (u *UI) evalCard(w http.ResponseWriter, r *httpx.Request) error {
	d, err := u.cardData(r)
	if err != nil {
		return err
	}
	return u.render(w, r, 200, "evaluation_card", Page{Title: "evaluation.card", Active: "evaluation", Data: d})
}

func (u *UI) cardData(r *httpx.Request) (*evalCardData, error) {
	id, err := r.PathID("id")
	if err != nil {
		return nil, err
	}
	e, err := api.CallerEnterprise(r, u.a.DB, id)
	if err != nil {
		return nil, err
	}
	v, err := evaluation.Card(r.Context(), u.a.DB, e)
	if err != nil {
		return nil, err
	}
	d := &evalCardData{E: e, V: v, CanReport: r.P.Can(account.StatsReport), Rows: cardRows(v)}
	if v.Why != nil {
		d.Pct = fmtNum(v.Why.Percentile)
	}
	return d, nil
}

type evalStatsData struct {
	E       *directory.Enterprise
	Reports []*store.StatsReport
	Figures []permu.Figure
	Period  string
	Current string // JSON of the figures of the period shown, for the form
}

func (u *UI) evalStats(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	e, err := api.CallerEnterprise(r, u.a.DB, id)
	if err != nil {
		return err
	}
	rs, err := u.a.DB.ListStats(r.Context(), e.ID, 0)
	if err != nil {
		return err
	}
	period := r.URL.Query().Get("period")
	if _, err := permu.ParsePeriod(period); err != nil {
		period = u.a.Started.AddDate(0, -1, 0).Format("2006-01")
	}
	cur := "{}"
	for _, x := range rs {
		if x.Period == period {
			b, _ := json.Marshal(x.Figures)
			cur = string(b)
		}
	}
	return u.render(w, r, 200, "evaluation_stats", Page{Title: "evaluation.stats", Active: "evaluation",
		Data: evalStatsData{E: e, Reports: rs, Figures: permu.Figures, Period: period, Current: cur}})
}

func (u *UI) evalImport(w http.ResponseWriter, r *httpx.Request) error {
	return u.render(w, r, 200, "evaluation_import", Page{Title: "evaluation.import", Active: "evaluation"})
}

type evalComplData struct {
	Period, Park string
	C            *store.Completeness
	RatePct      string
}

func (u *UI) evalCompleteness(w http.ResponseWriter, r *httpx.Request) error {
	q := r.URL.Query()
	d := evalComplData{Period: q.Get("period"), Park: q.Get("park")}
	if d.Period == "" {
		d.Period = u.a.Started.AddDate(0, -1, 0).Format("2006-01")
	}
	if _, err := permu.ParsePeriod(d.Period); err != nil {
		return httpx.Invalid("period", "stats.period", "YYYY-MM for a month or YYYY for a year")
	}
	c, err := u.a.DB.StatsCompleteness(r.Context(), store.ScopeOf(r.P), "", d.Park, d.Period)
	if err != nil {
		return err
	}
	d.C, d.RatePct = c, strconv.FormatFloat(c.Rate*100, 'f', 1, 64)
	return u.render(w, r, 200, "evaluation_completeness", Page{Title: "evaluation.completeness", Active: "evaluation", Data: d})
}

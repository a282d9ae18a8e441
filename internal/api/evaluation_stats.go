package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/permu"
	"towngrid/internal/recordio"
	"towngrid/internal/store"
)

// Statistics reporting (统计监测): an enterprise's monthly and annual figures,
// reported by the enterprise itself or by a butler for it, reviewed by
// evaluators, imported in bulk from xlsx, and counted for completeness (应统尽统).

func init() { register((*handlers).statsRoutes) }

// StatsIn is the body of a report.
type StatsIn struct {
	Figures map[string]float64 `json:"figures"`
	Status  string             `json:"status,omitempty"` // draft or submitted (default)
	Note    string             `json:"note,omitempty"`
}

// StatsReview is the body of a review.
type StatsReview struct {
	Decision string `json:"decision"` // accept or return
	Note     string `json:"note,omitempty"`
}

// StatsDetail is one report with every revision.
type StatsDetail struct {
	*store.StatsReport
	Revisions []store.StatsRevision `json:"revisions"`
}

func (h *handlers) statsRoutes() []*httpx.Route {
	const tag = "statistics"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/enterprises/{id}/stats", Perm: account.EvaluationRead, Tag: tag, Summary: "An enterprise's statistics reports, newest first (?year=); an enterprise account sees only its own", Out: []*store.StatsReport{}, Handle: h.statsList},
		{Method: "GET", Path: "/api/v1/enterprises/{id}/stats/{period}", Perm: account.EvaluationRead, Tag: tag, Summary: "One report (period YYYY-MM or YYYY) with its revisions", Out: StatsDetail{}, Handle: h.statsGet},
		{Method: "PUT", Path: "/api/v1/enterprises/{id}/stats/{period}", Perm: account.StatsReport, Tag: tag, Summary: "Report figures for a month (YYYY-MM) or a year (YYYY): a new revision, draft or submitted", In: StatsIn{}, Out: store.StatsReport{}, Handle: h.statsPut},
		{Method: "POST", Path: "/api/v1/enterprises/{id}/stats/{period}/review", Perm: account.EvaluationWrite, Tag: tag, Summary: "Accept or return a submitted report", In: StatsReview{}, Out: store.StatsReport{}, Handle: h.statsReview},
		{Method: "POST", Path: "/api/v1/stats/import.xlsx", MaxBody: ImportMaxBody, Perm: account.StatsReport, Kind: httpx.Raw, Tag: tag, Summary: "Import reports for many enterprises from xlsx: all rows or none, every bad cell listed (?dry_run=true)", Out: recordio.Result{}, Handle: h.statsImport},
		{Method: "GET", Path: "/api/v1/stats/template.xlsx", Perm: account.StatsReport, Kind: httpx.Raw, Tag: tag, Summary: "The statistics import template", Handle: h.statsTemplate},
		{Method: "GET", Path: "/api/v1/stats/completeness", Perm: account.Dashboard, Tag: tag, Summary: "应统尽统: active enterprises in your areas expected to report for ?period=, reported and missing (?park=, ?area_id=)", Out: store.Completeness{}, Handle: h.statsCompleteness},
	}
}

// EnterpriseOnly reports whether the caller acts only as an enterprise (or
// resident): such a caller sees its own enterprise, whatever its area scope.
func EnterpriseOnly(p *account.Principal) bool {
	if !p.Has(account.Enterprise) {
		return false
	}
	for _, r := range p.Roles {
		if r != account.Enterprise && r != account.Resident {
			return false
		}
	}
	return true
}

// CallerEnterprise returns enterprise id when the caller may act for it: an
// enterprise account only for the enterprise linked to it, staff within their
// areas. Anything else is 404, so that ids of other enterprises reveal nothing.
func CallerEnterprise(r *httpx.Request, db *store.DB, id int64) (*directory.Enterprise, error) {
	if EnterpriseOnly(r.P) {
		e, err := db.Enterprise(r.Context(), id, store.Scope{All: true})
		if err != nil {
			return nil, err
		}
		if e.UserID != r.P.UserID {
			return nil, store.ErrNotFound
		}
		return e, nil
	}
	return db.Enterprise(r.Context(), id, store.ScopeOf(r.P))
}

func pathPeriod(r *httpx.Request) (permu.Period, error) {
	p, err := permu.ParsePeriod(r.PathValue("period"))
	if err != nil {
		return p, httpx.Invalid("period", "stats.period", "YYYY-MM for a month or YYYY for a year")
	}
	return p, nil
}

func (h *handlers) statsEnterprise(r *httpx.Request) (*directory.Enterprise, error) {
	id, err := r.PathID("id")
	if err != nil {
		return nil, err
	}
	return CallerEnterprise(r, h.a.DB, id)
}

func (h *handlers) statsList(w http.ResponseWriter, r *httpx.Request) error {
	e, err := h.statsEnterprise(r)
	if err != nil {
		return err
	}
	year := 0
	if s := r.URL.Query().Get("year"); s != "" {
		p, err := permu.ParsePeriod(s)
		if err != nil || !p.Annual() {
			return httpx.Invalid("year", "stats.year", "a year YYYY")
		}
		year = p.Year
	}
	rs, err := h.a.DB.ListStats(r.Context(), e.ID, year)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, rs)
}

func (h *handlers) statsGet(w http.ResponseWriter, r *httpx.Request) error {
	e, err := h.statsEnterprise(r)
	if err != nil {
		return err
	}
	p, err := pathPeriod(r)
	if err != nil {
		return err
	}
	s, err := h.a.DB.Stats(r.Context(), e.ID, p.String())
	if err != nil {
		return err
	}
	revs, err := h.a.DB.StatsRevisions(r.Context(), s.ID)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, StatsDetail{s, revs})
}

func (h *handlers) statsPut(w http.ResponseWriter, r *httpx.Request) error {
	e, err := h.statsEnterprise(r)
	if err != nil {
		return err
	}
	p, err := pathPeriod(r)
	if err != nil {
		return err
	}
	var in StatsIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if in.Status == "" {
		in.Status = permu.Submitted
	}
	if in.Figures == nil {
		in.Figures = map[string]float64{}
	}
	if len([]rune(in.Note)) > 1000 {
		return httpx.Invalid("note", "stats.note_long", "at most 1000 characters")
	}
	s := &store.StatsReport{EnterpriseID: e.ID, Period: p.String(), Figures: in.Figures, Status: in.Status, Note: in.Note}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.PutStats(r.Context(), s) }); err != nil {
		return err
	}
	return r.JSON(w, 200, s)
}

func (h *handlers) statsReview(w http.ResponseWriter, r *httpx.Request) error {
	e, err := h.statsEnterprise(r)
	if err != nil {
		return err
	}
	p, err := pathPeriod(r)
	if err != nil {
		return err
	}
	var in StatsReview
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	var s *store.StatsReport
	err = h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error {
		var err error
		s, err = tx.ReviewStats(r.Context(), e.ID, p.String(), in.Decision, in.Note)
		return err
	})
	if err != nil {
		return err
	}
	return r.JSON(w, 200, s)
}

// StatsColumns are the statistics sheet's columns for recordio.
func StatsColumns() []recordio.Column {
	var cols []recordio.Column
	for _, c := range permu.Columns() {
		cols = append(cols, recordio.Column{Key: c.Key, ZH: c.ZH, EN: c.EN, Required: c.Required})
	}
	return cols
}

func (h *handlers) statsTemplate(w http.ResponseWriter, r *httpx.Request) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="stats-template.xlsx"`)
	return recordio.Write(w, "xlsx", StatsColumns(), r.Lang, nil)
}

func (h *handlers) statsImport(w http.ResponseWriter, r *httpx.Request) error {
	var body io.Reader = r.Body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		f, _, err := r.FormFile("file")
		if err != nil {
			return httpx.Invalid("file", "import.file", "send the sheet as the file field")
		}
		defer f.Close()
		body = f
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return httpx.AsProblem(err)
	}
	table, err := recordio.Read(bytes.NewReader(raw), "xlsx")
	if err != nil {
		return httpx.Invalid("file", "import.format", "not a readable xlsx file")
	}
	// The codes the caller may report for, looked up once for every cell
	// that could be a USCC (18 characters), before the cell-by-cell check.
	seen := map[string]bool{}
	var cands []string
	for _, row := range table {
		for _, c := range row {
			if c = strings.ToUpper(strings.TrimSpace(c)); len(c) == 18 && !seen[c] {
				seen[c] = true
				cands = append(cands, c)
			}
		}
	}
	owner := int64(0)
	if EnterpriseOnly(r.P) {
		owner = r.P.UserID
	}
	ids, err := h.a.DB.EnterpriseIDsByUSCC(r.Context(), store.ScopeOf(r.P), owner, cands)
	if err != nil {
		return err
	}
	rows, cellErrs := permu.ParseSheet(table, func(u string) bool { _, ok := ids[u]; return ok })
	res := &recordio.Result{Rows: max(len(table)-1, 0), DryRun: r.URL.Query().Get("dry_run") == "true", Errors: []recordio.RowError{}}
	if len(cellErrs) > 0 {
		for _, e := range cellErrs {
			res.Errors = append(res.Errors, recordio.RowError{Row: e.Row, Column: e.Column, Field: e.Field, Code: e.Code, Detail: e.Detail})
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		return json.NewEncoder(w).Encode(ImportProblem{Type: "urn:towngrid:problem:import", Title: i18n.T(r.Lang, "problem.validation"), Status: 422, Code: "import",
			Detail: strconv.Itoa(len(res.Errors)) + " bad cells: nothing was imported", Instance: r.URL.Path, Rows: res.Rows, Errors: res.Errors})
	}
	if !res.DryRun {
		err = h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error {
			for _, row := range rows {
				s := &store.StatsReport{EnterpriseID: ids[row.USCC], Period: row.Period.String(), Figures: row.Figures, Status: permu.Submitted}
				if err := tx.PutStats(r.Context(), s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		res.Imported = len(rows)
		return r.JSON(w, http.StatusCreated, res)
	}
	return r.JSON(w, http.StatusOK, res)
}

func (h *handlers) statsCompleteness(w http.ResponseWriter, r *httpx.Request) error {
	q := r.URL.Query()
	p, err := permu.ParsePeriod(q.Get("period"))
	if err != nil {
		return httpx.Invalid("period", "stats.period", "YYYY-MM for a month or YYYY for a year")
	}
	path := ""
	if id, err := queryID(r, "area_id"); err != nil {
		return err
	} else if id > 0 {
		a, err := VisibleArea(r, h.a.DB, id)
		if err != nil {
			return err
		}
		path = a.Path
	}
	c, err := h.a.DB.StatsCompleteness(r.Context(), store.ScopeOf(r.P), path, q.Get("park"), p.String())
	if err != nil {
		return err
	}
	return r.JSON(w, 200, c)
}

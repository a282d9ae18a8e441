package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"

	"towngrid/internal/account"
	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/recordio"
	"towngrid/internal/store"
)

// EnterpriseIn is the body that creates or replaces an enterprise.
type EnterpriseIn struct {
	USCC       string                     `json:"uscc"`
	Name       string                     `json:"name"`
	Industry   string                     `json:"industry,omitempty"`
	AboveScale bool                       `json:"above_scale,omitempty"`
	LandMu     float64                    `json:"land_mu,omitempty"`
	Park       string                     `json:"park,omitempty"`
	AreaID     int64                      `json:"area_id,omitempty"`
	GridID     int64                      `json:"grid_id,omitempty"`
	Address    string                     `json:"address,omitempty"`
	Lon        *float64                   `json:"lon,omitempty"`
	Lat        *float64                   `json:"lat,omitempty"`
	Contacts   []directory.Contact        `json:"contacts,omitempty"`
	Status     directory.EnterpriseStatus `json:"status,omitempty"`
	UserID     int64                      `json:"user_id,omitempty"`
}

// EnterpriseOf turns a request body into a record (pages use it too).
func EnterpriseOf(in EnterpriseIn) *directory.Enterprise {
	return &directory.Enterprise{USCC: in.USCC, Name: in.Name, Industry: in.Industry, AboveScale: in.AboveScale, LandMu: in.LandMu, Park: in.Park,
		AreaID: in.AreaID, GridID: in.GridID, Address: in.Address, Lon: in.Lon, Lat: in.Lat, Contacts: in.Contacts, Status: in.Status, UserID: in.UserID}
}

// MaskEnterprise masks contact phones unless the caller may see personal data.
func MaskEnterprise(p *account.Principal, e *directory.Enterprise) *directory.Enterprise {
	if p.Can(account.ResidentsUnmask) {
		return e
	}
	c := *e
	c.Contacts = make([]directory.Contact, len(e.Contacts))
	for i, k := range e.Contacts {
		k.Phone = codes.MaskMobile(k.Phone)
		c.Contacts[i] = k
	}
	return &c
}

func (h *handlers) enterpriseRoutes() []*httpx.Route {
	const tag = "directory"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/enterprises", Perm: account.DirectoryRead, Tag: tag, Summary: "Enterprises in your areas (?q= name or USCC, ?industry=, ?park=, ?status=, ?above_scale=, ?area_id=, ?grid_id=, cursor)", Out: httpx.List[directory.Enterprise]{}, Handle: h.listEnterprises},
		{Method: "POST", Path: "/api/v1/enterprises", Perm: account.DirectoryWrite, Tag: tag, Summary: "Create an enterprise", In: EnterpriseIn{}, Out: directory.Enterprise{}, Status: 201, Handle: h.createEnterprise},
		{Method: "GET", Path: "/api/v1/enterprises/{id}", Perm: account.DirectoryRead, Tag: tag, Summary: "One enterprise (contact phones masked)", Out: directory.Enterprise{}, Handle: h.getEnterprise},
		{Method: "PUT", Path: "/api/v1/enterprises/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Replace an enterprise", In: EnterpriseIn{}, Out: directory.Enterprise{}, Handle: h.putEnterprise},
		{Method: "DELETE", Path: "/api/v1/enterprises/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Delete an enterprise", Status: 204, Handle: h.deleteEnterprise},
		{Method: "POST", Path: "/api/v1/enterprises/import.xlsx", MaxBody: ImportMaxBody, Perm: account.DirectoryWrite, Kind: httpx.Raw, Tag: tag, Summary: "Import enterprises from xlsx: all rows or none, errors per row and column (?dry_run=true)", Out: recordio.Result{}, Handle: h.importer("xlsx", recordio.ImportEnterprises)},
		{Method: "POST", Path: "/api/v1/enterprises/import.csv", MaxBody: ImportMaxBody, Perm: account.DirectoryWrite, Kind: httpx.Raw, Tag: tag, Summary: "Import enterprises from CSV (UTF-8)", Out: recordio.Result{}, Handle: h.importer("csv", recordio.ImportEnterprises)},
		{Method: "GET", Path: "/api/v1/enterprises/template.xlsx", Perm: account.DirectoryRead, Kind: httpx.Raw, Tag: tag, Summary: "The enterprise import template", Handle: h.template(recordio.EnterpriseColumns, "enterprises")},
		{Method: "GET", Path: "/api/v1/enterprises/export.xlsx", Perm: account.DirectoryRead, Kind: httpx.Raw, Tag: tag, Summary: "Export the enterprises you see (filters as the list)", Handle: h.exportEnterprises("xlsx")},
		{Method: "GET", Path: "/api/v1/enterprises/export.csv", Perm: account.DirectoryRead, Kind: httpx.Raw, Tag: tag, Summary: "Export the enterprises you see as CSV", Handle: h.exportEnterprises("csv")},
	}
}

// EnterpriseFilterOf reads the list filters of the query string.
func EnterpriseFilterOf(r *httpx.Request, db *store.DB) (store.EnterpriseFilter, error) {
	q := r.URL.Query()
	f := store.EnterpriseFilter{Scope: store.ScopeOf(r.P), Query: q.Get("q"), Industry: q.Get("industry"), Park: q.Get("park"), Status: directory.EnterpriseStatus(q.Get("status"))}
	if f.Industry != "" && !directory.ValidIndustry(f.Industry) {
		return f, httpx.Invalid("industry", "enterprise.industry", "a GB/T 4754 code or prefix, e.g. C or C33")
	}
	if f.Status != "" && !slicesContains(directory.EnterpriseStatuses, f.Status) {
		return f, httpx.Invalid("status", "enterprise.status", "one of active, under_construction, start_up, utility, closed")
	}
	switch s := q.Get("above_scale"); s {
	case "":
	case "true", "false":
		b := s == "true"
		f.AboveScale = &b
	default:
		return f, httpx.Invalid("above_scale", "query.bool", "true or false")
	}
	var err error
	if f.GridID, err = queryID(r, "grid_id"); err != nil {
		return f, err
	}
	if id, err := queryID(r, "area_id"); err != nil {
		return f, err
	} else if id > 0 {
		a, err := VisibleArea(r, db, id)
		if err != nil {
			return f, err
		}
		f.AreaPath = a.Path
	}
	return f, nil
}

func slicesContains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (h *handlers) listEnterprises(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	f, err := EnterpriseFilterOf(r, h.a.DB)
	if err != nil {
		return err
	}
	f.After, f.Limit = pg.After, pg.Limit+1
	es, err := h.a.DB.ListEnterprises(r.Context(), f)
	if err != nil {
		return err
	}
	for i, e := range es {
		es[i] = MaskEnterprise(r.P, e)
	}
	return r.JSON(w, 200, httpx.NewList(es, pg, func(e *directory.Enterprise) int64 { return e.ID }))
}

func (h *handlers) createEnterprise(w http.ResponseWriter, r *httpx.Request) error {
	var in EnterpriseIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID, in.GridID); err != nil {
		return err
	}
	e := EnterpriseOf(in)
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.CreateEnterprise(r.Context(), e) }); err != nil {
		return err
	}
	return r.JSON(w, 201, MaskEnterprise(r.P, e))
}

func (h *handlers) getEnterprise(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	e, err := h.a.DB.Enterprise(r.Context(), id, store.ScopeOf(r.P))
	if err != nil {
		return err
	}
	return r.JSON(w, 200, MaskEnterprise(r.P, e))
}

func (h *handlers) putEnterprise(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in EnterpriseIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if _, err := h.a.DB.Enterprise(r.Context(), id, store.ScopeOf(r.P)); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID, in.GridID); err != nil {
		return err
	}
	e := EnterpriseOf(in)
	e.ID = id
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.UpdateEnterprise(r.Context(), e) }); err != nil {
		return err
	}
	return r.JSON(w, 200, MaskEnterprise(r.P, e))
}

func (h *handlers) deleteEnterprise(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	if _, err := h.a.DB.Enterprise(r.Context(), id, store.ScopeOf(r.P)); err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.DeleteEnterprise(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type importFunc func(ctx context.Context, db *store.DB, actor store.Actor, table [][]string, opt recordio.Options) (*recordio.Result, error)

// ImportProblem is the 422 answer of a refused import: a problem+json whose
// errors name the row and the column of every bad cell.
type ImportProblem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Code     string              `json:"code"`
	Detail   string              `json:"detail"`
	Instance string              `json:"instance"`
	Rows     int                 `json:"rows"`
	Errors   []recordio.RowError `json:"errors"`
}

// importer reads the uploaded sheet (the raw body, or the "file" part of a
// multipart form) and imports it all or nothing.
func (h *handlers) importer(format string, run importFunc) func(w http.ResponseWriter, r *httpx.Request) error {
	return func(w http.ResponseWriter, r *httpx.Request) error {
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
		table, err := recordio.Read(bytes.NewReader(raw), format)
		if err != nil {
			return httpx.Invalid("file", "import.format", "not a readable "+format+" file")
		}
		res, err := run(r.Context(), h.a.DB, h.actor(r), table, recordio.Options{Scope: store.ScopeOf(r.P), DryRun: r.URL.Query().Get("dry_run") == "true"})
		if err != nil {
			return err
		}
		if len(res.Errors) > 0 {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			return json.NewEncoder(w).Encode(ImportProblem{Type: "urn:towngrid:problem:import", Title: i18n.T(r.Lang, "problem.validation"), Status: 422, Code: "import",
				Detail: strconv.Itoa(len(res.Errors)) + " bad cells: nothing was imported", Instance: r.URL.Path, Rows: res.Rows, Errors: res.Errors})
		}
		status := http.StatusCreated
		if res.DryRun {
			status = http.StatusOK
		}
		return r.JSON(w, status, res)
	}
}

func (h *handlers) template(cols []recordio.Column, name string) func(w http.ResponseWriter, r *httpx.Request) error {
	return func(w http.ResponseWriter, r *httpx.Request) error {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`-template.xlsx"`)
		return recordio.Write(w, "xlsx", cols, r.Lang, nil)
	}
}

func sendSheet(w http.ResponseWriter, r *httpx.Request, format, name string, cols []recordio.Column, rows [][]string) error {
	ct := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if format == "csv" {
		ct = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	return recordio.Write(w, format, cols, r.Lang, rows)
}

// areaCodes caches area codes for an export.
func (h *handlers) areaCodes(r *httpx.Request) func(int64) string {
	cache := map[int64]string{0: ""}
	return func(id int64) string {
		if c, ok := cache[id]; ok {
			return c
		}
		a, err := h.a.DB.Area(r.Context(), id)
		if err == nil {
			cache[id] = a.Code
		}
		return cache[id]
	}
}

// exportLimit bounds one export; larger sets are exported per area.
const exportLimit = 100000

func (h *handlers) exportEnterprises(format string) func(w http.ResponseWriter, r *httpx.Request) error {
	return func(w http.ResponseWriter, r *httpx.Request) error {
		f, err := EnterpriseFilterOf(r, h.a.DB)
		if err != nil {
			return err
		}
		f.Limit = exportLimit
		es, err := h.a.DB.ListEnterprises(r.Context(), f)
		if err != nil {
			return err
		}
		return sendSheet(w, r, format, "enterprises", recordio.EnterpriseColumns, recordio.EnterpriseRows(es, h.areaCodes(r), r.P.Can(account.ResidentsUnmask)))
	}
}

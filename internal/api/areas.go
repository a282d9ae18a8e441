package api

import (
	"encoding/json"
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
)

// NewArea is the body that creates an area.
type NewArea struct {
	ParentID int64           `json:"parent_id,omitempty"`
	Level    directory.Level `json:"level"`
	Code     string          `json:"code"`
	Name     string          `json:"name"`
	Geometry json.RawMessage `json:"geometry,omitempty"`
	Props    json.RawMessage `json:"props,omitempty"`
}

// AreaPatch changes an area; absent fields stay.
type AreaPatch struct {
	Code     *string          `json:"code,omitempty"`
	Name     *string          `json:"name,omitempty"`
	Geometry *json.RawMessage `json:"geometry,omitempty"`
	Props    *json.RawMessage `json:"props,omitempty"`
}

func (h *handlers) areaRoutes() []*httpx.Route {
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/areas", Perm: account.AreasRead, Tag: "directory", Summary: "Areas in your scope (?parent_id=, ?level=, ?geometry=true, cursor)", Out: httpx.List[directory.Area]{}, Handle: h.listAreas},
		{Method: "POST", Path: "/api/v1/areas", Perm: account.AreasWrite, Tag: "directory", Summary: "Create an area (?grid_code_width=2|3)", In: NewArea{}, Out: directory.Area{}, Status: 201, Handle: h.createArea},
		{Method: "GET", Path: "/api/v1/areas/{id}", Perm: account.AreasRead, Tag: "directory", Summary: "One area with its boundary", Out: directory.Area{}, Handle: h.getArea},
		{Method: "PATCH", Path: "/api/v1/areas/{id}", Perm: account.AreasWrite, Tag: "directory", Summary: "Change an area's name, code, boundary or properties", In: AreaPatch{}, Out: directory.Area{}, Handle: h.patchArea},
	}
}

// Unscoped reports whether the caller sees every area: administrators do.
func Unscoped(p *account.Principal) bool { return p.Has(account.Admin) }

func (h *handlers) listAreas(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.AreaFilter{Scopes: r.P.Scopes, Unscoped: Unscoped(r.P), After: pg.After, Limit: pg.Limit + 1, WithGeometry: q.Get("geometry") == "true"}
	if s := q.Get("level"); s != "" {
		f.Level = directory.Level(s)
		if f.Level.Depth() < 0 {
			return httpx.Invalid("level", "area.level", "one of province, city, county, town, community, grid")
		}
	}
	if s := q.Get("parent_id"); s != "" {
		var id int64
		if err := json.Unmarshal([]byte(s), &id); err != nil || id <= 0 {
			return httpx.Invalid("parent_id", "area.parent_id", "a positive whole number")
		}
		f.ParentID = id
	}
	areas, err := h.a.DB.ListAreas(r.Context(), f)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, httpx.NewList(areas, pg, func(a *directory.Area) int64 { return a.ID }))
}

// VisibleArea loads an area and hides it (404) when it lies outside the caller's scope.
func VisibleArea(r *httpx.Request, db *store.DB, id int64) (*directory.Area, error) {
	a, err := db.Area(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !Unscoped(r.P) && !r.P.InScope(a.Path) {
		return nil, httpx.ErrNotFound
	}
	return a, nil
}

func (h *handlers) getArea(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	a, err := VisibleArea(r, h.a.DB, id)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, a)
}

func (h *handlers) createArea(w http.ResponseWriter, r *httpx.Request) error {
	var in NewArea
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	opt, err := codeOptions(r)
	if err != nil {
		return err
	}
	a := &directory.Area{ParentID: in.ParentID, Level: in.Level, Code: in.Code, Name: in.Name, Geometry: in.Geometry, Props: in.Props}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.CreateAreaWith(r.Context(), a, opt) }); err != nil {
		return err
	}
	h.rebuildAfter(r, a)
	return r.JSON(w, http.StatusCreated, a)
}

func (h *handlers) patchArea(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in AreaPatch
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	opt, err := codeOptions(r)
	if err != nil {
		return err
	}
	a, err := VisibleArea(r, h.a.DB, id)
	if err != nil {
		return err
	}
	set(&a.Code, in.Code)
	set(&a.Name, in.Name)
	set(&a.Geometry, in.Geometry)
	set(&a.Props, in.Props)
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.UpdateAreaWith(r.Context(), a, opt) }); err != nil {
		return err
	}
	h.rebuildAfter(r, a)
	return r.JSON(w, http.StatusOK, a)
}

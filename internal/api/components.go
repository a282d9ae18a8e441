package api

import (
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/recordio"
	"towngrid/internal/store"
)

// ComponentIn is the body that creates or replaces a component (部件).
type ComponentIn struct {
	Code             string                   `json:"code"`
	MajorName        string                   `json:"major_name,omitempty"`
	MinorName        string                   `json:"minor_name,omitempty"`
	OwnerDeptID      int64                    `json:"owner_department_id,omitempty"`
	MaintainerDeptID int64                    `json:"maintainer_department_id,omitempty"`
	State            directory.ComponentState `json:"state,omitempty"`
	AreaID           int64                    `json:"area_id,omitempty"`
	GridID           int64                    `json:"grid_id,omitempty"`
	Lon              *float64                 `json:"lon,omitempty"`
	Lat              *float64                 `json:"lat,omitempty"`
	Note             string                   `json:"note,omitempty"`
}

// ComponentOf turns a request body into a record.
func ComponentOf(in ComponentIn) *directory.Component {
	return &directory.Component{Code: in.Code, MajorName: in.MajorName, MinorName: in.MinorName, OwnerDeptID: in.OwnerDeptID, MaintainerDeptID: in.MaintainerDeptID,
		State: in.State, AreaID: in.AreaID, GridID: in.GridID, Lon: in.Lon, Lat: in.Lat, Note: in.Note}
}

func (h *handlers) componentRoutes() []*httpx.Route {
	const tag = "directory"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/components", Perm: account.DirectoryRead, Tag: tag, Summary: "Components in your areas (?q=, ?class= C0101 or C01, ?state=, ?grid_id=, ?area_id=, cursor)", Out: httpx.List[directory.Component]{}, Handle: h.listComponents},
		{Method: "POST", Path: "/api/v1/components", Perm: account.DirectoryWrite, Tag: tag, Summary: "Create a component", In: ComponentIn{}, Out: directory.Component{}, Status: 201, Handle: h.createComponent},
		{Method: "GET", Path: "/api/v1/components/{id}", Perm: account.DirectoryRead, Tag: tag, Summary: "One component", Out: directory.Component{}, Handle: h.getComponent},
		{Method: "PUT", Path: "/api/v1/components/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Replace a component", In: ComponentIn{}, Out: directory.Component{}, Handle: h.putComponent},
		{Method: "DELETE", Path: "/api/v1/components/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Delete a component", Status: 204, Handle: h.deleteComponent},
		{Method: "POST", Path: "/api/v1/components/import.xlsx", MaxBody: ImportMaxBody, Perm: account.DirectoryWrite, Kind: httpx.Raw, Tag: tag, Summary: "Import components from xlsx: all rows or none (?dry_run=true)", Out: recordio.Result{}, Handle: h.importer("xlsx", recordio.ImportComponents)},
		{Method: "POST", Path: "/api/v1/components/import.csv", MaxBody: ImportMaxBody, Perm: account.DirectoryWrite, Kind: httpx.Raw, Tag: tag, Summary: "Import components from CSV (UTF-8)", Out: recordio.Result{}, Handle: h.importer("csv", recordio.ImportComponents)},
		{Method: "GET", Path: "/api/v1/components/template.xlsx", Perm: account.DirectoryRead, Kind: httpx.Raw, Tag: tag, Summary: "The component import template", Handle: h.template(recordio.ComponentColumns, "components")},
		{Method: "GET", Path: "/api/v1/components/export.xlsx", Perm: account.DirectoryRead, Kind: httpx.Raw, Tag: tag, Summary: "Export the components you see", Handle: h.exportComponents("xlsx")},
		{Method: "GET", Path: "/api/v1/components/export.csv", Perm: account.DirectoryRead, Kind: httpx.Raw, Tag: tag, Summary: "Export the components you see as CSV", Handle: h.exportComponents("csv")},
	}
}

// ComponentFilterOf reads the list filters of the query string.
func ComponentFilterOf(r *httpx.Request, db *store.DB) (store.ComponentFilter, error) {
	q := r.URL.Query()
	f := store.ComponentFilter{Scope: store.ScopeOf(r.P), Query: q.Get("q"), Class: q.Get("class"), State: directory.ComponentState(q.Get("state"))}
	if f.Class != "" && !store.KnownCategory(f.Class) {
		return f, httpx.Invalid("class", "component.class", "a component 小类 (C0101) or 大类 (C01) code")
	}
	if f.State != "" && !slicesContains(directory.ComponentStates, f.State) {
		return f, httpx.Invalid("state", "component.state", "one of intact, damaged, missing, occupied")
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

func (h *handlers) listComponents(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	f, err := ComponentFilterOf(r, h.a.DB)
	if err != nil {
		return err
	}
	f.After, f.Limit = pg.After, pg.Limit+1
	cs, err := h.a.DB.ListComponents(r.Context(), f)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, httpx.NewList(cs, pg, func(c *directory.Component) int64 { return c.ID }))
}

func (h *handlers) createComponent(w http.ResponseWriter, r *httpx.Request) error {
	var in ComponentIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID, in.GridID); err != nil {
		return err
	}
	c := ComponentOf(in)
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.CreateComponent(r.Context(), c) }); err != nil {
		return err
	}
	return r.JSON(w, 201, c)
}

func (h *handlers) getComponent(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	c, err := h.a.DB.Component(r.Context(), id, store.ScopeOf(r.P))
	if err != nil {
		return err
	}
	return r.JSON(w, 200, c)
}

func (h *handlers) putComponent(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in ComponentIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if _, err := h.a.DB.Component(r.Context(), id, store.ScopeOf(r.P)); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID, in.GridID); err != nil {
		return err
	}
	c := ComponentOf(in)
	c.ID = id
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.UpdateComponent(r.Context(), c) }); err != nil {
		return err
	}
	return r.JSON(w, 200, c)
}

func (h *handlers) deleteComponent(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	if _, err := h.a.DB.Component(r.Context(), id, store.ScopeOf(r.P)); err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.DeleteComponent(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handlers) exportComponents(format string) func(w http.ResponseWriter, r *httpx.Request) error {
	return func(w http.ResponseWriter, r *httpx.Request) error {
		f, err := ComponentFilterOf(r, h.a.DB)
		if err != nil {
			return err
		}
		f.Limit = exportLimit
		cs, err := h.a.DB.ListComponents(r.Context(), f)
		if err != nil {
			return err
		}
		depts := map[int64]string{0: ""}
		deptCode := func(id int64) string {
			if c, ok := depts[id]; ok {
				return c
			}
			if d, err := h.a.DB.Department(r.Context(), id, store.Scope{All: true}); err == nil {
				depts[id] = d.Code
			}
			return depts[id]
		}
		return sendSheet(w, r, format, "components", recordio.ComponentColumns, recordio.ComponentRows(cs, h.areaCodes(r), deptCode))
	}
}

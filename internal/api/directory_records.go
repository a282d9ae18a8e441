package api

import (
	"context"
	"net/http"
	"strconv"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/secretbox"
	"towngrid/internal/store"
)

// Directory records: departments, category ownership and people. The
// enterprises, components and residents have their own files.

func init() {
	register((*handlers).departmentRoutes)
	register((*handlers).enterpriseRoutes)
	register((*handlers).componentRoutes)
	register((*handlers).residentRoutes)
	// The master key of personal data: loaded now when one is configured (so a
	// wrong key stops the start), otherwise created on first use.
	app.RegisterStarter("secrets", func(ctx context.Context, a *app.App) error {
		a.Secrets = secretbox.NewLazy(func() ([]byte, error) { return secretbox.LoadKey(nil, a.Cfg.Data, true) })
		if secretbox.KeyExists(nil, a.Cfg.Data) {
			_, err := a.Secrets.Box()
			return err
		}
		return nil
	})
}

// queryID reads an optional positive id from the query string.
func queryID(r *httpx.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.Invalid(name, "query.id", "a positive whole number")
	}
	return id, nil
}

// queryArea reads ?area_id= and returns the area's path when the caller sees it.
func (h *handlers) queryArea(r *httpx.Request) (string, error) {
	id, err := queryID(r, "area_id")
	if err != nil || id == 0 {
		return "", err
	}
	a, err := VisibleArea(r, h.a.DB, id)
	if err != nil {
		return "", err
	}
	return a.Path, nil
}

// placeable checks that the caller may write a record into these areas: a
// hidden area is 404 and an unknown one is left to the store's field error.
func placeable(r *httpx.Request, db *store.DB, ids ...int64) error {
	for _, id := range ids {
		if id <= 0 {
			continue
		}
		if _, err := VisibleArea(r, db, id); err != nil && err != store.ErrNotFound {
			return err
		}
	}
	return nil
}

// DepartmentIn is the body that creates or replaces a department.
type DepartmentIn struct {
	ParentID int64  `json:"parent_id,omitempty"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Contact  string `json:"contact,omitempty"`
	Phone    string `json:"phone,omitempty"`
	AreaID   int64  `json:"area_id"`
}

// OwnershipIn sets who owns a category in an area.
type OwnershipIn struct {
	AreaID       int64  `json:"area_id"`
	Category     string `json:"category"`
	DepartmentID int64  `json:"department_id"`
}

// Owner is the answer of an ownership lookup.
type Owner struct {
	DepartmentID int64                 `json:"department_id"`
	Department   *directory.Department `json:"department"`
}

// PersonIn sets an account's departments and responsibility grids.
type PersonIn struct {
	Departments []store.Membership `json:"departments"`
	GridIDs     []int64            `json:"grid_ids"`
}

func (h *handlers) departmentRoutes() []*httpx.Route {
	const tag = "directory"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/departments", Perm: account.DirectoryRead, Tag: tag, Summary: "Departments in your areas (?q=, ?kind=, ?parent_id=, cursor)", Out: httpx.List[directory.Department]{}, Handle: h.listDepartments},
		{Method: "POST", Path: "/api/v1/departments", Perm: account.DirectoryWrite, Tag: tag, Summary: "Create a department (一级, or 二级 with parent_id)", In: DepartmentIn{}, Out: directory.Department{}, Status: 201, Handle: h.createDepartment},
		{Method: "GET", Path: "/api/v1/departments/{id}", Perm: account.DirectoryRead, Tag: tag, Summary: "One department", Out: directory.Department{}, Handle: h.getDepartment},
		{Method: "PUT", Path: "/api/v1/departments/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Replace a department", In: DepartmentIn{}, Out: directory.Department{}, Handle: h.putDepartment},
		{Method: "DELETE", Path: "/api/v1/departments/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Delete an unused department", Status: 204, Handle: h.deleteDepartment},
		{Method: "GET", Path: "/api/v1/ownership", Perm: account.DirectoryRead, Tag: tag, Summary: "Category ownership rules (权属) (?department_id=, ?area_id=)", Out: httpx.List[directory.OwnershipRule]{}, Handle: h.listOwnership},
		{Method: "POST", Path: "/api/v1/ownership", Perm: account.DirectoryWrite, Tag: tag, Summary: "Set the owner of a category (小类, 大类 or *) in an area and below", In: OwnershipIn{}, Out: directory.OwnershipRule{}, Status: 201, Handle: h.setOwnership},
		{Method: "DELETE", Path: "/api/v1/ownership/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Remove an ownership rule", Status: 204, Handle: h.deleteOwnership},
		{Method: "GET", Path: "/api/v1/ownership/resolve", Perm: account.DirectoryRead, Tag: tag, Summary: "Which department owns ?category= in ?area_id= (deepest area, then most specific category)", Out: Owner{}, Handle: h.resolveOwner},
		{Method: "GET", Path: "/api/v1/people", Perm: account.DirectoryRead, Tag: tag, Summary: "People responsible for ?grid_id= or members of ?department_id=", Out: []store.Person{}, Handle: h.listPeople},
		{Method: "GET", Path: "/api/v1/people/{id}", Perm: account.DirectoryRead, Tag: tag, Summary: "An account's departments and responsibility grids", Out: store.Person{}, Handle: h.getPerson},
		{Method: "PUT", Path: "/api/v1/people/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Set an account's departments and responsibility grids (责任网格)", In: PersonIn{}, Out: store.Person{}, Handle: h.putPerson},
	}
}

func (h *handlers) listDepartments(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.DepartmentFilter{Scope: store.ScopeOf(r.P), Query: q.Get("q"), Kind: q.Get("kind"), After: pg.After, Limit: pg.Limit + 1}
	if f.ParentID, err = queryID(r, "parent_id"); err != nil {
		return err
	}
	ds, err := h.a.DB.ListDepartments(r.Context(), f)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, httpx.NewList(ds, pg, func(d *directory.Department) int64 { return d.ID }))
}

func deptOf(in DepartmentIn) *directory.Department {
	return &directory.Department{ParentID: in.ParentID, Code: in.Code, Name: in.Name, Kind: in.Kind, Contact: in.Contact, Phone: in.Phone, AreaID: in.AreaID}
}

func (h *handlers) createDepartment(w http.ResponseWriter, r *httpx.Request) error {
	var in DepartmentIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID); err != nil {
		return err
	}
	d := deptOf(in)
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.CreateDepartment(r.Context(), d) }); err != nil {
		return err
	}
	return r.JSON(w, 201, d)
}

func (h *handlers) getDepartment(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	d, err := h.a.DB.Department(r.Context(), id, store.ScopeOf(r.P))
	if err != nil {
		return err
	}
	return r.JSON(w, 200, d)
}

func (h *handlers) putDepartment(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in DepartmentIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if _, err := h.a.DB.Department(r.Context(), id, store.ScopeOf(r.P)); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID); err != nil {
		return err
	}
	d := deptOf(in)
	d.ID = id
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.UpdateDepartment(r.Context(), d) }); err != nil {
		return err
	}
	return r.JSON(w, 200, d)
}

func (h *handlers) deleteDepartment(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	if _, err := h.a.DB.Department(r.Context(), id, store.ScopeOf(r.P)); err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.DeleteDepartment(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handlers) listOwnership(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	f := store.OwnershipFilter{Scope: store.ScopeOf(r.P), After: pg.After, Limit: pg.Limit + 1}
	if f.DepartmentID, err = queryID(r, "department_id"); err != nil {
		return err
	}
	if f.AreaID, err = queryID(r, "area_id"); err != nil {
		return err
	}
	rs, err := h.a.DB.ListOwnership(r.Context(), f)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, httpx.NewList(rs, pg, func(o *directory.OwnershipRule) int64 { return o.ID }))
}

func (h *handlers) setOwnership(w http.ResponseWriter, r *httpx.Request) error {
	var in OwnershipIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID); err != nil {
		return err
	}
	o := &directory.OwnershipRule{AreaID: in.AreaID, Category: in.Category, DepartmentID: in.DepartmentID}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.SetOwnership(r.Context(), o) }); err != nil {
		return err
	}
	return r.JSON(w, 201, o)
}

func (h *handlers) deleteOwnership(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	rs, err := h.a.DB.ListOwnership(r.Context(), store.OwnershipFilter{Scope: store.ScopeOf(r.P), After: id - 1, Limit: 1})
	if err != nil {
		return err
	}
	if len(rs) == 0 || rs[0].ID != id {
		return store.ErrNotFound
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.DeleteOwnership(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handlers) resolveOwner(w http.ResponseWriter, r *httpx.Request) error {
	path, err := h.queryArea(r)
	if err != nil {
		return err
	}
	if path == "" {
		return httpx.Invalid("area_id", "query.required", "area_id is required")
	}
	cat := r.URL.Query().Get("category")
	if !store.KnownCategory(cat) || len(cat) != 5 {
		return httpx.Invalid("category", "ownership.category", "a known 小类 code such as C0101")
	}
	id, err := h.a.DB.OwningDepartment(r.Context(), path, cat)
	if err != nil {
		return err
	}
	d, err := h.a.DB.Department(r.Context(), id, store.Scope{All: true})
	if err != nil {
		return err
	}
	return r.JSON(w, 200, Owner{DepartmentID: id, Department: d})
}

func (h *handlers) listPeople(w http.ResponseWriter, r *httpx.Request) error {
	grid, err := queryID(r, "grid_id")
	if err != nil {
		return err
	}
	dept, err := queryID(r, "department_id")
	if err != nil {
		return err
	}
	var ids []int64
	switch {
	case grid > 0:
		if _, err := VisibleArea(r, h.a.DB, grid); err != nil {
			return err
		}
		ids, err = h.a.DB.GridWorkers(r.Context(), grid)
	case dept > 0:
		if _, err := h.a.DB.Department(r.Context(), dept, store.ScopeOf(r.P)); err != nil {
			return err
		}
		ids, err = h.a.DB.DepartmentMembers(r.Context(), dept)
	default:
		return httpx.Invalid("grid_id", "query.required", "give grid_id or department_id")
	}
	if err != nil {
		return err
	}
	out := []*store.Person{}
	for _, id := range ids {
		p, err := h.a.DB.Person(r.Context(), id)
		if err != nil {
			return err
		}
		out = append(out, p)
	}
	return r.JSON(w, 200, out)
}

func (h *handlers) getPerson(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	if err := h.personVisible(r, id); err != nil {
		return err
	}
	p, err := h.a.DB.Person(r.Context(), id)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, p)
}

// personVisible hides (404) an account none of whose areas lies in the
// caller's scope, as every other directory record is hidden.
func (h *handlers) personVisible(r *httpx.Request, id int64) error {
	if Unscoped(r.P) {
		return nil
	}
	u, err := h.a.DB.User(r.Context(), id)
	if err != nil {
		return err
	}
	for _, aid := range u.ScopeAreaIDs {
		if a, err := h.a.DB.Area(r.Context(), aid); err == nil && r.P.InScope(a.Path) {
			return nil
		}
	}
	return httpx.ErrNotFound
}

func (h *handlers) putPerson(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in PersonIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.GridIDs...); err != nil {
		return err
	}
	p := &store.Person{UserID: id, Departments: in.Departments, GridIDs: in.GridIDs}
	if p.Departments == nil {
		p.Departments = []store.Membership{}
	}
	if p.GridIDs == nil {
		p.GridIDs = []int64{}
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.SetPerson(r.Context(), p) }); err != nil {
		return err
	}
	out, err := h.a.DB.Person(r.Context(), id)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, out)
}

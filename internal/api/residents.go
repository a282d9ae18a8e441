package api

import (
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/secretbox"
	"towngrid/internal/store"
)

// ResidentIn is the body that creates or replaces a resident. On a replace,
// an empty id_number and an absent phone keep the stored values.
type ResidentIn struct {
	Name      string   `json:"name"`
	IDNumber  string   `json:"id_number"`
	Phone     *string  `json:"phone,omitempty"`
	Address   string   `json:"address,omitempty"`
	AreaID    int64    `json:"area_id,omitempty"`
	GridID    int64    `json:"grid_id,omitempty"`
	ConsentAt int64    `json:"consent_at"`
	Tags      []string `json:"tags,omitempty"`
}

// IDLookup finds a resident by ID number. It is a POST so that the number
// never appears in a URL, a log line or a browser history.
type IDLookup struct {
	IDNumber string `json:"id_number"`
}

func (h *handlers) residentRoutes() []*httpx.Route {
	const tag = "directory"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/residents", Perm: account.ResidentsRead, Tag: tag, Summary: "Residents in your areas, masked (?q= name, ?tag=, ?area_id=, ?grid_id=, cursor)", Out: httpx.List[directory.Resident]{}, Handle: h.listResidents},
		{Method: "POST", Path: "/api/v1/residents", Perm: account.DirectoryWrite, Tag: tag, Summary: "Record a resident who consented (ID number and phone encrypted at rest)", In: ResidentIn{}, Out: directory.Resident{}, Status: 201, Handle: h.createResident},
		{Method: "GET", Path: "/api/v1/residents/{id}", Perm: account.ResidentsRead, Tag: tag, Summary: "One resident, masked; ?unmask=true shows ID number and phone to holders of residents.unmask (audited)", Out: directory.Resident{}, Handle: h.getResident},
		{Method: "PUT", Path: "/api/v1/residents/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Replace a resident", In: ResidentIn{}, Out: directory.Resident{}, Handle: h.putResident},
		{Method: "DELETE", Path: "/api/v1/residents/{id}", Perm: account.DirectoryWrite, Tag: tag, Summary: "Delete a resident (consent withdrawn)", Status: 204, Handle: h.deleteResident},
		{Method: "POST", Path: "/api/v1/residents/lookup", Perm: account.ResidentsRead, Tag: tag, Summary: "Find a resident by ID number through the blind index (?unmask=true as for one resident)", In: IDLookup{}, Out: directory.Resident{}, Handle: h.lookupResident},
	}
}

func (h *handlers) box() (*secretbox.Box, error) {
	if h.a.Secrets == nil {
		return nil, httpx.Errorf(http.StatusServiceUnavailable, "secrets_unavailable", "personal data cannot be handled: no master key is loaded")
	}
	b, err := h.a.Secrets.Box()
	if err != nil {
		h.a.Log.Error("master key", "err", err)
		return nil, httpx.Errorf(http.StatusServiceUnavailable, "secrets_unavailable", "personal data cannot be handled: the master key cannot be loaded")
	}
	return b, nil
}

// wantUnmask reads ?unmask=true; asking without the permission is refused
// rather than silently masked, so nobody believes they saw clear data.
func wantUnmask(r *httpx.Request) (bool, error) {
	switch r.URL.Query().Get("unmask") {
	case "", "false":
		return false, nil
	case "true":
		if !r.P.Can(account.ResidentsUnmask) {
			return false, httpx.ErrForbidden
		}
		return true, nil
	}
	return false, httpx.Invalid("unmask", "query.bool", "true or false")
}

// reveal opens the sealed columns after writing the audit row in its own
// transaction: no clear value leaves the server without a trace.
func (h *handlers) reveal(r *httpx.Request, res *directory.Resident, why string) error {
	box, err := h.box()
	if err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.AuditUnmask(r.Context(), res.ID, why) }); err != nil {
		return err
	}
	return h.a.DB.ResidentClear(r.Context(), box, res)
}

func (h *handlers) listResidents(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.ResidentFilter{Scope: store.ScopeOf(r.P), Query: q.Get("q"), Tag: q.Get("tag"), After: pg.After, Limit: pg.Limit + 1}
	if f.GridID, err = queryID(r, "grid_id"); err != nil {
		return err
	}
	if f.AreaPath, err = h.queryArea(r); err != nil {
		return err
	}
	if q.Get("unmask") != "" {
		return httpx.Invalid("unmask", "resident.unmask_list", "lists are always masked; unmask one resident at a time")
	}
	rs, err := h.a.DB.ListResidents(r.Context(), f)
	if err != nil {
		return err
	}
	return r.JSON(w, 200, httpx.NewList(rs, pg, func(x *directory.Resident) int64 { return x.ID }))
}

func (h *handlers) residentOf(in ResidentIn) *directory.Resident {
	res := &directory.Resident{Name: in.Name, IDNumber: in.IDNumber, Address: in.Address, AreaID: in.AreaID, GridID: in.GridID, ConsentAt: in.ConsentAt, Tags: in.Tags}
	if in.Phone != nil {
		res.Phone = *in.Phone
	}
	return res
}

func (h *handlers) createResident(w http.ResponseWriter, r *httpx.Request) error {
	var in ResidentIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID, in.GridID); err != nil {
		return err
	}
	res := h.residentOf(in)
	if err := directory.ValidateResident(&directory.Resident{Name: res.Name, IDNumber: res.IDNumber, Phone: res.Phone, Address: res.Address, AreaID: res.AreaID, GridID: res.GridID, ConsentAt: res.ConsentAt, Tags: res.Tags}, store.CodeRules(), h.a.DB.Now()); err != nil {
		return err // before the key is touched: bad input never creates a key file
	}
	box, err := h.box()
	if err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.CreateResident(r.Context(), box, res) }); err != nil {
		return err
	}
	return r.JSON(w, 201, res)
}

func (h *handlers) getResident(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	unmask, err := wantUnmask(r)
	if err != nil {
		return err
	}
	res, err := h.a.DB.Resident(r.Context(), id, store.ScopeOf(r.P))
	if err != nil {
		return err
	}
	if unmask {
		if err := h.reveal(r, res, "read"); err != nil {
			return err
		}
	}
	return r.JSON(w, 200, res)
}

func (h *handlers) putResident(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in ResidentIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	old, err := h.a.DB.Resident(r.Context(), id, store.ScopeOf(r.P))
	if err != nil {
		return err
	}
	if err := placeable(r, h.a.DB, in.AreaID, in.GridID); err != nil {
		return err
	}
	box, err := h.box()
	if err != nil {
		return err
	}
	res := h.residentOf(in)
	res.ID = id
	if in.IDNumber == "" || in.Phone == nil {
		// Keep what is stored: open it inside the server only (not shown, not audited as a read).
		if err := h.a.DB.ResidentClear(r.Context(), box, old); err != nil {
			return err
		}
		if in.IDNumber == "" {
			res.IDNumber = old.IDNumber
		}
		if in.Phone == nil {
			res.Phone = old.Phone
		}
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.UpdateResident(r.Context(), box, res) }); err != nil {
		return err
	}
	return r.JSON(w, 200, res)
}

func (h *handlers) deleteResident(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	if _, err := h.a.DB.Resident(r.Context(), id, store.ScopeOf(r.P)); err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.DeleteResident(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handlers) lookupResident(w http.ResponseWriter, r *httpx.Request) error {
	var in IDLookup
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	unmask, err := wantUnmask(r)
	if err != nil {
		return err
	}
	if _, err := directory.NormalizeIDNumber(in.IDNumber, store.CodeRules()); err != nil {
		return err
	}
	box, err := h.box()
	if err != nil {
		return err
	}
	res, err := h.a.DB.ResidentByIDNumber(r.Context(), box, in.IDNumber, store.ScopeOf(r.P))
	if err != nil {
		return err
	}
	if unmask {
		if err := h.reveal(r, res, "lookup"); err != nil {
			return err
		}
	}
	return r.JSON(w, 200, res)
}

package api

import (
	"net/http"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
)

// NewKey asks for an API key.
type NewKey struct {
	Name      string         `json:"name"`
	Perms     []account.Perm `json:"perms"`
	ExpiresIn string         `json:"expires_in,omitempty"` // Go duration, e.g. 720h; empty = never
	UserID    int64          `json:"user_id,omitempty"`    // administrators may issue keys for others
}

// CreatedKey is the answer to NewKey: the only time the key is shown.
type CreatedKey struct {
	store.APIKey
	Key string `json:"key"`
}

func (h *handlers) keyRoutes() []*httpx.Route {
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/apikeys", Perm: account.KeysOwn, Tag: "accounts", Summary: "List API keys (yours; administrators: ?all=true)", Out: []store.APIKey{}, Handle: h.listKeys},
		{Method: "POST", Path: "/api/v1/apikeys", Perm: account.KeysOwn, Tag: "accounts", Summary: "Issue an API key; the key is shown once", In: NewKey{}, Out: CreatedKey{}, Status: 201, Handle: h.createKey},
		{Method: "DELETE", Path: "/api/v1/apikeys/{id}", Perm: account.KeysOwn, Tag: "accounts", Summary: "Revoke an API key", Status: 204, Handle: h.revokeKey},
	}
}

func (h *handlers) listKeys(w http.ResponseWriter, r *httpx.Request) error {
	owner := r.P.UserID
	if r.URL.Query().Get("all") == "true" {
		if !r.P.Can(account.KeysAll) {
			return httpx.ErrForbidden
		}
		owner = 0
	}
	keys, err := h.a.DB.ListAPIKeys(r.Context(), owner)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, keys)
}

// CreateKey validates and stores a key request; the web page uses it too.
func CreateKey(r *httpx.Request, db *store.DB, actor store.Actor, in NewKey) (*CreatedKey, error) {
	if in.Name == "" || len([]rune(in.Name)) > 64 {
		return nil, httpx.Invalid("name", "apikey.name", "1–64 characters")
	}
	if len(in.Perms) == 0 {
		return nil, httpx.Invalid("perms", "apikey.perms", "at least one permission, or *")
	}
	for _, p := range in.Perms {
		if p == "*" {
			continue
		}
		if _, err := account.ParsePerms(string(p)); err != nil {
			return nil, httpx.Invalid("perms", "apikey.perm_unknown", err.Error())
		}
		// A key can never carry more than its owner may do.
		if in.UserID == 0 && !r.P.Can(p) {
			return nil, httpx.Invalid("perms", "apikey.perm_not_held", "you do not hold "+string(p))
		}
	}
	k := &store.APIKey{Name: in.Name, Perms: in.Perms, UserID: r.P.UserID}
	if in.UserID != 0 && in.UserID != r.P.UserID {
		if !r.P.Can(account.KeysAll) {
			return nil, httpx.ErrForbidden
		}
		k.UserID = in.UserID
	}
	if in.ExpiresIn != "" {
		d, err := time.ParseDuration(in.ExpiresIn)
		if err != nil || d <= 0 {
			return nil, httpx.Invalid("expires_in", "apikey.expires_in", "a positive duration such as 720h")
		}
		k.ExpiresAt = time.Now().Add(d).UnixMilli()
	}
	var key string
	err := db.Write(r.Context(), actor, func(tx *store.Tx) error {
		if _, err := tx.QueryRowUser(r.Context(), k.UserID); err != nil {
			return httpx.Invalid("user_id", "apikey.user_unknown", "no such account")
		}
		var err error
		key, err = tx.CreateAPIKey(r.Context(), k)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreatedKey{APIKey: *k, Key: key}, nil
}

func (h *handlers) createKey(w http.ResponseWriter, r *httpx.Request) error {
	var in NewKey
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	ck, err := CreateKey(r, h.a.DB, h.actor(r), in)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusCreated, ck)
}

func (h *handlers) revokeKey(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	owner := r.P.UserID
	if r.P.Can(account.KeysAll) {
		owner = 0
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.RevokeAPIKey(r.Context(), id, owner) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

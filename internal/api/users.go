package api

import (
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
)

// NewUser is the body that creates an account.
type NewUser struct {
	Username     string         `json:"username"`
	DisplayName  string         `json:"display_name"`
	Password     string         `json:"password"`
	Lang         string         `json:"lang,omitempty"`
	Email        string         `json:"email,omitempty"`
	Phone        string         `json:"phone,omitempty"`
	Roles        []account.Role `json:"roles"`
	ScopeAreaIDs []int64        `json:"scope_area_ids"`
}

// UserPatch changes an account; absent fields stay as they are.
type UserPatch struct {
	DisplayName  *string         `json:"display_name,omitempty"`
	Lang         *string         `json:"lang,omitempty"`
	Email        *string         `json:"email,omitempty"`
	Phone        *string         `json:"phone,omitempty"`
	Disabled     *bool           `json:"disabled,omitempty"`
	Roles        *[]account.Role `json:"roles,omitempty"`
	ScopeAreaIDs *[]int64        `json:"scope_area_ids,omitempty"`
}

// PasswordChange sets a new password.
type PasswordChange struct {
	Password   string `json:"password"`
	MustChange bool   `json:"must_change,omitempty"`
}

func (h *handlers) accountRoutes() []*httpx.Route {
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/me", Perm: account.SignedIn, Tag: "accounts", Summary: "The caller: roles, scopes and permissions", Out: Me{}, Handle: h.me},
		{Method: "GET", Path: "/api/v1/users", Perm: account.UsersRead, Tag: "accounts", Summary: "List accounts (?q=, ?role=, cursor)", Out: httpx.List[account.User]{}, Handle: h.listUsers},
		{Method: "POST", Path: "/api/v1/users", Perm: account.UsersWrite, Tag: "accounts", Summary: "Create an account", In: NewUser{}, Out: account.User{}, Status: 201, Handle: h.createUser},
		{Method: "GET", Path: "/api/v1/users/{id}", Perm: account.UsersRead, Tag: "accounts", Summary: "One account", Out: account.User{}, Handle: h.getUser},
		{Method: "PATCH", Path: "/api/v1/users/{id}", Perm: account.UsersWrite, Tag: "accounts", Summary: "Change an account's profile, roles, scopes or disabled flag", In: UserPatch{}, Out: account.User{}, Handle: h.patchUser},
		{Method: "POST", Path: "/api/v1/users/{id}/password", Perm: account.UsersWrite, Tag: "accounts", Summary: "Reset an account's password", In: PasswordChange{}, Status: 204, Handle: h.resetPassword},
	}
}

func (h *handlers) listUsers(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	f := store.UserFilter{Query: r.URL.Query().Get("q"), After: pg.After, Limit: pg.Limit + 1}
	if s := r.URL.Query().Get("role"); s != "" {
		role, err := account.ParseRole(s)
		if err != nil {
			return httpx.Invalid("role", "user.role_unknown", err.Error())
		}
		f.Role = role
	}
	users, err := h.a.DB.ListUsers(r.Context(), f)
	if err != nil {
		return err
	}
	l := httpx.NewList(users, pg, func(u *account.User) int64 { return u.ID })
	if pg.Count {
		n, err := h.a.DB.CountUsers(r.Context())
		if err != nil {
			return err
		}
		l.Total = &n
	}
	return r.JSON(w, http.StatusOK, l)
}

func (h *handlers) createUser(w http.ResponseWriter, r *httpx.Request) error {
	var in NewUser
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return err
	}
	u := &account.User{Username: in.Username, DisplayName: in.DisplayName, Lang: in.Lang, Email: in.Email, Phone: in.Phone, Roles: in.Roles, ScopeAreaIDs: in.ScopeAreaIDs}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.CreateUser(r.Context(), u, hash) }); err != nil {
		return err
	}
	if u.ScopeAreaIDs == nil {
		u.ScopeAreaIDs = []int64{}
	}
	return r.JSON(w, http.StatusCreated, u)
}

func (h *handlers) getUser(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	u, err := h.a.DB.User(r.Context(), id)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, u)
}

func (h *handlers) patchUser(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in UserPatch
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	u, err := h.a.DB.User(r.Context(), id)
	if err != nil {
		return err
	}
	set(&u.DisplayName, in.DisplayName)
	set(&u.Lang, in.Lang)
	set(&u.Email, in.Email)
	set(&u.Phone, in.Phone)
	set(&u.Disabled, in.Disabled)
	set(&u.Roles, in.Roles)
	set(&u.ScopeAreaIDs, in.ScopeAreaIDs)
	if u.ID == r.P.UserID && u.Disabled {
		return httpx.Invalid("disabled", "user.self_disable", "you cannot disable your own account")
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.UpdateUser(r.Context(), u) }); err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, u)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (h *handlers) resetPassword(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in PasswordChange
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.SetPassword(r.Context(), id, hash, in.MustChange) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

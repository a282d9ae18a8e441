package web

import (
	"net/http"
	"strconv"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/api"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/store"
)

func (u *UI) adminRoutes() []*httpx.Route {
	return []*httpx.Route{
		{Method: "GET", Path: "/admin/users", Perm: account.UsersRead, Kind: httpx.Page, Summary: "Accounts", Handle: u.usersPage},
		{Method: "POST", Path: "/admin/users", Perm: account.UsersWrite, Kind: httpx.Page, Form: true, Summary: "Create an account", Handle: u.createUser},
		{Method: "GET", Path: "/admin/users/{id}", Perm: account.UsersRead, Kind: httpx.Page, Summary: "One account", Handle: u.userPage},
		{Method: "POST", Path: "/admin/users/{id}", Perm: account.UsersWrite, Kind: httpx.Page, Form: true, Summary: "Change an account", Handle: u.updateUser},
		{Method: "GET", Path: "/admin/apikeys", Perm: account.KeysOwn, Kind: httpx.Page, Summary: "API keys", Handle: u.keysPage},
		{Method: "POST", Path: "/admin/apikeys", Perm: account.KeysOwn, Kind: httpx.Page, Form: true, Summary: "Issue an API key", Handle: u.createKey},
		{Method: "POST", Path: "/admin/apikeys/{id}/revoke", Perm: account.KeysOwn, Kind: httpx.Page, Form: true, Summary: "Revoke an API key", Handle: u.revokeKey},
	}
}

type usersData struct {
	Users []*account.User
	Roles []account.Role
	Query string
	Form  formUser
	Next  string
}

type formUser struct {
	Username, DisplayName, Lang, Scopes string
	Roles                               []account.Role
}

func actor(r *httpx.Request) store.Actor {
	return store.Actor{ID: r.P.UserID, Name: r.P.Username, Via: "web"}
}

func (u *UI) usersPage(w http.ResponseWriter, r *httpx.Request) error {
	return u.renderUsers(w, r, 200, "", formUser{Lang: "zh-CN"}, "")
}

func (u *UI) renderUsers(w http.ResponseWriter, r *httpx.Request, status int, errMsg string, f formUser, flash string) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	users, err := u.a.DB.ListUsers(r.Context(), store.UserFilter{Query: q, After: pg.After, Limit: pg.Limit + 1})
	if err != nil {
		return err
	}
	l := httpx.NewList(users, pg, func(x *account.User) int64 { return x.ID })
	return u.render(w, r, status, "users", Page{Title: "admin.users", Active: "admin", Error: errMsg, Flash: flash,
		Data: usersData{Users: l.Items, Roles: account.Roles, Query: q, Form: f, Next: l.NextCursor}})
}

func parseIDs(s string) ([]int64, error) {
	out := []int64{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil, httpx.Invalid("scope_area_ids", "user.scope", "area ids separated by commas")
		}
		out = append(out, id)
	}
	return out, nil
}

func formRoles(r *httpx.Request) []account.Role {
	var out []account.Role
	for _, s := range r.Form["roles"] {
		out = append(out, account.Role(s))
	}
	return out
}

// problemText turns an error into a translated sentence for a form.
func problemText(lang string, err error) string {
	p := httpx.AsProblem(err)
	if p.Status >= 500 {
		return i18n.T(lang, "problem.internal")
	}
	if len(p.Errors) > 0 {
		fe := p.Errors[0]
		return i18n.T(lang, "field."+fe.Field) + ": " + fe.Detail
	}
	return p.Detail
}

func (u *UI) createUser(w http.ResponseWriter, r *httpx.Request) error {
	f := formUser{Username: r.FormValue("username"), DisplayName: r.FormValue("display_name"), Lang: r.FormValue("lang"), Scopes: r.FormValue("scopes"), Roles: formRoles(r)}
	scopes, err := parseIDs(f.Scopes)
	if err == nil {
		var hash string
		hash, err = account.HashPassword(r.FormValue("password"))
		if err == nil {
			usr := &account.User{Username: f.Username, DisplayName: f.DisplayName, Lang: f.Lang, Roles: f.Roles, ScopeAreaIDs: scopes}
			err = u.a.DB.Write(r.Context(), actor(r), func(tx *store.Tx) error { return tx.CreateUser(r.Context(), usr, hash) })
		}
	}
	if err != nil {
		if httpx.AsProblem(err).Status >= 500 {
			return err
		}
		return u.renderUsers(w, r, http.StatusUnprocessableEntity, problemText(r.Lang, err), f, "")
	}
	http.Redirect(w, r.Request, "/admin/users?created="+f.Username, http.StatusSeeOther)
	return nil
}

type userData struct {
	User  *account.User
	Roles []account.Role
	Scope string
}

func (u *UI) userPage(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	usr, err := u.a.DB.User(r.Context(), id)
	if err != nil {
		return err
	}
	return u.render(w, r, 200, "user", Page{Title: "admin.user", Active: "admin", Data: userData{User: usr, Roles: account.Roles, Scope: idsText(usr.ScopeAreaIDs)}})
}

func idsText(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func (u *UI) updateUser(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	usr, err := u.a.DB.User(r.Context(), id)
	if err != nil {
		return err
	}
	usr.DisplayName, usr.Lang, usr.Roles = r.FormValue("display_name"), r.FormValue("lang"), formRoles(r)
	usr.Disabled = r.FormValue("disabled") == "on"
	scopes, err := parseIDs(r.FormValue("scopes"))
	if err == nil {
		usr.ScopeAreaIDs = scopes
		if usr.ID == r.P.UserID && usr.Disabled {
			err = httpx.Invalid("disabled", "user.self_disable", "you cannot disable your own account")
		} else {
			err = u.a.DB.Write(r.Context(), actor(r), func(tx *store.Tx) error { return tx.UpdateUser(r.Context(), usr) })
		}
	}
	if err == nil && r.FormValue("password") != "" {
		var hash string
		if hash, err = account.HashPassword(r.FormValue("password")); err == nil {
			err = u.a.DB.Write(r.Context(), actor(r), func(tx *store.Tx) error { return tx.SetPassword(r.Context(), usr.ID, hash, true) })
		}
	}
	if err != nil {
		if httpx.AsProblem(err).Status >= 500 {
			return err
		}
		return u.render(w, r, http.StatusUnprocessableEntity, "user", Page{Title: "admin.user", Active: "admin", Error: problemText(r.Lang, err),
			Data: userData{User: usr, Roles: account.Roles, Scope: r.FormValue("scopes")}})
	}
	http.Redirect(w, r.Request, "/admin/users/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

type keysData struct {
	Keys   []store.APIKey
	Perms  []account.Perm
	NewKey string
}

func (u *UI) keysPage(w http.ResponseWriter, r *httpx.Request) error {
	return u.renderKeys(w, r, 200, "", "")
}

func (u *UI) renderKeys(w http.ResponseWriter, r *httpx.Request, status int, newKey, errMsg string) error {
	owner := r.P.UserID
	if r.P.Can(account.KeysAll) {
		owner = 0
	}
	keys, err := u.a.DB.ListAPIKeys(r.Context(), owner)
	if err != nil {
		return err
	}
	var perms []account.Perm
	for _, p := range account.Perms() {
		if r.P.Can(p) {
			perms = append(perms, p)
		}
	}
	return u.render(w, r, status, "apikeys", Page{Title: "admin.apikeys", Active: "admin", Error: errMsg, Data: keysData{Keys: keys, Perms: perms, NewKey: newKey}})
}

func (u *UI) createKey(w http.ResponseWriter, r *httpx.Request) error {
	in := api.NewKey{Name: r.FormValue("name"), ExpiresIn: r.FormValue("expires_in")}
	for _, p := range r.Form["perms"] {
		in.Perms = append(in.Perms, account.Perm(p))
	}
	ck, err := api.CreateKey(r, u.a.DB, actor(r), in)
	if err != nil {
		if httpx.AsProblem(err).Status >= 500 {
			return err
		}
		return u.renderKeys(w, r, http.StatusUnprocessableEntity, "", problemText(r.Lang, err))
	}
	// Shown once, on this response only; never stored in clear.
	return u.renderKeys(w, r, http.StatusCreated, ck.Key, "")
}

func (u *UI) revokeKey(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	owner := r.P.UserID
	if r.P.Can(account.KeysAll) {
		owner = 0
	}
	if err := u.a.DB.Write(r.Context(), actor(r), func(tx *store.Tx) error { return tx.RevokeAPIKey(r.Context(), id, owner) }); err != nil {
		return err
	}
	http.Redirect(w, r.Request, "/admin/apikeys", http.StatusSeeOther)
	return nil
}

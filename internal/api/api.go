// Package api is towngrid's JSON API under /api/v1. Each capability has its
// own file that returns its routes; the server registers them all through the
// one router, which authorises every request.
package api

import (
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
)

// capabilities holds each capability's route list; every file adds its own
// in init(), so capabilities never edit a shared list.
var capabilities []func(h *handlers) []*httpx.Route

func register(routes func(h *handlers) []*httpx.Route) { capabilities = append(capabilities, routes) }

func init() {
	register((*handlers).accountRoutes)
	register((*handlers).keyRoutes)
	register((*handlers).areaRoutes)
	register((*handlers).auditRoutes)
}

// Routes returns every API route.
func Routes(a *app.App) []*httpx.Route {
	h := &handlers{a: a}
	var rs []*httpx.Route
	for _, c := range capabilities {
		rs = append(rs, c(h)...)
	}
	return rs
}

type handlers struct{ a *app.App }

// ImportMaxBody is the body limit of bulk imports (a whole town's grids or
// enterprises), larger than the server's default for forms and JSON.
const ImportMaxBody = 64 << 20

func (h *handlers) actor(r *httpx.Request) store.Actor {
	via := "web"
	if r.ViaKey() {
		via = "api"
	}
	return store.Actor{ID: r.P.UserID, Name: r.P.Username, Via: via}
}

// Me is the caller as the API reports it.
type Me struct {
	ID       int64          `json:"id"`
	Username string         `json:"username"`
	Name     string         `json:"name"`
	Lang     string         `json:"lang"`
	Roles    []account.Role `json:"roles"`
	Scopes   []string       `json:"scopes"`
	Perms    []account.Perm `json:"perms"`
}

func (h *handlers) me(w http.ResponseWriter, r *httpx.Request) error {
	m := Me{ID: r.P.UserID, Username: r.P.Username, Name: r.P.Name, Lang: r.Lang, Roles: r.P.Roles, Scopes: r.P.Scopes, Perms: []account.Perm{}}
	for _, p := range account.Perms() {
		if r.P.Can(p) {
			m.Perms = append(m.Perms, p)
		}
	}
	return r.JSON(w, http.StatusOK, m)
}

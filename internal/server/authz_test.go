package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// addRoutePerms lets each capability's test file state its own routes.
func addRoutePerms(m map[string]account.Perm) {
	for k, v := range m {
		if _, dup := routePerms[k]; dup {
			panic("route " + k + " stated twice")
		}
		routePerms[k] = v
	}
}

// routePerms is this test's own statement of what every route requires. A
// route the server registers that is missing here fails the test, so nobody
// adds an endpoint without deciding who may call it.
var routePerms = map[string]account.Perm{
	"GET /healthz":                     account.Public,
	"GET /readyz":                      account.Public,
	"GET /metrics":                     account.Public,
	"GET /api/openapi.json":            account.Public,
	"GET /static/":                     account.Public,
	"GET /login":                       account.Public,
	"POST /login":                      account.Public,
	"GET /lang/{lang}":                 account.Public,
	"POST /logout":                     account.SignedIn,
	"GET /{$}":                         account.SignedIn,
	"GET /api/v1/me":                   account.SignedIn,
	"GET /api/v1/users":                account.UsersRead,
	"POST /api/v1/users":               account.UsersWrite,
	"GET /api/v1/users/{id}":           account.UsersRead,
	"PATCH /api/v1/users/{id}":         account.UsersWrite,
	"POST /api/v1/users/{id}/password": account.UsersWrite,
	"GET /api/v1/apikeys":              account.KeysOwn,
	"POST /api/v1/apikeys":             account.KeysOwn,
	"DELETE /api/v1/apikeys/{id}":      account.KeysOwn,
	"GET /api/v1/areas":                account.AreasRead,
	"POST /api/v1/areas":               account.AreasWrite,
	"GET /api/v1/areas/{id}":           account.AreasRead,
	"PATCH /api/v1/areas/{id}":         account.AreasWrite,
	"GET /api/v1/audit":                account.AuditRead,
	"GET /api/v1/audit/verify":         account.AuditRead,
	"GET /admin/users":                 account.UsersRead,
	"POST /admin/users":                account.UsersWrite,
	"GET /admin/users/{id}":            account.UsersRead,
	"POST /admin/users/{id}":           account.UsersWrite,
	"GET /admin/apikeys":               account.KeysOwn,
	"POST /admin/apikeys":              account.KeysOwn,
	"POST /admin/apikeys/{id}/revoke":  account.KeysOwn,
	"GET /directory":                   account.AreasRead,
	"GET /workorders":                  account.Dashboard,
	"GET /services":                    account.SignedIn,
	"GET /evaluation":                  account.Dashboard,
	"GET /admission":                   account.Dashboard,
	"GET /monitoring":                  account.MonitoringRead,
	"GET /cogovernance":                account.SignedIn,
	"GET /command":                     account.Dashboard,
	"GET /sharing":                     account.Dashboard,
	"GET /audit":                       account.AuditRead,
}

func concrete(path string) string {
	// Ids that exist nowhere, so allowed calls change nothing.
	return strings.NewReplacer("{id}", "987654", "{lang}", "en", "{$}", "").Replace(path)
}

func TestEveryRouteEveryRole(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	registered := map[string]bool{}
	for _, rt := range f.srv.Router.Routes() {
		key := rt.Pattern()
		registered[key] = true
		want, known := routePerms[key]
		if !known {
			t.Errorf("route %s is not in the authorisation table: decide who may call it", key)
			continue
		}
		if rt.Perm != want {
			t.Errorf("route %s requires %q, the table says %q", key, rt.Perm, want)
		}
		roles := append([]account.Role{""}, account.Roles...)
		for _, role := range roles {
			body := ""
			if rt.Method != http.MethodGet && strings.HasPrefix(rt.Path, "/api/") {
				body = "{}"
			}
			resp := f.do(rt.Method, concrete(rt.Path), role, body)
			text := readAll(resp)
			allowed := want == account.Public || (role != "" && (want == account.SignedIn || account.Allowed(role, want)))
			// A denial by the authorisation layer: a problem (JSON or page)
			// coded unauthorized/forbidden, or a page's redirect to sign in.
			denied := (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) &&
				(strings.Contains(text, `"code":"unauthorized"`) || strings.Contains(text, `"code":"forbidden"`) ||
					strings.Contains(text, `data-code="unauthorized"`) || strings.Contains(text, `data-code="forbidden"`))
			if resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
				denied = true
			}
			if allowed && denied {
				t.Errorf("%s as %q: %d, want it allowed", key, role, resp.StatusCode)
			}
			if !allowed && !denied {
				t.Errorf("%s as %q: %d, want 401/403", key, role, resp.StatusCode)
			}
			if !allowed && role == "" && resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusSeeOther {
				t.Errorf("%s anonymous: %d, want 401", key, resp.StatusCode)
			}
		}
	}
	for key := range routePerms {
		if !registered[key] {
			t.Errorf("table names %s but the server has no such route", key)
		}
	}
}

func TestAreaScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		// The grid worker is scoped to community 1: community 2 and its grid do not exist for them.
		for _, c := range []struct {
			id   int64
			want int
		}{{f.c1.ID, 200}, {f.g1.ID, 200}, {f.c2.ID, 404}, {f.g2.ID, 404}, {f.town.ID, 404}} {
			resp := f.do("GET", "/api/v1/areas/"+itoa(c.id), account.GridWorker, "")
			if body := readAll(resp); resp.StatusCode != c.want {
				t.Errorf("grid worker GET area %d: %d %s, want %d", c.id, resp.StatusCode, body, c.want)
			}
		}
		var list struct {
			Items []struct{ ID int64 } `json:"items"`
		}
		resp := f.do("GET", "/api/v1/areas", account.GridWorker, "")
		if err := json.Unmarshal([]byte(readAll(resp)), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 2 || list.Items[0].ID != f.c1.ID || list.Items[1].ID != f.g1.ID {
			t.Errorf("grid worker sees %+v, want community 1 and its grid", list.Items)
		}
		// A leader scoped to the town sees all five; a department user too.
		resp = f.do("GET", "/api/v1/areas", account.Leader, "")
		_ = json.Unmarshal([]byte(readAll(resp)), &list)
		if len(list.Items) != 5 {
			t.Errorf("leader sees %d areas, want 5", len(list.Items))
		}
	})
}

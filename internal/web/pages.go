package web

import (
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
)

// homeData is the dashboard: counts a leader wants at a glance.
type homeData struct {
	AreasByLevel []levelCount
	Users        int64
	AuditRows    int64
	AuditOK      bool
}

type levelCount struct {
	Level directory.Level
	Count int
}

func (u *UI) home(w http.ResponseWriter, r *httpx.Request) error {
	d := homeData{}
	all := r.P.Has(account.Admin)
	areas, err := u.a.DB.ListAreas(r.Context(), store.AreaFilter{Scopes: r.P.Scopes, Unscoped: all, Limit: 100000})
	if err != nil {
		return err
	}
	counts := map[directory.Level]int{}
	for _, a := range areas {
		counts[a.Level]++
	}
	for _, l := range directory.Levels {
		if counts[l] > 0 {
			d.AreasByLevel = append(d.AreasByLevel, levelCount{l, counts[l]})
		}
	}
	if r.P.Can(account.UsersRead) {
		d.Users, _ = u.a.DB.CountUsers(r.Context())
	}
	return u.render(w, r, 200, "home", Page{Title: "home.title", Active: "home", Data: d})
}

// capabilityRoutes gives every capability of the product its place in the
// navigation: until the capability registers its own page, a page says what
// it will cover and links to the API.
func (u *UI) capabilityRoutes(built []*httpx.Route) []*httpx.Route {
	have := map[string]bool{}
	for _, r := range built {
		have[r.Pattern()] = true
	}
	var rs []*httpx.Route
	for _, n := range Nav {
		switch n.Key {
		case "home", "admin", "audit", "myevaluation":
			continue
		}
		if have["GET "+n.Href] { // the capability has its real page
			continue
		}
		key := n.Key
		rs = append(rs, &httpx.Route{Method: "GET", Path: n.Href, Perm: n.Perm, Kind: httpx.Page, Summary: "Capability: " + key,
			Handle: func(w http.ResponseWriter, r *httpx.Request) error {
				return u.render(w, r, 200, "capability", Page{Title: "nav." + key, Active: key, Data: key})
			}})
	}
	rs = append(rs, &httpx.Route{Method: "GET", Path: "/audit", Perm: account.AuditRead, Kind: httpx.Page, Summary: "Audit log", Handle: u.auditPage})
	return rs
}

type auditData struct {
	Verify store.VerifyResult
	Rows   any
}

func (u *UI) auditPage(w http.ResponseWriter, r *httpx.Request) error {
	v, err := u.a.DB.VerifyAudit(r.Context())
	if err != nil {
		return err
	}
	rows, err := u.a.DB.ListAudit(r.Context(), store.AuditFilter{Limit: 100})
	if err != nil {
		return err
	}
	return u.render(w, r, 200, "audit", Page{Title: "nav.audit", Active: "audit", Data: auditData{Verify: v, Rows: rows}})
}

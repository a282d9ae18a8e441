// Package web is towngrid's server-rendered UI: html/template pages with a
// little JavaScript, every string from the message catalogue, every asset
// embedded so the UI works on a closed government network.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

// Static assets: our own files plus, under static/vendor, the front-end
// libraries that `make assets` copies from npm (never committed).
//
//go:embed all:static
var staticFS embed.FS

// UI renders pages.
type UI struct {
	a     *app.App
	pages map[string]*template.Template
}

// New parses the templates.
func New(a *app.App) *UI {
	u := &UI{a: a, pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
		u.pages[base] = t
	}
	return u
}

var funcs = template.FuncMap{
	"t":       func(lang, key string, args ...any) string { return i18n.T(lang, key, args...) },
	"join":    func(ss []string, sep string) string { return strings.Join(ss, sep) },
	"roleKey": func(r account.Role) string { return "role." + string(r) },
	"hasRole": func(rs []account.Role, r string) bool {
		for _, x := range rs {
			if string(x) == r {
				return true
			}
		}
		return false
	},
}

// NavItem is one entry of the navigation: one per capability of the product.
type NavItem struct {
	Key  string // i18n key nav.<Key>
	Href string
	Perm account.Perm
	Only []account.Role // when set, shown only to these roles
}

// Nav has a place for every capability in PRODUCT.md.
var Nav = []NavItem{
	{"home", "/", account.SignedIn, nil},
	{"directory", "/directory", account.AreasRead, nil},
	{"workorders", "/workorders", account.Dashboard, nil},
	{"services", "/services", account.SignedIn, nil},
	{"evaluation", "/evaluation", account.Dashboard, nil},
	{"myevaluation", "/evaluation/mine", account.EvaluationRead, []account.Role{account.Enterprise}},
	{"admission", "/admission", account.Dashboard, nil},
	{"monitoring", "/monitoring", account.MonitoringRead, nil},
	{"cogovernance", "/cogovernance", account.SignedIn, nil},
	{"command", "/command", account.Dashboard, nil},
	{"sharing", "/sharing", account.Dashboard, nil},
	{"admin", "/admin/users", account.UsersRead, nil},
	{"audit", "/audit", account.AuditRead, nil},
}

// Page is what every template receives.
type Page struct {
	Lang    string
	Title   string // i18n key
	Active  string
	P       *account.Principal
	Nav     []NavItem
	CSRF    string
	Flash   string // i18n key of a notice
	Error   string // message already translated
	Data    any
	Version string
	TileURL string
}

func (u *UI) render(w http.ResponseWriter, r *httpx.Request, status int, name string, pg Page) error {
	t, ok := u.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	pg.Lang, pg.P, pg.CSRF, pg.Version, pg.TileURL = r.Lang, r.P, r.CSRF, app.Version, u.a.Cfg.TileURL
	for _, n := range Nav {
		if !r.P.Anonymous() && r.P.Can(n.Perm) && (n.Only == nil || slices.ContainsFunc(n.Only, r.P.Has)) {
			pg.Nav = append(pg.Nav, n)
		}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, pg); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", r.Lang)
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// ErrorPage renders a problem as HTML.
func (u *UI) ErrorPage(w http.ResponseWriter, r *httpx.Request, p *httpx.Problem) {
	key := "problem." + p.Code
	if !i18n.Has(r.Lang, key) {
		key = "problem.generic"
	}
	_ = u.render(w, r, p.Status, "error", Page{Title: key, Data: p})
}

// Routes returns every page route.
func (u *UI) Routes() []*httpx.Route {
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	rs := []*httpx.Route{
		{Method: "GET", Path: "/static/", Perm: account.Public, Kind: httpx.Raw, Summary: "Embedded assets", Handle: func(w http.ResponseWriter, r *httpx.Request) error {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			files.ServeHTTP(w, r.Request)
			return nil
		}},
		{Method: "GET", Path: "/{$}", Perm: account.SignedIn, Kind: httpx.Page, Summary: "Home dashboard", Handle: u.home},
		{Method: "GET", Path: "/login", Perm: account.Public, Kind: httpx.Page, Summary: "Sign-in form", Handle: u.loginForm},
		{Method: "POST", Path: "/login", Perm: account.Public, Kind: httpx.Page, Form: true, Summary: "Sign in", Handle: u.login},
		{Method: "POST", Path: "/logout", Perm: account.SignedIn, Kind: httpx.Page, Form: true, Summary: "Sign out", Handle: u.logout},
		{Method: "GET", Path: "/lang/{lang}", Perm: account.Public, Kind: httpx.Page, Summary: "Switch language", Handle: u.switchLang},
	}
	rs = append(rs, u.adminRoutes()...)
	for _, c := range capabilities {
		rs = append(rs, c(u)...)
	}
	rs = append(rs, u.capabilityRoutes(rs)...)
	return rs
}

// capabilities holds each capability's pages; every file adds its own in init().
var capabilities []func(u *UI) []*httpx.Route

func register(pages func(u *UI) []*httpx.Route) { capabilities = append(capabilities, pages) }

func (u *UI) switchLang(w http.ResponseWriter, r *httpx.Request) error {
	l := i18n.Normalize(r.PathValue("lang"))
	if l == "" {
		return httpx.Invalid("lang", "lang", "zh-CN or en")
	}
	http.SetCookie(w, &http.Cookie{Name: "tg_lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	back := r.URL.Query().Get("next")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/"
	}
	http.Redirect(w, r.Request, back, http.StatusSeeOther)
	return nil
}

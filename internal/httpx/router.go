package httpx

import (
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"towngrid/internal/account"
)

func fieldErr(field, code, detail string) account.FieldError {
	return account.FieldError{Field: field, Code: code, Detail: detail}
}

// Kind says how a route answers.
type Kind int

const (
	API  Kind = iota // JSON; errors as problem+json
	Page             // HTML; errors as an HTML page
	Raw              // anything else (feeds, assets, Open311); errors as problem+json unless the handler writes its own
)

// Route declares one endpoint. Every route names the permission it needs;
// the router refuses to register one that does not.
type Route struct {
	Method  string
	Path    string // net/http pattern path, e.g. /api/v1/areas/{id}
	Perm    account.Perm
	Kind    Kind
	Summary string
	Tag     string
	In      any // request body type, for the OpenAPI document (nil: none)
	Out     any // response body type
	Status  int // success status (default 200)
	// Form marks a state-changing browser form: the CSRF token is required
	// even for a caller who is not signed in (e.g. the login form).
	Form bool
	// MaxBody overrides the server's body limit for this route (imports of
	// whole towns are larger than any form).
	MaxBody int64
	Handle  func(w http.ResponseWriter, r *Request) error
}

// Pattern is the net/http pattern of the route.
func (rt *Route) Pattern() string { return rt.Method + " " + rt.Path }

// Request is what a handler receives.
type Request struct {
	*http.Request
	P      *account.Principal // never nil; Anonymous() when nobody signed in
	Lang   string
	ID     string // request id
	CSRF   string // the token forms must echo
	Route  *Route
	viaKey bool
}

// ViaKey reports whether the caller authenticated with an API key.
func (r *Request) ViaKey() bool { return r.viaKey }

// JSON writes v with a status.
func (r *Request) JSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// PathID parses a numeric path value.
func (r *Request) PathID(name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, Invalid(name, "path.id", "a positive whole number")
	}
	return id, nil
}

// Authenticator finds the principal of a request: a session cookie or an API key.
type Authenticator interface {
	// Authenticate returns the principal (anonymous when no credentials were
	// sent), whether an API key was used, or an error when credentials were
	// sent but are not valid.
	Authenticate(r *http.Request) (p *account.Principal, viaKey bool, err error)
}

// Hooks are what the router needs from the rest of the server.
type Hooks struct {
	Auth    Authenticator
	Lang    func(r *http.Request, p *account.Principal) string
	Title   func(lang, code string) string // translated problem title
	ErrPage func(w http.ResponseWriter, r *Request, p *Problem)
	Log     *slog.Logger
	Observe func(route string, status int, seconds float64)
	MaxBody int64 // default body limit per request
}

// Router registers routes on a ServeMux through the one authorisation layer.
type Router struct {
	Mux    *http.ServeMux
	routes []*Route
	hooks  Hooks
}

// NewRouter returns an empty router.
func NewRouter(h Hooks) *Router { return &Router{Mux: http.NewServeMux(), hooks: h} }

// Routes lists every registered route (for the OpenAPI document and the authorisation test).
func (rt *Router) Routes() []*Route { return rt.routes }

// CSRFCookie holds the double-submit token: forms and fetch() echo it in the
// "csrf" field or the X-CSRF-Token header.
const CSRFCookie = "tg_csrf"

// Add registers routes.
func (rt *Router) Add(routes ...*Route) {
	for _, r := range routes {
		if r.Perm == "" {
			panic("httpx: route " + r.Pattern() + " declares no permission")
		}
		if r.Status == 0 {
			r.Status = http.StatusOK
		}
		rt.routes = append(rt.routes, r)
		rt.Mux.Handle(r.Pattern(), rt.wrap(r))
	}
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

func (rt *Router) wrap(route *Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		if limit := cmp.Or(route.MaxBody, rt.hooks.MaxBody); limit > 0 {
			hr.Body = http.MaxBytesReader(w, hr.Body, limit)
		}
		req := &Request{Request: hr, Route: route, ID: RequestID(hr.Context())}
		p, viaKey, err := rt.hooks.Auth.Authenticate(hr)
		if p == nil {
			p = &account.Principal{}
		}
		req.P, req.viaKey = p, viaKey
		req.Lang = rt.hooks.Lang(hr, p)
		if !viaKey { // an API client sends its key, not cookies
			req.CSRF = ensureCSRF(w, hr)
		}
		if err != nil {
			rt.fail(w, req, ErrUnauthorized)
			return
		}
		if !p.Can(route.Perm) {
			if p.Anonymous() {
				rt.fail(w, req, ErrUnauthorized)
			} else {
				rt.fail(w, req, ErrForbidden)
			}
			return
		}
		if unsafeMethod(hr.Method) && !viaKey && (route.Form || !p.Anonymous()) && !csrfOK(hr) {
			rt.fail(w, req, ErrCSRF)
			return
		}
		if err := route.Handle(w, req); err != nil {
			pr := AsProblem(err)
			if pr.Status >= 500 && rt.hooks.Log != nil {
				rt.hooks.Log.Error("handler failed", "route", route.Pattern(), "request_id", req.ID, "err", err)
			}
			rt.fail(w, req, pr)
		}
	})
}

func (rt *Router) fail(w http.ResponseWriter, r *Request, p *Problem) {
	c := *p
	c.RequestID = r.ID
	if r.Route.Kind == Page && rt.hooks.ErrPage != nil {
		if c.Status == http.StatusUnauthorized && r.Method == http.MethodGet {
			http.Redirect(w, r.Request, "/login?next="+urlEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		rt.hooks.ErrPage(w, r, &c)
		return
	}
	WriteProblem(w, r.Request, &c, rt.hooks.Title(r.Lang, c.Code))
}

func ensureCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(CSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := account.RandomToken(24)
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: tok, Path: "/", HttpOnly: false, SameSite: http.SameSiteLaxMode})
	return tok
}

func csrfOK(r *http.Request) bool {
	c, err := r.Cookie(CSRFCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	sent := r.Header.Get("X-CSRF-Token")
	ct := r.Header.Get("Content-Type")
	if sent == "" && (strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")) {
		sent = r.FormValue("csrf")
	}
	return subtle.ConstantTimeCompare([]byte(sent), []byte(c.Value)) == 1
}

type ctxKey int

const requestIDKey ctxKey = 1

// WithRequestID stores a request id in the context.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the id stored by the middleware.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

func urlEscape(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "?", "%3F", "#", "%23", " ", "%20", "+", "%2B")
	return r.Replace(s)
}

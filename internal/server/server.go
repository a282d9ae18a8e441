// Package server wires towngrid's adapters into one http.Handler and serves it
// with graceful shutdown.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"towngrid/internal/account"
	"towngrid/internal/api"
	"towngrid/internal/app"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/web"
)

// Server is towngrid's HTTP side.
type Server struct {
	App     *app.App
	Router  *httpx.Router
	Handler http.Handler
	Reg     *prometheus.Registry
}

// New builds the handler with every route.
func New(a *app.App) *Server {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reqs := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "towngrid_http_request_duration_seconds", Help: "HTTP requests by route and status.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route", "code"})
	reg.MustRegister(reqs)

	ui := web.New(a)
	rt := httpx.NewRouter(httpx.Hooks{
		Auth: newAuthenticator(a),
		Lang: func(r *http.Request, p *account.Principal) string { return i18n.Negotiate(r, p.Lang, a.Cfg.Lang) },
		Title: func(lang, code string) string {
			if k := "problem." + code; i18n.Has(lang, k) {
				return i18n.T(lang, k)
			}
			return i18n.T(lang, "problem.generic")
		},
		ErrPage: ui.ErrorPage,
		Log:     a.Log,
		MaxBody: a.Cfg.MaxBody,
	})
	s := &Server{App: a, Router: rt, Reg: reg}
	rt.Add(s.opsRoutes()...)
	rt.Add(api.Routes(a)...)
	rt.Add(ui.Routes()...)
	rt.Mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteProblem(w, r, &httpx.Problem{Status: 404, Code: "not_found", Detail: "no such API route: " + r.Method + " " + r.URL.Path}, "Not found")
	}))
	observe := func(route string, status int, secs float64) {
		reqs.WithLabelValues(route, strconv.Itoa(status)).Observe(secs)
	}
	s.Handler = httpx.Chain(rt.Mux, a.Log, a.Cfg.MaxInFlight, a.Cfg.MaxBody, observe)
	return s
}

// Health is the body of /healthz and /readyz.
type Health struct {
	Status   string `json:"status"`
	Version  string `json:"version"`
	Database string `json:"database,omitempty"`
}

func (s *Server) opsRoutes() []*httpx.Route {
	metrics := promhttp.HandlerFor(s.Reg, promhttp.HandlerOpts{})
	return []*httpx.Route{
		{Method: "GET", Path: "/healthz", Perm: account.Public, Kind: httpx.Raw, Tag: "operations", Summary: "Liveness", Out: Health{}, Handle: func(w http.ResponseWriter, r *httpx.Request) error {
			return r.JSON(w, 200, Health{Status: "ok", Version: app.Version})
		}},
		{Method: "GET", Path: "/readyz", Perm: account.Public, Kind: httpx.Raw, Tag: "operations", Summary: "Readiness: the database answers", Out: Health{}, Handle: func(w http.ResponseWriter, r *httpx.Request) error {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := s.App.DB.Ping(ctx); err != nil {
				return r.JSON(w, http.StatusServiceUnavailable, Health{Status: "unavailable", Version: app.Version, Database: s.App.DB.Dialect().String()})
			}
			return r.JSON(w, 200, Health{Status: "ok", Version: app.Version, Database: s.App.DB.Dialect().String()})
		}},
		{Method: "GET", Path: "/metrics", Perm: account.Public, Kind: httpx.Raw, Tag: "operations", Summary: "Prometheus metrics", Handle: func(w http.ResponseWriter, r *httpx.Request) error {
			metrics.ServeHTTP(w, r.Request)
			return nil
		}},
		{Method: "GET", Path: "/api/openapi.json", Perm: account.Public, Kind: httpx.Raw, Tag: "operations", Summary: "This OpenAPI 3.1 document", Handle: func(w http.ResponseWriter, r *httpx.Request) error {
			w.Header().Set("Content-Type", "application/json")
			return json.NewEncoder(w).Encode(httpx.OpenAPI(s.Router.Routes(), app.Version))
		}},
	}
}

// Serve listens on addr until ctx ends, then shuts down gracefully. ready, if
// not nil, receives the bound address once listening.
func (s *Server) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.App.Log.Info("serving", "addr", ln.Addr().String(), "database", s.App.DB.Dialect().String(), "version", app.Version)
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.App.Log.Info("shutting down", "grace", s.App.Cfg.ShutdownWait.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.App.Cfg.ShutdownWait)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

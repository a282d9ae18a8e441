package server_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"towngrid/internal/store/storetest"
)

func TestHealthReadyMetrics(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	for path, want := range map[string]string{"/healthz": `"status":"ok"`, "/readyz": `"database":"sqlite"`} {
		r := f.do("GET", path, "", "")
		if body := readAll(r); r.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s", path, r.StatusCode, body)
		}
	}
	readAll(f.do("GET", "/api/v1/me", "admin", ""))
	r := f.do("GET", "/metrics", "", "")
	body := readAll(r)
	if !strings.Contains(body, `towngrid_http_request_duration_seconds_count{code="200",route="GET /api/v1/me"}`) {
		t.Errorf("metrics lack the request histogram:\n%.500s", body)
	}
	if r := f.do("GET", "/healthz", "", ""); r.Header.Get("X-Request-ID") == "" {
		t.Error("no request id")
	}
}

// Serve stops cleanly when its context ends, finishing in-flight requests.
func TestGracefulShutdown(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- f.srv.Serve(ctx, "127.0.0.1:0", func(a net.Addr) { addr <- a }) }()
	a := <-addr
	r, err := http.Get("http://" + a.String() + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("serving: %v", err)
	}
	r.Body.Close()
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

package httpx

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Past the in-flight limit requests are shed with 503 + Retry-After instead
// of queueing, and a panic becomes a 500 problem, not a dropped connection.
func TestChainShedsAndRecovers(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	var once sync.Once
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("boom")
		}
		once.Do(func() { close(entered) })
		<-release
	})
	srv := httptest.NewServer(Chain(h, slog.New(slog.NewTextHandler(io.Discard, nil)), 1, 1024, nil))
	defer srv.Close()
	done := make(chan int)
	go func() {
		r, err := http.Get(srv.URL + "/slow")
		if err != nil {
			done <- 0
			return
		}
		r.Body.Close()
		done <- r.StatusCode
	}()
	<-entered
	r, err := http.Get(srv.URL + "/second")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("over the limit: %d Retry-After=%q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	close(release)
	if s := <-done; s != http.StatusOK {
		t.Fatalf("first request: %d", s)
	}
	r, err = http.Get(srv.URL + "/panic")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 500 || r.Header.Get("X-Request-ID") == "" {
		t.Fatalf("panic: %d", r.StatusCode)
	}
}

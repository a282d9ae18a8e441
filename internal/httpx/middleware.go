package httpx

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"towngrid/internal/account"
)

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Chain wraps h in the middleware every request passes: request id, panic
// recovery, load shedding, security headers, access log and metrics. Body
// limits are per route (Router), so that imports may be larger than forms;
// maxBody here is the ceiling for requests no route claims.
func Chain(h http.Handler, log *slog.Logger, maxInFlight int, maxBody int64, observe func(string, int, float64)) http.Handler {
	slots := make(chan struct{}, maxInFlight)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			id = account.RandomToken(9)
		}
		w.Header().Set("X-Request-ID", id)
		r = r.WithContext(WithRequestID(r.Context(), id))
		sw := &statusWriter{ResponseWriter: w}
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "same-origin")
		hdr.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob: *; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'")
		defer func() {
			if v := recover(); v != nil {
				log.Error("panic", "request_id", id, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				if sw.status == 0 {
					WriteProblem(sw, r, &Problem{Status: 500, Code: "internal", Detail: "an internal error occurred; it has been logged", RequestID: id}, "Internal error")
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			if observe != nil {
				observe(route, sw.status, time.Since(start).Seconds())
			}
			log.Debug("request", "id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
		}()
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			// Shedding beats queueing: memory stays bounded and clients back off.
			sw.Header().Set("Retry-After", "1")
			WriteProblem(sw, r, &Problem{Status: http.StatusServiceUnavailable, Code: "overloaded", Detail: "the server is busy; retry shortly", RequestID: id}, "Service unavailable")
			return
		}
		if r.Pattern == "" && r.ContentLength > maxBody {
			// Unrouted and oversized: refuse before reading.
			r.Body = http.MaxBytesReader(sw, r.Body, maxBody)
		}
		h.ServeHTTP(sw, r)
	})
}

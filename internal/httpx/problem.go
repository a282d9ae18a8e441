// Package httpx is the one way towngrid writes an HTTP handler: routes
// declared with the permission they need, requests that carry their principal,
// strict JSON decoding, RFC 9457 problem+json errors, cursors and middleware.
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/store"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type      string               `json:"type"`
	Title     string               `json:"title"`
	Status    int                  `json:"status"`
	Detail    string               `json:"detail,omitempty"`
	Instance  string               `json:"instance,omitempty"`
	Code      string               `json:"code"`
	RequestID string               `json:"request_id,omitempty"`
	Errors    []account.FieldError `json:"errors,omitempty"`
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.Detail) }

// Errorf builds a problem with a status, a stable code and a detail.
func Errorf(status int, code, format string, a ...any) *Problem {
	return &Problem{Status: status, Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Invalid is a 422 for one wrong field.
func Invalid(field, code, detail string) *Problem {
	return &Problem{Status: http.StatusUnprocessableEntity, Code: "validation",
		Detail: field + ": " + detail, Errors: []account.FieldError{{Field: field, Code: code, Detail: detail}}}
}

// Common problems.
var (
	ErrUnauthorized = &Problem{Status: http.StatusUnauthorized, Code: "unauthorized", Detail: "sign in or send an API key"}
	ErrForbidden    = &Problem{Status: http.StatusForbidden, Code: "forbidden", Detail: "your roles do not allow this"}
	ErrNotFound     = &Problem{Status: http.StatusNotFound, Code: "not_found", Detail: "no such resource, or it lies outside your areas"}
	ErrCSRF         = &Problem{Status: http.StatusForbidden, Code: "csrf", Detail: "missing or wrong CSRF token; reload the page"}
)

// AsProblem maps any error to the problem it should be shown as.
func AsProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		c := *p
		return &c
	}
	var fe *account.FieldError
	if errors.As(err, &fe) {
		return &Problem{Status: http.StatusUnprocessableEntity, Code: "validation", Detail: fe.Error(), Errors: []account.FieldError{*fe}}
	}
	var ve interface{ FieldErrors() []account.FieldError }
	if errors.As(err, &ve) {
		fes := ve.FieldErrors()
		return &Problem{Status: http.StatusUnprocessableEntity, Code: "validation", Detail: err.Error(), Errors: fes}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		c := *ErrNotFound
		return &c
	case errors.Is(err, store.ErrConflict):
		return &Problem{Status: http.StatusConflict, Code: "conflict", Detail: "the change conflicts with existing data"}
	case errors.Is(err, account.ErrPasswordPolicy):
		return Invalid("password", "user.password", err.Error())
	}
	return &Problem{Status: http.StatusInternalServerError, Code: "internal", Detail: "an internal error occurred; it has been logged"}
}

// WriteProblem writes p as application/problem+json.
func WriteProblem(w http.ResponseWriter, r *http.Request, p *Problem, title string) {
	if p.Type == "" {
		p.Type = "urn:towngrid:problem:" + p.Code
	}
	p.Title = title
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	if p.Status == http.StatusServiceUnavailable || p.Status == http.StatusTooManyRequests {
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", "1")
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

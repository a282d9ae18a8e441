package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"towngrid/internal/store/storetest"
)

// The OpenAPI document lists exactly the API routes the server answers.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	resp := f.do("GET", "/api/openapi.json", "", "")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(readAll(resp)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			if op["operationId"] == "" || op["responses"] == nil {
				t.Errorf("%s lacks operationId or responses", key)
			}
			// The server must really answer it: not the mux's 404/405.
			r := f.do(strings.ToUpper(method), concrete(path), "admin", "")
			readAll(r)
			if r.StatusCode == http.StatusMethodNotAllowed || (r.StatusCode == http.StatusNotFound && r.Header.Get("Content-Type") != "application/problem+json") {
				t.Errorf("documented %s is not served: %d", key, r.StatusCode)
			}
		}
	}
	for _, rt := range f.srv.Router.Routes() {
		if rt.Kind == 1 || rt.Path == "/static/" { // pages are HTML, not API
			continue
		}
		if !documented[rt.Pattern()] {
			t.Errorf("route %s is missing from the OpenAPI document", rt.Pattern())
		}
	}
	if len(documented) < 15 {
		t.Errorf("only %d operations documented", len(documented))
	}
}

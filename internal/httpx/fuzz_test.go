package httpx

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

type sample struct {
	Name  string   `json:"name"`
	N     int      `json:"n"`
	Tags  []string `json:"tags"`
	Inner *struct {
		B bool `json:"b"`
	} `json:"inner"`
}

// Any body gives either a decoded value or a 4xx problem; never a panic or a 5xx.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"x","n":1}`, `{`, `{"n":"x"}`, `{"zz":1}`, `[]`, `{} {}`, ``, `{"inner":{"b":3}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var v sample
		err := Decode(r, &v)
		if err == nil {
			return
		}
		var p *Problem
		if !errors.As(err, &p) || p.Status < 400 || p.Status >= 500 || p.Detail == "" {
			t.Fatalf("body %q: %v", body, err)
		}
	})
}

func FuzzParsePage(f *testing.F) {
	f.Add("eyJhIjo1fQ", "10", "true")
	f.Add("!!", "0", "maybe")
	f.Fuzz(func(t *testing.T, cursor, limit, count string) {
		q := url.Values{"cursor": {cursor}, "limit": {limit}, "count": {count}}
		r := httptest.NewRequest("GET", "/?"+q.Encode(), nil)
		w, err := ParsePage(r)
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) || p.Status != 422 {
				t.Fatalf("%v", err)
			}
			return
		}
		if w.Limit < 1 || w.Limit > 500 || w.After < 0 {
			t.Fatalf("accepted out-of-range window %+v", w)
		}
		if cursor != "" && EncodeCursor(w.After) == "" {
			t.Fatal("cursor does not round-trip")
		}
	})
}

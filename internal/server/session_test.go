package server_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"towngrid/internal/store/storetest"
)

// A browser's path: sign in through the form (CSRF, throttling), then use the
// session for the JSON API, where the CSRF header is required.
func TestSignInCSRFAndThrottle(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base, _ := url.Parse(f.http.URL)
	get := func(path string) *http.Response {
		r, err := c.Get(f.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	readAll(get("/login"))
	var csrf string
	for _, ck := range jar.Cookies(base) {
		if ck.Name == "tg_csrf" {
			csrf = ck.Value
		}
	}
	if len(csrf) < 32 {
		t.Fatal("no CSRF cookie after GET /login")
	}
	post := func(form url.Values) *http.Response {
		r, err := c.PostForm(f.http.URL+"/login", form)
		if err != nil {
			t.Fatal(err)
		}
		readAll(r)
		return r
	}
	if r := post(url.Values{"username": {"admin"}, "password": {testPassword}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("login without CSRF token: %d, want 403", r.StatusCode)
	}
	for i := 0; i < 5; i++ {
		if r := post(url.Values{"csrf": {csrf}, "username": {"leader"}, "password": {"wrong-password"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, r.StatusCode)
		}
	}
	r := post(url.Values{"csrf": {csrf}, "username": {"leader"}, "password": {"wrong-password"}})
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("6th wrong password: %d", r.StatusCode)
	}
	r = post(url.Values{"csrf": {csrf}, "username": {"leader"}, "password": {testPassword}})
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("throttled login: %d Retry-After=%q, want 429 with Retry-After", r.StatusCode, r.Header.Get("Retry-After"))
	}
	r = post(url.Values{"csrf": {csrf}, "username": {"admin"}, "password": {testPassword}, "next": {"/admin/users"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/users" {
		t.Fatalf("login: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := get("/api/v1/me"); r.StatusCode != 200 || !strings.Contains(readAll(r), `"username":"admin"`) {
		t.Fatalf("session not signed in: %d", r.StatusCode)
	}
	send := func(token string) int {
		req, _ := http.NewRequest("POST", f.http.URL+"/api/v1/apikeys", strings.NewReader(`{"name":"cli","perms":["areas.read"]}`))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("X-CSRF-Token", token)
		}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(r)
		return r.StatusCode
	}
	if s := send(""); s != http.StatusForbidden {
		t.Fatalf("session POST without CSRF header: %d, want 403", s)
	}
	if s := send(csrf); s != http.StatusCreated {
		t.Fatalf("session POST with CSRF header: %d, want 201", s)
	}
	// Open redirect guard: next must stay on this site.
	r = post(url.Values{"csrf": {csrf}, "username": {"admin"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Fatalf("next=//evil.example/ redirected to %q", loc)
	}
}

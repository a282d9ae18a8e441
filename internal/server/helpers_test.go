package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/config"
	"towngrid/internal/directory"
	"towngrid/internal/server"
	"towngrid/internal/store"
)

var ctx = context.Background()

// fixture is a running server over a real database with one account per role.
type fixture struct {
	t      testing.TB
	db     *store.DB
	srv    *server.Server
	http   *httptest.Server
	keys   map[account.Role]string // an all-permissions API key per role
	town   *directory.Area
	c1, c2 *directory.Area // two communities
	g1, g2 *directory.Area // a grid in each
}

const testPassword = "test-pass-123"

const csrfToken = "0123456789abcdef0123456789abcdef"

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	cfg := config.Defaults()
	cfg.MaxBody = 64 << 10
	cfg.Data = t.TempDir() // uploads and keys of this test only
	a := app.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f := &fixture{t: t, db: db, keys: map[account.Role]string{}}
	sys := store.Actor{Name: "fixture", Via: "cli"}
	mk := func(parent int64, lvl directory.Level, code, name string) *directory.Area {
		ar := &directory.Area{ParentID: parent, Level: lvl, Code: code, Name: name}
		if err := db.Write(ctx, sys, func(tx *store.Tx) error { return tx.CreateArea(ctx, ar) }); err != nil {
			t.Fatal(err)
		}
		return ar
	}
	f.town = mk(0, directory.Town, "442000113", "古镇镇")
	f.c1 = mk(f.town.ID, directory.Community, "442000113001", "古一村")
	f.c2 = mk(f.town.ID, directory.Community, "442000113002", "古二村")
	f.g1 = mk(f.c1.ID, directory.Grid, "44200011300101", "古一村1号网格")
	f.g2 = mk(f.c2.ID, directory.Grid, "44200011300201", "古二村1号网格")
	hash, err := account.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range account.Roles {
		scope := f.town.ID
		if r == account.GridWorker || r == account.Resident {
			scope = f.c1.ID // a grid worker sees only their community
		}
		u := &account.User{Username: string(r), DisplayName: "测试" + string(r), Roles: []account.Role{r}, ScopeAreaIDs: []int64{scope}}
		k := &store.APIKey{Name: "test", Perms: []account.Perm{"*"}}
		var key string
		err := db.Write(ctx, sys, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, u, hash); err != nil {
				return err
			}
			k.UserID = u.ID
			var err error
			key, err = tx.CreateAPIKey(ctx, k)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.keys[r] = key
	}
	actx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	if err := a.Start(actx); err != nil {
		t.Fatal(err)
	}
	f.srv = server.New(a)
	f.http = httptest.NewServer(f.srv.Handler)
	t.Cleanup(f.http.Close)
	return f
}

// do sends a request with an API key (role "" = anonymous).
func (f *fixture) do(method, path string, role account.Role, body string) *http.Response {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.http.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	// Every test request carries a valid double-submit CSRF pair, so that the
	// authorisation checks are what decides; TestCSRF checks the token itself.
	req.AddCookie(&http.Cookie{Name: "tg_csrf", Value: csrfToken})
	req.Header.Set("X-CSRF-Token", csrfToken)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.keys[role])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

func (f *fixture) auditRows() int64 {
	res, err := f.db.VerifyAudit(ctx)
	if err != nil || !res.OK {
		f.t.Fatalf("audit: %+v %v", res, err)
	}
	return res.Rows
}

func readAll(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	return string(b)
}

func itoa(i int64) string { return store.Itoa(i) }

// refused checks the answer to a request that must be refused: the status;
// for a 4xx a problem+json with a title, a detail, the code and an error
// naming the field (when given); and, whatever the status, no audit row
// written since before. It returns the body for further checks.
func (f *fixture) refused(t *testing.T, name string, resp *http.Response, status int, code, field string, before int64) string {
	t.Helper()
	body := readAll(resp)
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d: %s", name, resp.StatusCode, status, body)
		return body
	}
	if after := f.auditRows(); after != before {
		t.Errorf("%s: %d audit rows written by a refused request", name, after-before)
	}
	if status < 400 {
		return body
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: content type %q", name, ct)
	}
	var p struct {
		Type, Title, Detail, Code string
		Status                    int
		Errors                    []struct{ Field string }
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil || p.Type == "" || p.Title == "" || p.Detail == "" || p.Status != status {
		t.Errorf("%s: not a problem: %s", name, body)
		return body
	}
	if code != "" && p.Code != code {
		t.Errorf("%s: code %q, want %q: %s", name, p.Code, code, body)
	}
	if field != "" && !slices.ContainsFunc(p.Errors, func(e struct{ Field string }) bool { return e.Field == field }) {
		t.Errorf("%s: no error names field %q: %s", name, field, body)
	}
	return body
}

// needs skips a test whose outside part is missing on a developer's machine;
// in CI (CI=true), where .ci/run installs everything, it fails instead.
func needs(t testing.TB, format string, a ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("required in CI: "+format, a...)
	}
	t.Skipf(format, a...)
}

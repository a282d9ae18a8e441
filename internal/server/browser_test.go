package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"towngrid/internal/browsertest"
	"towngrid/internal/store/storetest"
)

type css = chromedp.CSS

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	// A node id can go stale while the page settles after a navigation
	// ("No node with given id"); asking again is what a person would do.
	var err error
	for try := 0; try < 5; try++ {
		var s string
		if s, err = chromedp.Run(ctx, chromedp.Text(css(sel))); err == nil {
			return strings.TrimSpace(s)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("text of %s: %v", sel, err)
	return ""
}

// waitAttr polls an attribute until it has the wanted value or the time is up
// (a 1 MB chart library loads slowly on a busy machine); it returns the last value.
func waitAttr(t *testing.T, ctx context.Context, sel, name, want string, within time.Duration) string {
	t.Helper()
	var last string
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if v, err := chromedp.Run(ctx, chromedp.AttributeValue(css(sel), name)); err == nil {
			if last = v.Value; last == want {
				return last
			}
		}
	}
	return last
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// A person signs in, sees the home dashboard in Chinese, switches to English
// and signs out, in a real headless Chromium.
func TestBrowserLoginLanguageDashboard(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	b := browsertest.New(t, 1280, 900)
	do(t, b,
		chromedp.Navigate(f.http.URL+"/"),
		chromedp.WaitVisible(css("#login-form")), // redirected to sign in
		chromedp.SendKeys(css("#username"), "admin"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Click(css("#login-submit")),
		chromedp.WaitVisible(css("#dashboard")),
		chromedp.Sleep(300*time.Millisecond),
	)
	if title := text(t, b, "#title"); title != "首页驾驶舱" {
		t.Errorf("dashboard title %q, want 首页驾驶舱 (zh-CN by default)", title)
	}
	if who := text(t, b, "#who"); !strings.Contains(who, "测试admin") {
		t.Errorf("signed-in name %q", who)
	}
	if _, err := os.Stat(filepath.Join("..", "web", "static", "vendor", "echarts.min.js")); err == nil {
		if got := waitAttr(t, b, "#chart-areas", "data-rendered", "echarts", 10*time.Second); got != "echarts" {
			t.Errorf("the dashboard chart was not drawn by the embedded ECharts (data-rendered=%q)", got)
		}
	} else if os.Getenv("CI") == "true" {
		t.Error("front-end assets missing in CI: make assets")
	}
	if dir := os.Getenv("TOWNGRID_SCREENSHOTS"); dir != "" {
		if shot, err := chromedp.Run(b, chromedp.FullScreenshot(85)); err == nil {
			_ = os.WriteFile(filepath.Join(dir, "dashboard.png"), shot, 0o644)
		}
	}
	do(t, b, chromedp.Click(css("#lang-en")), chromedp.WaitVisible(css("#dashboard")))
	if title := text(t, b, "#title"); title != "Home dashboard" {
		t.Errorf("after switching language the title is %q", title)
	}
	// Sign out: the dashboard is no longer reachable.
	do(t, b,
		chromedp.Click(css("#logout")),
		chromedp.WaitVisible(css("#login-form")),
		chromedp.Navigate(f.http.URL+"/"),
		chromedp.WaitVisible(css("#login-form")),
	)
	url, err := chromedp.Run(b, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(url, "/login") {
		t.Errorf("after sign-out / went to %s", url)
	}
	if text(t, b, "#title") != "Sign in" {
		t.Error("the language choice did not survive signing out")
	}
}

// signIn opens url, is sent to the sign-in form and signs in; the steps that
// follow wait for the page they expect.
func signIn(url, user, password string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url),
		chromedp.WaitVisible(css("#login-form")),
		chromedp.SendKeys(css("#username"), user),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css("#login-submit")),
	}
}

// needsLeaflet stops a map test where the embedded front-end libraries were
// not built (`make assets`); in CI it fails.
func needsLeaflet(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("..", "web", "static", "vendor", "leaflet.js")); err != nil {
		needs(t, "leaflet.js not embedded: run make assets")
	}
}

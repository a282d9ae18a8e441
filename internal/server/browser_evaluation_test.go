package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"towngrid/internal/account"
	"towngrid/internal/browsertest"
	"towngrid/internal/directory"
	"towngrid/internal/store/storetest"
)

// An enterprise user signs in on a phone-sized screen, opens its own
// evaluation and sees its class, why, and the items against the benchmark.
func TestBrowserEnterpriseSeesClassAndWhy(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	mine := f.evEnterprise(41, "本企业", f.c1, "东园", "enterprise", false, 4, directory.Active)
	other := f.evEnterprise(42, "邻企业", f.c1, "东园", "", false, 4, directory.Active)
	for _, x := range []struct {
		id  int64
		tax float64
	}{{mine.ID, 1}, {other.ID, 40}} {
		f.do("PUT", fmt.Sprintf("/api/v1/enterprises/%d/stats/2022", x.id), account.Butler, fmt.Sprintf(`{"figures":{"tax":%g,"electricity_kwh":1000000}}`, x.tax)).Body.Close()
	}
	resp := f.do("POST", "/api/v1/evaluations", account.Evaluator, fmt.Sprintf(`{"scheme":"huangyan-2022","year":2022,"area_id":%d}`, f.town.ID))
	var out struct{ Run struct{ ID int64 } }
	evJSON(t, readAll(resp), &out)
	if resp.StatusCode != 201 {
		t.Fatalf("run: %d", resp.StatusCode)
	}
	b := browsertest.New(t, 390, 844)
	do(t, b, append(signIn(f.http.URL+"/evaluation/mine", "enterprise", testPassword),
		chromedp.WaitVisible(css("#eval-class")),
		chromedp.Sleep(200*time.Millisecond),
	)...)
	if c := text(t, b, "#eval-class"); c != "D" {
		t.Errorf("class %q, want D (second of two 规下 enterprises: 100th percentile)", c)
	}
	if n := text(t, b, "#eval-class-name"); n != "整治淘汰类" {
		t.Errorf("class name %q", n)
	}
	why := text(t, b, "#eval-why")
	if !strings.Contains(why, "规下企业") || !strings.Contains(why, "第 2") || !strings.Contains(why, "D 类") {
		t.Errorf("why %q should name the group, the rank and the class", why)
	}
	items := text(t, b, "#eval-items")
	if !strings.Contains(items, "亩均税收") || !strings.Contains(items, "11.5932") {
		t.Errorf("items table %q should show 亩均税收 against its benchmark 11.5932", items)
	}
	if p := text(t, b, "#eval-policies"); !strings.Contains(p, "差别化电价") {
		t.Errorf("policies %q", p)
	}
	if n := text(t, b, "#ent-name"); n != "本企业" || strings.Contains(text(t, b, "main"), "邻企业") {
		t.Errorf("the page shows %q; it must show only the user's own enterprise", n)
	}
	// The run's page draws the class distribution with the embedded ECharts.
	do(t, b, chromedp.Navigate(f.http.URL+"/evaluation/runs/"+itoa(out.Run.ID)), chromedp.WaitVisible(css("#rankings")), chromedp.Sleep(500*time.Millisecond))
	if _, err := os.Stat(filepath.Join("..", "web", "static", "vendor", "echarts.min.js")); err == nil {
		v, err := chromedp.Run(b, chromedp.AttributeValue(css("#chart-park"), "data-rendered"))
		if err != nil || v.Value != "echarts" {
			t.Errorf("park chart not drawn: %v %q", err, v.Value)
		}
	}
	if r := text(t, b, "#rankings"); !strings.Contains(r, "本企业") || strings.Contains(r, "邻企业") {
		t.Errorf("an enterprise sees only its own row of the rankings: %q", r)
	}
}

package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"towngrid/internal/browsertest"
	"towngrid/internal/store/storetest"
)

// On a phone (390 px), a resident picks a category and drops a pin where an
// open report of the same category already is: the page offers it, the
// resident follows it instead of filing a duplicate and gets a token that
// tracks the existing report.
func TestBrowserReportFollowDuplicate(t *testing.T) {
	needsLeaflet(t)
	f := newFixture(t, storetest.SQLite(t, 0))
	// The existing report; with no town boundary the map centres on it.
	st, body := pageReport(t, f, fmt.Sprintf(`{"category":"E0106","lat":22.6,"lon":113.2,"description":"路口积水","started_at":%d}`, filled()))
	if st != 201 {
		t.Fatalf("seed report: %d %s", st, body)
	}
	var rec struct{ ID int64 }
	_ = json.Unmarshal([]byte(body), &rec)
	b := browsertest.New(t, 390, 844)
	do(t, b,
		// Headless Chromium's window is at least 500 px wide: emulate the phone.
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(f.http.URL+"/report"),
		chromedp.WaitVisible(css("#rp-map")),
		chromedp.WaitReady(css(`#rp-category option[value="E0106"]`)),
		chromedp.SetValue(css("#rp-category"), "E0106"),
	)
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.getElementById("rp-category").dispatchEvent(new Event("change"))`)); err != nil {
		t.Fatal(err)
	}
	do(t, b, chromedp.Click(css("#rp-map")))
	if got := waitAttr(t, b, "#rp-map", "data-pins", "1", 10*time.Second); got != "1" {
		t.Fatalf("no pin dropped (data-pins %q)", got)
	}
	follow := fmt.Sprintf("#rp-follow-%d", rec.ID)
	do(t, b, chromedp.WaitVisible(css(follow)))
	if s := text(t, b, "#rp-nearby-list"); !strings.Contains(s, "路口积水") && !strings.Contains(s, "路面积水") {
		t.Errorf("nearby list %q does not show the existing report", s)
	}
	width, err := chromedp.Run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if width > 390 {
		wide, _ := chromedp.Run(b, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(function(e){var r=e.getBoundingClientRect();return r.right>391}).slice(0,8).map(function(e){return e.tagName+"#"+e.id+"."+e.className+":"+Math.round(e.getBoundingClientRect().right)}).join(" ")`))
		t.Logf("wide: %s", wide)
	}
	if err != nil || width > 390 {
		t.Errorf("the page is %d px wide on a 390 px phone (%v)", width, err)
	}
	do(t, b, chromedp.Click(css(follow)), chromedp.WaitVisible(css("#rp-done")))
	token := text(t, b, "#rp-token")
	if len(token) < 16 || text(t, b, "#rp-done-title") == text(t, b, "#title") {
		t.Fatalf("follow token %q", token)
	}
	// No duplicate was filed: still one report.
	resp := f.do("GET", "/open311/v2/requests.json", "", "")
	var all []struct{}
	_ = json.Unmarshal([]byte(readAll(resp)), &all)
	if len(all) != 1 {
		t.Errorf("%d reports after following, want 1", len(all))
	}
	do(t, b, chromedp.Click(css("#rp-track")), chromedp.WaitVisible(css("#tr-result")))
	if s := text(t, b, "#tr-service"); !strings.Contains(s, fmt.Sprintf("#%d", rec.ID)) {
		t.Errorf("tracking shows %q, want report #%d", s, rec.ID)
	}
}

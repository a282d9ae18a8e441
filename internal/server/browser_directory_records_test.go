package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"towngrid/internal/browsertest"
	"towngrid/internal/store/storetest"
)

// An administrator creates an enterprise through the form: a wrong USCC is
// refused with the field named, the right one appears in the list.
func TestBrowserEnterpriseForm(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	b := browsertest.New(t, 1280, 900)
	do(t, b, append(signIn(f.http.URL+"/directory/enterprises", "admin", testPassword),
		chromedp.WaitVisible(css("#dirrec-new")),
		chromedp.SendKeys(css("#f-uscc"), testUSCCBad),
		chromedp.SendKeys(css("#f-name"), "腾讯科技"),
		chromedp.SendKeys(css("#f-area_id"), itoa(f.c1.ID)),
		chromedp.Click(css("#dirrec-create")),
		chromedp.WaitVisible(css("#form-error")),
	)...)
	if msg := text(t, b, "#form-error"); !strings.Contains(msg, "统一社会信用代码") || !strings.Contains(msg, "校验码") {
		t.Fatalf("error shown: %q", msg)
	}
	// What was typed is kept; fix the code and submit again.
	do(t, b,
		chromedp.Clear(css("#f-uscc")),
		chromedp.SendKeys(css("#f-uscc"), testUSCC),
		chromedp.Click(css("#dirrec-create")),
		chromedp.WaitVisible(css("#dirrec-list tbody a")), // only after the redirect: the error page lists nothing
	)
	if list := text(t, b, "#dirrec-list"); !strings.Contains(list, "腾讯科技") || !strings.Contains(list, testUSCC) {
		t.Fatalf("list after create: %q", list)
	}
}

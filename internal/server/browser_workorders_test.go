package server_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"towngrid/internal/account"
	"towngrid/internal/browsertest"
	"towngrid/internal/store/storetest"
)

// woBrowser is one person at a phone-sized browser: it signs in and out with
// the login form and opens a fresh Chromium when the current one has run
// long (browsertest gives each browser 90 s).
type woBrowser struct {
	t     *testing.T
	f     *fixture
	ctx   context.Context
	since time.Time
	who   account.Role
	photo string
}

func (b *woBrowser) signIn(role account.Role) {
	b.t.Helper()
	if b.ctx == nil || time.Since(b.since) > 45*time.Second {
		b.ctx, b.since, b.who = browsertest.New(b.t, 390, 844), time.Now(), ""
		// Headless windows are at least 500 px wide; the phone is 390.
		do(b.t, b.ctx, chromedp.EmulateViewport(390, 844))
	}
	if b.who != "" {
		do(b.t, b.ctx, chromedp.Click(css("#logout")), chromedp.WaitVisible(css("#login-form")))
	}
	do(b.t, b.ctx,
		chromedp.Navigate(b.f.http.URL+"/login"),
		chromedp.WaitVisible(css("#login-form")),
		chromedp.SendKeys(css("#username"), string(role)),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Click(css("#login-submit")),
		chromedp.WaitVisible(css("#who")),
	)
	b.who = role
}

// act opens the case page, clicks the action's button, fills the form and
// submits it, then waits for the case to reach state want.
func (b *woBrowser) act(id int64, action, want string, fill ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	do(b.t, b.ctx, chromedp.Navigate(b.f.http.URL+"/workorders/"+itoa(id)), chromedp.WaitVisible(css("#act-"+action)), chromedp.Click(css("#act-"+action)),
		chromedp.WaitVisible(css("#cf-submit")))
	do(b.t, b.ctx, fill...)
	seq, err := chromedp.Run(b.ctx, chromedp.AttributeValue(css("#wo-root"), "data-seq"))
	if err != nil {
		b.t.Fatal(err)
	}
	do(b.t, b.ctx, chromedp.Click(css("#cf-submit")))
	// The page reloads the case after the action: its seq moves on (an
	// action that keeps the state, like 延期, changes only the seq).
	var got string
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		s, err1 := chromedp.Run(b.ctx, chromedp.AttributeValue(css("#wo-root"), "data-seq"))
		st, err2 := chromedp.Run(b.ctx, chromedp.AttributeValue(css("#wo-root"), "data-state"))
		if got = st.Value; err1 == nil && err2 == nil && s.Value != seq.Value && got == want {
			break
		}
	}
	if got != want {
		b.t.Fatalf("%s as %s: state %q, want %q (message %q)", action, b.who, got, want, text(b.t, b.ctx, "#c-msg"))
	}
	if msg := text(b.t, b.ctx, "#c-msg"); !strings.HasPrefix(msg, "已完成") {
		b.t.Errorf("%s: message %q", action, msg)
	}
}

// waitText polls an element's text until it starts with prefix or the time is up.
func waitText(t *testing.T, ctx context.Context, sel, prefix string, within time.Duration) string {
	var last string
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if s, err := chromedp.Run(ctx, chromedp.Text(css(sel))); err == nil {
			if last = strings.TrimSpace(s); strings.HasPrefix(last, prefix) {
				break
			}
		}
	}
	return last
}

func (b *woBrowser) photos() chromedp.Action[chromedp.Void] {
	return chromedp.SetUploadFiles(css("#cf-photos"), []string{b.photo})
}

func (b *woBrowser) eval(js string, out any) {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[json.RawMessage](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	if out != nil {
		if err := json.Unmarshal(v, out); err != nil {
			b.t.Fatal(err)
		}
	}
}

// A case walks the whole seven-step loop through the pages, each step by the
// role the flow names (case-management.md §4.2), with an extension (延期) and
// a failed check followed by 返工, until 结案.
func TestBrowserWorkOrderWholeLoop(t *testing.T) {
	db := storetest.SQLite(t, 0)
	// A working Monday with the clock held still, so no timer fires mid-test.
	f, _ := woFixture(t, db, "2025-09-29T09:00")
	var dept struct{ ID int64 }
	woDecode(t, f.do("POST", "/api/v1/departments", account.Admin, `{"code":"hw","name":"环卫所","kind":"sanitation","area_id":`+itoa(f.town.ID)+`}`), 201, &dept)
	photo := filepath.Join(t.TempDir(), "p.jpg")
	if err := os.WriteFile(photo, tinyJPEG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &woBrowser{t: t, f: f, photo: photo}

	// 1. The grid worker reports on the phone form, with a photo, in grid g1.
	b.signIn(account.GridWorker)
	do(t, b.ctx, chromedp.Navigate(f.http.URL+"/workorders/new"), chromedp.WaitReady(css("#r-kind option[value=citycase]")))
	b.eval(`(function(){var k=document.getElementById("r-kind");k.value="citycase";k.dispatchEvent(new Event("change"));
		document.getElementById("r-category").value="E0102";document.getElementById("r-grid").value="`+itoa(f.g1.ID)+`";return true})()`, nil)
	do(t, b.ctx,
		chromedp.SendKeys(css("#r-title"), "桥头垃圾堆积"),
		chromedp.SendKeys(css("#r-description"), "已三天无人清理"),
		chromedp.SetUploadFiles(css("#r-photos"), []string{photo}),
		chromedp.Click(css("#r-submit")),
		chromedp.WaitVisible(css("#r-case")),
	)
	shoot(b.ctx, "workorder-new.png")
	href, err := chromedp.Run(b.ctx, chromedp.AttributeValue(css("#r-case"), "href"))
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, c := range strings.TrimPrefix(href.Value, "/workorders/") {
		id = id*10 + int64(c-'0')
	}
	if v := f.woGet(t, id, account.Admin); v.State != "reported" || !strings.HasPrefix(v.Number, "E0102") {
		t.Fatalf("reported case %+v (link %q)", v, href.Value)
	}
	var atts []struct{ ID int64 }
	woDecode(t, f.do("GET", "/api/v1/workorders/"+itoa(id)+"/attachments", account.Admin, ""), 200, &atts)
	if len(atts) != 1 {
		t.Errorf("the report's photo: %d attachments", len(atts))
	}

	// 2. Intake sees it on the command board and sends it for verification.
	b.signIn(account.Intake)
	do(t, b.ctx, chromedp.Navigate(f.http.URL+"/workorders"), chromedp.WaitReady(css(`#col-intake tr[data-id="`+itoa(id)+`"]`)))
	if n := text(t, b.ctx, "#count-intake"); n != "1" {
		t.Errorf("intake count %q", n)
	}
	shoot(b.ctx, "workorder-board.png")
	b.act(id, "request_verify", "verifying")

	// 3. The grid worker finds the task in their list and verifies with a photo.
	b.signIn(account.GridWorker)
	do(t, b.ctx, chromedp.Navigate(f.http.URL+"/workorders/tasks"), chromedp.WaitVisible(css(`#list-verify a[href="/workorders/`+itoa(id)+`"]`)))
	b.act(id, "verify", "pending_register", b.photos())

	// 4. Intake registers (立案). The first try races a 督办 by the shift lead: the
	// page gets 409, reloads the case and says it changed; the second try wins.
	b.signIn(account.Intake)
	do(t, b.ctx, chromedp.Navigate(f.http.URL+"/workorders/"+itoa(id)), chromedp.WaitVisible(css("#act-register")), chromedp.Click(css("#act-register")),
		chromedp.WaitVisible(css("#cf-submit")))
	f.woAct(t, id, account.ShiftLead, "supervise", `{"reason":"请加快立案"}`)
	do(t, b.ctx, chromedp.Click(css("#cf-submit")))
	if got := waitText(t, b.ctx, "#c-msg", "案件已被他人更新", 10*time.Second); !strings.HasPrefix(got, "案件已被他人更新") {
		t.Errorf("after a stale submit the page says %q", got)
	}
	b.act(id, "register", "pending_dispatch")

	// 5. The dispatcher picks the department.
	b.signIn(account.Dispatcher)
	b.act(id, "dispatch", "disposing",
		chromedp.WaitReady(css(`#cf-department option[value="`+itoa(dept.ID)+`"]`)),
		chromedp.SetValue(css("#cf-department"), itoa(dept.ID)))
	if v := f.woGet(t, id, account.Admin); v.DepartmentID != dept.ID {
		t.Fatalf("dispatched to %d, want %d", v.DepartmentID, dept.ID)
	}

	// 6. The department asks for more time; the shift lead grants 2 working days.
	b.signIn(account.Department)
	do(t, b.ctx, chromedp.Navigate(f.http.URL+"/workorders/inbox"), chromedp.WaitVisible(css(`#list-department a[href="/workorders/`+itoa(id)+`"]`)))
	b.act(id, "request_extension", "disposing", chromedp.SendKeys(css("#cf-reason"), "需协调产权单位"),
		chromedp.SendKeys(css("#cf-ext-value"), "2"), chromedp.SetValue(css("#cf-ext-unit"), "work_days"))
	before := f.woGet(t, id, account.Admin).ClockDeadline
	b.signIn(account.ShiftLead)
	b.act(id, "extend", "disposing", chromedp.SendKeys(css("#cf-reason"), "同意延期"),
		chromedp.SendKeys(css("#cf-ext-value"), "2"), chromedp.SetValue(css("#cf-ext-unit"), "work_days"))
	if after := f.woGet(t, id, account.Admin).ClockDeadline; after <= before {
		t.Errorf("the extension did not move the deadline: %d → %d", before, after)
	}

	// 7. Disposal, a failed check, 返工, disposal again, a passed check, 结案.
	b.signIn(account.Department)
	b.act(id, "feedback", "checking", b.photos(), chromedp.SendKeys(css("#cf-public"), "已清理"))
	b.signIn(account.GridWorker)
	b.act(id, "check_fail", "check_failed", b.photos(), chromedp.SendKeys(css("#cf-reason"), "仍有残留"))
	b.signIn(account.Dispatcher)
	b.act(id, "rework", "disposing")
	b.signIn(account.Department)
	b.act(id, "feedback", "checking", b.photos())
	b.signIn(account.GridWorker)
	b.act(id, "check_ok", "check_passed", b.photos())
	b.signIn(account.ShiftLead)
	b.act(id, "close", "closed")

	// The page shows the final state and a timeline with the rework and the extension.
	if s := text(t, b.ctx, "#c-state"); s != "已结案" {
		t.Errorf("final state shown %q", s)
	}
	var acts []string
	b.eval(`Array.from(document.querySelectorAll("#c-timeline li")).map(function(li){return li.dataset.action}).filter(function(a){return a.indexOf("timer.")!==0&&a!=="urge"&&a!=="supervise"})`, &acts)
	want := "open request_verify verify register dispatch request_extension extend feedback check_fail rework feedback check_ok close"
	if strings.Join(acts, " ") != want {
		t.Errorf("timeline %v\nwant      %s", acts, want)
	}
	if s := text(t, b.ctx, `#c-timeline li[data-action="extend"] .ev-extension`); s != "+2 工作日" {
		t.Errorf("extension shown as %q", s)
	}
	if s := text(t, b.ctx, `#c-timeline li[data-action="rework"] .ev-act`); s != "返工" {
		t.Errorf("rework shown as %q", s)
	}
	if s := text(t, b.ctx, `#c-timeline li[data-action="check_fail"]`); !strings.Contains(s, "仍有残留") {
		t.Errorf("the failed check's reason is missing: %q", s)
	}
	var imgs int
	b.eval(`document.querySelectorAll("#c-timeline img").length`, &imgs)
	if imgs != 5 {
		t.Errorf("%d photos in the timeline, want 5 (verify, 2 × feedback, 2 × check)", imgs)
	}
	if s := text(t, b.ctx, "#c-no-actions"); s == "" {
		t.Error("a closed case still offers actions")
	}
	shoot(b.ctx, "workorder-case.png")

	// The leader's indicator page counts the month's case: reported 1, closed 1/1.
	b.signIn(account.Leader)
	do(t, b.ctx, chromedp.Navigate(f.http.URL+"/workorders/indicators"), chromedp.WaitReady(css("#i-rates tbody tr")),
		chromedp.SetValue(css("#i-period"), "2025-09"), chromedp.Click(css("#i-go")), chromedp.Sleep(500*time.Millisecond))
	if s := text(t, b.ctx, `#i-rates tr[data-key="reported"] .val`); s != "1" {
		t.Errorf("reported shown as %q", s)
	}
	if s := text(t, b.ctx, `#i-rates tr[data-key="close_rate"] .val`); s != "100.00% (1/1)" {
		t.Errorf("结案率 shown as %q", s)
	}
	if _, err := os.Stat(filepath.Join("..", "web", "static", "vendor", "echarts.min.js")); err == nil {
		if got := waitAttr(t, b.ctx, "#i-chart", "data-rendered", "echarts", 10*time.Second); got != "echarts" {
			t.Errorf("the post chart was not drawn (data-rendered=%q)", got)
		}
	}
	shoot(b.ctx, "workorder-indicators.png")
}

func shoot(ctx context.Context, name string) {
	if dir := os.Getenv("TOWNGRID_SCREENSHOTS"); dir != "" {
		if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil { // quality 100: PNG
			_ = os.WriteFile(filepath.Join(dir, name), shot, 0o644)
		}
	}
}

// With the network down the report is kept as a draft (photo included) in
// the phone's storage, survives a reload, and is sent when `online` fires.
func TestBrowserWorkOrderOfflineDraft(t *testing.T) {
	f, _ := woFixture(t, storetest.SQLite(t, 0), "2025-09-29T09:00")
	photo := filepath.Join(t.TempDir(), "p.jpg")
	if err := os.WriteFile(photo, tinyJPEG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &woBrowser{t: t, f: f, photo: photo}
	b.signIn(account.GridWorker)
	do(t, b.ctx, chromedp.Navigate(f.http.URL+"/workorders/new"), chromedp.WaitReady(css("#r-kind option[value=citycase]")))
	// fetch rejects as it does when the phone has no network.
	b.eval(`(function(){var real=window.fetch;window.fetch=function(u,o){if(o&&o.method==="POST")return Promise.reject(new TypeError("Failed to fetch"));return real(u,o)};
		var k=document.getElementById("r-kind");k.value="citycase";k.dispatchEvent(new Event("change"));
		document.getElementById("r-category").value="E0102";document.getElementById("r-grid").value="`+itoa(f.g1.ID)+`";return true})()`, nil)
	do(t, b.ctx,
		chromedp.SendKeys(css("#r-title"), "井盖缺失"),
		chromedp.SetUploadFiles(css("#r-photos"), []string{photo}),
		chromedp.Click(css("#r-submit")),
		chromedp.WaitVisible(css("#r-drafts li[data-draft]")),
	)
	if n := text(t, b.ctx, "#r-drafts-count"); n != "1" {
		t.Errorf("draft count %q", n)
	}
	var none struct{ Items []any }
	if woDecode(t, f.do("GET", "/api/v1/workorders?queue=all", account.Admin, ""), 200, &none); len(none.Items) != 0 {
		t.Fatalf("a case was created while offline: %v", none.Items)
	}
	var open []int
	// The draft survives a reload; `online` sends it with its photo.
	do(t, b.ctx, chromedp.Reload(), chromedp.WaitVisible(css("#r-drafts li[data-draft]")))
	b.eval(`JSON.parse(localStorage.getItem("towngrid.wo.drafts")).map(function(d){return d.photos.length})`, &open)
	if len(open) != 1 || open[0] != 1 {
		t.Fatalf("stored drafts (photos each): %v", open)
	}
	b.eval(`window.dispatchEvent(new Event("online")),true`, nil)
	do(t, b.ctx, chromedp.WaitVisible(css("#r-case")))
	var left int
	b.eval(`document.querySelectorAll("#r-drafts li").length + JSON.parse(localStorage.getItem("towngrid.wo.drafts")).length`, &left)
	if left != 0 {
		t.Errorf("the sent draft is still kept (%d)", left)
	}
	var list struct {
		Items []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"items"`
	}
	woDecode(t, f.do("GET", "/api/v1/workorders?queue=all", account.Admin, ""), 200, &list)
	if len(list.Items) != 1 || list.Items[0].Title != "井盖缺失" {
		t.Fatalf("cases after going online: %+v", list.Items)
	}
	var atts []struct{ ID int64 }
	woDecode(t, f.do("GET", "/api/v1/workorders/"+itoa(list.Items[0].ID)+"/attachments", account.Admin, ""), 200, &atts)
	if len(atts) != 1 {
		t.Errorf("the draft's photo was not uploaded: %d attachments", len(atts))
	}
}

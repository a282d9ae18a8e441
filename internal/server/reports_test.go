package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// pageReport files a report as the page does (anonymous, CSRF pair).
func pageReport(t *testing.T, f *fixture, body string) (int, string) {
	t.Helper()
	resp := f.do("POST", "/api/v1/reports", "", body)
	return resp.StatusCode, readAll(resp)
}

func filled() int64 { return time.Now().Add(-20 * time.Second).UnixMilli() }

// The report page's JSON: spam guard, filing, nearby duplicates within the
// category's radius, following, tracking, the rate limit per address.
func TestReportPageAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		base := fmt.Sprintf(`"category":"E0102","lat":22.6,"lon":113.2,"attributes":{"waste_kinds":["household"]},"description":"桥下垃圾","email":"a@example.org","started_at":%d`, filled())
		for _, c := range []struct{ body, field string }{
			{`{` + base + `,"website":"http://spam"}`, `"website"`},
			{fmt.Sprintf(`{"category":"E0102","lat":22.6,"lon":113.2,"attributes":{"waste_kinds":["household"]},"started_at":%d}`, time.Now().UnixMilli()), `"website"`},
			{fmt.Sprintf(`{"category":"E0102","attributes":{"waste_kinds":["household"]},"started_at":%d}`, filled()), `"lat"`},
			{fmt.Sprintf(`{"category":"E0102","lat":22.6,"lon":113.2,"started_at":%d}`, filled()), `"attributes"`},
			{fmt.Sprintf(`{"category":"X9999","lat":22.6,"lon":113.2,"started_at":%d}`, filled()), `"category"`},
		} {
			if st, b := pageReport(t, f, c.body); st != 422 || !strings.Contains(b, c.field) {
				t.Errorf("%s: %d %s, want 422 naming %s", c.body, st, b, c.field)
			}
		}
		st, b := pageReport(t, f, `{`+base+`}`)
		if st != 201 {
			t.Fatalf("file: %d %s", st, b)
		}
		var rec struct {
			ID    int64
			Token string
		}
		_ = json.Unmarshal([]byte(b), &rec)
		if rec.ID == 0 || len(rec.Token) < 16 {
			t.Fatalf("receipt %s", b)
		}
		// Nearby: 0.001° of latitude is about 111 m, inside the default 200 m;
		// 0.003° (333 m) is outside; another category never matches.
		near := func(cat string, lat float64) []int64 {
			resp := f.do("GET", fmt.Sprintf("/api/v1/reports/nearby?category=%s&lat=%v&lon=113.2", cat, lat), "", "")
			var ns []struct {
				ID       int64
				Distance float64 `json:"distance_m"`
			}
			if err := json.Unmarshal([]byte(readAll(resp)), &ns); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, n := range ns {
				ids = append(ids, n.ID)
				if n.Distance > 200 {
					t.Errorf("offered a report %v m away", n.Distance)
				}
			}
			return ids
		}
		if got := near("E0102", 22.601); len(got) != 1 || got[0] != rec.ID {
			t.Errorf("nearby within 111 m = %v, want [%d]", got, rec.ID)
		}
		if got := near("E0102", 22.603); len(got) != 0 {
			t.Errorf("nearby at 333 m = %v", got)
		}
		if got := near("E0106", 22.6); len(got) != 0 {
			t.Errorf("another category = %v", got)
		}
		// Follow instead of a duplicate; the follow token tracks the report.
		resp := f.do("POST", "/api/v1/reports/follow", "", fmt.Sprintf(`{"id":%d}`, rec.ID))
		var fol struct{ Token string }
		woDecode(t, resp, 201, &fol)
		var tv struct {
			Request struct {
				ID     string `json:"service_request_id"`
				Status string
			}
			Following bool `json:"following"`
			CanSurvey bool `json:"can_survey"`
		}
		woDecode(t, f.do("GET", "/api/v1/reports/track?token="+fol.Token, "", ""), 200, &tv)
		if tv.Request.ID != itoa(rec.ID) || !tv.Following || tv.CanSurvey || tv.Request.Status != "open" {
			t.Errorf("track by follow token: %+v", tv)
		}
		body := readAll(f.do("GET", "/api/v1/reports/track?token="+rec.Token, "", ""))
		if strings.Contains(body, "a@example.org") || !strings.Contains(body, itoa(rec.ID)) {
			t.Errorf("track by own token: %s", body)
		}
		if r := f.do("GET", "/api/v1/reports/track?token=nope", "", ""); r.StatusCode != 404 {
			t.Errorf("unknown token: %d", r.StatusCode)
		}
		// Rate limit: 5 reports an hour per address; this is the 2nd…6th.
		got429 := 0
		for i := 0; i < 6; i++ {
			st, _ := pageReport(t, f, `{`+base+`}`)
			if st == 429 {
				got429++
			}
		}
		if got429 != 2 {
			t.Errorf("%d of 6 more reports refused, want 2 (5 an hour)", got429)
		}
	})
}

// 回访 after closure: only the reporter's token, only when closed, once;
// 不满意 needs a reason. The indicators count it.
func TestReportSurvey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		key := open311Key(t, f, account.Intake, account.Open311Submit)
		st, _, body := o311Call(t, f, "POST", "/open311/v2/requests.json", url.Values{"api_key": {key}, "service_code": {"E0102"},
			"address_id": {f.g1.Code}, "attribute[waste_kinds][]": {"bulky"}})
		if st != 200 {
			t.Fatalf("post: %d %s", st, body)
		}
		var rec []struct {
			ID    string `json:"service_request_id"`
			Token string `json:"token"`
		}
		_ = json.Unmarshal([]byte(body), &rec)
		var id int64
		fmt.Sscan(rec[0].ID, &id)
		survey := func(rating, reason string) *http.Response {
			return f.do("POST", "/api/v1/reports/survey", "", fmt.Sprintf(`{"token":%q,"rating":%q,"reason":%q}`, rec[0].Token, rating, reason))
		}
		if r := survey("satisfied", ""); r.StatusCode != 409 || !strings.Contains(readAll(r), "survey.not_closed") {
			t.Errorf("survey of an open report: %d", r.StatusCode)
		}
		f.woAct(t, id, account.Intake, "request_verify", `{}`)
		p := f.woPhoto(t, id, account.GridWorker)
		f.woAct(t, id, account.GridWorker, "verify", fmt.Sprintf(`{"photos":[%d]}`, p))
		f.woAct(t, id, account.Intake, "register", `{}`)
		f.woAct(t, id, account.Dispatcher, "dispatch", `{"department_id":7}`)
		if v := f.woAct(t, id, account.ShiftLead, "close_special", `{"reason":"已协调清运"}`); v.State != "closed" {
			t.Fatalf("state %s", v.State)
		}
		for _, c := range []struct{ rating, reason, field string }{{"great", "", `"rating"`}, {"unsatisfied", "", `"reason"`}} {
			if r := survey(c.rating, c.reason); r.StatusCode != 422 || !strings.Contains(readAll(r), c.field) {
				t.Errorf("survey %s/%q: %d", c.rating, c.reason, r.StatusCode)
			}
		}
		var tv struct {
			CanSurvey bool `json:"can_survey"`
		}
		woDecode(t, f.do("GET", "/api/v1/reports/track?token="+rec[0].Token, "", ""), 200, &tv)
		if !tv.CanSurvey {
			t.Error("a closed report offers no survey")
		}
		woDecode(t, survey("unsatisfied", "垃圾又出现了"), 201, nil)
		if r := survey("satisfied", ""); r.StatusCode != 409 {
			t.Errorf("second answer: %d", r.StatusCode)
		}
		// 不满意 reopens the case with the reason: back to 派遣.
		if v := f.woGet(t, id, account.Intake); v.State != "pending_dispatch" {
			t.Errorf("state after 不满意: %s, want pending_dispatch (reopened)", v.State)
		}
		var inds []struct {
			AreaID       int64    `json:"area_id"`
			Closed       int64    `json:"closed"`
			Surveys      int64    `json:"surveys"`
			Satisfaction *float64 `json:"satisfaction_rate"`
		}
		woDecode(t, f.do("GET", "/api/v1/reports/indicators", "", ""), 200, &inds)
		if len(inds) != 1 || inds[0].AreaID != f.c1.ID || inds[0].Closed != 0 || inds[0].Surveys != 1 || inds[0].Satisfaction == nil || *inds[0].Satisfaction != 0 {
			t.Errorf("indicators %+v, want community 1 with 0 closed (reopened), 1 answer, 0%% satisfied", inds)
		}
	})
}

// smtpSink is a tiny SMTP server that keeps the messages it receives.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
}

func newSMTPSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(l string) { io.WriteString(c, l+"\r\n") }
	say("220 sink")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, b.String())
			s.mu.Unlock()
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpSink) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

// A state change reaches an e-mail subscriber (local SMTP), a plain webhook
// and a DingTalk-style robot (local HTTP), in the subscriber's language.
func TestReportNotify(t *testing.T) {
	sink := newSMTPSink(t)
	var mu sync.Mutex
	hooks := map[string]string{}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hooks[r.URL.Path] = string(b)
		mu.Unlock()
	}))
	defer recv.Close()
	t.Setenv("TOWNGRID_SMTP_ADDR", sink.ln.Addr().String())
	t.Setenv("TOWNGRID_NOTIFY_INTERVAL", "50ms")
	t.Setenv("TOWNGRID_PUBLIC_URL", "https://town.example")
	f := newFixture(t, storetest.SQLite(t, 0))
	key := open311Key(t, f, account.Intake, account.Open311Submit)
	st, _, body := o311Call(t, f, "POST", "/open311/v2/requests.json", url.Values{"api_key": {key}, "service_code": {"E0102"},
		"address_id": {f.g1.Code}, "attribute[waste_kinds][]": {"bulky"}})
	if st != 200 {
		t.Fatalf("post: %d %s", st, body)
	}
	var rec []struct {
		ID string `json:"service_request_id"`
	}
	_ = json.Unmarshal([]byte(body), &rec)
	var id int64
	fmt.Sscan(rec[0].ID, &id)
	for _, s := range []string{
		fmt.Sprintf(`{"scope":"report","target":%q,"channel":"email","address":"r@example.org","lang":"zh-CN"}`, rec[0].ID),
		fmt.Sprintf(`{"scope":"category","target":"E0102","channel":"webhook","address":%q,"lang":"en"}`, recv.URL+"/plain"),
		fmt.Sprintf(`{"scope":"area","target":"%d","channel":"dingtalk","address":%q}`, f.c1.ID, recv.URL+"/robot"),
	} {
		woDecode(t, f.do("POST", "/api/v1/reports/subscriptions", "", s), 201, nil)
	}
	f.woAct(t, id, account.Intake, "request_verify", `{}`)
	// The intake itself may be told too (the notifier may poll after the
	// subscriptions were made); the 核实 change must be.
	verifying := func() string {
		for _, m := range sink.all() {
			if strings.Contains(m, "正在现场核实诉求 #"+rec[0].ID) {
				return m
			}
		}
		return ""
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		done := strings.Contains(hooks["/plain"], "verifying") && strings.Contains(hooks["/robot"], "核实")
		mu.Unlock()
		if done && verifying() != "" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if m := verifying(); !strings.Contains(m, "To: r@example.org") || !strings.Contains(m, "https://town.example/report/track?token=") ||
		!strings.Contains(m, "Content-Type: text/plain; charset=utf-8") {
		t.Errorf("e-mail: %q", sink.all())
	}
	mu.Lock()
	defer mu.Unlock()
	var plain struct {
		Event, State, Status, Subject string
		ID                            int64
	}
	if err := json.Unmarshal([]byte(hooks["/plain"]), &plain); err != nil || plain.ID != id || plain.State != "verifying" ||
		plain.Status != "open" || !strings.Contains(plain.Subject, "being verified") {
		t.Errorf("webhook: %s", hooks["/plain"])
	}
	var robot struct {
		MsgType string `json:"msgtype"`
		Text    struct{ Content string }
	}
	if err := json.Unmarshal([]byte(hooks["/robot"]), &robot); err != nil || robot.MsgType != "text" || !strings.Contains(robot.Text.Content, "核实") {
		t.Errorf("robot: %s", hooks["/robot"])
	}
}

// The public feeds show reports without personal data.
func TestReportFeeds(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	st, b := pageReport(t, f, fmt.Sprintf(`{"category":"E0106","lat":22.61,"lon":113.21,"description":"路口积水","phone":"13900000000","started_at":%d}`, filled()))
	if st != 201 {
		t.Fatalf("file: %d %s", st, b)
	}
	resp := f.do("GET", "/reports/feed.geojson", "", "")
	geo := readAll(resp)
	var fc struct {
		Type     string
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates []float64
			}
		}
	}
	if err := json.Unmarshal([]byte(geo), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) != 1 ||
		fc.Features[0].Geometry.Coordinates[0] != 113.21 || fc.Features[0].Geometry.Coordinates[1] != 22.61 {
		t.Errorf("geojson (lon, lat order, RFC 7946): %s", geo)
	}
	rss := readAll(f.do("GET", "/reports/feed.rss", "", ""))
	if !strings.Contains(rss, `<rss version="2.0">`) || !strings.Contains(rss, "路面积水") {
		t.Errorf("rss: %s", rss)
	}
	for _, doc := range []string{geo, rss} {
		if strings.Contains(doc, "13900000000") {
			t.Error("a feed shows the reporter's phone")
		}
	}
	for _, p := range []string{"/report", "/report/track?token=x", "/reports", "/reports/indicators"} {
		r := f.do("GET", p, "", "")
		page := readAll(r)
		// Every key is translated: no raw "report." key reaches the page.
		if r.StatusCode != 200 || strings.Contains(page, ">report.") || strings.Contains(page, ">reports.") || strings.Contains(page, "\"report.") {
			t.Errorf("%s: %d or an untranslated key", p, r.StatusCode)
		}
	}
}

package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/calendar"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// woClock is a settable store clock, set before the fixture starts the
// timer sweeper so that nothing races on the clock function itself.
type woClock struct{ ms atomic.Int64 }

func (c *woClock) set(s string) {
	t, err := calendar.ParseInstant(s)
	if err != nil {
		panic(err)
	}
	c.ms.Store(t.UnixMilli())
}

func woFixture(t *testing.T, db *store.DB, start string) (*fixture, *woClock) {
	clk := &woClock{}
	clk.set(start)
	db.SetClock(func() time.Time { return time.UnixMilli(clk.ms.Load()) })
	return newFixture(t, db), clk
}

type woView struct {
	ID            int64    `json:"id"`
	Number        string   `json:"number"`
	State         string   `json:"state"`
	Seq           int      `json:"seq"`
	DepartmentID  int64    `json:"department_id"`
	ClockDeadline int64    `json:"clock_deadline"`
	Deadline      int64    `json:"deadline"`
	ClosedOnTime  *bool    `json:"closed_on_time"`
	Actions       []string `json:"actions"`
	Case          struct {
		Suspended bool `json:"suspended"`
		Reworks   int  `json:"reworks"`
		Facts     struct {
			Closure string `json:"closure"`
		} `json:"facts"`
	} `json:"case"`
	Status struct {
		Clock struct {
			Deadline time.Time `json:"deadline"`
			Light    string    `json:"light"`
		} `json:"clock"`
	} `json:"status"`
}

func woDecode(t *testing.T, resp *http.Response, want int, v any) string {
	t.Helper()
	body := readAll(resp)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, body, want)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
	}
	return body
}

func (f *fixture) woGet(t *testing.T, id int64, role account.Role) woView {
	var v woView
	woDecode(t, f.do("GET", "/api/v1/workorders/"+itoa(id), role, ""), 200, &v)
	return v
}

// woAct takes an action with the current seq; the background sweeper may
// record a 催办/督办 between the read and the write, so a stale answer is
// retried with the new seq (the 409 path itself is tested separately).
func (f *fixture) woAct(t *testing.T, id int64, role account.Role, action, inputs string) woView {
	t.Helper()
	for try := 0; ; try++ {
		seq := f.woGet(t, id, role).Seq
		resp := f.do("POST", "/api/v1/workorders/"+itoa(id)+"/actions", role, fmt.Sprintf(`{"action":%q,"seq":%d,"inputs":%s}`, action, seq, inputs))
		if resp.StatusCode == 409 && try < 3 && strings.Contains(readAll(resp), "workorder.stale") {
			continue
		}
		var v woView
		woDecode(t, resp, 200, &v)
		return v
	}
}

func tinyJPEG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (f *fixture) woUpload(id int64, role account.Role, name string, data []byte) *http.Response {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", f.http.URL+"/api/v1/workorders/"+itoa(id)+"/attachments", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+f.keys[role])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

func (f *fixture) woPhoto(t *testing.T, id int64, role account.Role) int64 {
	var a struct{ ID int64 }
	woDecode(t, f.woUpload(id, role, "p.jpg", tinyJPEG(t)), 201, &a)
	return a.ID
}

func ms(s string) int64 {
	t, err := calendar.ParseInstant(s)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

// A public report walks the whole seven-step loop through the API across the
// 2025 国庆 holiday (10-01…10-08 off, Sat 10-11 a make-up working day;
// standards.md §5.3), with 挂账, 延期, a failed 核查 and 返工
// (case-management.md §4.2, §5.4). Expected deadlines are worked by hand
// from 08:00–12:00/14:00–18:00 working hours (§5.2).
func TestWorkOrderWholeLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, clk := woFixture(t, db, "2025-09-30T16:00")
		var v woView
		woDecode(t, f.do("POST", "/api/v1/workorders", account.Resident,
			fmt.Sprintf(`{"kind":"citycase","category":"E0102","title":"路边垃圾","description":"桥头堆了三天","area_id":%d}`, f.g1.ID)), 201, &v)
		if v.State != "reported" || !strings.HasPrefix(v.Number, "E010220250930") {
			t.Fatalf("opened %+v", v)
		}
		// 受理 step: 30 working minutes (§5.3).
		if v.Deadline != ms("2025-09-30T16:30") {
			t.Errorf("intake deadline %v", time.UnixMilli(v.Deadline))
		}
		id := v.ID
		clk.set("2025-09-30T16:05")
		f.woAct(t, id, account.Intake, "request_verify", `{}`)
		clk.set("2025-09-30T16:20")
		p1 := f.woPhoto(t, id, account.GridWorker)
		f.woAct(t, id, account.GridWorker, "verify", fmt.Sprintf(`{"photos":[%d]}`, p1))
		clk.set("2025-09-30T16:25")
		v = f.woAct(t, id, account.Intake, "register", `{}`)
		if v.State != "pending_dispatch" {
			t.Fatalf("after register: %s", v.State)
		}
		clk.set("2025-09-30T16:40")
		v = f.woAct(t, id, account.Dispatcher, "dispatch", `{"department_id":7}`)
		// 暴露垃圾 4 工作时: 80 min on 9-30, holidays 10-01…10-08, 160 min on 10-09.
		if v.State != "disposing" || v.DepartmentID != 7 || v.ClockDeadline != ms("2025-10-09T10:40") {
			t.Fatalf("dispatched: %s dept %d deadline %v", v.State, v.DepartmentID, time.UnixMilli(v.ClockDeadline))
		}
		clk.set("2025-09-30T17:00")
		v = f.woAct(t, id, account.ShiftLead, "suspend", `{"reason":"等待产权单位确认"}`)
		if !v.Case.Suspended || v.ClockDeadline != 0 {
			t.Fatalf("suspended: %+v", v)
		}
		clk.set("2025-10-09T09:00")
		v = f.woAct(t, id, account.ShiftLead, "unsuspend", `{}`)
		// 20 min used before 挂账: 220 left from 09:00 → 12:00 (180) + 14:00–14:40.
		if v.ClockDeadline != ms("2025-10-09T14:40") {
			t.Fatalf("unsuspended deadline %v", time.UnixMilli(v.ClockDeadline))
		}
		clk.set("2025-10-09T10:00")
		v = f.woAct(t, id, account.ShiftLead, "extend", `{"reason":"需协调","extension":{"value":2,"unit":"work_days"}}`)
		// 延期 2 工作日 adds 2 × 480 working minutes to the budget (the machine
		// applies extensions to the halted clock): 200 left on 10-09, 480 on
		// 10-10, 280 on the make-up Saturday 10-11 → 14:40.
		if v.ClockDeadline != ms("2025-10-11T14:40") {
			t.Fatalf("extended deadline %v", time.UnixMilli(v.ClockDeadline))
		}
		clk.set("2025-10-10T09:00")
		p2 := f.woPhoto(t, id, account.Department)
		f.woAct(t, id, account.Department, "feedback", fmt.Sprintf(`{"photos":[%d],"public_comment":"已清理"}`, p2))
		clk.set("2025-10-10T09:10")
		p3 := f.woPhoto(t, id, account.GridWorker)
		f.woAct(t, id, account.GridWorker, "check_fail", fmt.Sprintf(`{"photos":[%d],"reason":"仍有残留"}`, p3))
		clk.set("2025-10-10T09:20")
		v = f.woAct(t, id, account.Dispatcher, "rework", `{}`)
		// 返工 resumes the same clock: 700 min were left at 反馈 (420 on 10-10,
		// 280 on 10-11); from 09:20, 400 on 10-10 and 300 on 10-11 → 15:00.
		if v.State != "disposing" || v.DepartmentID != 7 || v.ClockDeadline != ms("2025-10-11T15:00") || v.Case.Reworks != 1 {
			t.Fatalf("rework: %s dept %d deadline %v reworks %d", v.State, v.DepartmentID, time.UnixMilli(v.ClockDeadline), v.Case.Reworks)
		}
		clk.set("2025-10-10T15:00")
		f.woAct(t, id, account.Department, "feedback", fmt.Sprintf(`{"photos":[%d]}`, p2))
		clk.set("2025-10-10T15:10")
		f.woAct(t, id, account.GridWorker, "check_ok", fmt.Sprintf(`{"photos":[%d]}`, p3))
		clk.set("2025-10-10T15:20")
		v = f.woAct(t, id, account.ShiftLead, "close", `{}`)
		if v.State != "closed" || v.ClosedOnTime == nil || !*v.ClosedOnTime || v.Case.Facts.Closure != "normal" || len(v.Actions) != 0 {
			t.Fatalf("closed: %+v", v)
		}
		// The timeline has every step, and the resident sees it without internal notes.
		var evs struct {
			Items []struct {
				Action, Actor, Comment string
			} `json:"items"`
		}
		woDecode(t, f.do("GET", "/api/v1/workorders/"+itoa(id)+"/events?limit=500", account.ShiftLead, ""), 200, &evs)
		var actions []string
		for _, e := range evs.Items {
			if !strings.HasPrefix(e.Action, "timer.") && e.Action != "urge" && e.Action != "supervise" {
				actions = append(actions, e.Action)
			}
		}
		want := "open request_verify verify register dispatch suspend unsuspend extend feedback check_fail rework feedback check_ok close"
		if strings.Join(actions, " ") != want {
			t.Errorf("timeline %v", actions)
		}
		woDecode(t, f.do("GET", "/api/v1/workorders/"+itoa(id)+"/events", account.Resident, ""), 200, &evs)
		for _, e := range evs.Items {
			if e.Actor != "" || e.Comment != "" {
				t.Errorf("resident sees internal data: %+v", e)
			}
		}
		// The month's indicators count the case: reported, closed on time.
		var rep struct {
			Total struct {
				Counters struct {
					Reported     int `json:"reported"`
					Closed       int `json:"closed"`
					ClosedOnTime int `json:"closed_on_time"`
					Reworked     int `json:"reworked"`
				} `json:"counters"`
			} `json:"total"`
		}
		woDecode(t, f.do("GET", "/api/v1/indicators?area_id="+itoa(f.town.ID)+"&period=2025-09", account.Leader, ""), 200, &rep)
		if c := rep.Total.Counters; c.Reported != 1 || c.Closed != 1 || c.ClosedOnTime != 1 || c.Reworked != 1 {
			t.Errorf("indicators %+v", c)
		}
		if r := f.auditRows(); r < 20 {
			t.Errorf("only %d audit rows", r)
		}
	})
}

// Refusals by role, step and input are problems that write nothing.
func TestWorkOrderRefusalsWriteNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, clk := woFixture(t, db, "2025-11-03T09:00")
		var v woView
		woDecode(t, f.do("POST", "/api/v1/workorders", account.GridWorker,
			fmt.Sprintf(`{"kind":"citycase","category":"C0301","title":"垃圾箱破损","area_id":%d}`, f.g1.ID)), 201, &v)
		clk.set("2025-11-03T09:05")
		f.woAct(t, v.ID, account.Intake, "accept", `{}`)
		cur := f.woGet(t, v.ID, account.Intake)
		before := f.auditRows()
		for _, c := range []struct {
			role   account.Role
			body   string
			status int
			code   string
		}{
			{account.GridWorker, `{"action":"register","seq":%d}`, 403, "workflow.role_not_allowed"},
			{account.Resident, `{"action":"register","seq":%d}`, 403, "forbidden"},
			{account.Dispatcher, `{"action":"dispatch","seq":%d,"inputs":{"department_id":3}}`, 409, "workflow.not_allowed_from_state"},
			{account.ShiftLead, `{"action":"supervise","seq":%d}`, 422, "validation"},
			{account.ShiftLead, `{"action":"fly","seq":%d}`, 422, "validation"},
			{account.Intake, `{"action":"register","seq":%d,"inputs":{"category":"X9999"}}`, 422, "validation"},
		} {
			resp := f.do("POST", "/api/v1/workorders/"+itoa(v.ID)+"/actions", c.role, fmt.Sprintf(c.body, cur.Seq))
			body := readAll(resp)
			if resp.StatusCode != c.status || !strings.Contains(body, `"code":"`+c.code+`"`) {
				t.Errorf("%s %s: %d %s", c.role, c.body, resp.StatusCode, body)
			}
		}
		resp := f.do("POST", "/api/v1/workorders/"+itoa(v.ID)+"/actions", account.Intake, fmt.Sprintf(`{"action":"register","seq":%d}`, cur.Seq-1))
		if body := readAll(resp); resp.StatusCode != 409 || !strings.Contains(body, "workorder.stale") {
			t.Errorf("stale seq: %d %s", resp.StatusCode, body)
		}
		if after := f.auditRows(); after != before {
			t.Errorf("refusals wrote %d audit rows", after-before)
		}
		if got := f.woGet(t, v.ID, account.Intake); got.Seq != cur.Seq || got.State != "pending_register" {
			t.Errorf("case changed: %+v", got)
		}
		// Out of scope: the grid worker of community 1 cannot see community 2's work.
		woDecode(t, f.do("POST", "/api/v1/workorders", account.ShiftLead,
			fmt.Sprintf(`{"kind":"citycase","category":"C0301","title":"x","area_id":%d}`, f.g2.ID)), 201, &v)
		if r := f.do("GET", "/api/v1/workorders/"+itoa(v.ID), account.GridWorker, ""); r.StatusCode != 404 {
			t.Errorf("out of scope GET: %d", r.StatusCode)
		}
	})
}

// Concurrent actions with the same seq: exactly one wins, the others get 409.
func TestWorkOrderConcurrentSameSeq(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, _ := woFixture(t, db, "2025-11-03T09:00")
		var v woView
		woDecode(t, f.do("POST", "/api/v1/workorders", account.Intake,
			fmt.Sprintf(`{"kind":"citycase","category":"C0301","title":"并发","source":"hotline","area_id":%d}`, f.g1.ID)), 201, &v)
		var ok, conflict atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp := f.do("POST", "/api/v1/workorders/"+itoa(v.ID)+"/actions", account.Intake, fmt.Sprintf(`{"action":"accept","seq":%d}`, v.Seq))
				readAll(resp)
				switch resp.StatusCode {
				case 200:
					ok.Add(1)
				case 409:
					conflict.Add(1)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1 || conflict.Load() != 7 {
			t.Errorf("ok %d conflict %d, want 1 and 7", ok.Load(), conflict.Load())
		}
	})
}

// Calendar endpoints: the API answers what `towngrid calc deadline` prints.
func TestCalendarDeadlineAndDays(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	var a calendar.Answer
	woDecode(t, f.do("GET", "/api/v1/calendar/deadline?from=2025-09-26&working_days=3", account.Resident, ""), 200, &a)
	// docs/calendar.md: 9/27 Sat off, 9/28 Sun make-up, 9/29, 9/30.
	if a.Due != "2025-09-30T18:00:00+08:00" {
		t.Errorf("due %s", a.Due)
	}
	var d struct {
		Known bool
		Days  []struct{ Date, Kind string }
	}
	woDecode(t, f.do("GET", "/api/v1/calendar/days?year=2025", account.Resident, ""), 200, &d)
	found := false
	for _, x := range d.Days {
		found = found || (x.Date == "2025-10-11" && x.Kind == "workday")
	}
	if !d.Known || !found {
		t.Errorf("2025 days: known %v, 10-11 make-up listed %v", d.Known, found)
	}
}

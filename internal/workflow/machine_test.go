package workflow

import (
	"errors"
	"testing"
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/workflow/indicators"
)

// at parses a Shanghai wall-clock time. The default calendar works
// 08:00–12:00 and 14:00–18:00 (case-management.md §5.2); 2026-03-02..09 is
// Mon..Mon with no holiday.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Location())
	if err != nil {
		panic(err)
	}
	return t
}

func seedMachine(t testing.TB, id string) *Machine {
	t.Helper()
	fs, err := SeedFlows()
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMachine(fs[id], calendar.Default())
	if err != nil {
		t.Fatal(err)
	}
	cats, err := SeedCategories()
	if err != nil {
		t.Fatal(err)
	}
	m.Limits = cats.Limit
	return m
}

type walker struct {
	t  *testing.T
	m  *Machine
	c  Case
	ev []Event
}

func (w *walker) do(action string, role Role, when string, in Inputs) Event {
	w.t.Helper()
	n, evs, err := w.m.Apply(w.c, Request{Action: action, Actor: "p1", Roles: []Role{role}, At: at(when), Inputs: in})
	if err != nil {
		w.t.Fatalf("%s at %s: %v", action, when, err)
	}
	if len(evs) != 1 || evs[0].Seq != w.c.Seq+1 || n.Seq != w.c.Seq+1 {
		w.t.Fatalf("%s: events %+v, seq %d→%d", action, evs, w.c.Seq, n.Seq)
	}
	w.c = n
	w.ev = append(w.ev, evs[0])
	return evs[0]
}

func wantDur(t *testing.T, what string, got time.Duration, minutes int) {
	t.Helper()
	if got != time.Duration(minutes)*time.Minute {
		t.Errorf("%s = %v, want %d min", what, got, minutes)
	}
}

func wantTime(t *testing.T, what string, got time.Time, want string) {
	t.Helper()
	if !got.Equal(at(want)) {
		t.Errorf("%s = %s, want %s", what, got.In(calendar.Location()).Format("2006-01-02 15:04"), want)
	}
}

// A public report of 暴露垃圾 (4 工作时, §5.3) walks the whole loop (§4.2) with
// a 挂账, a 延期, a failed 核查 and a 返工. Every expected value below is worked
// out by hand from the 08–12/14–18 schedule.
func TestCityCaseWholeLoop(t *testing.T) {
	m := seedMachine(t, "citycase")
	c, _, err := m.Open("c1", SourceResident, "33010200100101", "u9", []Role{RoleResident}, at("2026-03-02 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	w := &walker{t: t, m: m, c: c}
	photos := Inputs{Photos: []string{"p.jpg"}}

	if e := w.do("request_verify", RoleIntake, "2026-03-02 09:05", Inputs{}); e.Step == nil || !e.Step.OnTime {
		t.Errorf("受理 step of 5 min should be on time: %+v", e.Step)
	}
	// 核实 limit 30 working minutes (§5.3); 45 minutes is late.
	if e := w.do("verify", RoleGridWorker, "2026-03-02 09:50", photos); e.Step.OnTime {
		t.Error("核实 after 45 min must be late")
	}
	w.do("register", RoleShiftLead, "2026-03-02 10:00", Inputs{Category: "E0102"})
	if w.c.Limit == nil || *w.c.Limit != (calendar.Limit{Value: 4, Unit: calendar.WorkHours}) {
		t.Fatalf("立案 should resolve 暴露垃圾 to 4 work hours, got %+v", w.c.Limit)
	}
	w.do("dispatch", RoleDispatcher, "2026-03-02 10:10", Inputs{Department: "sanitation-1"})
	// 10:10 + 240 working min = 110 (to 12:00) + 130 (from 14:00) → 16:10
	wantTime(t, "deadline at dispatch", w.c.Clock.Deadline, "2026-03-02 16:10")

	w.do("suspend", RoleShiftLead, "2026-03-02 11:10", Inputs{Reason: "等待产权单位确认"})
	wantDur(t, "elapsed at 挂账", w.c.Clock.Elapsed, 60)
	if w.c.Clock.Running || !w.c.Suspended {
		t.Fatal("挂账 must stop the clock")
	}
	if _, _, err := m.Apply(w.c, Request{Action: "feedback", Roles: []Role{RoleDepartment}, At: at("2026-03-02 14:00"), Inputs: photos}); !errors.Is(err, ErrSuspended) {
		t.Errorf("feedback while 挂账: got %v, want %v", err, ErrSuspended)
	}
	w.do("unsuspend", RoleShiftLead, "2026-03-02 14:30", Inputs{})
	wantTime(t, "deadline after 解挂", w.c.Clock.Deadline, "2026-03-02 17:30") // 180 min left

	w.do("extend", RoleShiftLead, "2026-03-02 15:00", Inputs{Reason: "量大", Extension: &calendar.Limit{Value: 1, Unit: calendar.WorkHours}})
	wantTime(t, "bundle deadline after 延期", w.c.Clock.Deadline, "2026-03-03 08:30") // 17:30 + 60 working min
	wantDur(t, "budget after 延期", w.c.Clock.Budget(), 300)

	if e := w.do("feedback", RoleDepartment, "2026-03-02 16:00", photos); e.OnTime == nil || !*e.OnTime {
		t.Error("first disposal at 150 of 300 min must be on time")
	}
	wantDur(t, "elapsed at first 反馈", w.c.Clock.Elapsed, 150)
	if e := w.do("check_fail", RoleGridWorker, "2026-03-02 16:20", Inputs{Photos: []string{"q.jpg"}, Reason: "未清理干净"}); !e.Step.OnTime {
		t.Error("核查 in 20 min is on time")
	}
	if _, _, err := m.Apply(w.c, Request{Action: "rework", Roles: []Role{RoleDispatcher}, At: at("2026-03-02 16:30"), Inputs: Inputs{Department: "other"}}); !errors.Is(err, ErrBadInput) {
		t.Errorf("返工 to another department: got %v", err)
	}
	if e := w.do("rework", RoleDispatcher, "2026-03-02 16:30", Inputs{}); !e.Rework {
		t.Error("rework event not flagged")
	}
	// 150 min left from 16:30: 90 today + 60 tomorrow → Tue 09:00
	wantTime(t, "deadline after 返工", w.c.Clock.Deadline, "2026-03-03 09:00")
	if w.c.Department != "sanitation-1" {
		t.Errorf("返工 must keep the department, got %q", w.c.Department)
	}
	// Mon 16:30→18:00 (90) + Tue 08:00→09:30 (90) = 180 more: 330 > 300
	if e := w.do("feedback", RoleDepartment, "2026-03-03 09:30", photos); *e.OnTime {
		t.Error("second disposal at 330 of 300 min must be late")
	}
	wantDur(t, "elapsed at second 反馈", w.c.Clock.Elapsed, 330)
	w.do("check_ok", RoleGridWorker, "2026-03-03 09:40", photos)
	e := w.do("close", RoleShiftLead, "2026-03-03 09:50", Inputs{})
	if e.Closure != ClosureOverdue || *e.OnTime {
		t.Errorf("closure %q on_time %v, want overdue/false", e.Closure, *e.OnTime)
	}

	want := indicators.Facts{Public: true, IntakeDone: true, IntakeOnTime: true, Verified: true, VerifiedOnTime: false, Registered: true, RegisteredOnTime: true,
		Dispatched: true, DispatchedOnTime: true, Dispatches: 2, Reworks: 1, Disposed: true, DisposedOnTime: false,
		DisposeTime: 330 * time.Minute, Checks: 2, ChecksOnTime: 2, Closed: true, ClosedOnTime: false, Closure: "overdue",
		Extensions: 1, Suspensions: 1}
	if got := m.Snapshot(&w.c, at("2026-03-04 10:00")); got != want {
		t.Errorf("facts\n got %+v\nwant %+v", got, want)
	}
	if w.c.Reworks != 1 || len(w.c.Extensions) != 1 || w.c.State != "closed" {
		t.Errorf("case end state %+v", w.c)
	}
	if _, _, err := m.Apply(w.c, Request{Action: "void", Roles: []Role{RoleShiftLead}, At: at("2026-03-04 10:00"), Inputs: Inputs{Reason: "x"}}); !errors.Is(err, ErrFinal) {
		t.Errorf("acting on a closed case: %v", err)
	}
}

// Apply must not change the case it was given (cases are values).
func TestApplyDoesNotMutateInput(t *testing.T) {
	m := seedMachine(t, "citycase")
	c, _, _ := m.Open("c2", SourceGridWorker, "g", "u", []Role{RoleGridWorker}, at("2026-03-02 09:00"))
	c.Extensions = make([]Extension, 0, 4)
	before := c
	if _, _, err := m.Apply(c, Request{Action: "accept", Roles: []Role{RoleIntake}, At: at("2026-03-02 09:10")}); err != nil {
		t.Fatal(err)
	}
	if c.State != before.State || c.Seq != before.Seq || c.Step != before.Step {
		t.Error("Apply changed its input")
	}
}

func TestForbiddenTransitions(t *testing.T) {
	m := seedMachine(t, "citycase")
	c, _, _ := m.Open("c3", SourceGridWorker, "g", "u", []Role{RoleGridWorker}, at("2026-03-02 09:00"))
	m.Limits = nil // so 立案 without a limit is a missing input
	cases := []struct {
		name string
		req  Request
		want error
	}{
		{"unknown action", Request{Action: "teleport", Roles: []Role{RoleAdmin}}, ErrUnknownAction},
		{"close from intake", Request{Action: "close", Roles: []Role{RoleShiftLead}}, ErrNotAllowedHere},
		{"grid worker may not accept", Request{Action: "accept", Roles: []Role{RoleGridWorker}}, ErrRoleNotAllowed},
		{"admin is not a wildcard", Request{Action: "accept", Roles: []Role{RoleAdmin}}, ErrRoleNotAllowed},
		{"self-handle needs photos", Request{Action: "self_handle", Roles: []Role{RoleGridWorker}}, ErrMissingInput},
		{"void needs a reason", Request{Action: "void", Roles: []Role{RoleIntake}, Inputs: Inputs{Reason: "  "}}, ErrMissingInput},
		{"unsuspend when not suspended", Request{Action: "unsuspend", Roles: []Role{RoleShiftLead}}, ErrNotAllowedHere},
	}
	for _, tc := range cases {
		tc.req.At = at("2026-03-02 09:30")
		if _, _, err := m.Apply(c, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	early := Request{Action: "accept", Roles: []Role{RoleIntake}, At: at("2026-03-02 08:00")}
	if _, _, err := m.Apply(c, early); !errors.Is(err, ErrTimeBeforeLast) {
		t.Errorf("time before last change: %v", err)
	}
	c2, _, _ := m.Apply(c, Request{Action: "accept", Roles: []Role{RoleIntake}, At: at("2026-03-02 09:30")})
	_, _, err := m.Apply(c2, Request{Action: "register", Roles: []Role{RoleShiftLead}, At: at("2026-03-02 09:40"), Inputs: Inputs{Category: "E0102"}})
	if !errors.Is(err, ErrMissingInput) {
		t.Errorf("register without a limit and no resolver: %v", err)
	}
	var we *Error
	if !errors.As(err, &we) || we.Code != "workflow.missing_input" || we.Detail == "" {
		t.Errorf("error should carry a stable code and detail: %#v", err)
	}
	other := *m.Flow
	other.Version = 2
	m2 := &Machine{Flow: &other, Clock: m.Clock}
	if _, _, err := m2.Apply(c, Request{Action: "accept", Roles: []Role{RoleIntake}, At: at("2026-03-02 09:30")}); !errors.Is(err, ErrFlowMismatch) {
		t.Errorf("flow version mismatch: %v", err)
	}
	if _, _, err := m.Open("x", SourceResident, "g", "u", []Role{RoleDepartment}, at("2026-03-02 09:00")); !errors.Is(err, ErrRoleNotAllowed) {
		t.Errorf("a department may not open a city case: %v", err)
	}
}

// §5.5: a void counts by the stage it happened at.
func TestVoidCountedByStage(t *testing.T) {
	m := seedMachine(t, "citycase")
	open := func() Case {
		c, _, _ := m.Open("v", SourceResident, "g", "u", []Role{RoleResident}, at("2026-03-02 09:00"))
		return c
	}
	void := Request{Action: "void", Roles: []Role{RoleShiftLead}, Inputs: Inputs{Reason: "重复"}}
	step := func(c Case, a string, r Role, when string, in Inputs) Case {
		n, _, err := m.Apply(c, Request{Action: a, Roles: []Role{r}, At: at(when), Inputs: in})
		if err != nil {
			t.Fatal(a, err)
		}
		return n
	}
	c0 := open()
	c1 := step(c0, "accept", RoleIntake, "2026-03-02 09:10", Inputs{})
	c2 := step(c1, "register", RoleShiftLead, "2026-03-02 09:20", Inputs{Category: "E0501"})
	for _, tc := range []struct {
		c    Case
		want indicators.VoidKind
	}{{c0, indicators.VoidNotAccepted}, {c1, indicators.VoidNotRegistered}, {c2, indicators.VoidVoided}} {
		void.At = at("2026-03-02 09:30")
		n, evs, err := m.Apply(tc.c, void)
		if err != nil {
			t.Fatal(err)
		}
		if n.Facts.Void != tc.want || evs[0].Void != tc.want || n.State != "void" {
			t.Errorf("void from %s: %q, want %q", tc.c.State, n.Facts.Void, tc.want)
		}
	}
}

// A dispatched case past its deadline and not disposed is 超期未处置; a
// suspended one is not (§5.4/§5.5).
func TestSnapshotOverdueAndSuspended(t *testing.T) {
	m := seedMachine(t, "citycase")
	c, _, _ := m.Open("o", SourceGridWorker, "g", "u", []Role{RoleGridWorker}, at("2026-03-02 09:00"))
	for _, r := range []Request{
		{Action: "accept", Roles: []Role{RoleIntake}, At: at("2026-03-02 09:00")},
		{Action: "register", Roles: []Role{RoleShiftLead}, At: at("2026-03-02 09:00"), Inputs: Inputs{Category: "E0503"}}, // 机动车乱停放 1 WH
		{Action: "dispatch", Roles: []Role{RoleDispatcher}, At: at("2026-03-02 09:00"), Inputs: Inputs{Department: "police"}},
	} {
		var err error
		if c, _, err = m.Apply(c, r); err != nil {
			t.Fatal(err)
		}
	}
	if m.Snapshot(&c, at("2026-03-02 09:59")).OverdueUndisposed {
		t.Error("not overdue after 59 min of 60")
	}
	if !m.Snapshot(&c, at("2026-03-02 10:01")).OverdueUndisposed {
		t.Error("overdue after 61 min of 60")
	}
	if st := m.Status(&c, at("2026-03-02 09:50"), DefaultTimerPolicy().Thresholds); st.Clock.Light != Yellow || st.Step.Light != Yellow {
		t.Errorf("50 of 60 min is yellow: %+v", st)
	}
	s, _, err := m.Apply(c, Request{Action: "suspend", Roles: []Role{RoleLeader}, At: at("2026-03-02 09:30"), Inputs: Inputs{Reason: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	f := m.Snapshot(&s, at("2026-03-05 10:00"))
	if f.OverdueUndisposed || !f.Suspended {
		t.Errorf("a suspended case is not 超期未处置: %+v", f)
	}
}

// Approval: 补正 before acceptance has no clock; §45 pauses the legal clock
// (行政许可法); the deadline moves by the paused working time.
func TestApprovalPauseMovesDeadline(t *testing.T) {
	m := seedMachine(t, "approval")
	c, _, err := m.Open("a1", SourceEnterprise, "g", "ent", []Role{RoleEnterprise}, at("2026-03-02 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	w := &walker{t: t, m: m, c: c}
	w.do("request_correction", RoleIntake, "2026-03-02 10:00", Inputs{Reason: "缺营业执照"})
	if w.c.Clock.Running {
		t.Fatal("no clock during 补正")
	}
	w.do("resubmit", RoleEnterprise, "2026-03-03 09:00", Inputs{})
	w.do("accept", RoleIntake, "2026-03-03 10:00", Inputs{Limit: &calendar.Limit{Value: 5, Unit: calendar.WorkDays}})
	// 5 working days after Tue 03-03 (the day of acceptance is not counted) → Tue 03-10 18:00
	wantTime(t, "promised deadline", w.c.Clock.Deadline, "2026-03-10 18:00")
	w.do("pause", RoleDepartment, "2026-03-04 08:00", Inputs{Reason: "专家评审"})
	w.do("resume_review", RoleDepartment, "2026-03-05 08:00", Inputs{})
	// one whole working day (480 min) was paused → Wed 03-11 18:00
	wantTime(t, "deadline after §45 pause", w.c.Clock.Deadline, "2026-03-11 18:00")
	w.do("pass_review", RoleDepartment, "2026-03-06 10:00", Inputs{})
	if e := w.do("decide", RoleLeader, "2026-03-11 17:00", Inputs{Reason: "准予许可"}); !*e.OnTime {
		t.Error("decision before the moved deadline is on time")
	}
	if st := m.Status(&w.c, at("2026-03-11 17:00"), DefaultTimerPolicy().Thresholds); st.Public != "open" {
		t.Errorf("public status %q", st.Public)
	}
	w.do("publish", RoleSystem, "2026-03-11 17:30", Inputs{})
	if st := m.Status(&w.c, at("2026-03-12 09:00"), DefaultTimerPolicy().Thresholds); st.Public != "closed" || !w.c.Facts.ClosedOnTime {
		t.Errorf("published: %+v %+v", st, w.c.Facts)
	}
}

// Open311 mapping (§2.5): every resident-flow state maps to open or closed.
func TestResidentPublicStatus(t *testing.T) {
	m := seedMachine(t, "resident")
	for _, s := range m.Flow.States {
		want := "open"
		if s.Final {
			want = "closed"
		}
		if s.Public != want {
			t.Errorf("state %s public %q, want %q", s.Name, s.Public, want)
		}
	}
}

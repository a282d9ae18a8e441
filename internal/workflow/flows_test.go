package workflow

import (
	"testing"
	"time"

	"towngrid/internal/calendar"
)

type step struct {
	action string
	role   Role
	in     Inputs
}

// Every seeded kind of work order runs end to end on the same machine: kinds
// are data, not engines. Each path ends in the named final state.
func TestSeededFlowsHappyPaths(t *testing.T) {
	ph := Inputs{Photos: []string{"a.jpg"}}
	why := Inputs{Reason: "r"}
	cases := []struct {
		flow, source string
		opener       Role
		steps        []step
		final        string
		selfHandled  bool
	}{
		{"citycase", SourceGridWorker, RoleGridWorker, []step{
			{"self_handle", RoleGridWorker, ph}, {"approve_self", RoleShiftLead, Inputs{Category: "E0503"}}}, "closed", true},
		{"resident", SourceOpen311, RoleResident, []step{
			{"request_verify", RoleSystem, Inputs{}}, {"verify", RoleGridWorker, ph},
			{"register", RoleIntake, Inputs{Category: "E0501"}}, {"dispatch", RoleDispatcher, Inputs{Department: "cg"}},
			{"feedback", RoleDepartment, ph}, {"check_ok", RoleGridWorker, ph}, {"close", RoleShiftLead, Inputs{}}}, "closed", false},
		{"alarm", SourceAlarm, RoleSystem, []step{
			{"request_verify", RoleSystem, Inputs{}}, {"verify", RoleGridWorker, ph},
			{"register", RoleShiftLead, Inputs{Category: "E0601"}}, {"dispatch", RoleDispatcher, Inputs{Department: "eco"}},
			{"urge", RoleSystem, Inputs{}}, {"feedback", RoleDepartment, ph}, {"check_fail", RoleGridWorker, Inputs{Photos: []string{"b"}, Reason: "仍超标"}},
			{"close_special", RoleLeader, why}}, "closed", false},
		{"demand", SourceEnterprise, RoleEnterprise, []step{
			{"accept", RoleButler, Inputs{Category: "financing", Limit: &calendar.Limit{Value: 5, Unit: calendar.WorkDays}}},
			{"assign", RoleButler, Inputs{Department: "finance"}}, {"answer", RoleDepartment, why},
			{"reopen", RoleEnterprise, why}, {"answer", RoleDepartment, why}, {"confirm", RoleEnterprise, Inputs{}}}, "closed", false},
		{"action_item", SourceMeeting, RoleCommittee, []step{
			{"assign", RoleCommittee, Inputs{Department: "street", Limit: &calendar.Limit{Value: 10, Unit: calendar.WorkDays}}},
			{"supervise", RoleAuditor, why}, {"report", RoleDepartment, why}, {"accept_done", RoleLeader, Inputs{}}}, "done", false},
		{"approval", SourceResident, RoleResident, []step{
			{"refuse", RoleIntake, why}}, "refused", false},
	}
	for _, tc := range cases {
		m := seedMachine(t, tc.flow)
		now := at("2026-03-02 09:00")
		c, _, err := m.Open("x", tc.source, "g", "u", []Role{tc.opener}, now)
		if err != nil {
			t.Fatalf("%s open: %v", tc.flow, err)
		}
		for _, s := range tc.steps {
			now = now.Add(10 * time.Minute)
			if c, _, err = m.Apply(c, Request{Action: s.action, Roles: []Role{s.role}, At: now, Inputs: s.in}); err != nil {
				t.Fatalf("%s %s: %v", tc.flow, s.action, err)
			}
		}
		if c.State != tc.final || c.Facts.SelfHandled != tc.selfHandled {
			t.Errorf("%s ended in %s (self %v), want %s", tc.flow, c.State, c.Facts.SelfHandled, tc.final)
		}
		if st, _ := m.Flow.State(c.State); st.Stage == StageClosed && (!c.Facts.Closed || c.Facts.Closure == "") {
			t.Errorf("%s: closed without closure facts %+v", tc.flow, c.Facts)
		}
	}
}

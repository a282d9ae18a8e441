package workflow

import (
	"errors"
	"testing"
)

// A resident's 不满意 at the 回访 reopens a closed case: it leaves the 结案
// counts, goes back to 派遣, and must be disposed of again. A void case cannot
// be reopened, and a flow cannot declare a reopen out of a void state.
func TestReopenClosedCase(t *testing.T) {
	m := seedMachine(t, "resident")
	c, _, err := m.Open("r1", SourceResident, "44200010520101", "public", []Role{"system"}, at("2025-09-29 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	w := &walker{t: t, m: m, c: c}
	w.do("request_verify", "system", "2025-09-29 09:05", Inputs{})
	w.do("verify", "grid_worker", "2025-09-29 09:20", Inputs{Photos: []string{"p1"}})
	w.do("register", "intake", "2025-09-29 09:30", Inputs{Category: "E0102"})
	w.do("dispatch", "dispatcher", "2025-09-29 09:40", Inputs{Department: "hw"})
	w.do("close_special", "shift_lead", "2025-09-29 10:00", Inputs{Reason: "已清运"})
	if !w.c.Facts.Closed {
		t.Fatal("not counted as closed")
	}
	if _, _, err := m.Apply(w.c, Request{Action: "reopen", Roles: []Role{"system"}, At: at("2025-09-30 09:00")}); !errors.Is(err, ErrMissingInput) {
		t.Fatalf("reopen without a reason: %v", err)
	}
	if _, _, err := m.Apply(w.c, Request{Action: "reopen", Roles: []Role{"grid_worker"}, At: at("2025-09-30 09:00"), Inputs: Inputs{Reason: "x"}}); !errors.Is(err, ErrRoleNotAllowed) {
		t.Fatalf("reopen by a grid worker: %v", err)
	}
	w.do("reopen", "system", "2025-09-30 09:00", Inputs{Reason: "回访不满意：垃圾又出现了"})
	if w.c.State != "pending_dispatch" || w.c.Facts.Closed || w.c.Facts.Closure != "" || w.c.Facts.Disposed {
		t.Fatalf("after reopen: state %s facts %+v", w.c.State, w.c.Facts)
	}
	w.do("dispatch", "dispatcher", "2025-09-30 09:10", Inputs{Department: "hw"})
	if w.c.State != "disposing" {
		t.Fatalf("state %s", w.c.State)
	}

	v := seedMachine(t, "resident")
	c2, _, _ := v.Open("r2", SourceResident, "44200010520101", "public", []Role{"system"}, at("2025-09-29 09:00"))
	c2, _, err = v.Apply(c2, Request{Action: "void", Roles: []Role{"intake"}, At: at("2025-09-29 09:10"), Inputs: Inputs{Reason: "重复"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.Apply(c2, Request{Action: "reopen", Roles: []Role{"system"}, At: at("2025-09-29 10:00"), Inputs: Inputs{Reason: "x"}}); err == nil {
		t.Fatal("a void case was reopened")
	}
	f := *v.Flow
	f.Actions = append([]Action{}, f.Actions...)
	f.Actions = append(f.Actions, Action{Name: "unvoid", From: []string{"void"}, To: "pending_dispatch", Roles: []Role{"system"}, Reopen: true})
	if err := f.Validate(); err == nil {
		t.Fatal("a flow reopening a void state validated")
	}
}

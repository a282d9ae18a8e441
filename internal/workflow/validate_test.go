package workflow

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"towngrid/internal/calendar"
)

const tinyFlow = `{"id":"t","kind":"t","version":1,"initial":"a","openers":["resident"],
 "states":[{"name":"a","stage":"intake"},{"name":"b","stage":"dispose","clock":true},{"name":"z","stage":"closed","final":true}],
 "actions":[{"name":"go","from":["a"],"to":"b","roles":["intake"],"clock":"start"},
            {"name":"done","from":["b"],"to":"z","roles":["department"],"clock":"stop","close":true}]}`

func TestValidateAcceptsTinyFlow(t *testing.T) {
	f, err := ParseFlow([]byte(tinyFlow))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Available("a", []Role{RoleIntake}); len(got) != 1 || got[0] != "go" {
		t.Errorf("available from a: %v", got)
	}
}

// Each mutation breaks the tiny flow in one way that Validate must name.
func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name, detail string
		mutate       func(f *Flow)
	}{
		{"unknown target", "unknown target", func(f *Flow) { f.Actions[0].To = "nowhere" }},
		{"unknown from", "unknown from", func(f *Flow) { f.Actions[0].From = []string{"ghost"} }},
		{"unreachable", "unreachable", func(f *Flow) {
			f.States = append(f.States, State{Name: "island", Stage: StageCheck})
			f.Actions = append(f.Actions, Action{Name: "leave", From: []string{"island"}, To: "z", Roles: []Role{RoleAdmin}})
		}},
		{"dead end", "no exit", func(f *Flow) {
			f.States = append(f.States, State{Name: "trap", Stage: StageCheck})
			f.Actions = append(f.Actions, Action{Name: "in", From: []string{"a"}, To: "trap", Roles: []Role{RoleAdmin}})
		}},
		{"unknown role", "unknown role", func(f *Flow) { f.Actions[0].Roles = []Role{"wizard"} }},
		{"unknown input", "unknown input", func(f *Flow) { f.Actions[0].Requires = []Input{"blood"} }},
		{"duplicate state", "duplicate state", func(f *Flow) { f.States[1].Name = "a" }},
		{"duplicate action", "duplicate", func(f *Flow) { f.Actions[1].Name = "go" }},
		{"clock in final", "final", func(f *Flow) { f.States[2].Clock = true }},
		{"final flag vs stage", "final", func(f *Flow) { f.States[2].Final = false }},
		{"leaving a final state", "leaves final", func(f *Flow) { f.Actions[1].From = []string{"b", "z"} }},
		{"clock effect disagrees", "clock effect", func(f *Flow) { f.Actions[0].Clock = ClockNone }},
		{"stop into a clock state", "clock effect", func(f *Flow) { f.Actions[0].Clock = ClockStop }},
		{"unknown initial", "initial", func(f *Flow) { f.Initial = "q" }},
		{"no openers", "open", func(f *Flow) { f.Openers = nil }},
		{"unknown stage", "stage", func(f *Flow) { f.States[0].Stage = "limbo" }},
		{"bad limit", "limit", func(f *Flow) { f.States[0].Limit = &tinyLimit }},
		{"extension without input", "extension", func(f *Flow) { f.Actions[0].Extension = true }},
		{"closure on a non-closing action", "closure", func(f *Flow) { f.Actions[0].Closure = ClosureSpecial }},
		{"no version", "version", func(f *Flow) { f.Version = 0 }},
	}
	for _, tc := range cases {
		var f Flow
		if err := json.Unmarshal([]byte(tinyFlow), &f); err != nil {
			t.Fatal(err)
		}
		tc.mutate(&f)
		err := f.Validate()
		if !errors.Is(err, ErrFlowInvalid) || !strings.Contains(err.Error(), tc.detail) {
			t.Errorf("%s: got %v, want %s mentioning %q", tc.name, err, ErrFlowInvalid.Code, tc.detail)
		}
	}
}

var tinyLimit = calendar.Limit{Value: 0, Unit: calendar.WorkMinutes}
